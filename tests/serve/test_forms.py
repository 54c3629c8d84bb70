"""The community's pages: saving clauses and facts (the CLI's checks and messages), the live
score equal to ``audit score`` of the downloaded folder, uploads, downloads, 提交复核."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from jingzhi_audit.api import assess
from jingzhi_audit.errors import EvidenceError

from .helpers import csrf, login, unzip


def _token(client: Any, code: str = "jy002") -> str:
    return csrf(client.get(f"/c/{code}").text)


def _same(a: Any, b: Any) -> None:
    assert (a.total, a.total_text, a.rating.id) == (b.total, b.total_text, b.rating.id)
    assert [(c.id, c.status, c.credit, c.flags) for c in a.clauses] == [(c.id, c.status, c.credit, c.flags) for c in b.clauses]


def test_the_form_shows_every_clause_grouped_and_the_facts_with_units(client: Any) -> None:
    login(client, "jy")
    page = client.get("/c/jy002")
    assert page.status_code == 200
    assert page.text.count('<div class="clause') == 128
    assert page.text.count('action="/c/jy002/clause/') == 128
    assert "社区常住户数" in page.text and "单位：户" in page.text
    assert "提交复核" in page.text


def test_saved_clauses_and_a_fact_score_as_audit_score_scores_the_downloaded_folder(client: Any, tmp_path: Path) -> None:
    login(client, "jy")
    token = _token(client)
    assert client.post("/c/jy002/clause/5.1.1", data={"csrf": token, "status": "met", "note": "有<b>台账</b>"},
                       follow_redirects=False).status_code == 303
    assert client.post("/c/jy002/clause/5.1.2", data={"csrf": token, "status": "partial", "criteria": ["a"]}).status_code == 200
    assert client.post("/c/jy002/clause/5.1.3", data={"csrf": token, "status": "not_met"}).status_code == 200
    assert client.post("/c/jy002/facts", data={"csrf": token, "fact:households": "1,200", "street": "鲸园街道"}).status_code == 200
    page = client.get("/c/jy002").text
    assert "有&lt;b&gt;台账&lt;/b&gt;" in page and "<b>台账" not in page  # text is data, escaped
    exported = unzip(client.get("/c/jy002/evidence.zip").content, tmp_path / "export")
    cli = assess(exported)
    assert f'<strong id="total">{cli.total_text}</strong>' in page
    assert f'<strong id="rating">{cli.rating.label}</strong>' in page
    own = assess(client.app.state.web.data_dir / "communities" / "jy002" / "community.yaml")
    _same(cli, own)
    statuses = {c.id: c.status for c in cli.clauses}
    assert (statuses["5.1.1"], statuses["5.1.2"], statuses["5.1.3"]) == ("met", "partial", "not_met")
    assert cli.facts["households"] == 1200


def test_the_example_community_scores_the_same_in_the_app_and_from_its_zip(client: Any, tmp_path: Path) -> None:
    login(client, "hy")
    page = client.get("/c/hy001").text
    cli = assess(unzip(client.get("/c/hy001/evidence.zip").content, tmp_path / "hy"))
    assert f'<strong id="total">{cli.total_text}</strong>' in page
    assert cli.total > 80  # the strong example, attachments included


def _cli_message(tmp_path: Path, value: str) -> str:
    path = tmp_path / "cli" / "community.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"standard: jingzhi-2022\ncommunity: {{name: 试}}\nfacts:\n  households: \"{value}\"\n", encoding="utf-8")
    with pytest.raises(EvidenceError) as exc:
        assess(path)
    return exc.value.problems[0].message


@pytest.mark.parametrize("value", ["12.5", "很多", "-3"])
def test_a_wrong_fact_gets_the_clis_message_and_is_not_saved(client: Any, data_dir: Path, tmp_path: Path, value: str) -> None:
    login(client, "jy")
    before = (data_dir / "communities/jy002/community.yaml").read_bytes()
    response = client.post("/c/jy002/facts", data={"csrf": _token(client), "fact:households": value})
    assert response.status_code == 422
    assert _cli_message(tmp_path, value) in response.text
    assert (data_dir / "communities/jy002/community.yaml").read_bytes() == before


def test_na_without_a_reason_is_refused_with_the_models_message(client: Any) -> None:
    login(client, "jy")
    response = client.post("/c/jy002/clause/5.1.1", data={"csrf": _token(client), "status": "na"})
    assert response.status_code in (422,)
    assert "必须填写理由" in response.text or "不允许标为不适用" in response.text


def test_an_unknown_clause_or_criterion_is_refused(client: Any) -> None:
    login(client, "jy")
    token = _token(client)
    assert client.post("/c/jy002/clause/9.9.9", data={"csrf": token, "status": "met"}).status_code == 422
    response = client.post("/c/jy002/clause/5.1.2", data={"csrf": token, "status": "partial", "criteria": ["zz"]})
    assert response.status_code == 422 and "没有细项" in response.text


def test_upload_is_stored_by_sha256_and_served_only_as_an_attachment(client: Any, data_dir: Path) -> None:
    import hashlib

    login(client, "jy")
    content = b"%PDF-1.4 minutes of the meeting"
    response = client.post("/c/jy002/upload/5.1.1", data={"csrf": _token(client)},
                           files={"file": ("../../会议记录.pdf", io.BytesIO(content), "application/pdf")})
    assert response.status_code == 200
    digest = hashlib.sha256(content).hexdigest()
    stored = data_dir / "communities/jy002/files" / f"{digest}.pdf"
    assert stored.read_bytes() == content
    assert "会议记录.pdf" in (data_dir / "communities/jy002/community.yaml").read_text(encoding="utf-8")
    got = client.get(f"/c/jy002/files/{digest}.pdf")
    assert got.content == content
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert client.get("/c/jy002/files/..%2F..%2Fcommunity.yaml").status_code == 404


@pytest.mark.parametrize(("name", "content", "message"), [
    ("page.html", b"<script>alert(1)</script>", "不接受"),
    ("fake.pdf", b"MZ\x90\x00", "不是 pdf"),
    ("empty.txt", b"", "空文件"),
])
def test_uploads_outside_the_allowlist_are_refused(client: Any, data_dir: Path, name: str, content: bytes, message: str) -> None:
    login(client, "jy")
    response = client.post("/c/jy002/upload/5.1.1", data={"csrf": _token(client)},
                           files={"file": (name, io.BytesIO(content), "application/octet-stream")})
    assert response.status_code == 422 and message in response.text
    assert list((data_dir / "communities/jy002/files").iterdir()) == []


def test_an_upload_cannot_touch_another_communitys_files(client: Any, data_dir: Path) -> None:
    before = sorted(p.name for p in (data_dir / "communities/hy001/files").rglob("*"))
    login(client, "jy")
    client.post("/c/jy002/upload/5.1.1", data={"csrf": _token(client)},
                files={"file": ("../../hy001/files/x.txt", io.BytesIO(b"hello"), "text/plain")})
    assert sorted(p.name for p in (data_dir / "communities/hy001/files").rglob("*")) == before
    assert client.post("/c/hy001/upload/5.1.1", data={"csrf": _token(client)},
                       files={"file": ("x.txt", io.BytesIO(b"hello"), "text/plain")}).status_code == 403


def test_downloads_are_the_clis_checklist_and_pdf(client: Any) -> None:
    login(client, "hy")
    book = client.get("/c/hy001/checklist.xlsx")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    assert book.headers["content-disposition"].startswith("attachment;")
    pdf = client.get("/c/hy001/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_submitting_locks_the_assessment_until_an_inspector_unlocks_it(client: Any, app: Any) -> None:
    from starlette.testclient import TestClient

    login(client, "jy")
    token = _token(client)
    assert client.post("/c/jy002/submit", data={"csrf": token}).status_code == 200
    response = client.post("/c/jy002/clause/5.1.1", data={"csrf": token, "status": "met"})
    assert response.status_code == 409 and "已提交复核" in response.text
    with TestClient(app) as inspector:
        login(inspector, "insp")
        page = inspector.get("/c/jy002/review")
        assert "退回社区修改" in page.text
        assert inspector.post("/c/jy002/unlock", data={"csrf": csrf(page.text)}).status_code == 200
    assert client.post("/c/jy002/clause/5.1.1", data={"csrf": token, "status": "met"}).status_code == 200
    history = client.get("/c/jy002/history").text
    assert "提交复核" in history and "退回修改" in history


def test_not_applicable_with_reason_and_approval_is_saved_as_the_cli_reads_it(client: Any, data_dir: Path) -> None:
    from jingzhi_audit.evidence.loader import load_evidence

    pack, _ = load_evidence(data_dir / "communities/jy002/community.yaml")
    cid = next(c.id for _, _, c in pack.clauses() if c.na_allowed and c.na_requires_approval)
    login(client, "jy")
    response = client.post(f"/c/jy002/clause/{cid}", data={
        "csrf": _token(client), "status": "na", "reason": "本社区无此类设施", "approved_by": "鲸园街道办事处"})
    assert response.status_code == 200
    _, evidence = load_evidence(data_dir / "communities/jy002/community.yaml")
    entry = evidence.data.clauses[cid]
    assert entry is not None
    assert (entry.status, entry.reason, entry.approved_by) == ("na", "本社区无此类设施", "鲸园街道办事处")
    clause = next(c for c in assess(data_dir / "communities/jy002/community.yaml").clauses if c.id == cid)
    assert clause.status == "na" and "na_unapproved" not in clause.flags
