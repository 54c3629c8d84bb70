"""The review (复核) columns and lists of the district summary, for every district renderer.

One block, so that the CSV/XLSX columns, the terminal lines and the PDF table say the same.
"""

from __future__ import annotations

from typing import Any

from ..result import FLAG_LABELS, REVIEW_STATE_LABELS
from ..result.district import CommunityRow, DistrictSummary

REVIEW_HEADER = ["复核状态", "复核人", "复核后总分", "复核后等级", "自评 − 复核", "不同意条款数", FLAG_LABELS["na_expired"]]
REVIEW_WIDTHS = [12, 10, 11, 11, 11, 12, 12]


def review_cells(row: CommunityRow) -> list[Any]:
    """The review columns of one community's ranking row."""
    rv = row.review
    if rv is None:
        return [REVIEW_STATE_LABELS["none"], "", "", "", "", "", row.expired_na]
    return [REVIEW_STATE_LABELS[rv.state], rv.reviewer or "", rv.total, rv.rating, rv.difference, rv.disagreements,
            row.expired_na]


def review_attention(summary: DistrictSummary) -> list[list[str]]:
    """需关注的社区 rows: lapsed reviews and expired N/A."""
    return ([[REVIEW_STATE_LABELS["lapsed"], name] for name in summary.lapsed_reviews]
            + [[FLAG_LABELS["na_expired"], name] for name in summary.expired_na])


def overrated_rows(summary: DistrictSummary) -> list[list[Any]]:
    """The district's largest self-vs-review differences (communities that overrate themselves)."""
    return [[o.name, o.path, o.self_total_text, o.reviewed_total_text, o.difference, REVIEW_STATE_LABELS[o.state]]
            for o in summary.overrated]


def review_lines(summary: DistrictSummary) -> list[str]:
    """The terminal's review lines."""
    counts = summary.reviews
    if not counts or counts.get("valid", 0) + counts.get("lapsed", 0) == 0:
        lines = []
    else:
        lines = [f"复核：有效 {counts.get('valid', 0)}，已失效 {counts.get('lapsed', 0)}，未复核 {counts.get('none', 0)}"]
    if summary.overrated:
        lines.append("自评偏高（自评 − 复核）：" + "、".join(
            f"{o.name} {o.self_total_text}→{o.reviewed_total_text}（{o.difference:+.1f}）" for o in summary.overrated))
    for title, names in ((REVIEW_STATE_LABELS["lapsed"], summary.lapsed_reviews),
                         (FLAG_LABELS["na_expired"], summary.expired_na)):
        if names:
            lines.append(f"{title}（{len(names)}）：{'、'.join(names[:20])}" + (f" 等 {len(names)} 个" if len(names) > 20 else ""))
    return lines
