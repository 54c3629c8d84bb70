"""Rules that span a pack's files: IDs, nesting, counts, points, expressions, ratings, sources.

Every problem is reported with the file and line of the value it is about, and all of them are
collected in one run. Warnings (unused facts, stray spaces in Chinese text) do not fail validation.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..diagnostics import nearest
from ..errors import Problem
from ..exact import decimal_text
from ..expr import Expression, ExpressionError, compile_expression, sample_value
from ..yamlio import Document, Loc
from .compiled import Pack, RawPack, pack_files, pack_sha256
from .model import Category, Clause, FactDef, Item, PackMeta, Scale, Source, Threshold
from .sources import SourceTexts


def criterion_key(clause: str, criterion: str) -> str:
    """The key of a criterion's check in ``Pack.expressions``: ``5.2.1/a``."""
    return f"{clause}/{criterion}"


def gate_key(rating: str, gate: str) -> str:
    """The key of a rating gate's check in ``Pack.expressions``: ``gate:excellent:satisfaction``."""
    return f"gate:{rating}:{gate}"

_CJK_GAP = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef] +[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def validate_raw(raw: RawPack) -> tuple[Pack | None, list[Problem]]:
    """Cross-file validation of what ``read_pack`` produced.

    A file that could not be read does not hide the problems of the others: the rules run on what
    could be read, leaving out only those that need the missing part (counts and sums over all
    categories, expressions when the facts are unknown), which would merely echo the file error."""
    problems = list(raw.problems)
    meta, meta_doc = raw.meta, raw.meta_doc
    pairs = [(d, c) for d, c in zip(raw.category_docs, raw.categories, strict=True) if c is not None]
    docs, categories = [d for d, _ in pairs], [c for _, c in pairs]
    if meta is None or meta_doc is None:
        if not categories:
            return None, problems
        meta_doc = docs[0]
        meta = PackMeta.model_construct(**_EMPTY_META)  # stands in for an unreadable pack.yaml
    vocabulary_missing = meta.vocabulary is not None and raw.vocabulary is None
    v = _Validator(raw.folder, meta, meta_doc, categories, docs,
                   complete=raw.complete, meta_ok=raw.meta is not None,
                   facts_ok=raw.meta is not None and not vocabulary_missing)
    if raw.vocabulary is not None and raw.vocabulary_doc is not None:
        v.add_vocabulary(raw.vocabulary.facts)
    v.run()
    problems.extend(v.problems)
    if not raw.complete or any(p.severity == "error" for p in problems):
        return None, problems
    files, sources = pack_files(raw.folder, meta)
    pack = Pack(
        meta=meta,
        categories=categories,
        folder=raw.folder,
        files=files,
        sources=sources,
        facts=v.facts,
        sha256=pack_sha256(raw.folder, files),
        thresholds=v.thresholds,
        expressions=v.expressions,
        scales=v.scales,
        index=v.index,
    )
    return pack, problems


_EMPTY_META: dict[str, Any] = {"facts": {}, "thresholds": {}, "scales": {}, "documents": {}, "vetoes": [], "bonus": [],
               "ratings": [], "vocabulary": None, "expect": None}


class _Validator:
    def __init__(self, folder: Path, meta: PackMeta, meta_doc: Document, categories: list[Category],
                 docs: list[Document], *, complete: bool = True, meta_ok: bool = True, facts_ok: bool = True) -> None:
        self.complete = complete  # every file was read: rules over all of them can run
        self.meta_ok = meta_ok  # pack.yaml was read
        self.facts_ok = facts_ok  # and the facts expressions may use are known
        self.folder = folder
        self.meta = meta
        self.meta_doc = meta_doc
        self.categories = categories
        self.docs = docs
        self.problems: list[Problem] = []
        self.thresholds = {k: Fraction(t.value) for k, t in meta.thresholds.items()}
        self.expressions: dict[str, Expression] = {}
        self.scales: dict[str, Scale] = {}
        self.index: dict[str, tuple[Category, Item, Clause]] = {}
        self.used_facts: set[str] = set()
        self.facts = dict(meta.facts)  # every declared fact: the shared vocabulary's, then the pack's
        self.used_thresholds: set[str] = set()
        self.sources = SourceTexts(folder, meta, meta_doc)

    # -- helpers -------------------------------------------------------------------------------
    def error(self, doc: Document, loc: Loc, field: str | None, message: str) -> None:
        self.problems.append(doc.problem(loc, field, message))

    def warn(self, doc: Document, loc: Loc, field: str | None, message: str) -> None:
        self.problems.append(doc.problem(loc, field, message, severity="warning"))

    def add_vocabulary(self, shared: dict[str, FactDef]) -> None:
        for name in self.meta.facts:
            if name in shared:
                self.error(self.meta_doc, ("facts", name), f"facts.{name}",
                           f"数据项「{name}」已在共享词表中定义，请删除本处的重复定义（同名数据项须同义、同类型、同单位）")
        self.facts = {**shared, **{k: v for k, v in self.meta.facts.items() if k not in shared}}

    def run(self) -> None:
        self.named_scales = {
            name: resolved
            for name, scale in self.meta.scales.items()
            if (resolved := self.resolve_scale(self.meta_doc, ("scales", name), f"scales.{name}", scale))
        }
        self.check_structure()
        if self.complete:
            self.check_counts()
        self.check_points()
        if self.facts_ok:
            self.check_meta_expressions()
        if self.meta_ok:
            self.check_ratings()
        if self.complete and self.facts_ok:
            self.check_unused()

    # -- structure -----------------------------------------------------------------------------
    def check_structure(self) -> None:
        seen: dict[str, str] = {}

        def claim(ident: str, doc: Document, loc: Loc, field: str) -> None:
            where = f"{doc.name}:{doc.line_of(loc)}"
            if ident in seen:
                self.error(doc, (*loc, "id"), f"{field}.id", f"编号 {ident} 重复（{seen[ident]} 已使用）")
            else:
                seen[ident] = where

        for doc, cat in zip(self.docs, self.categories, strict=True):
            claim(cat.id, doc, (), cat.id)
            if "." in cat.id:
                self.error(doc, ("id",), "id", f"分类编号 {cat.id} 应为一级编号，如 5")
            for i, item in enumerate(cat.items):
                iloc: Loc = ("items", i)
                claim(item.id, doc, iloc, f"items[{item.id}]")
                if not _child_of(item.id, cat.id):
                    self.error(doc, (*iloc, "id"), f"items[{item.id}].id",
                               f"项编号 {item.id} 不在分类 {cat.id} 之下（应为 {cat.id}.N）")
                for j, clause in enumerate(item.clauses):
                    cloc: Loc = (*iloc, "clauses", j)
                    field = f"items[{item.id}].clauses[{clause.id}]"
                    claim(clause.id, doc, cloc, field)
                    if not _child_of(clause.id, item.id):
                        self.error(doc, (*cloc, "id"), f"{field}.id",
                                   f"条款编号 {clause.id} 不在项 {item.id} 之下（应为 {item.id}.N）")
                    self.index.setdefault(clause.id, (cat, item, clause))
                    self.check_clause(doc, cloc, field, clause)
                self._sequence(doc, iloc, f"items[{item.id}]", [c.id for c in item.clauses], "clauses")
            self._sequence(doc, (), "items", [it.id for it in cat.items], "items")

    def _sequence(self, doc: Document, loc: Loc, field: str, ids: list[str], key: str) -> None:
        numbers = [int(i.rsplit(".", 1)[-1]) for i in ids if "." in i]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            self.warn(doc, (*loc, key), f"{field}" if key == "items" else f"{field}.{key}",
                      f"编号未按 1、2、3… 连续排列：{'、'.join(ids)}")

    def check_clause(self, doc: Document, loc: Loc, field: str, clause: Clause) -> None:
        if clause.criteria:
            ids = [c.id for c in clause.criteria]
            for k, ident in enumerate(ids):
                if ident in ids[:k]:
                    self.error(doc, (*loc, "criteria", k), f"{field}.criteria",
                               f"细项编号 {ident} 重复")
        for key in ("text", "title", "guidance", "evidence_hint"):
            value = getattr(clause, key)
            if value and _CJK_GAP.search(value):
                self.warn(doc, (*loc, key), f"{field}.{key}",
                          "汉字之间有空格（多行折叠文本会插入空格），请写在一行内")
        if self.facts_ok:  # expressions and scales need pack.yaml and the vocabulary
            self.check_expression(doc, loc, field, clause)
        if self.meta_ok:
            self.check_source(doc, (*loc, "source"), f"{field}.source", clause.source)

    def check_expression(self, doc: Document, loc: Loc, field: str, clause: Clause) -> None:
        for k, criterion in enumerate(clause.criteria or ()):
            if criterion.check is not None:
                self.expressions[criterion_key(clause.id, criterion.id)] = self.compile(
                    doc, (*loc, "criteria", k, "check"), f"{field}.criteria[{criterion.id}].check",
                    criterion.check, "boolean")
        if clause.check is not None:
            self.expressions[clause.id] = self.compile(doc, (*loc, "check"), f"{field}.check",
                                                       clause.check, "boolean")
        elif clause.measure is not None:
            self.expressions[clause.id] = self.compile(doc, (*loc, "measure"), f"{field}.measure",
                                                       clause.measure, "number")
            scale = clause.scale
            if isinstance(scale, str):
                resolved = self.named_scales.get(scale)
                if scale not in self.meta.scales:
                    known = "、".join(self.meta.scales) or "（无）"
                    self.error(doc, (*loc, "scale"), f"{field}.scale",
                               f"分档表「{scale}」未在 pack.yaml 的 scales 中定义（已定义：{known}）")
                elif resolved is not None:
                    self.scales[clause.id] = resolved
            elif scale is not None:
                resolved = self.resolve_scale(doc, (*loc, "scale"), f"{field}.scale", scale)
                if resolved is not None:
                    self.scales[clause.id] = resolved
                self.check_source(doc, (*loc, "scale", "source"), f"{field}.scale.source", scale.source)

    def resolve_scale(self, doc: Document, loc: Loc, field: str, scale: Scale) -> Scale | None:
        """The scale with threshold names replaced by their values, checked for order."""
        steps = []
        ok = True
        for k, step in enumerate(scale.steps):
            bound = step.bound
            if isinstance(bound, str):
                if bound not in self.meta.thresholds:
                    self.error(doc, (*loc, "steps", k), f"{field}.steps[{k + 1}]",
                               f"阈值「{bound}」未在 pack.yaml 的 thresholds 中定义{nearest(bound, self.meta.thresholds)}")
                    ok = False
                    continue
                self.used_thresholds.add(bound)
                value = self.meta.thresholds[bound].value
                key = "at_least" if step.at_least is not None else "at_most"
                step = step.model_copy(update={key: value})
            steps.append(step)
        if not ok:
            return None
        bounds = [s.bound for s in steps if s.bound is not None]
        descending = steps[0].at_least is not None
        if any((a <= b) if descending else (a >= b) for a, b in pairwise(bounds)):  # type: ignore[operator]
            order = "at_least 分档必须从高到低排列" if descending else "at_most 分档必须从低到高排列"
            self.error(doc, (*loc, "steps"), f"{field}.steps", order)
            return None
        credits = [s.credit for s in steps]
        if any(a < b for a, b in pairwise(credits)):
            self.error(doc, (*loc, "steps"), f"{field}.steps", "各档得分比例（credit）必须逐档不增")
            return None
        return scale.model_copy(update={"steps": steps})

    # -- expressions ---------------------------------------------------------------------------
    def compile(self, doc: Document, loc: Loc, field: str, source: str, kind: str, *,
                categories: dict[str, None] | None = None) -> Expression:
        try:
            expr = compile_expression(source, facts=self.facts, thresholds=self.meta.thresholds,
                                      categories=categories)
        except ExpressionError as exc:
            self.error(doc, loc, field, f"表达式不可用：{exc}")
            return compile_expression("0")
        self.used_facts.update(expr.facts)
        self.used_thresholds.update(expr.thresholds)
        facts = {name: sample_value(self.facts[name].type) for name in expr.facts}
        ratios = {name: sample_value("ratio") for name in expr.categories}
        try:
            names, _ = expr.bind(facts, self.thresholds, ratios)
            value = expr.evaluate_bound(names)
        except ExpressionError as exc:
            self.error(doc, loc, field, f"表达式试算失败：{exc}")
            return expr
        if kind == "boolean" and not isinstance(value, bool):
            self.error(doc, loc, field, "检查式的结果应为真/假（如 facts.x >= thresholds.y），而不是数值")
        if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | Fraction)):
            self.error(doc, loc, field, "measure 的结果应为数值，而不是真/假")
        return expr

    def check_meta_expressions(self) -> None:
        doc = self.meta_doc
        for i, veto in enumerate(self.meta.vetoes):
            loc: Loc = ("vetoes", i)
            self.expressions[f"veto:{veto.id}"] = self.compile(
                doc, (*loc, "check"), f"vetoes[{veto.id}].check", veto.check, "boolean")
            if veto.source is not None:
                self.check_source(doc, (*loc, "source"), f"vetoes[{veto.id}].source", veto.source)
        for i, bonus in enumerate(self.meta.bonus):
            loc = ("bonus", i)
            if bonus.check is not None:
                self.expressions[f"bonus:{bonus.id}"] = self.compile(
                    doc, (*loc, "check"), f"bonus[{bonus.id}].check", bonus.check, "boolean")
            self.check_source(doc, (*loc, "source"), f"bonus[{bonus.id}].source", bonus.source)
        self._unique(doc, "vetoes", [v.id for v in self.meta.vetoes])
        self._unique(doc, "bonus", [b.id for b in self.meta.bonus])
        for name, threshold in self.meta.thresholds.items():
            self.check_source(doc, ("thresholds", name, "source"), f"thresholds.{name}.source",
                              threshold.source)
            self.check_basis(name, threshold)
        for name, scale in self.meta.scales.items():
            self.check_source(doc, ("scales", name, "source"), f"scales.{name}.source", scale.source)

    def check_basis(self, name: str, threshold: Threshold) -> None:
        """A threshold's basis agrees with its source: the standard's words quoted, others named."""
        loc: Loc = ("thresholds", name, "basis")
        field = f"thresholds.{name}.basis"
        source = threshold.source
        if threshold.basis == "stated" and (source.doc is None or source.quote is None):
            self.error(self.meta_doc, loc, field,
                       "basis: stated 表示标准原文所定，source 须写 doc 和逐字引文 quote；"
                       "原文没有的数字请标 borrowed、norm 或 estimated")
        elif threshold.basis in ("borrowed", "norm") and source.doc is None:
            kind = "其他地区文件" if threshold.basis == "borrowed" else "国家或省级规范"
            self.error(self.meta_doc, loc, field,
                       f"basis: {threshold.basis} 表示取自{kind}，source 须用 doc 注明是哪份文件"
                       "（在 documents 中登记）")

    def _unique(self, doc: Document, key: str, ids: list[str]) -> None:
        for k, ident in enumerate(ids):
            if ident in ids[:k]:
                self.error(doc, (key, k, "id"), f"{key}[{ident}].id", f"编号 {ident} 重复")

    # -- counts and points ---------------------------------------------------------------------
    def check_counts(self) -> None:
        expect = self.meta.expect
        if expect is None:
            return
        found = {
            "categories": len(self.categories),
            "items": sum(len(c.items) for c in self.categories),
            "clauses": sum(len(i.clauses) for c in self.categories for i in c.items),
        }
        labels = {"categories": "类", "items": "项", "clauses": "条"}
        for key, label in labels.items():
            wanted = getattr(expect, key)
            if found[key] != wanted:
                self.error(self.meta_doc, ("expect", key), f"expect.{key}",
                           f"应有 {wanted} {label}，实际 {found[key]} {label}")

    def check_points(self) -> None:
        total = Decimal(0)
        for doc, cat in zip(self.docs, self.categories, strict=True):
            clause_sum = sum((cl.points for it in cat.items for cl in it.clauses), Decimal(0))
            if clause_sum != cat.points:
                detail = "，".join(
                    f"{it.id}：{decimal_text(sum((c.points for c in it.clauses), Decimal(0)))}" for it in cat.items
                )
                self.error(doc, ("points",), "points",
                           f"本类各条款分值合计 {decimal_text(clause_sum)}，与本类分值 {decimal_text(cat.points)} 不符"
                           f"（差 {decimal_text(cat.points - clause_sum)}；各项小计：{detail}）")
            total += cat.points
        if self.complete and self.meta_ok and total != self.meta.total_points:
            detail = "，".join(f"{c.id} {c.title}：{decimal_text(c.points)}" for c in self.categories)
            self.error(self.meta_doc, ("total_points",), "total_points",
                       f"各类分值合计 {decimal_text(total)}，与 total_points {decimal_text(self.meta.total_points)} 不符"
                       f"（{detail}）")

    # -- ratings -------------------------------------------------------------------------------
    def check_ratings(self) -> None:
        doc, ratings = self.meta_doc, self.meta.ratings
        self._unique(doc, "ratings", [r.id for r in ratings])
        previous: Decimal | None = None
        for i, rating in enumerate(ratings[:-1]):
            loc: Loc = ("ratings", i)
            if rating.min_total is None and rating.min_category_ratio is None:
                self.error(doc, loc, f"ratings[{rating.id}]",
                           "只有最后一个等级可以没有条件（min_total / min_category_ratio）")
            if rating.min_total is not None:
                if rating.min_total > self.meta.total_points:
                    self.error(doc, (*loc, "min_total"), f"ratings[{rating.id}].min_total",
                               f"分数线 {decimal_text(rating.min_total)} 高于总分 {decimal_text(self.meta.total_points)}")
                if previous is not None and rating.min_total > previous:
                    self.error(doc, (*loc, "min_total"), f"ratings[{rating.id}].min_total",
                               f"等级须从高到低排列：分数线 {decimal_text(rating.min_total)} 高于上一等级的 {decimal_text(previous)}")
                previous = rating.min_total
        for i in range(1, len(ratings)):
            if ratings[i].stars > ratings[i - 1].stars:
                self.error(doc, ("ratings", i, "stars"), f"ratings[{ratings[i].id}].stars",
                           "星级须从高到低排列")
        last = ratings[-1]
        if last.min_total is not None or last.min_category_ratio is not None:
            self.error(doc, ("ratings", len(ratings) - 1), f"ratings[{last.id}]",
                       "最后一个等级是兜底等级（也是一票否决时的等级），不能设置条件")
        if last.gates:
            self.error(doc, ("ratings", len(ratings) - 1, "gates"), f"ratings[{last.id}].gates",
                       "兜底等级不能设置 gates")
        categories: dict[str, None] = {f"c{c.id}": None for c in self.categories}
        for i, rating in enumerate(ratings):
            for k, gate in enumerate(rating.gates):
                gloc: Loc = ("ratings", i, "gates", k)
                gfield = f"ratings[{rating.id}].gates[{gate.id}]"
                self.expressions[gate_key(rating.id, gate.id)] = self.compile(
                    doc, (*gloc, "check"), f"{gfield}.check", gate.check, "boolean", categories=categories)
                self.check_source(doc, (*gloc, "source"), f"{gfield}.source", gate.source)
            ids = [g.id for g in rating.gates]
            for k, ident in enumerate(ids):
                if ident in ids[:k]:
                    self.error(doc, ("ratings", i, "gates", k, "id"), f"ratings[{rating.id}].gates",
                               f"条件编号 {ident} 重复")
        cap = self.meta.na_cap_rating
        if cap is not None and cap not in {r.id for r in ratings}:
            self.error(doc, ("na_cap_rating",), "na_cap_rating", f"等级「{cap}」不在 ratings 中")

    # -- sources -------------------------------------------------------------------------------
    def check_source(self, doc: Document, loc: Loc, field: str, source: Source) -> None:
        """A source's document is registered, and its quote is found verbatim in the text."""
        self.problems.extend(self.sources.check(doc, loc, field, source))

    def check_unused(self) -> None:
        doc = self.meta_doc
        for name in self.meta.facts:  # the pack's own facts; shared ones serve other packs
            if name not in self.used_facts:
                self.warn(doc, ("facts", name), f"facts.{name}", "该数据项未被任何检查式使用")
        for name in self.meta.thresholds:
            if name not in self.used_thresholds:
                self.warn(doc, ("thresholds", name), f"thresholds.{name}", "该阈值未被任何检查式使用")


def _child_of(child: str, parent: str) -> bool:
    head, _, tail = child.rpartition(".")
    return head == parent and tail.isdigit()
