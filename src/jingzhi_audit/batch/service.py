"""The batch job from folder to summary files (no printing: the CLI shows progress and the view)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..evidence.formats import refusal
from ..files import display_path, write_atomic
from ..pack import Pack
from ..result import RatingBand
from ..result.district import CommunityRow, DistrictSummary, FailedFile, SkippedFile
from .runner import BatchOptions, Outcome, Task, discover, run, tasks_for, unsupported
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
        skipped = skipped_files(options)
        message = "文件夹中没有找到证据文件（*.yaml、*.xlsx 或 *.ods）"
        if skipped:
            message += f"；以下 {len(skipped)} 个文件的格式不支持：" + "；".join(f"{s.path}（{s.reason}）" for s in skipped[:5])
        raise InputError([Problem(display_path(options.source), None, None, message)])
    return tasks


def skipped_files(options: BatchOptions) -> list[SkippedFile]:
    """Files of the district folder left out for their format, each with what to do."""
    return [SkippedFile(path=path.relative_to(options.source).as_posix(), reason=refusal(path) or "")
            for path in unsupported(options.source, options.out)]


def run_batch(options: BatchOptions, tasks: list[Task],
              on_outcome: Callable[[Outcome], None] | None = None) -> BatchReport:
    """Grade ``tasks`` and write the district summary files."""
    from .lock import batch_lock

    with batch_lock(options.out):
        return _run_locked(options, tasks, on_outcome)


def _run_locked(options: BatchOptions, tasks: list[Task],
                on_outcome: Callable[[Outcome], None] | None) -> BatchReport:
    from ..cycle.district import DistrictRecorder

    recorder = DistrictRecorder(options.archive, options.out)

    def finished(outcome: Outcome) -> None:
        if outcome.row is not None:  # recorded in the parent, one transaction per community
            recorder.add(outcome.task.path, outcome.task.rel, outcome.row.name, outcome.row.outputs, outcome.entry)
        if on_outcome:
            on_outcome(outcome)

    try:
        result = run(options, tasks, finished)
        rows, failed = _one_pack(result.rows, result.failed)
        changes = recorder.district({r.path for r in rows})
    finally:
        recorder.close()
    pack = result.packs.get(rows[0].pack) if rows else next(iter(result.packs.values()), None)
    summary = summarize(
        rows, failed, source=display_path(options.source),
        pack=pack.id if pack else (options.standard or ""), pack_title=pack.meta.title if pack else "",
        bands=_bands(pack), generated_at=options.generated_at,
        titles={cid: clause.title for cid, (_, _, clause) in pack.index.items()} if pack is not None else None,
    ).model_copy(update={"unsupported": skipped_files(options), "cycle": changes})
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


def write_summary(summary: DistrictSummary, out: Path, *, pdf: bool) -> list[Path]:
    """Write ``summary.<suffix>`` for every district format (the PDF only with ``pdf``), atomically."""
    from ..render.registry import DISTRICT_FORMATS

    written = []
    for name, renderer in DISTRICT_FORMATS.items():
        if name == "pdf" and not pdf:
            continue
        path = out / f"summary{renderer.suffix}"
        write_atomic(path, renderer.render(summary))
        written.append(path)
    return written
