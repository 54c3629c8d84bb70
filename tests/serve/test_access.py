"""Who may reach what: every route is public by an explicit allowlist or refuses anonymous
requests; community accounts only see their own community, inspectors their district; forms
without their CSRF token are refused; logins are rate-limited; the security headers are set."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.routing import Mount, Route

from jingzhi_audit.serve.app import PUBLIC

from .helpers import csrf, login

PARAMS = {"code": "hy001", "cid": "5.1.1", "name": "0" * 64 + ".pdf", "fmt": "json"}


def _routes(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            found.append((route.path, "GET"))
        elif isinstance(route, Route):
            path = re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], route.path)
            found += [(path, method) for method in sorted(route.methods or []) if method != "HEAD"]
    return found


def test_healthz(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


def test_every_route_is_public_by_the_allowlist_or_refuses_anonymous_requests(app: Any, client: Any) -> None:
    routes = _routes(app)
    assert len(routes) >= 20
    for path, method in routes:
        if path in PUBLIC:
            continue
        response = client.request(method, path, follow_redirects=False)
        if method == "GET":
            assert response.status_code == 303 and response.headers["location"] == "/login", (method, path)
        else:
            assert response.status_code == 401, (method, path)
        assert "海韵" not in response.text


def test_a_community_account_is_refused_every_page_of_another_community(app: Any, client: Any) -> None:
    login(client, "jy")
    token = csrf(client.get("/c/jy002").text)
    community_routes = [(p, m) for p, m in _routes(app) if p.startswith("/c/hy001")]
    assert len(community_routes) >= 14
    for path, method in community_routes:
        data = {"csrf": token} if method == "POST" else None
        response = client.request(method, path, data=data, follow_redirects=False)
        assert response.status_code == 403, (method, path)
        assert "海韵" not in response.text
    assert client.get("/district").status_code == 403  # and no dashboard


def test_an_inspector_sees_only_their_district(client: Any) -> None:
    login(client, "insp2")  # 文登区
    assert client.get("/c/hy001").status_code == 403
    assert client.get("/c/hy001/review").status_code == 403
    assert client.get("/c/qs003/review").status_code == 200
    page = client.get("/district").text
    assert "青山社区" in page and "海韵" not in page


def test_unknown_or_malformed_codes_are_refused(client: Any) -> None:
    login(client, "root")
    assert client.get("/c/..%2F..%2Fetc").status_code in (403, 404)
    assert client.get("/c/nosuch").status_code == 404


def test_a_post_without_its_csrf_token_is_refused(client: Any, data_dir: Any) -> None:
    login(client, "hy")
    before = (data_dir / "communities/hy001/community.yaml").read_bytes()
    for data in ({"status": "not_met"}, {"status": "not_met", "csrf": "forged"}):
        response = client.post("/c/hy001/clause/5.1.1", data=data)
        assert response.status_code == 403
        assert "安全令牌" in response.text
    assert (data_dir / "communities/hy001/community.yaml").read_bytes() == before


def test_the_login_form_needs_its_token(client: Any) -> None:
    client.get("/login")
    response = client.post("/login", data={"name": "hy", "password": "correct-horse-9"})
    assert response.status_code == 403


def test_login_is_rate_limited(client: Any) -> None:
    for _ in range(5):
        assert login(client, "hy", "wrong-password").status_code == 401
    response = login(client, "hy")  # even the right password, for now
    assert response.status_code == 429
    assert "过多" in response.text


def test_session_cookie_is_signed_httponly_and_lax(client: Any) -> None:
    response = login(client, "hy")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "jz_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    value = client.cookies["jz_session"]
    client.cookies.clear()
    client.cookies.set("jz_session", value[:-2] + ("BB" if value.endswith("AA") else "AA"))
    assert client.get("/c/hy001", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(client: Any) -> None:
    login(client, "hy")
    token = csrf(client.get("/c/hy001").text)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/c/hy001", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path", ["/login", "/healthz", "/nosuch"])
def test_security_headers(client: Any, path: str) -> None:
    response = client.get(path)
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "Traceback" not in response.text


def test_no_script_in_any_page(client: Any) -> None:
    login(client, "root")
    for path in ("/c/hy001", "/c/hy001/review", "/district", "/c/hy001/history"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script" not in page.text.lower()
