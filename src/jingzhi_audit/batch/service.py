"""The batch job from folder to summary files (no printing: the CLI shows progress and the view)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..files import display_path
from ..pack import Pack
from ..result import RatingBand
from ..result.district import CommunityRow, DistrictSummary, FailedFile
from .runner import BatchOptions, Outcome, Task, discover, run, tasks_for
from .summary import summarize


@dataclass
class BatchReport:
    summary: DistrictSummary
    written: list[Path]
    graded: int  # graded in this run (the rest were up to date)
    skipped: int


def plan(options: BatchOptions) -> list[Task]:
    """The tasks of a run (known before it starts, for the progress bar's total)."""
    from .lock import check_folder

    if options.source.is_dir():
        check_folder(options.out, options.source, options.force)
    tasks = tasks_for(discover(options.source, options.out), options.source, options.out)
    if not tasks:
        raise InputError([Problem(display_path(options.source), None, None, "文件夹中没有找到证据文件（*.yaml 或 *.xlsx）")])
    return tasks


def run_batch(options: BatchOptions, tasks: list[Task],
              on_outcome: Callable[[Outcome], None] | None = None) -> BatchReport:
    from .lock import batch_lock

    with batch_lock(options.out):
        return _run_locked(options, tasks, on_outcome)


def _run_locked(options: BatchOptions, tasks: list[Task],
                on_outcome: Callable[[Outcome], None] | None) -> BatchReport:
    result = run(options, tasks, on_outcome)
    rows, failed = _one_pack(result.rows, result.failed)
    pack = result.packs.get(rows[0].pack) if rows else next(iter(result.packs.values()), None)
    summary = summarize(
        rows, failed, source=display_path(options.source),
        pack=pack.id if pack else (options.standard or ""), pack_title=pack.meta.title if pack else "",
        bands=_bands(pack), generated_at=options.generated_at,
    )
    from ..render.district_tables import write_summary

    written = write_summary(summary, options.out, pdf=options.pdf)
    graded = sum(1 for o in result.outcomes if not o.skipped)
    return BatchReport(summary=summary, written=written, graded=graded, skipped=len(result.outcomes) - graded)


def _one_pack(rows: list[CommunityRow], failed: list[FailedFile]) -> tuple[list[CommunityRow], list[FailedFile]]:
    """A district is graded against one pack: files of another pack are listed apart as failures."""
    if not rows:
        return rows, failed
    main, _ = Counter(r.pack for r in rows).most_common(1)[0]
    keep = [r for r in rows if r.pack == main]
    other = [FailedFile(path=r.path, errors=[f"使用规则包 {r.pack}，与本区其他证据文件（{main}）不同，未计入汇总；"
                                             "如需统一，请用 --standard 指定规则包"])
             for r in rows if r.pack != main]
    return keep, failed + other


def _bands(pack: Pack | None) -> list[RatingBand]:
    from ..scoring.plan import pack_info

    return pack_info(pack).ratings if pack is not None else []
