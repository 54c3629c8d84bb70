"""Where review files are: their names, and the one beside an evidence file (no heavy imports:
``audit score`` and ``audit batch`` look for a review on every run)."""

from __future__ import annotations

from pathlib import Path

REVIEW_SUFFIXES = (".review.yaml", ".review.yml", ".review.xlsx")


def is_review_path(name: str) -> bool:
    """Whether a file name is a review file's (``*.review.yaml``, ``*.review.xlsx``)."""
    return name.lower().endswith(REVIEW_SUFFIXES)


def find_review(evidence_path: Path) -> Path | None:
    """``<name>.review.yaml`` (or ``.review.yml``, ``.review.xlsx``) beside an evidence file."""
    stem = evidence_path.name.rsplit(".", 1)[0]
    for suffix in REVIEW_SUFFIXES:
        candidate = evidence_path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None
