"""Crosswalks between packs: which clauses of two standards correspond, and how.

``standards/crosswalk/<a>__<b>.yaml`` pairs clauses of pack ``a`` with clauses of pack ``b``:

* ``equal``     — the same requirement: meeting one is meeting the other;
* ``subset``    — a's requirement is narrower: b asks for more;
* ``superset``  — a asks for more than b: meeting a implies meeting b;
* ``intersect`` — they overlap; neither contains the other.

``audit compare`` infers a community's status for pack b from its statuses for pack a through
these pairs (``infer_status``), always marking the result as inferred.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError

from .. import yamlio
from ..diagnostics import nearest, validation_problems
from ..errors import InputError, PackError, Problem
from ..models import Model
from ..pack import Pack, load_pack
from ..pack.compiled import CROSSWALK_FOLDER
from ..pack.locate import resolve_pack
from ..pack.model import NumericId, Slug, Text

Relation = Literal["equal", "subset", "superset", "intersect"]
INVERSE: dict[str, Relation] = {"equal": "equal", "subset": "superset", "superset": "subset",
                                "intersect": "intersect"}
RELATION_LABELS = {"equal": "等同", "subset": "前者较窄", "superset": "前者较宽", "intersect": "部分重叠"}


class Pair(Model):
    a: NumericId = Field(description="规则包 a 的条款编号")
    b: NumericId = Field(description="规则包 b 的条款编号")
    relation: Relation
    rationale: Text = Field(description="一句话说明两条的对应关系")


class CrosswalkFile(Model):
    model_config = ConfigDict(title="规则包对照表")

    a: Slug
    b: Slug
    note: Text | None = None
    pairs: list[Pair] = Field(min_length=1)


@dataclass(frozen=True)
class Link:
    """One correspondence seen from a source pack: ``source`` clause relates to ``target`` clause."""

    source: str
    target: str
    relation: Relation  # from the source's side
    rationale: str


@dataclass
class Crosswalk:
    data: CrosswalkFile
    path: Path

    def links(self, source_pack: str) -> list[Link]:
        """The pairs oriented from ``source_pack`` (either side of the file)."""
        if source_pack == self.data.a:
            return [Link(p.a, p.b, p.relation, p.rationale) for p in self.data.pairs]
        return [Link(p.b, p.a, INVERSE[p.relation], p.rationale) for p in self.data.pairs]


def read_crosswalk(path: Path, pack_loader: Callable[[Path], Pack] = load_pack) -> tuple[Crosswalk | None, list[Problem]]:
    """Schema, both packs found, every clause ID in its pack, no pair twice; all problems at once."""
    try:
        doc = yamlio.load(path)
    except InputError as exc:
        return None, list(exc.problems)
    try:
        data = CrosswalkFile.model_validate(doc.data)
    except ValidationError as exc:
        return None, validation_problems(exc, doc, CrosswalkFile)
    problems: list[Problem] = []
    expected = f"{data.a}__{data.b}{path.suffix}"
    if path.name != expected:
        problems.append(doc.problem((), None, f"文件名应为 {expected}（规则包 a__规则包 b）", severity="warning"))
    packs: dict[str, Pack] = {}
    for side in ("a", "b"):
        ref = getattr(data, side)
        try:
            packs[side] = pack_loader(resolve_pack(ref, relative_to=path.parent.parent))
        except PackError as exc:
            problems.append(doc.problem((side,), side, f"规则包「{ref}」无效或找不到：{exc.problems[0].message}"))
    seen: dict[tuple[str, str], int] = {}
    for k, pair in enumerate(data.pairs):
        for side in ("a", "b"):
            pack = packs.get(side)
            ident = getattr(pair, side)
            if pack is not None and ident not in pack.index:
                problems.append(doc.problem(("pairs", k, side), f"pairs[{k + 1}].{side}",
                                            f"条款 {ident} 不在规则包 {pack.id} 中{nearest(ident, pack.index)}"))
        key = (pair.a, pair.b)
        if key in seen:
            problems.append(doc.problem(("pairs", k), f"pairs[{k + 1}]",
                                        f"{pair.a} ↔ {pair.b} 重复（第 {seen[key]} 对已有）"))
        else:
            seen[key] = k + 1
    errors = [p for p in problems if p.severity == "error"]
    return (None if errors else Crosswalk(data, path)), problems


def crosswalks_for(source: Pack, target: Pack) -> list[Link]:
    """All links from ``source``'s clauses to ``target``'s, from every crosswalk file that joins them."""
    known = {pack.folder.resolve(): pack for pack in (source, target)}

    def loader(folder: Path) -> Pack:  # the two packs at hand; checking a crosswalk reloads neither
        return known.get(folder.resolve()) or load_pack(folder, cached=True)

    links: list[Link] = []
    for folder in {source.folder.resolve().parent / CROSSWALK_FOLDER, target.folder.resolve().parent / CROSSWALK_FOLDER}:
        for name in (f"{source.id}__{target.id}.yaml", f"{target.id}__{source.id}.yaml"):
            path = folder / name
            if path.is_file():
                crosswalk, problems = read_crosswalk(path, loader)
                if crosswalk is None:
                    raise InputError(problems)
                links.extend(crosswalk.links(source.id))
    return links


ORDER = {"not_met": 0, "partial": 1, "met": 2}


def infer_status(status: str, relation: str) -> str | None:
    """The status a target clause gets from a source clause's status, or None (nothing follows).

    equal copies; subset and intersect downgrade met to partial (the source covers only part of the
    target); superset passes met and partial on (meeting more implies meeting less) but says
    nothing of not_met. N/A carries over only between equal requirements.
    """
    if status == "na":
        return "na" if relation == "equal" else None
    if relation == "equal":
        return status
    if relation in ("subset", "intersect"):
        return "partial" if status == "met" else status
    return status if status in ("met", "partial") else None
