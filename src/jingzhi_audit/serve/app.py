"""The ASGI application of ``audit serve``: ``create_app(data_dir)`` wires the store, the
templates (Jinja2, autoescaped), the security headers and every route.

``PUBLIC`` lists the only routes reachable without a session; every other route goes through
``security.guard`` (the tests walk ``app.routes`` and check exactly that).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..result import Result
from .grading import district_of
from .security import SecurityHeaders, Signer, current_session, load_secret
from .store import CODE, Store, User

HERE = Path(__file__).parent
PUBLIC = {"/healthz", "/login", "/static"}
"""Paths served without a session (the health check, the login form, the style sheet)."""


class Web:
    """The app's state: data directory, store, cookie signer and templates."""

    def __init__(self, data_dir: Path) -> None:
        from jinja2 import Environment, FileSystemLoader

        self.data_dir = data_dir.resolve()
        (self.data_dir / "communities").mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir)
        from .archiving import open_data_archive

        self.archive = open_data_archive(self.data_dir)
        self.signer = Signer(load_secret(self.data_dir))
        self.secure_cookies = False
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True, auto_reload=False)
        from ..render.cycle_text import reviewed
        from ..result import FLAG_LABELS, REASON_LABELS, REVIEW_STATE_LABELS, STATUS_LABELS
        from ..review.model import VERDICT_LABELS

        self.env.globals.update(
            ROLE_LABELS={"admin": "管理员", "inspector": "复核人员", "community": "社区"},
            STATUS_LABELS=STATUS_LABELS, FLAG_LABELS=FLAG_LABELS, REASON_LABELS=REASON_LABELS,
            VERDICT_LABELS=VERDICT_LABELS, REVIEW_STATE_LABELS=REVIEW_STATE_LABELS, reviewed=reviewed)

    def record(self, code: str, at: str, by: str, action: str, result: Result | None, reviewed: float | None = None) -> None:
        """Log an action of ``by`` and record the result in the archive (the cycle's assessments)."""
        from .archiving import record

        self.store.record(code, at, by, action, result.total if result else None,
                          result.rating.label if result else None, reviewed)
        if result is not None:
            record(self.archive, code, result)

    def folder(self, code: str) -> Path:
        """The community's evidence folder (codes are checked: never a path outside the data dir)."""
        from .folders import community_dir

        return community_dir(self.data_dir, code)

    def may_see(self, user: User, code: str) -> bool:
        """Whether ``user`` may see community ``code``: its own account, an inspector of its
        district, or an administrator."""
        if not CODE.match(code):
            return False
        if user.role == "admin":
            return True
        if user.role == "community":
            return user.community == code
        folder = self.folder(code)
        return (folder / "community.yaml").is_file() and district_of(folder) == user.district

    def render(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        """A page from ``templates/`` with the session (user, CSRF token) in its context."""
        session = values.pop("session", None) or current_session(request)
        html = self.env.get_template(name).render(session=session, user=session.user if session else None,
                                                  csrf=session.csrf if session else "", **values)
        return HTMLResponse(html, status_code=status)

    def refuse(self, request: Request, status: int, message: str) -> HTMLResponse:
        """A Chinese error page (never a traceback)."""
        return self.render(request, "error.html", status=status, status_code=status, message=message)


async def _not_found(request: Request, exc: Exception) -> Response:
    return request.app.state.web.refuse(request, 404, "页面不存在")


async def _server_error(request: Request, exc: Exception) -> Response:
    return HTMLResponse("<!doctype html><meta charset=utf-8><title>出错了</title>"
                        "<p>服务器处理请求时出错，请稍后重试或联系管理员。</p>", status_code=500)


async def _method(request: Request, exc: Exception) -> Response:
    return request.app.state.web.refuse(request, 405, "不支持这种请求方式")


def create_app(data_dir: Path) -> Starlette:
    """The web application serving the data directory ``data_dir``."""
    from . import routes_auth, routes_community, routes_inspector

    web = Web(data_dir)
    routes: list[Route | Mount] = [
        *routes_auth.ROUTES, *routes_community.ROUTES, *routes_inspector.ROUTES,
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(debug=False, routes=routes,
                    exception_handlers={404: _not_found, 405: _method, 500: _server_error})
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    return app
