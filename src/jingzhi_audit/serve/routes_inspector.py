"""An inspector's pages: the district dashboard and its summary files (the change since last year
from the cycle's archive), a community's history,
the review form and sign-off, unlocking, and importing a folder or workbook.

The review is the CLI's review file (``community.review.yaml`` beside the evidence), written with
``review.template.render_review`` after the model and ``review.load.check_review`` accepted it and
sealed by ``api.sign_review``: ``audit score`` of the folder gives the very reviewed score shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..clock import now_iso
from ..diagnostics import validation_problems
from ..errors import AuditError, Problem
from . import folders
from .archiving import change_since_last_year
from .archiving import history as archived
from .grading import assess_folder, district, forget
from .routes_community import download
from .security import Ctx, guard

INSPECTORS = ("inspector", "admin")
HEAT = (0.5, 0.7, 0.85, 0.95)


def _district_name(ctx: Ctx) -> str | None:
    return ctx.session.user.district if ctx.session.user.role == "inspector" else None


def _heat(ratio: float | None) -> str:
    if ratio is None:
        return "hx"
    return f"h{sum(1 for limit in HEAT if ratio >= limit)}"


@guard(*INSPECTORS)
def dashboard(ctx: Ctx) -> Response:
    """GET /district: ranking, ratings, heat map, communities needing attention, frequent gaps."""
    view = district(ctx.app.data_dir, _district_name(ctx), generated_at=now_iso())
    codes = {row.path: code for code, row in view.rows.items()}
    change = {code: change_since_last_year(ctx.app.archive, code, result)[0]
              for code, result in view.results.items()}
    s = view.summary
    attention = sorted({*s.vetoed, *s.incomplete, *s.mismatched, *s.lapsed_reviews,
                        *(o.name for o in s.overrated)})
    return ctx.app.render(ctx.request, "dashboard.html", session=ctx.session, summary=s, codes=codes,
                          heat=_heat, change=change, attention=attention, district=_district_name(ctx),
                          locks={code: ctx.app.store.locked(code) for code in view.rows})


@guard(*INSPECTORS)
def summary_file(ctx: Ctx) -> Response:
    """GET /district/summary.{fmt}: the district summary as JSON, CSV, Excel or PDF."""
    from ..render.registry import DISTRICT_FORMATS

    fmt = str(ctx.request.path_params["fmt"])
    renderer = DISTRICT_FORMATS.get(fmt)
    if renderer is None:
        return ctx.app.refuse(ctx.request, 404, "没有这种汇总格式")
    view = district(ctx.app.data_dir, _district_name(ctx), generated_at=now_iso())
    media = {"json": "application/json", "csv": "text/csv", "pdf": "application/pdf",
             "xlsx": folders.ALLOWED[".xlsx"]}[fmt]
    return download(renderer.render(view.summary), f"全区汇总{renderer.suffix}", media)


@guard("community", *INSPECTORS, community=True)
def history(ctx: Ctx) -> Response:
    """GET /c/{code}/history: every save, submission and review of the community."""
    return ctx.app.render(ctx.request, "history.html", session=ctx.session, code=ctx.code,
                          assessments=list(reversed(archived(ctx.app.archive, ctx.code))),
                          events=ctx.app.store.history(ctx.code))


def review_page(ctx: Ctx, *, problems: list[Any] | None = None, status: int = 200) -> Response:
    """The review form: per clause the self-assessment, the verdict, a corrected status, a comment."""
    from ..review.load import read_review

    folder = ctx.app.folder(ctx.code)
    if not (folder / folders.EVIDENCE).is_file():
        return ctx.app.refuse(ctx.request, 404, "这个社区还没有评估证据")
    pack, data = folders.read_evidence(folder / folders.EVIDENCE)
    review = read_review(folder / folders.REVIEW).data if (folder / folders.REVIEW).is_file() else None
    result = assess_folder(folder)
    return ctx.app.render(ctx.request, "review.html", status=status, session=ctx.session, code=ctx.code,
                          pack=pack, data=data, review=review, result=result,
                          clause_results={c.id: c for c in result.clauses}, problems=problems or [],
                          locked=ctx.app.store.locked(ctx.code))


@guard(*INSPECTORS, community=True)
def review_form(ctx: Ctx) -> Response:
    """GET /c/{code}/review."""
    return review_page(ctx)


def _write_review(ctx: Ctx, update: Any) -> Response:
    from ..evidence.loader import load_evidence
    from ..files import write_text_atomic
    from ..review.load import check_review, read_review
    from ..review.model import Reviewer, ReviewFile
    from ..review.source import ReviewSource
    from ..review.template import new_review, render_review

    folder = ctx.app.folder(ctx.code)
    path = folder / folders.REVIEW
    with folders.community_lock(folder):
        pack, evidence = load_evidence(folder / folders.EVIDENCE)
        old = read_review(path).data if path.is_file() else None
        base = new_review(evidence, folders.EVIDENCE)  # bound to the evidence as the inspector sees it
        clauses = dict(old.clauses) if old is not None else {}
        try:
            update(clauses)
        except folders.FormProblems as exc:
            return review_page(ctx, problems=exc.problems, status=422)
        user = ctx.session.user
        review = ReviewFile.model_validate({
            **base.model_dump(mode="json", exclude={"clauses", "reviewer", "seal"}),
            "reviewer": Reviewer(name=user.name, organization=user.district,
                                 reviewed_on=dt.date.fromisoformat(now_iso()[:10])).model_dump(mode="json"),
            "clauses": {k: v.model_dump(mode="json") for k, v in clauses.items() if v is not None}})
        problems = [p for p in check_review(ReviewSource(review, folders.FormLocator({}), b"", path), pack, evidence)
                    if p.severity == "error"]
        if problems:
            return review_page(ctx, problems=problems, status=422)
        write_text_atomic(path, render_review(pack, evidence, review))
        forget(folder)
        result = assess_folder(folder)
        reviewed = result.review.total if result.review else None
        ctx.app.record(ctx.code, now_iso(), user.name, "复核", result, reviewed)
    return RedirectResponse(f"/c/{ctx.code}/review", status_code=303)


@guard(*INSPECTORS, community=True)
def review_clause(ctx: Ctx) -> Response:
    """POST /c/{code}/review/{cid}: the verdict on one clause."""
    from ..review.model import ReviewEntry

    cid = str(ctx.request.path_params["cid"])
    raw = {key: (ctx.form.get(key) or "").strip() or None for key in ("verdict", "status", "comment")}
    raw["criteria_met"] = [c for c in ctx.form.get("criteria", []) if c]

    def update(clauses: dict[str, Any]) -> None:
        try:
            entry = ReviewEntry.model_validate(raw)
        except ValidationError as exc:
            raise folders.FormProblems(validation_problems(exc, folders.FormLocator(raw), ReviewEntry)) from None
        if entry.blank:
            clauses.pop(cid, None)
        else:
            clauses[cid] = entry

    return _write_review(ctx, update)


@guard(*INSPECTORS, community=True)
def sign(ctx: Ctx) -> Response:
    """POST /c/{code}/sign: seal the review (``audit review sign``) and end the submission lock."""
    from ..review.service import sign_review  # what api.sign_review (audit review sign) runs

    folder = ctx.app.folder(ctx.code)
    with folders.community_lock(folder):
        try:
            if not (folder / folders.REVIEW).is_file():
                raise AuditError("还没有任何复核结论，不能签署")
            sign_review(folder / folders.REVIEW, signed_by=ctx.session.user.name, force=True)
        except AuditError as exc:
            return review_page(ctx, problems=[str(exc)], status=422)
        forget(folder)
        result = assess_folder(folder)
        ctx.app.store.unlock(ctx.code)
        ctx.app.record(ctx.code, now_iso(), ctx.session.user.name, "复核签署", result,
                       result.review.total if result.review else None)
    return RedirectResponse(f"/c/{ctx.code}/review", status_code=303)


@guard(*INSPECTORS, community=True)
def unlock(ctx: Ctx) -> Response:
    """POST /c/{code}/unlock: send a submitted assessment back to the community."""
    ctx.app.store.unlock(ctx.code)
    ctx.app.record(ctx.code, now_iso(), ctx.session.user.name, "退回修改", None)
    return RedirectResponse(f"/c/{ctx.code}/review", status_code=303)


@guard(*INSPECTORS, community=True)
def import_evidence(ctx: Ctx) -> Response:
    """POST /c/{code}/import: replace the evidence with an uploaded folder (zip) or workbook."""
    from .exchange import import_upload

    if "file" not in ctx.files:
        return review_page(ctx, problems=["请选择要导入的 zip 或 xlsx 文件"], status=422)
    filename, content = ctx.files["file"]
    folder = ctx.app.folder(ctx.code)
    with folders.community_lock(folder):
        try:
            count = import_upload(folder, filename, content, code=ctx.code)
        except AuditError as exc:
            problems: list[Any] = getattr(exc, "problems", None) or [str(exc)]
            return review_page(ctx, problems=[p if isinstance(p, Problem) else str(p) for p in problems], status=422)
        forget(folder)
        result = assess_folder(folder)
        ctx.app.record(ctx.code, now_iso(), ctx.session.user.name, f"导入证据（{count} 条）", result)
    return RedirectResponse(f"/c/{ctx.code}/review", status_code=303)


ROUTES = [
    Route("/district", dashboard, methods=["GET"]),
    Route("/district/summary.{fmt}", summary_file, methods=["GET"]),
    Route("/c/{code}/history", history, methods=["GET"]),
    Route("/c/{code}/review", review_form, methods=["GET"]),
    Route("/c/{code}/review/{cid}", review_clause, methods=["POST"]),
    Route("/c/{code}/sign", sign, methods=["POST"]),
    Route("/c/{code}/unlock", unlock, methods=["POST"]),
    Route("/c/{code}/import", import_evidence, methods=["POST"]),
]
