"""Moving a community's evidence in and out of the app: the folder as a zip (``community.yaml`` +
``files/``), and importing a folder (zip) or a workbook an inspector uploads.

An import is loaded with the CLI's own ``evidence.loader.load_evidence`` in a scratch folder
inside the data directory, and only then written into the community's folder: what the app
keeps is the very data the CLI reads from the upload.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import AuditError
from ..evidence.loader import load_evidence
from ..files import read_bytes, write_bytes_atomic
from .folders import ALLOWED, EVIDENCE, REVIEW, UPLOAD_LIMIT, write_evidence

ZIP_LIMIT = 200 * 1024 * 1024
ZIP_MEMBERS = 2000


def export_zip(folder: Path) -> bytes:
    """The evidence folder as a zip: ``community.yaml``, its review (if any) and ``files/``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in (EVIDENCE, REVIEW):
            if (folder / name).is_file():
                archive.write(folder / name, name)
        files = folder / "files"
        if files.is_dir():
            for path in sorted(files.iterdir()):
                if path.is_file() and not path.is_symlink():
                    archive.write(path, f"files/{path.name}")
    return out.getvalue()


def _member_path(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or ":" in path.parts[0]:
        return None
    return path


def _unpack(content: bytes, scratch: Path) -> Path:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise AuditError("上传的文件不是 zip 压缩包") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > ZIP_MEMBERS or sum(m.file_size for m in members) > ZIP_LIMIT:
            raise AuditError("压缩包过大（文件过多或解压后过大）")
        evidence = [m for m in members if PurePosixPath(m.filename).name == EVIDENCE]
        if len(evidence) != 1:
            raise AuditError(f"压缩包中应有且只有一个 {EVIDENCE}")
        root = PurePosixPath(evidence[0].filename).parent
        for member in members:
            path = _member_path(member.filename)
            if path is None:
                raise AuditError(f"压缩包中的「{member.filename}」路径不安全，未导入")
            if root.parts and path.parts[:len(root.parts)] != root.parts:
                continue
            inner = PurePosixPath(*path.parts[len(root.parts):])
            if inner.name == REVIEW:
                continue  # a review is the inspector's own work in the app, not imported
            target = scratch.joinpath(*inner.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    return scratch / EVIDENCE


def import_upload(folder: Path, filename: str, content: bytes, *, code: str) -> int:
    """Replace a community's evidence with an uploaded folder (.zip) or workbook (.xlsx); the
    number of clauses assessed. Refused (nothing changed) unless the CLI loads it cleanly."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".zip", ".xlsx"):
        raise AuditError("请上传证据文件夹的 zip 压缩包，或填好的 Excel 清单（.xlsx）")
    if len(content) > ZIP_LIMIT:
        raise AuditError("上传的文件过大")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".import-") as tmp:
        scratch = Path(tmp)
        if suffix == ".zip":
            path = _unpack(content, scratch)
        else:
            path = scratch / "community.xlsx"
            write_bytes_atomic(path, content)
        pack, evidence = load_evidence(path)
        data = evidence.data
        if data.community.code not in (None, code):
            raise AuditError(f"上传的证据是社区「{data.community.code}」的，不是 {code}")
        files: list[tuple[str, Path]] = []
        for info in evidence.attachments.values():
            if info.kind == "file" and info.exists:
                source = (path.parent / info.label).resolve()
                if Path(info.label).suffix.lower() not in ALLOWED or source.stat().st_size > UPLOAD_LIMIT:
                    raise AuditError(f"佐证「{info.label}」不是可接受的文件类型或过大")
                files.append((info.label, source))
        for label, source in files:
            target = folder.joinpath(*PurePosixPath(label).parts)
            if not target.resolve().is_relative_to(folder.resolve()):
                raise AuditError(f"佐证「{label}」路径不安全，未导入")
            write_bytes_atomic(target, read_bytes(source, limit=UPLOAD_LIMIT))
        write_evidence(folder / EVIDENCE, pack, data)
        (folder / REVIEW).unlink(missing_ok=True)  # a review of the old evidence no longer applies
    return len(data.clauses)
