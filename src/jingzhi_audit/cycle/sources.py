"""Where the two sides of ``audit diff`` come from: result JSONs, evidence files, or the archive.

Also the comparison of results of different packs, through the packs' crosswalk: each current
clause is compared with its closest counterpart (``CLOSENESS``); without a crosswalk the diff is refused.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import AuditError, InputError, PackError
from ..result import Result
from .diff import Diff, diff, refusal

RESULT_SUFFIXES = (".json",)


def load_side(path: Path, *, standard: str | None = None) -> Result:
    """A saved result JSON as it is, or an evidence file (YAML/Excel) graded now."""
    from ..evidence.formats import EVIDENCE_SUFFIXES
    from ..files import display_path
    if not path.is_file():
        raise AuditError(f"{display_path(path)}: 文件不存在")
    suffix = path.suffix.lower()
    if suffix in RESULT_SUFFIXES:
        from ..result.load import load_result
        return load_result(path)
    if suffix in EVIDENCE_SUFFIXES:
        from ..clock import now_iso
        from ..evidence.loader import load_evidence
        from ..scoring import score

        pack, evidence = load_evidence(path, standard=standard)
        return score(pack, evidence, generated_at=now_iso())
    raise AuditError(f"{display_path(path)}: 应为结果 JSON（audit score -f json 保存）或证据文件（.yaml、.xlsx）")


# How closely a previous clause stands for a current one: the same requirement, one that asks more
# (meeting it meets the current one), an overlap, one that asks less.
CLOSENESS = {"equal": 0, "superset": 1, "intersect": 2, "subset": 3}


def crosswalk_mapping(previous: Result, current: Result) -> dict[str, str]:
    """Current clause → its closest previous clause through the two packs' crosswalk."""
    from ..compare.crosswalk import crosswalks_for
    from ..pack import load_pack, resolve_pack

    try:
        before = load_pack(resolve_pack(previous.pack.id), cached=True)
        after = load_pack(resolve_pack(current.pack.id), cached=True)
        links = crosswalks_for(before, after)
    except (PackError, InputError):
        links = []
    mapping: dict[str, str] = {}
    rank: dict[str, int] = {}
    for link in links:  # each current clause takes its closest counterpart
        closeness = CLOSENESS[link.relation]
        if closeness < rank.get(link.target, len(CLOSENESS)):
            mapping[link.target], rank[link.target] = link.source, closeness
    if not mapping:
        raise AuditError(refusal(previous.pack.id, current.pack.id))
    return mapping


def compare_results(previous: Result, current: Result) -> Diff:
    """``diff`` of two results, through the crosswalk when their packs differ."""
    if previous.pack.id == current.pack.id:
        return diff(previous, current)
    mapping = crosswalk_mapping(previous, current)
    return diff(previous, current, lambda _p, _c: mapping)
