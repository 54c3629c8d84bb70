"""Writing the district summary: summary.json, summary.csv (UTF-8 with BOM), summary.xlsx, and the
district PDF. Each file is written atomically; all of them render the same summary object."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..files import write_bytes_atomic, write_text_atomic
from ..result import FLAG_LABELS, REASON_LABELS
from ..result.district import DistrictSummary
from ..safe_text import cell_value, csv_value, guard_workbook


def ranking_table(summary: DistrictSummary) -> tuple[list[str], list[list[Any]]]:
    """The ranking as header + rows (graded communities, then the files that could not be graded)."""
    categories = [f"{c.id} {c.title}" for c in summary.categories]
    header = ["排名", "社区", "区（市）", "街道", "总分", "等级", *categories,
              FLAG_LABELS["unevidenced"], FLAG_LABELS["mismatch"], FLAG_LABELS["unverified"],
              FLAG_LABELS["unassessed"], "不适用", "一票否决", "评估完整", "证据文件", "状态"]
    rows: list[list[Any]] = []
    for ranked in summary.ranking:
        r = ranked.row
        rows.append([
            ranked.rank, r.name, r.district or "", r.street or "", r.total, r.rating.label,
            *[c.score for c in r.categories],
            r.flags.unevidenced, r.flags.mismatch, r.flags.unverified, r.flags.unassessed, r.flags.na,
            "；".join(r.vetoes), "是" if r.complete else "否", r.path, "已评分",
        ])
    for failed in summary.failed:
        rows.append(["", "", "", "", "", "", *[""] * len(categories), "", "", "", "", "", "", "", failed.path,
                     "无法评分：" + (failed.errors[0] if failed.errors else "")])
    return header, rows


def summary_csv(summary: DistrictSummary) -> bytes:
    header, rows = ranking_table(summary)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_value(v) for v in row] for row in rows)
    # UTF-8 with BOM: Excel on Chinese Windows opens it as Chinese instead of mojibake.
    return buffer.getvalue().encode("utf-8-sig")


def summary_xlsx(summary: DistrictSummary) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E8EFF7")

    def sheet(title: str, header: list[str], rows: list[list[Any]], widths: list[int], first: bool = False) -> Any:
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            ws.append([cell_value(v) for v in row])
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        return ws

    header, rows = ranking_table(summary)
    widths = [6, 18, 10, 12, 8, 10] + [11] * len(summary.categories) + [9, 9, 9, 9, 8, 24, 8, 36, 40]
    ranking = sheet("排名", header, rows, widths, first=True)
    fills = {"excellent": "D1FAE5", "good": "E0F2FE", "pass": "FEF9C3", "basic": "FFEDD5", "fail": "FEE2E2"}
    for row_cells, ranked in zip(ranking.iter_rows(min_row=2), summary.ranking, strict=False):
        fill = fills.get(ranked.row.rating.id)
        if fill:
            row_cells[5].fill = PatternFill("solid", fgColor=fill)
    sheet("等级分布", ["等级", "星级", "社区数"],
          [[r.label, "★" * r.stars, r.count] for r in summary.ratings], [12, 10, 10])
    sheet("分类统计", ["类别", "分值", "平均分", "平均得分率", "最低分", "最低的社区", "最高分", "极差"],
          [[f"{c.id} {c.title}", c.points, c.average, c.average_ratio, c.lowest_score, c.lowest, c.highest_score,
            c.spread] for c in summary.categories], [18, 8, 10, 12, 10, 18, 10, 10])
    sheet("高频失分条款", ["条款", "名称", "涉及社区数", "全区合计失分", "原因分布"],
          [[m.clause, m.title or "", m.communities, m.points_lost,
            "；".join(f"{REASON_LABELS.get(k, k)} {v}" for k, v in m.reasons.items())]
           for m in summary.clauses_missed], [10, 24, 12, 14, 40])
    attention = [["一票否决", name] for name in summary.vetoed] + \
        [["评估不完整", name] for name in summary.incomplete] + \
        [["自评与数据不符", name] for name in summary.mismatched]
    sheet("需关注的社区", ["类别", "社区"], attention, [16, 24])
    sheet("无法评分的文件", ["证据文件", "问题"],
          [[f.path, "\n".join(f.errors)] for f in summary.failed], [40, 100])
    guard_workbook(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_summary(summary: DistrictSummary, out: Path, *, pdf: bool) -> list[Path]:
    written = []
    targets: list[tuple[str, bytes | str]] = [
        ("summary.json", summary.model_dump_json(indent=2) + "\n"),
        ("summary.csv", summary_csv(summary)),
        ("summary.xlsx", summary_xlsx(summary)),
    ]
    if pdf:
        from .district_pdf import render_district_pdf

        targets.append(("summary.pdf", render_district_pdf(summary)))
    for name, data in targets:
        path = out / name
        if isinstance(data, bytes):
            write_bytes_atomic(path, data)
        else:
            write_text_atomic(path, data)
        written.append(path)
    return written
