"""The library's front door: one function per command, used by the CLI and by anyone scripting the
tool. Each returns data (or writes the files the command is for) and raises ``AuditError``
subclasses; none prints, none exits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clock import now_iso
from .errors import AuditError, OutputError, UsageError
from .evidence.loader import PackLoader, cached_pack, load_evidence
from .files import (
    protect_user_file,
    refuse_input,
    refuse_overwrite,
    write_atomic,
    write_text_atomic,
)
from .pack import Pack, load_pack, resolve_pack
from .result import Result

if TYPE_CHECKING:
    from .batch.runner import BatchOptions, Outcome, Task
    from .batch.service import BatchReport
    from .compare.engine import Comparison
    from .result.validation import TargetReport

__all__ = ["assess", "now_iso"]
DEFAULT_STANDARD = "jingzhi-2022"


# -- writing what a command made -------------------------------------------------------------------
def save(data: str | bytes, output: Path, *, source: Path | None = None, what: str = "输入文件",
         force: bool | None = None) -> None:
    """Write a command's output atomically: never over its input, never over a person's file.

    ``force`` is the command's --force: without it, no existing file is replaced; ``None`` where the
    command offers none (then only a person's own kinds of file are protected)."""
    if source is not None:
        refuse_input(output, source, what=what)
    protect_user_file(output, force)
    if force is not None:
        refuse_overwrite(output, force, what="输出文件")
    write_atomic(output, data)


# -- validate, schema, show ------------------------------------------------------------------------
def validate(paths: Sequence[Path], *, changed: bool = False) -> list[TargetReport]:
    """``audit validate``: a report for every pack, vocabulary, crosswalk and evidence file named.

    With ``changed``, ``paths`` are files a commit changed (existing or deleted, as pre-commit
    passes them): the packs, vocabularies and crosswalks containing them are validated, and an
    empty list means none of them belongs to one.
    """
    from .validate.targets import validate_paths

    if changed:
        from .pack.changes import staged_deletions, targets_for_changes

        return validate_paths(targets_for_changes([*paths, *staged_deletions()]))
    if not paths:
        raise UsageError("请给出要校验的规则包文件夹、规则包中的文件或评估证据文件，如 audit validate standards/")
    return validate_paths(paths)


def schema(kind: str, *, standard: str | None = None) -> str:
    """``audit schema``: the JSON Schema of a file kind, an evidence schema narrowed to a pack."""
    from .schemas import PACK_SPECIFIC, SCHEMAS, schema_json

    if kind not in SCHEMAS:
        raise UsageError(f"没有「{kind}」这种文件格式（可用：{'、'.join(SCHEMAS)}）")
    if standard is not None and kind not in PACK_SPECIFIC:
        raise UsageError("--standard 只适用于 evidence")
    pack = load_pack(resolve_pack(standard)) if standard is not None else None
    return schema_json(kind, pack=pack)


@dataclass(frozen=True)
class Selection:
    """What ``audit show`` shows: a pack, and optionally one of its IDs (category, item or clause)."""

    pack: Pack
    ident: str | None


def show(standard: str = DEFAULT_STANDARD, ident: str | None = None) -> Selection:
    """``audit show``: the pack, checked to contain ``ident`` when one is given."""
    from .diagnostics import nearest

    pack = load_pack(resolve_pack(standard))
    if ident is not None:
        known = [c.id for c in pack.categories] + [i.id for c in pack.categories for i in c.items]
        if ident not in known and ident not in pack.index:
            raise AuditError(f"规则包 {pack.id} 中没有编号 {ident}{nearest(ident, pack.index)}")
    return Selection(pack, ident)


# -- init, score, report ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Initialised:
    """What ``audit init`` wrote."""

    template: Path
    schema: Path
    clauses: int
    facts: int


def write_schema_beside(document: Path, pack: Pack) -> Path:
    """Write ``pack``'s evidence schema beside ``document``, under the name its modeline gives
    (``jingzhi-2022.schema.json``); a stale copy of an older version is replaced. Its path."""
    import json

    from .errors import InputError
    from .evidence.template import evidence_schema, schema_file_name
    from .files import read_text

    path = document.parent / schema_file_name(pack)
    text = json.dumps(evidence_schema(pack), ensure_ascii=False, indent=2) + "\n"
    try:
        current: str | None = read_text(path)[0]
    except InputError:
        current = None
    if current != text:
        write_text_atomic(path, text)
    return path


def init(standard: str = DEFAULT_STANDARD, output: Path = Path("community.yaml"), *,
         force: bool = False) -> Initialised:
    """``audit init``: a complete evidence template, and the pack's editor schema beside it."""
    from .evidence.template import render_template

    refuse_overwrite(output, force, what="证据文件")
    pack = load_pack(resolve_pack(standard))
    ref = standard if standard in (pack.id, DEFAULT_STANDARD) else str(pack.folder.resolve())
    write_text_atomic(output, render_template(pack, standard_ref=ref))
    schema_path = write_schema_beside(output, pack)
    return Initialised(output, schema_path, len(pack.index), len(pack.used_facts()))


def assess(path: Path, *, standard: str | None = None, review: Path | None = None,
           generated_at: str | None = None, pack_loader: PackLoader = cached_pack) -> Result:
    """``audit score``: load an evidence file (YAML or Excel), check it against its pack, score it;
    with a review (``review``, or ``<name>.review.yaml`` beside the file) add the reviewed figures."""
    from .review.service import assess_reviewed  # the review modules load only when there is one

    return assess_reviewed(path, standard=standard, review=review, generated_at=generated_at or now_iso(),
                           pack_loader=pack_loader)


def init_review(evidence: Path, output: Path | None = None, *, force: bool = False) -> Path:
    """``audit review init``: a review template for one evidence file (YAML, or Excel for .xlsx)."""
    from .review.service import init_review as run

    return run(evidence, output, force=force)


def sign_review(review: Path, *, signed_by: str | None = None, signed_on: Any = None, force: bool = False) -> Any:
    """``audit review sign``: stamp the reviewer, the date and the SHA-256 seal into a review file."""
    from .review.service import sign_review as run

    return run(review, signed_by=signed_by, signed_on=signed_on, force=force)


def verify(result_file: Path) -> Any:
    """``audit verify``: recompute a saved result from the files it names; what changed since."""
    from .review.verify import verify_result

    return verify_result(result_file)


def load_result(path: Path) -> Result:
    """``audit report``: a saved result JSON, checked as the untrusted input it is."""
    from .result.load import load_result as load

    return load(path)


# -- batch -------------------------------------------------------------------------------------------
def plan_batch(options: BatchOptions) -> list[Task]:
    """The communities ``audit batch`` will grade (known before it starts, for a progress bar)."""
    from .batch.service import plan

    return plan(options)


def run_batch(options: BatchOptions, tasks: list[Task],
              on_outcome: Callable[[Outcome], None] | None = None) -> BatchReport:
    """``audit batch``: grade ``tasks`` and write every community's outputs and the district summary."""
    from .batch.service import run_batch as run

    return run(options, tasks, on_outcome)


# -- checklist, convert, compare ---------------------------------------------------------------------
def checklist(output: Path, *, standard: str = DEFAULT_STANDARD, format: str | None = None,
              force: bool = False) -> int:
    """``audit checklist``: write a fillable or printable checklist; returns its number of clauses."""
    from .checklist.formats import CHECKLIST_FORMATS

    name = format or output.suffix.lower().lstrip(".")
    chosen = CHECKLIST_FORMATS.get(name)
    if chosen is None:
        raise UsageError(f"无法从扩展名“{output.suffix}”判断格式，请用 --format {'|'.join(CHECKLIST_FORMATS)}")
    protect_user_file(output, force)  # before the work: a person's file is refused at once
    refuse_overwrite(output, force, what="输出文件")
    pack = load_pack(resolve_pack(standard))
    write_atomic(output, chosen.build(pack))
    return len(pack.index)


CONVERT_SUFFIXES = (".xlsx", ".yaml", ".yml")


def convert(source: Path, output: Path, *, force: bool = False) -> None:
    """``audit convert``: YAML ↔ Excel, losslessly: the same data, in the other format, beside the
    same attachment files."""
    target = output.suffix.lower()
    if target not in CONVERT_SUFFIXES:
        raise UsageError("输出文件的扩展名应为 .xlsx 或 .yaml")
    refuse_input(output, source)
    refuse_overwrite(output, force, what="输出文件")
    if output.resolve().parent != source.resolve().parent:
        raise OutputError("输出文件须与输入文件放在同一文件夹：佐证文件的路径是相对于证据文件的")
    pack, evidence = load_evidence(source)  # validate first: never convert a file that does not load
    data: str | bytes
    if target == ".xlsx":
        from .checklist.workbook import checklist_workbook

        data = checklist_workbook(pack, evidence.data)
    else:
        from .evidence.template import render_template

        data = render_template(pack, evidence=evidence.data)
        write_schema_beside(output, pack)  # the modeline names it: the editor checks the converted file
    save(data, output, force=True)


def compare(path: Path, standards: Sequence[str] = ()) -> Comparison:
    """``audit compare``: one evidence file graded against several standards."""
    from .compare.engine import compare as run

    return run(path, standards)


def render(registry: dict[str, Any], name: str, value: Any) -> str | bytes:
    """``value`` drawn by the renderer ``name`` of ``registry`` (see ``render.registry``)."""
    from .render.registry import renderer_for

    data: str | bytes = renderer_for(registry, name).render(value)
    return data


# -- the assessment cycle ------------------------------------------------------------------------------
def record(result: Result, archive: str) -> Any:
    """``audit score --archive``: record a result; the outcome carries the comparison with the last one."""
    from .cycle.service import record_command

    return record_command(result, archive)


def diff(sides: Sequence[Path], *, archive: str | None = None, community: str | None = None,
         standard: str | None = None, plan: Path | None = None) -> Any:
    """``audit diff``: two results, evidence files or archived assessments compared, a ledger checked."""
    from .cycle.service import diff_command

    return diff_command(list(sides), archive=archive, community=community, standard=standard, plan=plan)


def history(archive: str | None, community: str | None = None, district: str | None = None) -> Any:
    """``audit history``: a community's archived assessments, or the district's latest changes."""
    from .cycle.service import history_command

    if archive is None:
        raise UsageError("请用 --archive 指定评估归档，如 audit history --archive reports/环翠区/archive.sqlite")
    return history_command(archive, community, district)


def plan(result_file: Path, output: Path, *, force: bool = False) -> int:
    """``audit plan``: the 整改台账 workbook of a result; returns its number of rows."""
    from .cycle.service import plan_command

    return plan_command(result_file, output, force=force)


# -- serve (the web app) -----------------------------------------------------------------------------
DEFAULT_DATA = Path("jingzhi-data")


def add_user(data_dir: Path, name: str, password: str, *, role: str, district: str | None = None,
             community: str | None = None, community_name: str | None = None) -> Any:
    """``audit users add``: create an account of the web app (and a community account's evidence
    folder, ``DIR/communities/<code>/community.yaml``, when it has none)."""
    try:
        from .serve.folders import ensure_community
        from .serve.store import Store
    except ImportError as exc:  # argon2-cffi and friends come with the serve extra
        from .errors import SetupError

        raise SetupError(f"网页服务的账号需要额外的依赖（{exc.name}）：请安装 pip install 'jingzhi-audit[serve]'") from None
    store = Store(data_dir)
    try:
        user = store.add_user(name, password, role, district=district, community=community)
    finally:
        store.close()
    if user.community:
        ensure_community(data_dir, user.community, name=community_name, district=district)
    return user


def serve(data_dir: Path = DEFAULT_DATA, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """``audit serve``: run the web app on ``host:port`` until interrupted (uvicorn)."""
    try:
        import uvicorn

        from .serve.app import create_app
    except ImportError as exc:
        from .errors import SetupError

        raise SetupError(f"网页服务需要额外的依赖（{exc.name}）：请安装 pip install 'jingzhi-audit[serve]'") from None
    app = create_app(data_dir)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                proxy_headers=False)
