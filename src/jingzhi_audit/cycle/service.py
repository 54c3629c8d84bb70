"""One function per cycle command, called by the CLI: diff, history, plan, and recording a score."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiveError, AuditError
from ..result import Result
from .diff import Diff
from .plan_check import PlanCheck
from .queries import AssessmentRow, CommunityHistory, DistrictHistory
from .trend import Comparison


@dataclass(frozen=True)
class DiffOutcome:
    diff: Diff
    plan: PlanCheck | None
    warnings: list[str]

    def as_json(self) -> str:
        """The diff's JSON (keys previous, current, total_change, categories, fixed, …), plus ``plan``."""
        import json

        data = self.diff.model_dump(mode="json")
        if self.plan is not None:
            data["plan"] = self.plan.model_dump(mode="json")
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def diff_command(sides: list[Path], *, archive: str | None = None, community: str | None = None,
                 standard: str | None = None, plan: Path | None = None) -> DiffOutcome:
    """``audit diff``: two result JSONs or evidence files, or two assessments of the archive."""
    from .sources import compare_results, load_side

    if archive is not None:
        previous, current = _archived_pair(archive, community, [str(s) for s in sides])
    else:
        if community is not None:
            raise AuditError("--community 需要与 --archive 一起使用")
        if len(sides) != 2:
            raise AuditError("请给出两个结果 JSON 或证据文件（上次 本次），或用 --archive 归档 --community 社区")
        previous, current = load_side(sides[0], standard=standard), load_side(sides[1], standard=standard)
    warnings = []
    from .store import entry_from_result

    if entry_from_result(previous).identity != entry_from_result(current).identity:
        warnings.append(f"两份结果不是同一个社区（上次「{previous.community.name}」，本次「{current.community.name}」）")
    if previous.evidence.sha256 == current.evidence.sha256 and previous.pack.sha256 == current.pack.sha256:
        warnings.append("两次评估的证据文件与规则包完全相同，没有变化可比较")
    change = compare_results(previous, current)
    checked = None
    if plan is not None:
        from .ledger import read_ledger
        from .plan_check import check_plan

        ledger = read_ledger(plan)
        made_from = ledger.source.get("evidence_sha256")
        if made_from and made_from not in (previous.evidence.sha256, current.evidence.sha256):
            warnings.append(f"整改台账 {ledger.path} 不是由上次评估生成的（证据文件不同），仍按条款编号核对")
        checked = check_plan(ledger, current)
    return DiffOutcome(change, checked, warnings)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _archived_pair(spec: str, community: str | None, picks: list[str]) -> tuple[Result, Result]:
    from .archive import open_archive
    from .queries import assessments_of, resolve_community, stored_result

    if community is None:
        raise AuditError("使用 --archive 比较时，请用 --community 指定社区（社区代码、归档编号或名称）")
    if len(picks) not in (0, 2):
        raise AuditError("与 --archive 一起时，可以不给参数（比较最近两次），或给出两次评估的编号或日期")
    archive = open_archive(spec, create=False)
    try:
        ref = resolve_community(archive, community)
        with archive.reading() as conn:
            rows = assessments_of(conn, ref.id)
        if not picks:
            if len(rows) < 2:
                raise ArchiveError(f"归档中社区「{ref.name}」只有 {len(rows)} 次评估，至少需要两次才能比较")
            chosen = [rows[-2], rows[-1]]
        else:
            chosen = [_pick(rows, pick, ref.name) for pick in picks]
        return stored_result(archive, chosen[0].id), stored_result(archive, chosen[1].id)
    finally:
        archive.dispose()


def _pick(rows: list[AssessmentRow], pick: str, name: str) -> AssessmentRow:
    if pick.isdigit():
        found = [r for r in rows if r.id == int(pick)]
    elif _DATE.match(pick):
        found = [r for r in rows if r.assessed_on == pick][-1:]
    else:
        raise AuditError(f"「{pick}」既不是评估编号也不是日期（YYYY-MM-DD）")
    if not found:
        raise ArchiveError(f"社区「{name}」在归档中没有评估「{pick}」；用 audit history 查看编号与日期")
    return found[0]


def history_command(spec: str, community: str | None, district: str | None = None
                    ) -> CommunityHistory | DistrictHistory:
    """``audit history``: one community's assessments, or the district's communities."""
    from .archive import open_archive
    from .queries import community_history, district_history, resolve_community

    archive = open_archive(spec, create=False)
    try:
        if community is not None:
            return community_history(archive, resolve_community(archive, community))
        return district_history(archive, district)
    finally:
        archive.dispose()


def plan_command(result_file: Path, output: Path, *, force: bool = False) -> int:
    """``audit plan``: write the ledger of a saved result's gaps; the number of rows."""
    from ..files import protect_user_file, refuse_input, write_bytes_atomic
    from .ledger import ledger_workbook
    from .sources import load_side

    if output.suffix.lower() != ".xlsx":
        raise AuditError("整改台账的输出文件应为 .xlsx，如 -o 整改台账.xlsx")
    refuse_input(output, result_file, what="输入文件")
    protect_user_file(output, force)
    result = load_side(result_file)
    write_bytes_atomic(output, ledger_workbook(result))
    return len(result.gaps)


@dataclass(frozen=True)
class RecordOutcome:
    archive: str
    created: bool
    warnings: list[str]
    history: Comparison | None
    review_updated: bool = False  # the evidence was recorded before; its assessment took this review


def record_command(result: Result, spec: str) -> RecordOutcome:
    """``audit score --archive``: record the result and compare it with the previous assessment."""
    from .archive import open_archive
    from .store import entry_from_result, record
    from .trend import history_for

    archive = open_archive(spec)
    try:
        recorded = record(archive, entry_from_result(result), result.model_dump_json())
        return RecordOutcome(archive.name, recorded.created, recorded.warnings, history_for(archive, result),
                             recorded.review_updated)
    finally:
        archive.dispose()
