"""The district summary as tables: summary.csv (UTF-8 with BOM) and summary.xlsx, both drawn from the
same summary object as the terminal view and the district PDF."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..result import FLAG_LABELS, REASON_LABELS
from ..result.district import DistrictSummary
from ..safe_text import cell_value, csv_value, guard_workbook
from .district_cycle import (
    CHANGE_HEADER,
    LEDGER_HEADERS,
    change_cell,
    changes_sheet,
    ledger_cells,
    persisting_sheet,
)
from .district_review import (
    REVIEW_HEADER,
    REVIEW_WIDTHS,
    overrated_rows,
    review_attention,
    review_cells,
)


def ranking_table(summary: DistrictSummary) -> tuple[list[str], list[list[Any]]]:
    """The ranking as header + rows (graded communities, then the files that could not be graded)."""
    categories = [f"{c.id} {c.title}" for c in summary.categories]
    header = ["排名", "社区", "区（市）", "街道", "总分", "等级", CHANGE_HEADER, *categories,
              FLAG_LABELS["unevidenced"], FLAG_LABELS["mismatch"], FLAG_LABELS["unverified"],
              FLAG_LABELS["unassessed"], "不适用", FLAG_LABELS["insufficient_basis"], "一票否决", "等级条件", "评估完整",
              *REVIEW_HEADER, *LEDGER_HEADERS, "证据文件", "状态"]
    changes = summary.cycle.by_path() if summary.cycle is not None else {}
    rows: list[list[Any]] = []
    for ranked in summary.ranking:
        r = ranked.row
        rows.append([  # the figures the reports print (score_text), not the 4-decimal values
            ranked.rank, ranked.shown, r.district or "", r.street or "", float(r.total_text), r.rating.label,
            change_cell(changes.get(r.path)), *[float(c.score_text) for c in r.categories],
            r.flags.unevidenced, r.flags.mismatch, r.flags.unverified, r.flags.unassessed, r.flags.na,
            "；".join(r.insufficient) or ("是" if r.rating.capped_by == "na_cap" else ""),
            "；".join(r.vetoes), r.rating.gate.message if r.rating.capped_by == "gate" and r.rating.gate else "",
            "是" if r.complete else "否", *review_cells(r), *ledger_cells(changes.get(r.path)), r.path, "已评分",
        ])
    for failed in summary.failed:
        rows.append(["", "", "", "", "", "", "", *[""] * len(categories), "", "", "", "", "", "", "", "", "",
                     *[""] * len(REVIEW_HEADER), *[""] * len(LEDGER_HEADERS), failed.path, "无法评分：" + (failed.errors[0] if failed.errors else "")])
    return header, rows


def _inert(value: Any) -> Any:
    """A cell that a spreadsheet shows as text even when it starts like a formula (=, +, -, @)."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def summary_csv(summary: DistrictSummary) -> bytes:
    """The ranking as CSV bytes (UTF-8 with BOM, formula-safe)."""
    header, rows = ranking_table(summary)
    rows = [[_inert(v) for v in row] for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_value(v) for v in row] for row in rows)
    # UTF-8 with BOM: Excel on Chinese Windows opens it as Chinese instead of mojibake.
    return buffer.getvalue().encode("utf-8-sig")


def summary_xlsx(summary: DistrictSummary) -> bytes:
    """The district summary as an Excel workbook."""
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
        print_setup(ws)
        return ws

    header, rows = ranking_table(summary)
    widths = [6, 18, 10, 12, 8, 10, 12] + [11] * len(summary.categories) + [9, 9, 9, 9, 8, 14, 24, 24, 8,
                                                                            *REVIEW_WIDTHS, 9, 9, 36, 40]
    ranking = sheet("排名", header, rows, widths, first=True)
    number_formats(ranking, {5: SCORE, **{7 + i: SCORE for i in range(1, len(summary.categories) + 1)}})
    fills = {"excellent": "D1FAE5", "good": "E0F2FE", "pass": "FEF9C3", "basic": "FFEDD5", "fail": "FEE2E2"}
    for row_cells, ranked in zip(ranking.iter_rows(min_row=2), summary.ranking, strict=False):
        fill = fills.get(ranked.row.rating.id)
        if fill:
            row_cells[5].fill = PatternFill("solid", fgColor=fill)
    sheet("等级分布", ["等级", "星级", "社区数"],
          [[r.label, "★" * r.stars, r.count] for r in summary.ratings], [12, 10, 10])
    stats = sheet("分类统计", ["类别", "分值", "平均分", "平均得分率", "最低分", "最低的社区", "最高分", "极差"],
                  [[f"{c.id} {c.title}", c.points, c.average, c.average_ratio, c.lowest_score, c.lowest,
                    c.highest_score, c.spread] for c in summary.categories], [18, 8, 10, 12, 10, 18, 10, 10])
    number_formats(stats, {2: SCORE, 3: SCORE, 4: RATIO, 5: SCORE, 7: SCORE, 8: SCORE})
    missed = sheet("高频失分条款", ["条款", "名称", "涉及社区数", "全区合计失分", "原因分布"],
                   [[m.clause, m.title or "", m.communities, m.points_lost,
                     "；".join(f"{REASON_LABELS.get(k, k)} {v}" for k, v in m.reasons.items())]
                    for m in summary.clauses_missed], [10, 24, 12, 14, 40])
    number_formats(missed, {4: SCORE})
    attention = [[title, name] for title, names in summary.attention() for name in names] + \
        [["提示", warning] for warning in summary.warnings] + review_attention(summary)
    sheet("需关注的社区", ["类别", "社区"], attention, [16, 24])
    sheet("无法评分的文件", ["证据文件", "问题"],
          [[f.path, "\n".join(f.errors)] for f in summary.failed], [40, 100])
    sheet("复核差异", ["社区", "证据文件", "自评总分", "复核后总分", "自评 − 复核", "复核状态"],
          overrated_rows(summary), [18, 36, 10, 12, 12, 12])
    if summary.cycle is not None and summary.cycle.comparable:  # 与上次评估相比 (the archive, the ledgers)
        sheet("与上次相比", *changes_sheet(summary.cycle), [18, 36, 12, 10, 10, 10, 6, 8, 8, 10, 9, 9])
        sheet("仍未整改最多的条款", *persisting_sheet(summary.cycle), [10, 20])
    guard_workbook(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SCORE = "0.0"  # one decimal, as the reports print scores
RATIO = "0.0%"


def number_formats(ws: Any, formats: dict[int, str]) -> None:
    """Give the numbers of each (1-based) column its number format."""
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.column in formats and isinstance(cell.value, int | float):
                cell.number_format = formats[cell.column]


def print_setup(ws: Any) -> None:
    """A4 landscape, all columns on one page width, the header row repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
