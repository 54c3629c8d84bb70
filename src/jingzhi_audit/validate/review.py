"""``audit validate community.review.yaml``: a review file checked like every other file.

A plain function (no registration on import): ``validate.targets`` calls it before the evidence
validator, since a review file is YAML too; it returns None for a file that is not a review.
"""

from __future__ import annotations

from pathlib import Path

from ..result.validation import TargetReport
from ..review.locate import is_review_path


def validate_review(path: Path) -> TargetReport | None:
    """Check a review file against its evidence file and pack; None when ``path`` is not a review."""
    if not is_review_path(path.name):
        return None
    from ..errors import InputError
    from ..files import display_path
    from ..review.apply import lapse_reasons
    from ..review.load import describe, load_review

    name = display_path(path)
    try:
        source, pack, evidence = load_review(path)
    except InputError as exc:
        return TargetReport(name, "review", list(exc.problems))
    counts = describe(source)
    summary = (f"复核文件（{source.data.evidence}，规则包 {pack.id}）：已复核 {counts['reviewed']}/{len(pack.index)} 条，"
               f"不同意 {counts['disagree']} 条" + ("，已签署" if counts["sealed"] else "，未签署"))
    reasons = lapse_reasons(evidence, source.data)
    if reasons:
        summary += "；复核已失效：" + "；".join(reasons)
    report = TargetReport(name, "review", summary=summary, files=[name])
    report.details = {"pack": pack.id, **counts, "lapsed": bool(reasons)}
    return report
