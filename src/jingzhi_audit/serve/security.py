"""Who may do what: signed session cookies, CSRF tokens, the guard every route goes through, and
the security headers of every response.

The session cookie carries a random token signed with the data directory's secret (itsdangerous),
HttpOnly and SameSite=Lax; the token names a session in the database, which holds the CSRF token
bound to it. Before login a signed double-submit cookie serves the login form. Every POST without
the right token is refused with 403; every route not in ``PUBLIC`` needs a session, a role and,
for a community's pages, the right to that community.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .store import Session, Store

SESSION_COOKIE = "jz_session"
PRE_COOKIE = "jz_pre"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
FORM_LIMIT = 25 * 1024 * 1024


def load_secret(data_dir: Path) -> bytes:
    """The data directory's signing secret (``secret.key``, mode 0600), made on first use."""
    path = data_dir / "secret.key"
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
    from ..files import read_bytes

    return read_bytes(path, limit=1024)


class Signer:
    """Signs and checks cookie values with the data directory's secret."""

    def __init__(self, secret: bytes) -> None:
        from itsdangerous import URLSafeSerializer

        self._s = URLSafeSerializer(secret, salt="jingzhi-audit-serve")

    def dumps(self, value: str) -> str:
        """``value`` signed."""
        return str(self._s.dumps(value))

    def loads(self, signed: str | None) -> str | None:
        """The value of a signed cookie, or None when absent or tampered with."""
        from itsdangerous import BadSignature

        if not signed:
            return None
        try:
            value = self._s.loads(signed)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None


def set_cookie(response: Response, name: str, value: str, *, secure: bool) -> None:
    """A signed HttpOnly SameSite=Lax cookie for the whole site."""
    response.set_cookie(name, value, httponly=True, samesite="lax", secure=secure, path="/")


@dataclass
class Ctx:
    """What a guarded handler gets: the request, its session, the form (for POST) and the app."""

    request: Request
    session: Session
    form: dict[str, Any]
    files: dict[str, tuple[str, bytes]]
    app: Any  # serve.app.Web

    @property
    def code(self) -> str:
        """The community code of the path (``/c/{code}/…``)."""
        return str(self.request.path_params["code"])


def current_session(request: Request) -> Session | None:
    """The session of the request's cookie, or None."""
    web = request.app.state.web
    token = web.signer.loads(request.cookies.get(SESSION_COOKIE))
    return web.store.session(token) if token else None


async def read_form(request: Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """The fields (lists for repeated names) and the uploaded files of a POST."""
    from starlette.datastructures import UploadFile

    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > FORM_LIMIT:
        return {"__too_large__": True}, {}
    form = await request.form(max_files=5, max_fields=2000)
    fields: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if value.filename:
                files[key] = (value.filename, await value.read(FORM_LIMIT + 1))
        elif key == "criteria":
            fields.setdefault(key, []).append(value)
        else:
            fields[key] = value
    await form.close()
    return fields, files


def csrf_ok(expected: str | None, given: Any) -> bool:
    """Whether the form's token is the one bound to the session (constant-time)."""
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(expected or "", given)


Handler = Callable[[Ctx], Response]


def guard(*roles: str, community: bool = False) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a (synchronous) handler: a session with one of ``roles`` (any role when none), the
    CSRF token on every POST, and with ``community`` the right to the path's community.
    The handler runs in a worker thread (scoring is CPU work)."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            web = request.app.state.web
            session = current_session(request)
            if session is None:
                if request.method == "GET":
                    return RedirectResponse("/login", status_code=303)
                return web.refuse(request, 401, "请先登录")
            if roles and session.user.role not in roles:
                return web.refuse(request, 403, "您的账号没有权限访问此页面")
            form: dict[str, Any] = {}
            files: dict[str, tuple[str, bytes]] = {}
            if request.method == "POST":
                form, files = await read_form(request)
                if form.get("__too_large__"):
                    return web.refuse(request, 413, "上传的内容过大")
                if not csrf_ok(session.csrf, form.get("csrf")):
                    return web.refuse(request, 403, "表单已失效（缺少或错误的安全令牌），请刷新页面后重试")
            ctx = Ctx(request, session, form, files, web)
            if community:
                allowed = await run_in_threadpool(web.may_see, session.user, ctx.code)
                if not allowed:
                    return web.refuse(request, 403, "您的账号不能访问这个社区")
            return await run_in_threadpool(handler, ctx)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap


class SecurityHeaders:
    """ASGI middleware: CSP, nosniff, no framing, no referrer, no caching of pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"server",)]
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def login_keys(request: Request, name: str) -> list[str]:
    """The rate limit's keys of a login attempt: the name and the client address."""
    host = request.client.host if request.client else "?"
    return [f"name:{name}", f"addr:{host}"]


def store_of(request: Request) -> Store:
    """The app's store."""
    return request.app.state.web.store
