"""The inspector's pages: the review changes the reviewed score exactly as ``audit score --review``
does; the dashboard is ``batch.summary``'s; imports of a folder or a workbook are lossless."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

from jingzhi_audit.api import assess
from jingzhi_audit.evidence.loader import load_evidence

from .helpers import EXAMPLES, csrf, login, unzip


def test_a_review_changes_the_reviewed_score_as_the_cli_computes_it(client: Any, data_dir: Path, tmp_path: Path) -> None:
    login(client, "insp")
    page = client.get("/c/hy001/review")
    assert page.status_code == 200
    token = csrf(page.text)
    own = assess(data_dir / "communities/hy001/community.yaml")
    met = next(c for c in own.clauses if c.status == "met" and c.points >= 1)
    response = client.post(f"/c/hy001/review/{met.id}", data={
        "csrf": token, "verdict": "disagree", "status": "not_met", "comment": "台账缺 3 个月 <i>x</i>"})
    assert response.status_code == 200
    assert client.post("/c/hy001/sign", data={"csrf": token}).status_code == 200
    reviewed = assess(data_dir / "communities/hy001/community.yaml")
    assert reviewed.review is not None and reviewed.review.total < own.total
    assert reviewed.review.seal is not None and reviewed.review.seal.intact
    page = client.get("/c/hy001/review").text
    assert f'<strong id="reviewed-total">{reviewed.review.total_text}</strong>' in page
    # the downloaded folder (evidence + review) gives the CLI the same reviewed figure
    folder = unzip(client.get("/c/hy001/evidence.zip").content, tmp_path / "z")
    cli = assess(folder, review=folder.parent / "community.review.yaml")
    assert cli.review is not None and cli.review.total == reviewed.review.total
    assert [d.clause for d in cli.review.disagreements] == [met.id]


def test_a_disagreement_without_a_comment_is_refused_with_the_models_message(client: Any) -> None:
    login(client, "insp")
    token = csrf(client.get("/c/hy001/review").text)
    response = client.post("/c/hy001/review/5.1.1", data={"csrf": token, "verdict": "disagree", "status": "met"})
    assert response.status_code == 422 and "复核意见" in response.text


def test_signing_without_verdicts_is_refused(client: Any) -> None:
    login(client, "insp")
    token = csrf(client.get("/c/hy001/review").text)
    response = client.post("/c/hy001/sign", data={"csrf": token})
    assert response.status_code == 422


def test_the_dashboard_is_the_district_summary(client: Any, data_dir: Path) -> None:
    login(client, "insp")
    page = client.get("/district")
    assert page.status_code == 200
    for heading in ("排名", "等级分布", "类别 × 社区", "需关注的社区", "常见差距", "较去年"):
        assert heading in page.text
    assert "海韵社区（虚构）" in page.text and "鲸园社区" in page.text and "青山社区" not in page.text
    assert "鲸园街道" in page.text
    summary = json.loads(client.get("/district/summary.json").content)
    assert [r["row"]["path"] for r in summary["ranking"]] == ["hy001", "jy002"]
    hy = assess(data_dir / "communities/hy001/community.yaml")
    assert summary["ranking"][0]["row"]["total"] == hy.total
    for fmt, magic in (("xlsx", b"PK"), ("csv", b"\xef\xbb\xbf"), ("pdf", b"%PDF")):
        got = client.get(f"/district/summary.{fmt}")
        assert got.status_code == 200 and got.content.startswith(magic), fmt
        assert got.headers["content-disposition"].startswith("attachment;")


def test_change_since_last_year_comes_from_the_cycle_archive(client: Any, app: Any, data_dir: Path) -> None:
    import dataclasses

    from jingzhi_audit.cycle.archive import open_archive
    from jingzhi_audit.cycle.store import entry_from_result, record

    hy = assess(data_dir / "communities/hy001/community.yaml")
    archive = open_archive(data_dir / "archive.sqlite")
    try:
        last_year = dataclasses.replace(entry_from_result(hy), code="hy001", assessed_on="2025-11-30",
                                        total=50.0, total_text="50.0", evidence_sha256="0" * 64)
        record(archive, last_year, hy.model_dump_json())
    finally:
        archive.dispose()
    login(client, "insp")
    page = client.get("/district").text
    assert f"{hy.total - 50.0:+.1f}" in page
    history = client.get("/c/hy001/history").text
    assert "2025-11-30" in history and "50.0" in history


def test_every_save_is_an_assessment_in_the_archive_audit_history_reads(client: Any, data_dir: Path) -> None:
    from jingzhi_audit.api import history

    login(client, "jy")
    token = csrf(client.get("/c/jy002").text)
    for status in ("met", "not_met"):
        assert client.post("/c/jy002/clause/5.1.1", data={"csrf": token, "status": status}).status_code == 200
    archived = history(str(data_dir / "archive.sqlite"), "jy002")
    assert len(archived.assessments) == 2
    own = assess(data_dir / "communities/jy002/community.yaml")
    assert archived.assessments[-1].total == own.total
    page = client.get("/c/jy002/history").text
    assert page.count("<tr><td>") >= 2 and "保存条款 5.1.1" in page


def _zip_folder(folder: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"haiyun/{path.relative_to(folder).as_posix()}")
    return out.getvalue()


def test_a_folder_uploaded_by_an_inspector_imports_losslessly(client: Any, data_dir: Path) -> None:
    login(client, "insp")
    token = csrf(client.get("/c/jy002/review").text)
    response = client.post("/c/jy002/import", data={"csrf": token},
                           files={"file": ("haiyun.zip", io.BytesIO(_zip_folder(EXAMPLES / "haiyun")), "application/zip")})
    assert response.status_code == 200, response.text[:500]
    _, original = load_evidence(EXAMPLES / "haiyun" / "community.yaml")
    _, imported = load_evidence(data_dir / "communities/jy002/community.yaml")
    assert imported.data == original.data
    assert {k: a.sha256 for k, a in imported.attachments.items()} == {k: a.sha256 for k, a in original.attachments.items()}
    assert assess(data_dir / "communities/jy002/community.yaml").total == assess(EXAMPLES / "haiyun" / "community.yaml").total


def test_a_workbook_uploaded_by_an_inspector_imports_losslessly(client: Any, data_dir: Path, tmp_path: Path) -> None:
    from jingzhi_audit.checklist.workbook import checklist_workbook

    pack, original = load_evidence(EXAMPLES / "qingshan" / "community.yaml")
    book = checklist_workbook(pack, original.data)
    login(client, "insp2")
    token = csrf(client.get("/c/qs003/review").text)
    response = client.post("/c/qs003/import", data={"csrf": token},
                           files={"file": ("青山.xlsx", io.BytesIO(book), "application/octet-stream")})
    assert response.status_code == 200, response.text[:500]
    _, imported = load_evidence(data_dir / "communities/qs003/community.yaml")
    assert imported.data == original.data


def test_an_unsafe_zip_is_refused_and_changes_nothing(client: Any, data_dir: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("community.yaml", (EXAMPLES / "haiyun" / "community.yaml").read_text(encoding="utf-8"))
        archive.writestr("../../evil.txt", "x")
    before = (data_dir / "communities/jy002/community.yaml").read_bytes()
    login(client, "insp")
    token = csrf(client.get("/c/jy002/review").text)
    response = client.post("/c/jy002/import", data={"csrf": token},
                           files={"file": ("bad.zip", io.BytesIO(out.getvalue()), "application/zip")})
    assert response.status_code == 422 and "不安全" in response.text
    assert (data_dir / "communities/jy002/community.yaml").read_bytes() == before
    assert not (data_dir.parent / "evil.txt").exists()
    shutil.rmtree(data_dir / "communities" / "jy002" / "files", ignore_errors=True)


def test_a_community_account_cannot_review(client: Any) -> None:
    login(client, "hy")
    token = csrf(client.get("/c/hy001").text)
    assert client.get("/c/hy001/review").status_code == 403
    assert client.post("/c/hy001/review/5.1.1", data={"csrf": token, "verdict": "agree"}).status_code == 403
    assert client.post("/c/hy001/sign", data={"csrf": token}).status_code == 403
