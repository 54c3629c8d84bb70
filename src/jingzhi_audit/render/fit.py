"""Tables that fit the console: columns chosen by priority, figures never cut.

rich squeezes a table that is too wide by shrinking every column, which turns ``97.5`` into
``97…`` and a header into ``得…``. Here a table is planned instead: a figure column always gets
its natural width, a text column may fold down to a floor, and when even that does not fit the
least important columns are dropped (highest ``drop`` first) until it does. A column with
``drop=0`` is never dropped (the community name, the total, the rating).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

Cell = str | Text

# A rich table with the default box and pad_edge=False: a border per column and one more, and one
# space of padding on each inner side of every column.
_PER_COLUMN = 3
_EDGES = -1


@dataclass(frozen=True)
class Column:
    """One column of a planned table."""

    header: str
    justify: str = "left"
    wrap: bool = False
    """Text that may fold onto several lines (a sentence); figures and short labels never wrap."""
    drop: int = 0
    """0: always shown; otherwise dropped before any column with a lower number."""
    floor: int = 10
    """The narrowest a wrapping column may become (cells)."""
    group: str | None = None
    """Columns of one group (the categories) are dropped together: a table shows all or none."""
    items: str | None = None
    """The separator of a list of short items (``一票否决、依据不足``): lines break between items only."""


def text_width(cell: Cell) -> int:
    """The widest line of a cell, in terminal cells (a Chinese character is two)."""
    plain = cell.plain if isinstance(cell, Text) else cell
    return max((cell_len(line) for line in plain.split("\n")), default=0)


def _need(column: Column, cells: Sequence[Cell]) -> int:
    natural = max([text_width(column.header), *(text_width(c) for c in cells)])
    if not column.wrap:
        return natural
    # never narrower than the longest thing that cannot be broken (a path, a pack id)
    unbreakable = max((cell_len(t) for c in cells if isinstance(c, str) for t in _tokens(c, column)), default=0)
    return min(natural, max(column.floor, unbreakable))


def table_width(needs: Sequence[int]) -> int:
    """The width of a table whose columns need ``needs`` cells each."""
    return sum(needs) + _PER_COLUMN * len(needs) + _EDGES if needs else 0


def plan(columns: Sequence[Column], rows: Sequence[Sequence[Cell] | None], width: int) -> list[int]:
    """The indexes of the columns to show at ``width``: drop the least important until it fits."""
    body = [r for r in rows if r is not None]
    needs = [_need(c, [r[i] for r in body]) for i, c in enumerate(columns)]
    kept = list(range(len(columns)))
    by_priority = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: (-columns[i].drop, -i))
    for index in by_priority:
        if table_width([needs[i] for i in kept]) <= width:
            break
        group = columns[index].group
        kept = [i for i in kept if i != index and (group is None or columns[i].group != group)]
    return kept


def fits(columns: Sequence[Column], rows: Sequence[Sequence[Cell] | None], width: int) -> bool:
    """Whether every column fits at ``width`` without dropping any."""
    body = [r for r in rows if r is not None]
    return table_width([_need(c, [r[i] for r in body]) for i, c in enumerate(columns)]) <= width


def _tokens(text: str, column: Column) -> list[str]:
    """The pieces of a cell that a line break may not split."""
    if column.items:
        return [item + column.items for item in text.split(column.items)]
    return _GLUE.findall(text)


def _widths(columns: Sequence[Column], needs: Sequence[int], naturals: Sequence[int], width: int) -> list[int]:
    """Give every wrapping column its floor, then share out what is left, narrowest first."""
    widths = list(needs)
    spare = width - table_width(widths)
    while spare > 0:
        open_ = [i for i, c in enumerate(columns) if c.wrap and widths[i] < naturals[i]]
        if not open_:
            break
        widths[min(open_, key=lambda i: widths[i])] += 1
        spare -= 1
    return widths


def fit_table(columns: Sequence[Column], rows: Sequence[Sequence[Cell] | None], width: int, *,
              title: str | None = None) -> tuple[Table, list[Column]]:
    """A table of the columns that fit at ``width`` (``None`` in ``rows`` draws a rule), and the
    columns left out, so that the caller can say where to find them.

    Every column gets an exact width, so rich never squeezes one; text in a wrapping column is
    broken here (``wrap``), between characters of a sentence but never inside a figure.
    """
    kept = plan(columns, rows, width)
    body = [r for r in rows if r is not None]
    shown = [columns[i] for i in kept]
    naturals = [max([text_width(c.header), *(text_width(r[i]) for r in body)]) for c, i in zip(shown, kept,
                                                                                               strict=True)]
    needs = [_need(c, [r[i] for r in body]) for c, i in zip(shown, kept, strict=True)]
    widths = _widths(shown, needs, naturals, width)
    table = Table(title=title, title_justify="left", pad_edge=False)
    for col, w in zip(shown, widths, strict=True):
        table.add_column(col.header, justify=col.justify, no_wrap=True,  # type: ignore[arg-type]
                         overflow="fold", width=w)
    for row in rows:
        if row is None:
            table.add_section()
            continue
        cells: list[Cell] = []
        for col, w, i in zip(shown, widths, kept, strict=True):
            cell = row[i]
            if col.wrap and isinstance(cell, str):
                lines = flow(cell.split(col.items), w, sep=col.items).split("\n") if col.items else [cell]
                cell = "\n".join(part for line in lines for part in wrap(line, w))
            cells.append(cell)
        table.add_row(*cells)
    return table, [c for i, c in enumerate(columns) if i not in kept]


# Characters that make up a figure or an identifier (97.5, 5.6.1, 93%, DB3710/T) are never split,
# nor parted from the character on either side (缺少佐证3, （5.4.1）, 9.9万).
_FIG = r"0-9A-Za-z.%％/_+\-"
_OPEN = "（「『【《“‘(["
_CLOSE = "，。、；：？！）」』】》”’,;:?!)]…"
_GLUE = re.compile(rf"[^\s{_FIG}{re.escape(_CLOSE)}]?[{_FIG}]+[^\s{_FIG}{re.escape(_OPEN)}]?|\s+|.", re.DOTALL)
# Punctuation that may not begin a line (Chinese typesetting): it takes the character before along.
_NO_START = frozenset(_CLOSE + "%％.")
_NO_END = frozenset(_OPEN)


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` cells: between Chinese characters or at
    spaces, never inside a run of digits and letters, and no line starts with a closing mark."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for token in _GLUE.findall(paragraph):
            if cell_len("".join(line) + token) <= width or not "".join(line).strip():
                line.append(token)
                continue
            if token.isspace():
                lines.append("".join(line).rstrip())
                line = []
                continue
            carried: list[str] = []
            if token[0] in _NO_START and len(line) > 1 and not line[-1].isspace():
                carried = [line.pop()]
            while len(line) > 1 and line[-1] in _NO_END:  # an opening mark goes down with its text
                carried.insert(0, line.pop())
            lines.append("".join(line).rstrip())
            line = [*carried, token]
        lines.append("".join(line).rstrip())
    return [_fold(line, width) for line in lines]


def _fold(line: str, width: int) -> str:
    """A single run longer than the line (a very long path) is cut hard, as a last resort."""
    if cell_len(line) <= width:
        return line
    out, current = [], ""
    for char in line:
        if cell_len(current + char) > width:
            out.append(current)
            current = ""
        current += char
    return "\n".join([*out, current])


def flow(items: Sequence[str], width: int, sep: str = " · ") -> str:
    """Items joined by ``sep``, broken into lines between items (never inside one) at ``width``."""
    lines: list[str] = []
    line = ""
    for item in items:
        candidate = f"{line}{sep}{item}" if line else item
        if line and cell_len(candidate) > width:
            lines.append(line.rstrip())
            line = item
        else:
            line = candidate
    if line:
        lines.append(line)
    return "\n".join(lines)
