"""The district's view of the reviews (复核): states, who overrates itself, what has lapsed.

Pure (rows in, summary fields out); kept apart from ``batch.summary`` so that the review columns
stay one block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..result.district import CommunityRow, Overrating

OVERRATED = 10  # the district's largest self-vs-review differences shown


def review_summary(rows: Sequence[CommunityRow]) -> dict[str, object]:
    """``reviews``, ``overrated``, ``lapsed_reviews`` and ``expired_na`` of the district summary."""
    states = Counter(row.review.state if row.review is not None else "none" for row in rows)
    reviewed = [row for row in rows if row.review is not None and row.review.state != "none"]
    reviewed.sort(key=lambda r: (-r.review.difference if r.review else 0, r.name, r.path))
    overrated = [Overrating(name=r.name, path=r.path, self_total_text=r.total_text,
                            reviewed_total_text=r.review.total_text, difference=r.review.difference,
                            state=r.review.state)
                 for r in reviewed if r.review is not None and r.review.difference > 0][:OVERRATED]
    return {
        "reviews": {state: states.get(state, 0) for state in ("valid", "lapsed", "none")},
        "overrated": overrated,
        "lapsed_reviews": [r.name for r in rows if r.review is not None and r.review.state == "lapsed"],
        "expired_na": [r.name for r in rows if r.expired_na],
    }
