"""Things that expire: an N/A past its date or never approved, evidence outside the period.

Figures computed by hand in tests/fixtures/review/expired/community.yaml's header comment.
"""

from __future__ import annotations

from pathlib import Path

from jingzhi_audit.api import assess
from jingzhi_audit.evidence.loader import load_evidence
from jingzhi_audit.evidence.template import evidence_schema
from tests.review.helpers import GENERATED, REVIEW_FIXTURES, copy_fixtures

EXPIRED = REVIEW_FIXTURES / "expired" / "community.yaml"


def test_expired_na_counts_as_unassessed_and_stale_evidence_earns_nothing() -> None:
    result = assess(EXPIRED, generated_at=GENERATED)
    assert (result.total_text, result.rating.label) == ("5.0", "不合格")
    assert [(c.id, c.score_text, c.applicable, c.na_points) for c in result.categories] == [
        ("1", "3.0", 5.0, 1.0), ("2", "2.0", 4.0, 0.0)]
    clauses = {c.id: c for c in result.clauses}
    assert clauses["1.2.1"].status == "unassessed"
    assert clauses["1.2.1"].flags == ["na_expired", "na_unapproved", "unassessed"]
    assert clauses["1.2.2"].status == "na" and clauses["1.2.2"].flags == []  # approved, still valid
    assert clauses["1.1.2"].flags == ["verified"]  # valid until 2026-12-31: not stale
    assert clauses["2.1.2"].flags == ["stale_evidence", "unevidenced"]
    assert (clauses["2.1.2"].earned, clauses["2.1.2"].potential) == (0.0, 2.0)
    assert not result.complete


def test_a_pack_may_let_expired_evidence_earn_credit(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path)
    pack_file = folder / "pack" / "pack.yaml"
    pack_file.write_text(pack_file.read_text(encoding="utf-8") + "expired_evidence_credit: true\n", encoding="utf-8")
    result = assess(folder / "expired" / "community.yaml", generated_at=GENERATED)
    assert (result.total_text, result.rating.label) == ("7.0", "合格")
    clause = next(c for c in result.clauses if c.id == "2.1.2")
    assert clause.flags == ["stale_evidence"] and clause.earned == 2.0  # flagged, but it counts


def test_an_unapproved_na_is_only_flagged(tmp_path: Path) -> None:
    folder = copy_fixtures(tmp_path) / "expired"
    path = folder / "community.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(", valid_until: 2026-06-30}", "}"), encoding="utf-8")
    result = assess(path, generated_at=GENERATED)
    clause = next(c for c in result.clauses if c.id == "1.2.1")
    assert clause.status == "na" and clause.flags == ["na_unapproved"]
    # 1.2.1 and 1.2.2 N/A: category 1 applicable 3, earned 2.5 → 2.5 / 3 × 6 = 5.0; 3 of 6 N/A > 20%
    category = result.categories[0]
    assert (category.score_text, category.flags) == ("5.0", ["insufficient_basis"])


def test_the_template_the_schema_and_the_bundled_pack_know_the_fields() -> None:
    pack, _ = load_evidence(EXPIRED)
    schema = evidence_schema(pack)
    entry = schema["$defs"]["ClauseEntry"]["properties"]
    attachment = next(arm["properties"] for arm in schema["$defs"]["Attachment"]["anyOf"] if "properties" in arm)
    assert {"approved_by", "valid_until"} <= set(entry) and {"dated", "valid_until"} <= set(attachment)
    from jingzhi_audit.evidence.template import render_template
    from jingzhi_audit.pack import load_pack, resolve_pack

    text = render_template(load_pack(resolve_pack("jingzhi-2022")))
    assert "approved_by（审批人或审批单位）" in text and "dated: 2026-03-01" in text
    assert text.count("本条标为不适用须经街道审批") == 4  # 7.2.4, 7.4.3, 7.4.4, 7.4.5


def test_yaml_and_excel_keep_the_expiry_fields(tmp_path: Path) -> None:
    from jingzhi_audit.api import convert as convert_evidence

    folder = copy_fixtures(tmp_path) / "expired"
    convert_evidence(folder / "community.yaml", folder / "community.xlsx")
    convert_evidence(folder / "community.xlsx", folder / "again.yaml")
    original = load_evidence(folder / "community.yaml")[1].data
    assert load_evidence(folder / "community.xlsx")[1].data == original
    assert load_evidence(folder / "again.yaml")[1].data == original
