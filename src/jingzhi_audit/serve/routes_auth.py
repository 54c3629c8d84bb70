"""Logging in and out, the health check, and the start page that sends each role to its pages.

The login form is protected by a signed double-submit cookie (there is no session yet) and by
the rate limit of ``Store.throttled``: five failures per name or per address in five minutes.
"""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .security import (
    PRE_COOKIE,
    SESSION_COOKIE,
    Ctx,
    csrf_ok,
    guard,
    login_keys,
    read_form,
    set_cookie,
)


async def healthz(request: Request) -> Response:
    """Liveness: 200 ``ok``."""
    return PlainTextResponse("ok")


async def login_page(request: Request, message: str | None = None, status: int = 200) -> Response:
    """The login form, with a fresh double-submit token."""
    web = request.app.state.web
    token = secrets.token_urlsafe(32)
    response = web.render(request, "login.html", status=status, session=None, login_csrf=token, message=message)
    set_cookie(response, PRE_COOKIE, web.signer.dumps(token), secure=web.secure_cookies)
    return response


async def login(request: Request) -> Response:
    """Check the token, the rate limit and the password; open a session."""
    web = request.app.state.web
    form, _ = await read_form(request)
    expected = web.signer.loads(request.cookies.get(PRE_COOKIE))
    if not csrf_ok(expected, form.get("csrf")):
        return web.refuse(request, 403, "登录表单已失效（缺少或错误的安全令牌），请刷新页面后重试")
    name = str(form.get("name", "")).strip()[:40]
    password = str(form.get("password", ""))[:200]
    keys = login_keys(request, name)
    if await run_in_threadpool(web.store.throttled, keys):
        return await login_page(request, "登录失败次数过多，请 5 分钟后再试", 429)
    user = await run_in_threadpool(web.store.check_password, name, password)
    if user is None:
        await run_in_threadpool(web.store.failed, keys)
        return await login_page(request, "用户名或密码不正确", 401)
    session = await run_in_threadpool(web.store.open_session, user)
    response = RedirectResponse("/", status_code=303)
    set_cookie(response, SESSION_COOKIE, web.signer.dumps(session.token), secure=web.secure_cookies)
    response.delete_cookie(PRE_COOKIE, path="/")
    return response


@guard()
def logout(ctx: Ctx) -> Response:
    """Close the session."""
    ctx.app.store.close_session(ctx.session.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@guard()
def home(ctx: Ctx) -> Response:
    """A community account to its form; inspectors and administrators to the dashboard."""
    user = ctx.session.user
    if user.role == "community" and user.community:
        return RedirectResponse(f"/c/{user.community}", status_code=303)
    return RedirectResponse("/district", status_code=303)


async def _login_get(request: Request) -> Response:
    return await login_page(request)


ROUTES = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/login", _login_get, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/", home, methods=["GET"]),
]
