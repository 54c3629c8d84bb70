"""Evidence spreadsheets that are not .xlsx: .ods is read through LibreOffice, the rest refused.

A community worker on LibreOffice or WPS may send the checklist back as ``.ods``: LibreOffice
(headless) converts it to a temporary .xlsx, which the ordinary workbook reader reads; messages
still name the .ods file and its cells, and the SHA-256 is of the .ods bytes. Other spreadsheet
and text formats (``.csv``, ``.xls``, WPS ``.et`` …) get a message saying what to do instead of
being read as YAML (which ends in 「文件含有空字节」 or worse).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import EXIT_ENVIRONMENT, EvidenceError, InputError, Problem
from ..files import display_path, read_bytes
from .source import Source

OFFICE_SUFFIXES = (".ods",)
OFFICE_TIMEOUT = 120  # seconds; a conversion takes 2-4 s
SAVE_AS = ("只支持 .yaml/.xlsx，请另存为 .xlsx：用 Excel、WPS 或 LibreOffice 打开，"
           "“另存为”时文件类型选 Excel 工作簿（*.xlsx）")
CSV = ("CSV 文件只有一张表，装不下自评表的全部内容（基本信息、评估表、加分项）。请用 audit checklist 生成的 "
       "Excel 自评表（.xlsx）填写；已在表格软件中填好的，请把整个工作簿另存为 .xlsx 后再试")
REFUSED: dict[str, str] = {
    ".csv": CSV, ".tsv": CSV,
    ".xls": SAVE_AS, ".xlsb": SAVE_AS, ".xlt": SAVE_AS, ".xltx": SAVE_AS, ".et": SAVE_AS, ".ett": SAVE_AS,
    ".numbers": SAVE_AS, ".fods": SAVE_AS,
}


class OfficeMissing(EvidenceError):
    """LibreOffice is needed (to read .ods) and is not installed."""

    exit_code = EXIT_ENVIRONMENT


def office() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_office(path: Path) -> Source:
    """A ``Source`` from a LibreOffice spreadsheet: converted to .xlsx, then read as a workbook."""
    from .workbook import WORKBOOK_LIMIT, read_workbook

    name = display_path(path)
    program = office()
    if program is None:
        raise OfficeMissing([Problem(name, None, None, "读取 .ods 文件需要 LibreOffice（apt-get install "
                                                      f"libreoffice-calc-nogui）；或者{SAVE_AS}")])
    try:
        raw = read_bytes(path, limit=WORKBOOK_LIMIT)
    except InputError as exc:
        raise EvidenceError(exc.problems) from None
    with tempfile.TemporaryDirectory(prefix="audit-ods-") as tmp:
        folder = Path(tmp)
        source = folder / f"evidence{path.suffix.lower()}"
        source.write_bytes(raw)
        # a profile of its own: concurrent conversions (audit batch) must not share one
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "xlsx", "--outdir", str(folder / "out"), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=OFFICE_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise EvidenceError([Problem(name, None, None, f"LibreOffice 转换超过 {OFFICE_TIMEOUT} 秒仍未完成；"
                                                           f"{SAVE_AS}")]) from None
        converted = folder / "out" / "evidence.xlsx"
        if not converted.is_file():
            raise EvidenceError([Problem(name, None, None, f"LibreOffice 无法打开此文件（是否已损坏？）；{SAVE_AS}")])
        workbook = read_workbook(converted, name=name)
    return Source(workbook.locator, workbook.data, raw, path.suffix.lower().lstrip("."), workbook.problems)
