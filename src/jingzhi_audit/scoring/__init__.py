"""Scoring: the per-pack plan and the pure engine (pack, evidence) → result."""

from .engine import score

__all__ = ["score"]
