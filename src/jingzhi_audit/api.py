"""The library's front door: one call per job, used by the CLI and by anyone scripting the tool."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .evidence.loader import PackLoader, cached_pack, load_evidence
from .pack import Pack
from .result import Result
from .scoring import score

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


def now_iso() -> str:
    """The current time in China Standard Time (UTC+8, no daylight saving), ISO 8601, to the second.

    Reports are read in China; a server clock in UTC would otherwise print times eight hours off.
    """
    return dt.datetime.now(CHINA_STANDARD_TIME).replace(microsecond=0).isoformat()


def assess(path: Path, *, standard: str | None = None, generated_at: str | None = None,
           pack_loader: PackLoader = cached_pack) -> Result:
    """Load an evidence file (YAML or Excel), check it against its pack, and score it."""
    pack, evidence = load_evidence(path, standard=standard, pack_loader=pack_loader)
    return score(pack, evidence, generated_at=generated_at or now_iso())


def template_for(pack: Pack, *, standard_ref: str | None = None) -> tuple[str, str]:
    """The evidence template text and its JSON Schema text for ``pack``."""
    import json

    from .evidence.template import evidence_schema, render_template

    schema = json.dumps(evidence_schema(pack), ensure_ascii=False, indent=2) + "\n"
    return render_template(pack, standard_ref=standard_ref), schema


def write_schema_beside(document: Path, pack: Pack) -> Path:
    """Write ``pack``'s evidence schema beside ``document``, under the name its modeline gives
    (``jingzhi-2022.schema.json``); a stale copy of an older version is replaced. Its path."""
    import json

    from .evidence.template import evidence_schema, schema_file_name
    from .outputs import write_text_atomic

    path = document.parent / schema_file_name(pack)
    text = json.dumps(evidence_schema(pack), ensure_ascii=False, indent=2) + "\n"
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    if current != text:
        write_text_atomic(path, text)
    return path


def convert_evidence(source: Path, output: Path, *, force: bool = False) -> None:
    """YAML ↔ Excel, losslessly: the same evidence data, in the other format, beside the same files."""
    from .errors import AuditError
    from .outputs import refuse_input, refuse_overwrite, write_bytes_atomic, write_text_atomic

    target = output.suffix.lower()
    if target not in (".xlsx", ".yaml", ".yml"):
        raise AuditError("输出文件的扩展名应为 .xlsx 或 .yaml")
    refuse_input(output, source)
    refuse_overwrite(output, force, what="输出文件")
    if output.resolve().parent != source.resolve().parent:
        raise AuditError("输出文件须与输入文件放在同一文件夹：佐证文件的路径是相对于证据文件的")
    pack, evidence = load_evidence(source)  # validate first: never convert a file that does not load
    data = evidence.data
    if target == ".xlsx":
        from .checklist.xlsx_writer import checklist_workbook

        write_bytes_atomic(output, checklist_workbook(pack, data))
    else:
        from .evidence.template import render_template

        write_text_atomic(output, render_template(pack, evidence=data))
        write_schema_beside(output, pack)
