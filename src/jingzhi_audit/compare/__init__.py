"""Cross-standard grading: crosswalks between packs, and ``audit compare``."""
