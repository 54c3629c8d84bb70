"""A community's pages: the clause form and the facts form, evidence uploads, downloads (the
evidence folder as a zip, the Excel checklist, the PDF gap report) and 提交复核.

Every save goes through ``serve.folders`` (the CLI's checks and writer) and is scored by
``serve.grading.assess_folder`` (``api.assess``); the saved total is written to the history.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..clock import now_iso
from ..errors import AuditError
from . import folders
from .grading import assess_folder, evidence_of, forget
from .security import Ctx, guard

EDITORS = ("community", "admin")
VIEWERS = ("community", "inspector", "admin")


def download(data: bytes | str, filename: str, media_type: str) -> Response:
    """A file sent only as an attachment (never shown inline), with a Chinese file name."""
    body = data.encode() if isinstance(data, str) else data
    fallback = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=media_type, headers={"content-disposition": disposition})


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def form_page(ctx: Ctx, *, problems: list[Any] | None = None, status: int = 200, focus: str | None = None) -> Response:
    """The community's form: every clause grouped by category and item, the facts, the score."""
    from ..evidence.facts import flatten

    folder = ctx.app.folder(ctx.code)
    if not (folder / folders.EVIDENCE).is_file():
        return ctx.app.refuse(ctx.request, 404, "这个社区还没有评估证据")
    pack, data = evidence_of(folder)
    result = assess_folder(folder)
    given = {name: value for name, (_, value) in flatten(data.facts).items()}
    facts = [(name, pack.facts[name], _display(given.get(name))) for name in pack.used_facts()]
    return ctx.app.render(
        ctx.request, "community.html", status=status, session=ctx.session, code=ctx.code, pack=pack,
        data=data, result=result, clause_results={c.id: c for c in result.clauses}, facts=facts,
        problems=problems or [], focus=focus or ctx.request.query_params.get("saved"),
        locked=ctx.app.store.locked(ctx.code), may_edit=ctx.session.user.role in EDITORS,
        gaps=result.gaps[:10], history=ctx.app.store.history(ctx.code)[:10])


@guard(*VIEWERS, community=True)
def community_page(ctx: Ctx) -> Response:
    """GET /c/{code}: the form and the live score."""
    return form_page(ctx)


def _save(ctx: Ctx, change: Any, action: str, focus: str) -> Response:
    if ctx.session.user.role not in EDITORS:
        return ctx.app.refuse(ctx.request, 403, "只有社区账号可以修改自评")
    folder = ctx.app.folder(ctx.code)
    path = folder / folders.EVIDENCE
    with folders.community_lock(folder):
        if ctx.app.store.locked(ctx.code):
            return ctx.app.refuse(ctx.request, 409, "自评已提交复核，不能再修改；如需修改请联系复核人员退回")
        pack, data = evidence_of(folder)
        try:
            new = change(pack, data)
        except folders.FormProblems as exc:
            return form_page(ctx, problems=exc.problems, status=422, focus=focus)
        except AuditError as exc:
            return form_page(ctx, problems=[str(exc)], status=422, focus=focus)
        folders.write_evidence(path, pack, new)
        forget(folder)
        result = assess_folder(folder)
        ctx.app.record(ctx.code, now_iso(), ctx.session.user.name, action, result)
    return RedirectResponse(f"/c/{ctx.code}?saved={quote(focus)}#{quote(focus)}", status_code=303)


@guard(*EDITORS, community=True)
def save_clause(ctx: Ctx) -> Response:
    """POST /c/{code}/clause/{cid}: one clause's status, criteria, note and N/A reason."""
    cid = str(ctx.request.path_params["cid"])
    return _save(ctx, lambda pack, data: folders.with_clause(pack, data, cid, ctx.form), f"保存条款 {cid}",
                 f"c-{cid}")


@guard(*EDITORS, community=True)
def save_facts(ctx: Ctx) -> Response:
    """POST /c/{code}/facts: the basic information and the facts."""
    return _save(ctx, lambda pack, data: folders.with_facts(pack, data, ctx.form), "保存社区数据", "facts")


@guard(*EDITORS, community=True)
def upload(ctx: Ctx) -> Response:
    """POST /c/{code}/upload/{cid}: a file of evidence for one clause."""
    cid = str(ctx.request.path_params["cid"])
    if "file" not in ctx.files:
        return form_page(ctx, problems=["请选择要上传的文件"], status=422, focus=f"c-{cid}")
    filename, content = ctx.files["file"]
    folder = ctx.app.folder(ctx.code)

    def change(pack: Any, data: Any) -> Any:
        if cid not in pack.index:
            raise AuditError(f"规则包 {pack.id} 中没有条款 {cid}")
        relative, original = folders.store_upload(folder, filename, content)
        return folders.with_attachment(pack, data, cid, relative, original)

    return _save(ctx, change, f"上传条款 {cid} 的佐证", f"c-{cid}")


@guard(*VIEWERS, community=True)
def stored_file(ctx: Ctx) -> Response:
    """GET /c/{code}/files/{name}: a stored evidence file, as a download only."""
    from ..files import read_bytes

    folder = ctx.app.folder(ctx.code)
    found = folders.stored_file(folder, str(ctx.request.path_params["name"]))
    if found is None:
        return ctx.app.refuse(ctx.request, 404, "没有这个文件")
    path, media_type = found
    _, data = folders.read_evidence(folder / folders.EVIDENCE)
    original = next((item.note for entry in data.clauses.values() if entry for item in entry.evidence
                     if item.path == f"files/{path.name}" and item.note), path.name)
    return download(read_bytes(path, limit=folders.UPLOAD_LIMIT), original, media_type)


@guard(*VIEWERS, community=True)
def export_zip(ctx: Ctx) -> Response:
    """GET /c/{code}/evidence.zip: the evidence folder (``community.yaml`` + ``files/``)."""
    from .exchange import export_zip as build

    folder = ctx.app.folder(ctx.code)
    with folders.community_lock(folder):
        data = build(folder)
    return download(data, f"{ctx.code}-证据.zip", "application/zip")


@guard(*VIEWERS, community=True)
def checklist(ctx: Ctx) -> Response:
    """GET /c/{code}/checklist.xlsx: the Excel checklist, filled in."""
    from ..checklist.workbook import checklist_workbook

    pack, data = folders.read_evidence(ctx.app.folder(ctx.code) / folders.EVIDENCE)
    return download(checklist_workbook(pack, data), f"{ctx.code}-自评清单.xlsx", folders.ALLOWED[".xlsx"])


@guard(*VIEWERS, community=True)
def report(ctx: Ctx) -> Response:
    """GET /c/{code}/report.pdf: the PDF gap report (``audit report``'s renderer)."""
    from ..render.registry import RESULT_FORMATS

    result = assess_folder(ctx.app.folder(ctx.code))
    pdf = RESULT_FORMATS["pdf"].render(result)
    return download(pdf, f"{ctx.code}-差距报告.pdf", "application/pdf")


@guard(*EDITORS, community=True)
def submit(ctx: Ctx) -> Response:
    """POST /c/{code}/submit: 提交复核 — lock the assessment."""
    folder = ctx.app.folder(ctx.code)
    with folders.community_lock(folder):
        if ctx.app.store.locked(ctx.code):
            return ctx.app.refuse(ctx.request, 409, "自评已提交复核")
        result = assess_folder(folder)
        ctx.app.store.lock(ctx.code, ctx.session.user.name)
        ctx.app.record(ctx.code, now_iso(), ctx.session.user.name, "提交复核", result)
    return RedirectResponse(f"/c/{ctx.code}", status_code=303)


ROUTES = [
    Route("/c/{code}", community_page, methods=["GET"]),
    Route("/c/{code}/clause/{cid}", save_clause, methods=["POST"]),
    Route("/c/{code}/facts", save_facts, methods=["POST"]),
    Route("/c/{code}/upload/{cid}", upload, methods=["POST"]),
    Route("/c/{code}/files/{name}", stored_file, methods=["GET"]),
    Route("/c/{code}/evidence.zip", export_zip, methods=["GET"]),
    Route("/c/{code}/checklist.xlsx", checklist, methods=["GET"]),
    Route("/c/{code}/report.pdf", report, methods=["GET"]),
    Route("/c/{code}/submit", submit, methods=["POST"]),
]
