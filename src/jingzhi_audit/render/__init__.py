"""Renderers: they format result objects and never compute a figure."""
