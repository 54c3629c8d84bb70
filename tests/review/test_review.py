"""Review (复核): hand-checked figures of an agreeing, a downgrading and a lapsed review; the seal.

Every expected figure is computed by hand in the fixture's header comment
(tests/fixtures/review/community/*.review.yaml).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jingzhi_audit.errors import AuditError, EvidenceError
from jingzhi_audit.review.load import read_review
from jingzhi_audit.review.locate import find_review
from jingzhi_audit.review.service import assess_reviewed, sign_review
from tests.review.helpers import GENERATED, REVIEW_FIXTURES, copy_fixtures

COMMUNITY = REVIEW_FIXTURES / "community"


def _assess(evidence: Path, review: Path | None = None):  # type: ignore[no-untyped-def]
    return assess_reviewed(evidence, review=review, generated_at=GENERATED)


def test_no_review_no_review_object() -> None:
    result = _assess(COMMUNITY / "community.yaml")
    assert result.review is None
    assert (result.total_text, result.rating.label) == ("9.5", "优秀")


def test_a_review_that_agrees_gives_the_same_score() -> None:
    result = _assess(COMMUNITY / "community.yaml", COMMUNITY / "agree.review.yaml")
    review = result.review
    assert review is not None
    assert review.state == "valid" and review.lapsed_because == []
    assert (review.total, review.total_text, review.rating.label) == (9.5, "9.5", "优秀")
    assert (result.total_text, result.rating.label) == ("9.5", "优秀")
    assert review.disagreements == []
    assert review.reviewed_clauses == 6
    assert (review.reviewer, review.organization, review.reviewed_on) == ("王复核", "测试区民政局", "2026-11-20")


def test_a_review_that_downgrades_two_clauses() -> None:
    result = _assess(COMMUNITY / "community.yaml", COMMUNITY / "downgrade.review.yaml")
    review = result.review
    assert review is not None and review.state == "valid"
    # the self-assessment stays the result's own figures; the reviewed score sits beside it
    assert (result.total, result.total_text, result.rating.label) == (9.5, "9.5", "优秀")
    assert (review.total, review.total_text, review.rating.id, review.rating.label) == (6.5, "6.5", "basic", "基本合格")
    assert [(c.id, c.self_score_text, c.score_text, c.difference) for c in review.categories] == [
        ("1", "5.5", "4.5", -1.0), ("2", "4.0", "2.0", -2.0)]
    assert review.difference == -3.0
    assert [(d.clause, d.self_status, d.status, d.difference, d.comment) for d in review.disagreements] == [
        ("2.1.2", "met", "not_met", -2.0, "调查结果没有公布"),
        ("1.2.1", "met", "partial", -1.0, "纪要只有两个季度，未做到每季度一次"),
    ]


def test_the_review_beside_the_evidence_is_found(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    assert find_review(folder / "community.yaml") is None
    (folder / "downgrade.review.yaml").rename(folder / "community.review.yaml")
    assert find_review(folder / "community.yaml") == folder / "community.review.yaml"
    review = _assess(folder / "community.yaml").review
    assert review is not None and review.total_text == "6.5"


def test_editing_an_attachment_lapses_the_review(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    with (folder / "files" / "会议纪要.md").open("a", encoding="utf-8") as handle:
        handle.write("补记：第三季度会议。\n")
    review = _assess(folder / "community.yaml", folder / "downgrade.review.yaml").review
    assert review is not None
    assert review.state == "lapsed"
    assert review.lapsed_because == ["佐证文件 files/会议纪要.md 在复核后有改动（SHA-256 不同）"]
    assert review.total_text == "6.5"  # shown, not official
    assert [d.clause for d in review.disagreements] == ["2.1.2", "1.2.1"]  # both still apply


def test_a_lapsed_review_lists_only_the_disagreements_that_still_apply(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    evidence = folder / "community.yaml"
    text = evidence.read_text(encoding="utf-8")
    evidence.write_text(text.replace('"2.1.2": {status: 达标', '"2.1.2": {status: 未达标'), encoding="utf-8")
    review = _assess(evidence, folder / "downgrade.review.yaml").review
    assert review is not None and review.state == "lapsed"
    [reason] = review.lapsed_because
    assert reason.startswith("证据文件 ") and reason.endswith("community.yaml 在复核后有改动（SHA-256 不同）")
    # the community accepted 2.1.2 (now 未达标 itself): only 1.2.1 is still in dispute
    assert [(d.clause, d.difference) for d in review.disagreements] == [("1.2.1", -1.0)]
    assert review.total_text == "6.5"


def test_sign_seals_and_a_later_edit_breaks_the_seal(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    path = folder / "downgrade.review.yaml"
    before = path.read_text(encoding="utf-8")
    seal = sign_review(path, signed_on=dt.date(2026, 11, 21))
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # only the seal block was added
    assert read_review(path).data.seal == seal
    assert (seal.signed_by, seal.signed_on) == ("王复核", dt.date(2026, 11, 21))
    review = _assess(folder / "community.yaml", path).review
    assert review is not None and review.state == "valid"
    assert review.seal is not None and review.seal.intact and review.seal.sha256 == seal.sha256
    with pytest.raises(AuditError, match="已于 2026-11-21 由 王复核 签署"):
        sign_review(path)
    path.write_text(after.replace("调查结果没有公布", "调查结果没有按时公布"), encoding="utf-8")
    review = _assess(folder / "community.yaml", path).review
    assert review is not None and review.state == "lapsed"
    assert review.seal is not None and not review.seal.intact
    assert any("签署封印" in reason for reason in review.lapsed_because)


def test_a_lapsed_review_cannot_be_signed(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "community"
    (folder / "files" / "名册.csv").write_text("姓名\n", encoding="utf-8")
    with pytest.raises(AuditError, match=r"复核已失效，不能签署：佐证文件 files/名册\.csv 在复核后有改动"):
        sign_review(folder / "agree.review.yaml", signed_on=dt.date(2026, 11, 21))


BAD_REVIEWS = [
    ('    verdict: 不同意\n    status: 未达标\n    comment: 调查结果没有公布\n',
     '    verdict: 不同意\n    comment: 调查结果没有公布\n',
     r"downgrade\.review\.yaml:\d+: clauses\.2\.1\.2\.status: 复核结论为不同意时必须填写复核认定的状态"),
    ('    verdict: 不同意\n    status: 未达标\n    comment: 调查结果没有公布\n',
     '    verdict: 不同意\n    status: 未达标\n',
     r"downgrade\.review\.yaml:\d+: clauses\.2\.1\.2\.comment: 复核结论为不同意时必须填写复核意见"),
    ('    status: 未达标\n', '    status: 已完成\n', r"状态「已完成」不是可选值"),
    ('    verdict: 不同意\n    status: 未达标\n', '    verdict: 反对\n    status: 未达标\n',
     r"clauses\.2\.1\.2\.verdict: 复核结论「反对」不是可选值"),
    ('"2.1.2":', '"2.1.9":', r"规则包 mini-review 中没有条款 2\.1\.9（2\.1 下的条款为：2\.1\.1、2\.1\.2）"),
    ('  "1.1.1":  # 志愿队伍（2 分）  自评：部分达标（细项 a、b、c），佐证 1 项\n    verdict: 同意\n',
     '  "1.1.1":\n    verdict: 同意\n    status: 达标\n', r"复核结论为同意时不填写 status"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_REVIEWS)
def test_bad_reviews_name_file_line_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    from jingzhi_audit.review.load import load_review

    folder = copy_fixtures(tmp_path) / "community"
    path = folder / "downgrade.review.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(EvidenceError, match=message) as caught:
        load_review(path)
    [problem] = caught.value.problems
    changed = text.replace(old, new, 1).splitlines()
    # the line named is the line of the clause (or of the field itself) in the file as changed
    assert problem.line is not None and problem.line > 1
    assert any(key in changed[problem.line - 1] for key in ('"2.1', '"1.1.1"', "status:", "verdict:"))
