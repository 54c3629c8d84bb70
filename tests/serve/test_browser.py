"""``audit serve`` in headless Chromium: login, three clauses and a fact, an upload, the live score
equal to ``audit score`` of the exported folder, another community's page refused, a form without
its CSRF token refused, and the inspector's review changing the reviewed score. The screenshots in
docs/screenshots/ are made here."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jingzhi_audit.api import assess

from .browser import free_port, launch, start_server, stop_server
from .helpers import PASSWORD, ROOT, make_data, unzip

SHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    base = tmp_path_factory.mktemp("browser")
    data = make_data(base / "data")
    port = free_port()
    proc = start_server(data, port, base / "serve.log")
    try:
        yield f"http://127.0.0.1:{port}", data
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def _browser(playwright: Any, tmp_path: Path) -> Any:
    profile = tmp_path / "profile"
    profile.mkdir()
    return launch(playwright, profile)


def _login(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login")
    page.wait_for_load_state()


def test_a_community_worker_fills_the_form_and_the_live_score_is_audit_scores(
        server: tuple[str, Path], playwright: Any, tmp_path: Path) -> None:
    base, _ = server
    context = _browser(playwright, tmp_path)
    try:
        page = context.new_page()
        _login(page, base, "jy")
        assert page.url == f"{base}/c/jy002"
        for cid, status in (("5.1.1", "met"), ("5.1.3", "not_met"), ("5.2.1", "partial")):
            block = page.locator(f"[id='c-{cid}']")
            block.locator("select[name=status]").select_option(status)
            if status == "partial":
                block.locator("input[name=criteria]").first.check()
            block.locator("input[name=note]").fill(f"网页填写 {cid} <b>不是标记</b>")
            block.get_by_role("button", name="保存本条").click()
            page.wait_for_load_state()
            assert page.locator(f"[id='c-{cid}'] .tag").first.inner_text() != "未评估"
        page.fill("[id='fact-households']", "1,860")
        page.click("#save-facts")
        page.wait_for_load_state()
        assert page.input_value("[id='fact-households']") == "1,860"
        upload = tmp_path / "议事记录.pdf"
        upload.write_bytes(b"%PDF-1.4\n% minutes\n")
        block = page.locator("[id='c-5.1.1']")
        block.locator("input[type=file]").set_input_files(str(upload))
        block.get_by_role("button", name="上传佐证").click()
        page.wait_for_load_state()
        assert page.locator("[id='c-5.1.1'] ul.evidence a").inner_text() == "议事记录.pdf"
        assert page.locator("[id='c-5.1.1'] .ctitle b").count() == 0  # typed text stays text
        live_total = page.inner_text("#total")
        live_rating = page.inner_text("#rating")
        with page.expect_download() as info:
            page.click("text=证据文件夹（zip）")
        zipped = tmp_path / "export.zip"
        info.value.save_as(zipped)
        cli = assess(unzip(zipped.read_bytes(), tmp_path / "export"))
        assert (live_total, live_rating) == (cli.total_text, cli.rating.label)
        statuses = {c.id: c.status for c in cli.clauses}
        assert (statuses["5.1.1"], statuses["5.1.3"], statuses["5.2.1"]) == ("met", "not_met", "partial")
        assert cli.facts["households"] == 1860
        assert any(a.exists for a in cli.evidence.attachments)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.goto(f"{base}/c/jy002#c-5.1.1")
        page.locator("[id='c-5.1.1']").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "form.png"))
    finally:
        context.close()


def test_a_community_account_is_refused_another_communitys_page(server: tuple[str, Path], playwright: Any, tmp_path: Path) -> None:
    base, _ = server
    context = _browser(playwright, tmp_path)
    try:
        page = context.new_page()
        _login(page, base, "jy")
        for path in ("/c/hy001", "/c/hy001/evidence.zip", "/c/hy001/review", "/district"):
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 403, path
            assert "海韵" not in page.content()
    finally:
        context.close()


def test_a_form_post_without_its_csrf_token_is_refused(server: tuple[str, Path], playwright: Any, tmp_path: Path) -> None:
    base, data = server
    context = _browser(playwright, tmp_path)
    try:
        page = context.new_page()
        _login(page, base, "qs")
        before = (data / "communities/qs003/community.yaml").read_bytes()
        block = page.locator("[id='c-5.1.1']")
        block.locator("form.clause-form input[name=csrf]").evaluate("e => e.remove()")
        block.locator("select[name=status]").select_option("met")
        with page.expect_response(lambda r: r.request.method == "POST") as info:
            block.get_by_role("button", name="保存本条").click()
        assert info.value.status == 403
        assert "安全令牌" in page.content()
        assert (data / "communities/qs003/community.yaml").read_bytes() == before
    finally:
        context.close()


def test_the_inspectors_review_changes_the_reviewed_score(server: tuple[str, Path], playwright: Any, tmp_path: Path) -> None:
    base, data = server
    evidence = data / "communities/hy001/community.yaml"
    own = assess(evidence)
    met = next(c for c in own.clauses if c.status == "met" and c.points >= 1)
    context = _browser(playwright, tmp_path)
    try:
        page = context.new_page()
        _login(page, base, "insp")
        assert page.url == f"{base}/district"
        page.goto(f"{base}/c/hy001/review")
        block = page.locator(f"[id='r-{met.id}']")
        block.locator("select[name=verdict]").select_option("disagree")
        block.locator("select[name=status]").select_option("not_met")
        block.locator("input[name=comment]").fill("现场核查：台账不全")
        block.get_by_role("button", name="保存复核").click()
        page.wait_for_load_state()
        page.click("#sign")
        page.wait_for_load_state()
        reviewed = assess(evidence)
        assert reviewed.review is not None and reviewed.review.total < own.total
        assert page.inner_text("#reviewed-total") == reviewed.review.total_text
        assert page.inner_text("#self-total") == own.total_text
        page.goto(f"{base}/district")
        assert "海韵社区（虚构）" in page.inner_text("#ranking")
        page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    finally:
        context.close()
    shutil.rmtree(tmp_path, ignore_errors=True)
