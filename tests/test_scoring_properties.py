"""Properties of the scoring model over random evidence for the full bundled pack (hypothesis)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingzhi_audit.evidence.loader import AttachmentInfo, Evidence
from jingzhi_audit.evidence.model import EvidenceFile
from jingzhi_audit.pack import Pack, load_pack
from jingzhi_audit.render.markdown import render_markdown
from jingzhi_audit.render.terminal import render_text
from jingzhi_audit.result import Result
from jingzhi_audit.scoring import score
from tests.conftest import BUNDLED_PACK

PACK: Pack = load_pack(BUNDLED_PACK)
CLAUSES = list(PACK.index)
FILE = "files/台账.pdf"
ORDER = ["not_met", "partial", "met"]  # "improving" moves right


def _fact_value(kind: str) -> st.SearchStrategy[Any]:
    if kind == "boolean":
        return st.booleans()
    if kind == "ratio":
        return st.fractions(min_value=0, max_value=1, max_denominator=100)
    if kind == "integer":
        return st.integers(min_value=0, max_value=5000)
    return st.fractions(min_value=0, max_value=5000, max_denominator=10)


facts_strategy = st.fixed_dictionaries(
    {}, optional={name: _fact_value(fact.type) for name, fact in PACK.meta.facts.items()})


@st.composite
def clause_entry(draw: st.DrawFn, cid: str) -> dict[str, Any] | None:
    clause = PACK.index[cid][2]
    choices = ["absent", "met", "partial", "not_met"] + (["na"] if clause.na_allowed else [])
    status = draw(st.sampled_from(choices))
    if status == "absent":
        return None
    entry: dict[str, Any] = {"status": status}
    if status == "na":
        entry["reason"] = "不适用的理由"
    if draw(st.booleans()):
        entry["evidence"] = [draw(st.sampled_from([FILE, {"paper": "台账"}, "files/缺失.pdf"]))]
    if status == "partial" and clause.criteria:  # a valid file names at least one (the k/n rule)
        ids = [c.id for c in clause.criteria]
        entry["criteria_met"] = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=len(ids)))
    return entry


@st.composite
def evidence_strategy(draw: st.DrawFn) -> Evidence:
    clauses = {}
    for cid in CLAUSES:
        entry = draw(clause_entry(cid))
        if entry is not None:
            clauses[cid] = entry
    return make_evidence(clauses, draw(facts_strategy))


def make_evidence(clauses: dict[str, Any], facts: dict[str, Any]) -> Evidence:
    data = EvidenceFile.model_validate({"standard": "jingzhi-2022", "community": {"name": "随机社区"},
                                        "clauses": clauses})
    attachments = {
        FILE: AttachmentInfo(FILE, "file", exists=True, sha256="0" * 64, size=1),
        "台账": AttachmentInfo("台账", "paper"),
        "files/缺失.pdf": AttachmentInfo("files/缺失.pdf", "file", exists=False),
    }
    return Evidence(data=data, path=Path("random.yaml"), name="random.yaml", sha256="0" * 64,
                    encoding="utf-8", facts=facts, attachments=attachments)


def run(evidence: Evidence) -> Result:
    return score(PACK, evidence, generated_at="2026-11-22T10:00:00+08:00", tool_version="test")


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(evidence_strategy())
def test_total_within_bounds_and_display_adds_up(evidence: Evidence) -> None:
    result = run(evidence)
    assert 0 <= result.total <= result.total_points
    shown = sum(Fraction(c.score_text) for c in result.categories) + Fraction(result.bonus_text)
    assert shown == Fraction(result.total_text)
    assert abs(sum(c.score for c in result.categories) - result.total) <= 0.00005 * 7
    for cat in result.categories:
        assert 0 <= cat.score <= cat.points
    # what is lost plus what is earned is everything applicable
    applicable_categories = sum(c.points for c in result.categories if c.applicable > 0)
    lost = sum(g.points_lost for g in result.gaps)
    assert abs(result.total + lost - applicable_categories) < 0.001 * (len(result.gaps) + 1)


@SETTINGS
@given(evidence_strategy(), st.sampled_from(CLAUSES), st.data())
def test_improving_one_clause_never_lowers_the_total(evidence: Evidence, cid: str, data: st.DataObject) -> None:
    entries = {k: (v.model_dump(exclude_none=True, mode="json") if v else None)
               for k, v in evidence.data.clauses.items()}
    current = entries.get(cid) or {}
    status = current.get("status")
    if status == "na":
        return
    start = ORDER.index(status) if status in ORDER else -1  # -1: unassessed
    better = data.draw(st.sampled_from(ORDER[start + 1:])) if start < len(ORDER) - 1 else None
    if better is None:
        return
    improved = dict(entries)
    new_entry = {k: v for k, v in current.items() if k != "criteria_met"}
    new_entry["status"] = better
    criteria = PACK.index[cid][2].criteria
    if better == "partial" and criteria:
        new_entry["criteria_met"] = [data.draw(st.sampled_from([c.id for c in criteria]))]
    improved[cid] = new_entry
    before = run(make_evidence(_clean(entries), evidence.facts))
    after = run(make_evidence(_clean(improved), evidence.facts))
    assert after.total >= before.total


PARTIAL_WITH_CRITERIA = [c for c in CLAUSES if PACK.index[c][2].criteria]


@SETTINGS
@given(evidence_strategy(), st.sampled_from(PARTIAL_WITH_CRITERIA), st.data())
def test_adding_a_met_criterion_never_lowers_the_total(evidence: Evidence, cid: str, data: st.DataObject) -> None:
    """More detail never lowers the credit: ticking one more sub-item of a partial clause."""
    entries = _clean({k: (v.model_dump(exclude_none=True, mode="json") if v else None)
                      for k, v in evidence.data.clauses.items()})
    ids = [c.id for c in PACK.index[cid][2].criteria or ()]
    named = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=len(ids) - 1))
    extra = data.draw(st.sampled_from([i for i in ids if i not in named]))
    base = dict(entries.get(cid) or {}, status="partial", criteria_met=named)
    base.pop("reason", None)
    before = run(make_evidence(dict(entries, **{cid: base}), evidence.facts))
    after = run(make_evidence(dict(entries, **{cid: dict(base, criteria_met=[*named, extra])}), evidence.facts))
    assert after.total >= before.total
    b, a = (next(c for c in r.clauses if c.id == cid) for r in (before, after))
    assert a.credit >= b.credit


@SETTINGS
@given(evidence_strategy(), st.sampled_from([c for c in CLAUSES if PACK.index[c][2].na_allowed]))
def test_na_on_a_clause_never_changes_other_categories(evidence: Evidence, cid: str) -> None:
    entries = _clean({k: (v.model_dump(exclude_none=True, mode="json") if v else None)
                      for k, v in evidence.data.clauses.items()})
    with_na = dict(entries, **{cid: {"status": "na", "reason": "不适用"}})
    before = run(make_evidence(entries, evidence.facts))
    after = run(make_evidence(with_na, evidence.facts))
    category = PACK.index[cid][0].id
    for b, a in zip(before.categories, after.categories, strict=True):
        if b.id != category:
            assert (b.score, b.earned, b.applicable) == (a.score, a.earned, a.applicable)


@settings(max_examples=15, deadline=None)
@given(evidence_strategy())
def test_terminal_json_and_markdown_show_the_same_total(evidence: Evidence) -> None:
    result = run(evidence)
    again = Result.model_validate_json(result.model_dump_json())
    assert again.total_text == result.total_text and again.total == result.total
    assert f"总分 {result.total_text} / 100" in render_text(result)
    assert f"**总分：{result.total_text} / 100**" in render_markdown(result)


def _clean(entries: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entries.items() if v is not None}


@pytest.mark.parametrize("status", ["met", "not_met"])
def test_uniform_statuses(status: str) -> None:
    result = run(make_evidence({cid: {"status": status, "evidence": [FILE]} for cid in CLAUSES}, {}))
    # without facts, every automatic check is unverified and the declared status stands
    assert result.total == (100.0 if status == "met" else 0.0)
    checked = [c for _, _, c in PACK.clauses() if c.id in PACK.expressions or any(k.check for k in c.criteria or ())]
    assert result.flag_counts.unverified == len(checked)
