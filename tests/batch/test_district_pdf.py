"""The district summary PDF of a large district: classes instead of inline styles, and the long
tables capped to the head and tail of the ranking, the full data being in summary.xlsx."""

from __future__ import annotations

import io
import re

import openpyxl

from jingzhi_audit.api import assess
from jingzhi_audit.batch.summary import summarize
from jingzhi_audit.pack import load_pack, resolve_pack
from jingzhi_audit.render.district_pdf import SHOWN, render_district_html
from jingzhi_audit.render.district_tables import summary_xlsx
from jingzhi_audit.result.district import DistrictSummary, row_from_result
from jingzhi_audit.scoring.plan import pack_info
from tests.conftest import ROOT


def _district(count: int) -> DistrictSummary:
    result = assess(ROOT / "examples" / "laocheng" / "community.yaml")
    base = row_from_result(result, "c.yaml", {"json": "c.json"})
    rows = [base.model_copy(update={"name": f"社区{i:04d}", "path": f"c{i}.yaml", "total": 90 - i * 0.1})
            for i in range(count)]
    pack = load_pack(resolve_pack("jingzhi-2022"))
    return summarize(rows, [], source="示范区", pack=pack.id, pack_title=pack.meta.title,
                     bands=pack_info(pack).ratings, generated_at="2026-11-22T10:00:00+08:00",
                     titles={cid: c.title for cid, (_, _, c) in pack.index.items()})


def test_a_long_ranking_shows_its_head_and_tail_and_points_to_the_workbook() -> None:
    summary = _district(SHOWN + 37)
    html = render_district_html(summary)
    body = html[html.index("<body>"):]
    assert "style=" not in body
    assert body.count("中间 37 个社区从略") == 2  # the ranking and the heat map
    names = [f"社区{i:04d}" for i in range(SHOWN + 37)]
    shown = names[: SHOWN // 2] + names[-SHOWN // 2:]
    hidden = names[SHOWN // 2: -SHOWN // 2]
    assert all(body.count(f">{n}<") == 2 for n in shown)
    assert not any(f">{n}<" in body for n in hidden)
    assert re.search(r'class="h\d+"', body) and re.search(r'class="bar w\d+"', body)
    sheet = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary)), read_only=True).worksheets[0]
    listed = {row[1] for row in sheet.iter_rows(values_only=True)}
    assert set(names) <= listed


def test_a_district_of_a_hundred_shows_every_community() -> None:
    body = render_district_html(_district(SHOWN))
    assert "从略" not in body
    assert all(f">社区{i:04d}<" in body for i in range(SHOWN))
    # the high-loss table names each clause by the pack's title (rows no longer carry titles)
    assert '<td class="id">8.3.3</td><td>垃圾分类成效</td>' in body
