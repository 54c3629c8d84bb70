"""Results of two different packs compare through their crosswalk (equal pairs), or not at all."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from jingzhi_audit.api import assess
from jingzhi_audit.cycle.diff import diff
from jingzhi_audit.cycle.sources import compare_results
from jingzhi_audit.errors import AuditError
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import write_district


def test_another_pack_through_the_crosswalk(tmp_path: Path) -> None:
    before = assess(write_district(tmp_path / "a", 1, seed=4, standard="xiangshan-2021")[0])
    after = assess(write_district(tmp_path / "b", 1, seed=4, standard="jingzhi-2022")[0])
    pairs = yaml.safe_load((ROOT / "standards" / "crosswalk" / "jingzhi-2022__xiangshan-2021.yaml")
                           .read_text(encoding="utf-8"))["pairs"]
    linked = {(p["b"], p["a"]) for p in pairs}  # (xiangshan, jingzhi)
    d = compare_results(before, after)
    assert d.crosswalk and d.categories == []
    compared = d.fixed + d.regressed + d.persisting
    assert compared, "the crosswalk's pairs should compare some clauses"
    assert all((c.previous_id, c.id) in linked for c in compared)
    mapped = {j for _x, j in linked}
    # a clause with a superset counterpart (the earlier clause asks more) prefers it to an overlap
    closest = {}
    for p in pairs:
        rank = {"equal": 0, "subset": 1, "intersect": 2, "superset": 3}[p["relation"]]  # seen from jingzhi (a)
        if rank < closest.get(p["a"], (9, ""))[0]:
            closest[p["a"]] = (rank, p["b"])
    assert all(c.previous_id == closest[c.id][1] for c in compared)
    assert set(d.only_current) == {c.id for c in after.clauses} - mapped
    assert {c.id for c in d.new} == {g.clause for g in after.gaps} - mapped
    with pytest.raises(AuditError, match="两次评估使用不同的规则包"):
        diff(before, after)  # without the crosswalk's mapping: refused
