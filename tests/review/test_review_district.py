"""Reviews in the district (audit batch) and in the PDF gap report (pdftotext reads the real PDF)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.render.pdf import render_pdf
from jingzhi_audit.review.service import assess_reviewed
from tests.conftest import pdf_text
from tests.review.helpers import GENERATED, copy_fixtures


def _district(tmp_path: Path) -> Path:
    """Three communities: one reviewed (downgraded), one whose review lapsed, one with an expired N/A."""
    fixtures = copy_fixtures(tmp_path)
    district = fixtures / "district"
    district.mkdir()
    for name in ("reviewed", "lapsed"):
        shutil.copytree(fixtures / "community", district / name)
        (district / name / "downgrade.review.yaml").rename(district / name / "community.review.yaml")
        (district / name / "agree.review.yaml").unlink()
    lapsed = district / "lapsed" / "community.yaml"
    lapsed.write_text(lapsed.read_text(encoding="utf-8").replace("复核测试社区", "失效社区"), encoding="utf-8")
    shutil.copytree(fixtures / "expired", district / "expired")
    for sub in ("reviewed", "lapsed", "expired"):  # the evidence names the pack two folders up
        path = district / sub / "community.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("standard: ../pack", "standard: ../../pack"),
                        encoding="utf-8")
    # rebinding "reviewed" to its edited evidence keeps its review valid: re-init and refill is what an
    # inspector would do; here the fixture's SHA-256 is simply replaced by the new one
    import hashlib

    for sub in ("reviewed",):
        review = district / sub / "community.review.yaml"
        sha = hashlib.sha256((district / sub / "community.yaml").read_bytes()).hexdigest()
        text = review.read_text(encoding="utf-8")
        old = text.split("evidence_sha256: ", 1)[1].split(" ", 1)[0]
        review.write_text(text.replace(old, sha), encoding="utf-8")
    return district


def test_batch_summary_shows_reviews_and_what_needs_attention(tmp_path: Path) -> None:
    district = _district(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(district), "-o", str(out), "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "复核：有效 1，已失效 1，未复核 1" in result.stdout
    assert "自评偏高（自评 − 复核）：复核测试社区 9.5→6.5（+3.0）、失效社区 9.5→6.5（+3.0）" in result.stdout
    assert "复核已失效（1）：失效社区" in result.stdout
    assert "不适用已过期（1）：过期测试社区" in result.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["reviews"] == {"valid": 1, "lapsed": 1, "none": 1}
    assert [(o["name"], o["difference"], o["state"]) for o in summary["overrated"]] == [
        ("复核测试社区", 3.0, "valid"), ("失效社区", 3.0, "lapsed")]
    assert summary["lapsed_reviews"] == ["失效社区"] and summary["expired_na"] == ["过期测试社区"]
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_bytes().decode("utf-8-sig"))))
    header = rows[0]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["复核测试社区"]["复核状态"] == "复核有效" and by_name["复核测试社区"]["复核后总分"] == "6.5"
    assert by_name["失效社区"]["复核状态"] == "复核已失效"
    assert by_name["过期测试社区"]["复核状态"] == "未复核" and by_name["过期测试社区"]["不适用已过期"] == "1"
    book = load_workbook(out / "summary.xlsx")
    attention = [[c.value for c in row] for row in book["需关注的社区"].iter_rows(min_row=2)]
    assert ["复核已失效", "失效社区"] in attention and ["不适用已过期", "过期测试社区"] in attention
    assert [c.value for c in next(book["复核差异"].iter_rows(min_row=2))][:5] == [
        "复核测试社区", "reviewed/community.yaml", "9.5", "6.5", 3]
    # a review file is not a community of its own
    assert summary["graded"] == 3 and summary["failed"] == []

    again = runner.invoke(app, ["batch", str(district), "-o", str(out), "--jobs", "1"], catch_exceptions=False)
    assert "未改动而跳过 3 个" in again.stderr
    review = district / "reviewed" / "community.review.yaml"
    review.write_text(review.read_text(encoding="utf-8").replace("调查结果没有公布", "结果未公布"), encoding="utf-8")
    third = runner.invoke(app, ["batch", str(district), "-o", str(out), "--jobs", "1"], catch_exceptions=False)
    assert "本次重新处理 1 个，未改动而跳过 2 个" in third.stderr  # a changed review grades its community again


def test_the_pdf_report_has_the_review_section_and_the_signature_block(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    (folder / "files" / "会议纪要.md").write_text("改动\n", encoding="utf-8")
    result = assess_reviewed(folder / "community.yaml", review=folder / "downgrade.review.yaml",
                             generated_at=GENERATED)
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(result))
    text = pdf_text(path)
    pages = text.split("\f")
    assert "复核已失效：复核后得分 6.5（基本合格）仅供参考，不作为正式结果；自评得分 9.5。" in pages[0]  # the cover
    last = [page for page in pages if page.strip()][-1]
    for words in ("自评人（签字）", "复核人（签字）", "日期：2026-11-20", "盖章"):
        assert words in last
    assert "七、复核意见" in text and "调查结果没有公布" in text and "纪要只有两个季度" in text
    assert text.index("调查结果没有公布") < text.index("纪要只有两个季度")  # largest difference first
