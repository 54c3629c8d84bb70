"""``audit batch``: grade every evidence file of a district, in parallel, incrementally, safely.

* One long-lived worker process per core (the pack is loaded once per worker, WeasyPrint warmed
  once); results stream back as they finish, so memory stays flat over the run.
* Every output is written atomically (temporary file, then rename) by the worker that made it,
  and a small sidecar ``<name>.meta.json`` is written last. An interrupted run therefore leaves
  only whole files, and loses only the communities it had not finished.
* The sidecar holds the community's summary row and the key its outputs were made from (evidence
  SHA-256, attachment sizes and times, pack SHA-256, tool version, PDF or not). A re-run skips a
  community whose key is unchanged and whose outputs exist; ``--force`` redoes everything.
* A file that fails to load or validate is a row of the summary with its errors, not a crash.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import AuditError, InputError, Problem
from ..evidence.formats import EVIDENCE_SUFFIXES
from ..evidence.loader import PackMemo, load_evidence
from ..evidence.office import REFUSED
from ..files import display_path, read_bytes, write_bytes_atomic, write_text_atomic
from ..pack import Pack
from ..pack.locate import resolve_pack
from ..result.district import ROW_FORMAT, CommunityRow, FailedFile, row_from_result
from ..review.locate import find_review, is_review_path
from ..review.service import with_review
from ..scoring.engine import score

META_SUFFIX = ".meta.json"
LEDGER_SUFFIX = ".整改台账.xlsx"  # cycle.ledger.ledger_beside
SKIP_DIRS = {"files", "附件"}  # attachment folders: YAML inside them is evidence of a clause, not a community


@dataclass(frozen=True)
class BatchOptions:
    source: Path
    out: Path
    standard: str | None = None
    jobs: int = 1
    pdf: bool = False
    force: bool = False
    generated_at: str = ""
    archive: str | None = None  # URL or path of the archive to record into; None: --no-archive


@dataclass(frozen=True)
class Task:
    path: Path
    rel: str
    stem: Path  # output path without suffix, inside out/communities
    escapes: bool = False  # a symlink out of the district folder: refused, never read

    def output(self, suffix: str) -> Path:
        """``<stem><suffix>``; appended, never replacing: ``社区.2024`` + ``.json`` keeps the ``.2024``."""
        return self.stem.parent / (self.stem.name + suffix)


@dataclass
class Outcome:
    task: Task
    row: CommunityRow | None = None
    failed: FailedFile | None = None
    skipped: bool = False
    pack_folder: str | None = None  # where the row's pack was loaded from
    entry: Any = None  # (cycle.store.Entry, result JSON or None) of a graded row, for the archive


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)
    packs: dict[str, Pack] = field(default_factory=dict)  # pack id → pack, of the graded files

    @property
    def rows(self) -> list[CommunityRow]:
        """The graded communities' rows."""
        return [o.row for o in self.outcomes if o.row is not None]

    @property
    def failed(self) -> list[FailedFile]:
        """The files that could not be graded."""
        return [o.failed for o in self.outcomes if o.failed is not None]


def discover(source: Path, out: Path) -> list[Path]:
    """Evidence files under ``source``: YAML files and Excel workbooks, not in attachment folders,
    not hidden (nor Excel's ``~$`` lock files), not inside the output folder."""
    return _files(source, out, EVIDENCE_SUFFIXES)


def unsupported(source: Path, out: Path) -> list[Path]:
    """Spreadsheets under ``source`` that ``discover`` passes over for their format (``.csv``,
    ``.xls`` …): a person may have meant them as evidence, so the summary lists them."""
    return _files(source, out, tuple(REFUSED))


def _files(source: Path, out: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not source.is_dir():
        raise InputError([_problem(source, "不是文件夹：audit batch 需要一个存放各社区证据文件的文件夹")])
    out_resolved = out.resolve()
    found = []
    for path in sorted(source.rglob("*")):
        if path.suffix.lower() not in suffixes or not path.is_file() or is_review_path(path.name):
            continue  # (a review file is read with the evidence file it reviews)
        rel_parts = path.relative_to(source).parts
        if any(p.startswith((".", "~$")) for p in rel_parts) or any(p in SKIP_DIRS for p in rel_parts[:-1]):
            continue
        try:
            if path.resolve().is_relative_to(out_resolved):
                continue
        except (OSError, RuntimeError):
            pass  # a symlink loop: grading it reports the problem
        if path.name.endswith(LEDGER_SUFFIX):  # a community's 整改台账, not its evidence
            continue
        found.append(path)
    return found


def _problem(path: Path, message: str) -> Problem:
    return Problem(display_path(path), None, None, message)


def tasks_for(paths: list[Path], source: Path, out: Path) -> list[Task]:
    """Outputs are named after the evidence file without its suffix, except where two files would
    share that name (``a.yaml`` beside ``a.xlsx``): those keep their suffix (``a.xlsx.json``)."""
    rels = [path.relative_to(source) for path in paths]
    stems = Counter(rel.with_suffix("") for rel in rels)
    # ``x.meta.yaml``'s outputs would be ``x.meta.json`` — ``x.yaml``'s sidecar: it keeps its suffix too
    sidecars = {stem.with_name(stem.name + ".meta") for stem in stems}
    root = _resolved(source)
    return [
        Task(path=path, rel=rel.as_posix(),
             stem=out / "communities" / (rel.with_suffix("") if stems[rel.with_suffix("")] == 1
                                         and rel.with_suffix("") not in sidecars else rel),
             escapes=path.is_symlink() and not _resolved(path).is_relative_to(root))
        for path, rel in zip(paths, rels, strict=True)
    ]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


# -- the key that decides whether a community must be graded again ------------------------------------
def _sha256(path: Path) -> str:
    from ..evidence.source import EVIDENCE_FILE_LIMIT

    return hashlib.sha256(read_bytes(path, limit=4 * EVIDENCE_FILE_LIMIT)).hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def up_to_date(task: Task, options: BatchOptions,
               pack_sha: Callable[[str], str | None]) -> tuple[CommunityRow, str] | None:
    """The stored row (and its pack folder) when the community's outputs are current, else None."""
    if options.force:
        return None
    try:
        meta = json.loads(read_bytes(task.output(META_SUFFIX), limit=1024 * 1024))
        key = meta["key"]
        if key["tool"] != __version__ or key.get("row_format") != ROW_FORMAT or key["pdf"] < options.pdf or key["evidence"] != _sha256(task.path):
            return None
        if pack_sha(key["pack_folder"]) != key["pack"] or key.get("review") != _review_sha(task.path):
            return None
        folder = task.path.parent
        if any(_stat(folder / name) != stat for name, stat in key["attachments"].items()):
            return None
        outputs = meta["row"]["outputs"]
        if not all((options.out / rel).is_file() for rel in outputs.values()):
            return None
        return CommunityRow.model_validate(meta["row"]), key["pack_folder"]
    except (OSError, KeyError, TypeError, ValueError, InputError):
        return None


def _review_sha(evidence_path: Path) -> str | None:
    review = find_review(evidence_path)
    return _sha256(review) if review is not None else None


# -- the worker ---------------------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(standard: str | None, pdf: bool, out: str, generated_at: str, archive: str | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it terminates the pool
    signal.signal(signal.SIGTERM, _exit_on_term)
    _init_worker_inline(standard, pdf, out, generated_at, archive)
    _WORKER["pool"] = True  # a process of its own: it may tune the garbage collector
    if pdf:
        from ..render.fonts import chinese_font
        from ..render.pdf import _weasyprint

        chinese_font()
        _weasyprint()


def _exit_on_term(signum: int, frame: Any) -> None:
    # Once: a second SIGTERM (the pool's, then multiprocessing's at exit) must not interrupt the
    # clean-up the first one started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(128 + signum)  # unwinds through write_bytes_atomic, which removes its temp file


def grade(task: Task) -> Outcome:
    """Grade one community and write its outputs (runs in a worker process)."""
    state = _WORKER
    out: Path = state["out"]
    try:
        if task.escapes:
            raise InputError([_problem(task.path, "是指向证据文件夹之外的符号链接，未读取")])
        pack, evidence = load_evidence(task.path, standard=state["standard"], pack_loader=state["memo"])
    except AuditError as exc:
        _remove_outputs(task)
        errors = [str(p) for p in exc.problems][:20] if isinstance(exc, InputError) else [exc.message]
        return Outcome(task, failed=FailedFile(path=task.rel, errors=errors))
    except Exception as exc:  # a bug must still come back as this community's error
        _remove_outputs(task)
        return Outcome(task, failed=FailedFile(path=task.rel, errors=[f"内部错误：{type(exc).__name__}: {exc}"]))
    try:
        review = find_review(task.path)  # <name>.review.yaml beside the evidence file
        try:
            result = with_review(pack, evidence, score(pack, evidence, generated_at=state["generated_at"]), review,
                                 generated_at=state["generated_at"])
        except AuditError as exc:
            _remove_outputs(task)
            return Outcome(task, failed=FailedFile(path=task.rel, errors=exc.message.splitlines()[:20]))
        json_path = task.output(".json")
        text = result.model_dump_json()
        write_text_atomic(json_path, text + "\n")
        outputs = {"json": json_path.relative_to(out).as_posix()}
        if state["pdf"]:
            from ..render.pdf import render_pdf

            pdf_path = task.output(".pdf")
            write_bytes_atomic(pdf_path, render_pdf(result, _history(result)))
            if state.get("pool") and not state.get("warm"):  # a worker's first report: fonts and caches loaded
                from ..render.pdf import keep_warm

                keep_warm()
                state["warm"] = True
            outputs["pdf"] = pdf_path.relative_to(out).as_posix()
        row = row_from_result(result, task.rel, outputs)
        key: dict[str, Any] = {
            "tool": __version__, "row_format": ROW_FORMAT, "pdf": bool(state["pdf"]), "evidence": evidence.sha256,
            "pack": pack.sha256, "pack_folder": str(pack.folder.resolve()),
            # size and time as they were when the digest was taken: a file changed afterwards is
            # graded again next time, never kept with its old digest
            "attachments": {a.label: [a.size, a.mtime_ns] if a.exists else None
                            for a in evidence.attachments.values() if a.kind == "file"},
            "review": _review_sha(task.path),
        }
        meta = {"key": key, "row": row.model_dump(mode="json")}
        write_text_atomic(task.output(META_SUFFIX), json.dumps(meta, ensure_ascii=False) + "\n")
        from ..cycle.store import entry_from_result

        # the parent records it in the archive: the compact entry, and the JSON text it stores
        entry = (entry_from_result(result), text if state.get("archive") else None)
        return Outcome(task, row=row, pack_folder=key["pack_folder"], entry=entry)
    except AuditError as exc:  # an output that cannot be written (a read-only folder …)
        _remove_outputs(task)
        return Outcome(task, failed=FailedFile(path=task.rel, errors=[exc.message]))
    except Exception as exc:  # one community's failure must not stop a district
        _remove_outputs(task)
        return Outcome(task, failed=FailedFile(path=task.rel, errors=[f"内部错误：{type(exc).__name__}: {exc}"]))


def _history(result: Any) -> Any:
    """The report's 「与上次评估相比」 from the archive (read only; the parent records)."""
    if not _WORKER.get("archive"):
        return None
    from ..cycle.archive import open_archive
    from ..cycle.trend import history_for

    if "archive_handle" not in _WORKER:
        _WORKER["archive_handle"] = open_archive(_WORKER["archive"])
    return history_for(_WORKER["archive_handle"], result)


def _remove_outputs(task: Task) -> None:
    """A community that now fails has no current outputs: remove the previous run's."""
    for suffix in (".json", ".pdf", META_SUFFIX):
        with contextlib.suppress(OSError):  # a read-only folder: the failure itself is what is reported
            task.output(suffix).unlink(missing_ok=True)


# -- the run ------------------------------------------------------------------------------------------
def clean_temporaries(out: Path) -> int:
    """Remove temporary files a killed run left behind (``.<name>.<random>.tmp``)."""
    removed = 0
    if out.is_dir():
        for tmp in out.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def run(options: BatchOptions, tasks: list[Task], on_outcome: Callable[[Outcome], None] | None = None) -> BatchResult:
    """Grade ``tasks``; call ``on_outcome`` as each finishes (skipped ones first)."""
    clean_temporaries(options.out)
    memo = PackMemo()
    folders: dict[str, str | None] = {}

    def pack_sha(folder: str) -> str | None:
        if folder not in folders:
            try:
                folders[folder] = memo(Path(folder)).sha256
            except InputError:
                folders[folder] = None
        return folders[folder]

    result = BatchResult()
    todo: list[Task] = []
    for task in tasks:
        current = up_to_date(task, options, pack_sha)
        if current is None:
            todo.append(task)
            continue
        outcome = Outcome(task, row=current[0], skipped=True, pack_folder=current[1])
        result.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    for outcome in _grade_all(options, todo):
        result.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    for outcome in result.outcomes:
        if outcome.row is not None and outcome.pack_folder and outcome.row.pack not in result.packs:
            result.packs[outcome.row.pack] = memo(Path(outcome.pack_folder))
    if not result.packs and options.standard is not None:
        pack = memo(resolve_pack(options.standard))
        result.packs[pack.id] = pack
    return result


def _grade_all(options: BatchOptions, todo: list[Task]) -> Iterator[Outcome]:
    if not todo:
        return
    initargs = (options.standard, options.pdf, str(options.out), options.generated_at, options.archive)
    if options.jobs <= 1 or len(todo) == 1:
        saved = dict(_WORKER)
        _init_worker_inline(*initargs)
        try:
            for task in todo:
                yield grade(task)
        finally:
            _WORKER.clear()
            _WORKER.update(saved)
        return
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = context.Pool(processes=min(options.jobs, len(todo)), initializer=_init_worker, initargs=initargs)
    # SIGTERM (kill, a service manager stopping us) must shut down as Ctrl-C does: terminate the
    # pool so that every worker removes its temporary file, instead of dying with them half-written.
    previous = signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        chunk = 1 if options.pdf else max(1, min(8, len(todo) // (options.jobs * 8)))
        yield from pool.imap_unordered(grade, todo, chunksize=chunk)
        pool.close()
    except BaseException:
        pool.terminate()  # SIGTERM to the workers: each removes its temporary file on the way out
        raise
    finally:
        pool.join()
        signal.signal(signal.SIGTERM, previous)


def _init_worker_inline(standard: str | None, pdf: bool, out: str, generated_at: str,
                        archive: str | None = None) -> None:
    """In-process grading (``--jobs 1``): the same state as a worker, without touching signals."""
    _WORKER.update(memo=PackMemo(), standard=standard, pdf=pdf, out=Path(out), generated_at=generated_at,
                   archive=archive)


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
