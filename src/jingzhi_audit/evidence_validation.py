"""Registers evidence-file validation with ``audit validate`` (filled in by the evidence loader)."""
