"""``audit show``: a pack as a tree (categories → items → clauses with points) or one entry in full."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..diagnostics import nearest
from ..errors import AuditError
from ..exact import decimal_text
from ..pack import Pack
from ..pack.basis import clause_basis, clause_thresholds
from ..pack.model import BASIS_LABELS, RECONSTRUCTED_NOTE, Category, Clause, Item, Source
from .wording import basis_tag


def num(value: Decimal | str) -> str:
    """A number or a threshold name as printed."""
    return value if isinstance(value, str) else decimal_text(value)  # a bound may name a threshold


def pack_view(pack: Pack, ident: str | None) -> RenderableType:
    """The whole pack as a tree, or one category, item or clause (an ID the pack has)."""
    if ident is None:
        return pack_tree(pack)
    for category in pack.categories:
        if category.id == ident:
            return category_tree(pack, category)
        for item in category.items:
            if item.id == ident:
                return item_tree(item, pack)
    entry = pack.index.get(ident)
    if entry is None:
        raise AuditError(f"规则包 {pack.id} 中没有编号 {ident}{nearest(ident, pack.index)}")
    return clause_panel(pack, *entry)


def pack_tree(pack: Pack) -> Tree:
    """The whole pack as a tree."""
    meta = pack.meta
    cats, items, clauses = pack.counts()
    head = Text.assemble(
        (f"{meta.title}", "bold"), f" {meta.code or ''}  ",
        (f"{cats} 类 / {items} 项 / {clauses} 条，总分 {num(meta.total_points)}", "cyan"),
    )
    if meta.provenance == "reconstructed":
        head.append(f"\n{RECONSTRUCTED_NOTE}", style="yellow")
    tree = Tree(head)
    for category in pack.categories:
        tree.add(category_tree(pack, category))
    return tree


def category_tree(pack: Pack, category: Category) -> Tree:
    """One category as a tree."""
    theme = f"（{category.theme}）" if category.theme else ""
    node = Tree(Text.assemble((f"{category.id} {category.title}", "bold"), theme,
                              (f"  {num(category.points)} 分", "cyan")))
    for item in category.items:
        node.add(item_tree(item, pack))
    return node


def item_tree(item: Item, pack: Pack | None = None) -> Tree:
    """One item and its clauses as a tree."""
    subtotal = sum((c.points for c in item.clauses), Decimal(0))
    node = Tree(Text.assemble((f"{item.id} {item.title}", "bold"), (f"  {num(subtotal)} 分", "cyan")))
    for clause in item.clauses:
        checked = clause.check or clause.measure or any(c.check for c in clause.criteria or ())
        marks = " [自动核验]" if checked else ""
        tag = basis_tag(clause_basis(pack, clause)) if pack is not None and checked else ""
        line = Text.assemble(f"{clause.id} ", (clause.title or "", "bold"), f" {clause.text}{tag}",
                             (f"  {num(clause.points)} 分", "cyan"), (marks, "green"))
        line.overflow = "fold"  # Chinese has no spaces to wrap at
        node.add(line)
    return node


def describe_source(pack: Pack, source: Source) -> str:
    """A source as a person reads it (document, quote, note)."""
    if source.reconstructed:
        return f"重构：{source.reconstructed}"
    ref = pack.meta.documents.get(source.doc or "")
    title = ref.title if ref else source.doc
    parts = [f"{title}"]
    if source.quote:
        parts.append(f"「{source.quote}」")
    if source.note:
        parts.append(f"（{source.note}）")
    return "".join(parts)


def clause_panel(pack: Pack, category: Category, item: Item, clause: Clause) -> Panel:
    """One clause in full."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("所属", f"{category.id} {category.title} › {item.id} {item.title}")
    table.add_row("条款", clause.text)
    table.add_row("分值", f"{num(clause.points)} 分")
    table.add_row("评估方式", "、".join(clause.method))
    table.add_row("佐证材料", clause.evidence_hint + ("（必须提供）" if clause.evidence_required else "（可选）"))
    if clause.criteria:
        table.add_row("细项", "\n".join(f"{c.id}. {c.text}" + (f"\n   自动核验（只决定本细项）：{c.check}" if c.check else "")
                                        for c in clause.criteria))
    if clause.check:
        role = "决定整条" if clause.decides == "clause" else "必要条件：不成立得 0 分，成立以自评为准"
        table.add_row("自动核验", f"{clause.check}\n（{role}）")
    if clause.measure:
        scale = pack.scales.get(clause.id)
        steps = ""
        if scale is not None:
            steps = "；".join(
                (f"≥ {num(s.at_least)}" if s.at_least is not None
                 else f"≤ {num(s.at_most)}" if s.at_most is not None else "其他")
                + f" 得 {num(s.credit * 100)}%"
                for s in scale.steps
            )
        table.add_row("分档计分", f"{clause.measure}\n{steps}")
    for name in dict.fromkeys(clause_thresholds(pack, clause)):
        t = pack.meta.thresholds[name]
        table.add_row("阈值", f"{t.label}：{num(t.value)}{t.unit or ''}（{BASIS_LABELS[t.basis]}）"
                              f"——{describe_source(pack, t.source)}")
    table.add_row("不适用", "允许（须说明理由）" if clause.na_allowed else "不允许")
    table.add_row("整改建议", clause.guidance)
    table.add_row("出处", describe_source(pack, clause.source))
    title = f"{clause.id} {clause.title or ''}"
    return Panel(Group(table), title=title, title_align="left")
