"""``audit compare``: one community against several standards, side by side, from one set of facts.

The evidence file is graded natively by its own pack. For every other pack, the facts carry over
as they are (the packs share one fact vocabulary, so automatic checks run natively everywhere),
and clause statuses are inferred through the crosswalks (``crosswalk.infer_status``): each
inferred status is marked as such, with the clauses and relations it came from, and carries the
evidence of those clauses. Clauses nothing maps to stay unassessed, so a pack's score shows how far
the evidence covers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from ..clock import now_iso
from ..errors import AuditError, Problem, Severity
from ..evidence.facts import flatten, nest
from ..evidence.loader import Evidence, PackMemo, check_against_pack, load_evidence
from ..evidence.model import EvidenceFile
from ..exact import plain as _plain
from ..expr import requirements
from ..models import Model
from ..pack import Pack, resolve_pack
from ..pack.model import FactDef, id_order
from ..result import RatingResult, Result
from ..scoring.engine import score
from .crosswalk import ORDER, RELATION_LABELS, crosswalks_for, infer_status


class InferredClause(Model):
    clause: str
    status: str
    sources: list[str] = Field(description="据以推断的源规则包条款")
    relations: list[str]


class PackScore(Model):
    id: str
    title: str
    code: str | None
    native: bool = Field(description="证据文件本身所用的规则包（非推断）")
    total: float
    total_text: str
    total_points: float
    rating: RatingResult
    clauses: int
    covered: int = Field(description="有状态（自评或推断）的条款数")
    inferred: list[InferredClause]


class RequirementOut(Model):
    op: str
    value: float | int | bool


class IndicatorCell(Model):
    pack: str
    clause: str
    requirements: list[RequirementOut]
    met: bool | None = Field(description="该条款的自动核验是否通过；缺数据时为 null")


class Indicator(Model):
    fact: str
    label: str
    unit: str | None
    type: str
    value: float | int | bool | None
    cells: list[IndicatorCell]


class Comparison(Model):
    model_config = ConfigDict(title="多标准对比")

    community: str
    evidence: str
    source_pack: str
    packs: list[PackScore]
    indicators: list[Indicator]
    generated_at: str


def default_standards(source: Pack, memo: PackMemo) -> list[str]:
    """The evidence's own pack and every bundled pack a crosswalk joins to it."""
    from ..pack import bundled_packs

    found = [source.id]
    for pack_id, folder in bundled_packs().items():
        if pack_id != source.id and crosswalks_for(source, memo(folder)):
            found.append(pack_id)
    return found


def compare(path: Path, standards: Sequence[str] = ()) -> Comparison:
    """Grade one evidence file against several packs."""
    memo = PackMemo()
    source, evidence = load_evidence(path, pack_loader=memo)
    refs = list(standards) or default_standards(source, memo)
    packs: list[Pack] = []
    for ref in refs:
        pack = memo(resolve_pack(ref, relative_to=path.parent))
        if pack.id not in {p.id for p in packs}:
            packs.append(pack)
    generated_at = now_iso()
    scores, results = [], []
    for pack in packs:
        if pack.id == source.id:
            result = score(pack, evidence, generated_at=generated_at)
            inferred: list[InferredClause] = []
        else:
            target_evidence, inferred = _inferred_evidence(source, pack, evidence)
            result = score(pack, target_evidence, generated_at=generated_at)
        results.append(result)
        scores.append(PackScore(
            id=pack.id, title=pack.meta.title, code=pack.meta.code, native=pack.id == source.id,
            total=result.total, total_text=result.total_text, total_points=result.total_points,
            rating=result.rating, clauses=len(pack.index),
            covered=sum(1 for c in result.clauses if c.status != "unassessed"), inferred=inferred,
        ))
    return Comparison(
        community=evidence.data.community.name, evidence=evidence.name, source_pack=source.id, packs=scores,
        indicators=_indicators(packs, results, evidence), generated_at=generated_at,
    )


def _inferred_evidence(source: Pack, target: Pack, evidence: Evidence) -> tuple[Evidence, list[InferredClause]]:
    links = crosswalks_for(source, target)
    if not links:
        raise AuditError(f"规则包 {source.id} 与 {target.id} 之间没有对照表（standards/crosswalk/），无法推断条款状态；"
                         "两者的数据指标仍可比较，请为它们编写对照表")
    entries = evidence.data.clauses
    candidates: dict[str, list[tuple[str, str, str]]] = {}  # target clause → (status, source clause, relation)
    for link in links:
        entry = entries.get(link.source)
        if entry is None or entry.status is None or link.target not in target.index:
            continue
        status = infer_status(entry.status, link.relation)
        if status is not None:
            candidates.setdefault(link.target, []).append((status, link.source, link.relation))
    clauses: dict[str, Any] = {}
    inferred: list[InferredClause] = []
    for target_id, found in candidates.items():
        statuses = [s for s, _, _ in found]
        status = "na" if all(s == "na" for s in statuses) else \
            min((s for s in statuses if s != "na"), key=ORDER.__getitem__)  # the most cautious reading
        sources = [src for _, src, _ in found]
        note = "据 " + "、".join(f"{source.id} 条款 {src}（{RELATION_LABELS[rel]}）" for _, src, rel in found) + " 推断"
        clause: dict[str, Any] = {"status": status, "note": note}
        if status == "na":
            clause["reason"] = note
        seen: set[str] = set()
        carried: list[dict[str, Any]] = []
        for src in sources:
            source_entry = entries.get(src)
            for item in source_entry.evidence if source_entry is not None else []:
                if item.key not in seen:  # the same ledgers prove the corresponding requirement
                    seen.add(item.key)
                    carried.append(item.model_dump(exclude_none=True))
        clause["evidence"] = carried
        clauses[target_id] = clause
        inferred.append(InferredClause(clause=target_id, status=status, sources=sources,
                                       relations=[rel for _, _, rel in found]))
    facts = {name: value for name, (_, value) in flatten(evidence.data.facts).items() if name in target.facts}
    data = EvidenceFile.model_validate({
        "standard": target.id, "community": evidence.data.community.model_dump(),
        "assessed_on": evidence.data.assessed_on, "assessor": evidence.data.assessor,
        "facts": nest(facts), "clauses": clauses,
    })
    typed, problems = check_against_pack(_Nowhere(evidence.name), data, target, inferred=True)
    if any(p.severity == "error" for p in problems):  # pragma: no cover - the data came from a valid file
        raise AuditError("\n".join(str(p) for p in problems))
    inferred.sort(key=lambda c: id_order(c.clause))
    return Evidence(data=data, path=evidence.path, name=evidence.name, sha256=evidence.sha256,
                    encoding=evidence.encoding, facts=typed, attachments=evidence.attachments), inferred


class _Nowhere:
    """A locator for data that came from a valid file (problems would name only the file)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def problem(self, loc: Any, field: str | None, message: str, severity: Severity = "error") -> Problem:
        return Problem(self.name, None, field, message, severity)


def _indicators(packs: list[Pack], results: list[Result], evidence: Evidence) -> list[Indicator]:
    """Every fact some pack's checks compare, with each pack's requirement and whether it is met."""
    rows: dict[str, list[IndicatorCell]] = {}
    for pack, result in zip(packs, results, strict=True):
        outcome = {c.id: c.auto for c in result.clauses if c.auto is not None}
        outcome.update({f"{c.id}/{k.id}": k.auto for c in result.clauses for k in c.criteria if k.auto is not None})
        for cid, expr in pack.expressions.items():
            if cid.split("/")[0] not in pack.index:
                continue  # vetoes, bonus items and rating gates ("5.2.1/a" is criterion a of 5.2.1)
            auto = outcome.get(cid)
            met = None if auto is None or auto.computed_credit is None else auto.computed_credit == 1
            scale = pack.scales.get(cid)
            reqs: list[tuple[str, str, Any]]
            if scale is not None:  # a measure: full credit from the first step's bound
                top = scale.steps[0]
                op = "GtE" if top.at_least is not None else "LtE"
                reqs = [(name, op, Fraction(str(top.bound))) for name in expr.facts]
            else:
                reqs = [(r.fact, r.op, r.value) for r in requirements(expr, evidence.facts, pack.thresholds)]
            for fact in dict.fromkeys(name for name, _, _ in reqs):
                rows.setdefault(fact, []).append(IndicatorCell(
                    pack=pack.id, clause=cid, met=met,
                    requirements=[RequirementOut(op=op, value=_plain(value)) for name, op, value in reqs if name == fact],
                ))
    definitions: dict[str, FactDef] = {}
    for pack in packs:
        definitions.update(pack.facts)
    out = []
    for name, cells in rows.items():
        definition = definitions[name]
        out.append(Indicator(fact=name, label=definition.label, unit=definition.unit, type=definition.type,
                             value=_plain(evidence.facts.get(name)), cells=cells))
    return out

