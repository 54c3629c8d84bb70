"""The evidence file's JSON Schema, for editors: it accepts exactly the forms the loader reads.

People write ``status: 达标``, ``evidence: [files/名册.pdf]``, ``dispute_resolution_rate: 97%``,
``major_fire: 否`` and leave what they have not filled in blank; the loader (``evidence.model``,
``evidence.facts``) reads all of that, so the schema that the YAML language server and
``check-jsonschema`` apply must too. What the loader refuses for its shape (an unknown key, a
wrong type, a word that is not a status) the schema refuses. Rules that need the pack's meaning
or the disk (a reason for 不适用, criteria of the clause, paths inside the folder, ranges of
numbers typed as text, a required community name) stay in ``audit validate``.

The patterns mirror ``facts._TRUE``/``_FALSE``, the number grammar of ``facts._parse_text`` (after
NFKC: full-width digits, ``％``, ``，``) and ``model.STATUS_WORDS``; tests check them against the
loader's own functions. Patterns are written for both ECMAScript (editors) and Python (``re``).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from ..exact import decimal_text
from .facts import _FALSE, _TRUE, nest
from .model import STATUS_WORDS, Attachment, ClauseEntry, Community, EvidenceFile

if TYPE_CHECKING:
    from ..pack import Pack
    from ..pack.model import FactDef

DRAFT = "https://json-schema.org/draft/2020-12/schema"
STATUS_ORDER = ("达标", "部分达标", "未达标", "不适用", "met", "partial", "not_met", "na")  # completion order
_TYPE_WORDS = {"integer": "整数", "number": "数字", "ratio": "比例，如 0.93 或 93%", "boolean": "是/否"}

_SYNTAX = set("\\^$.*+?()[]{}|/")
_BLANK = {"type": "string", "pattern": r"^\s*$"}
_NULL = {"type": "null"}
_TEXT = {"type": "string", "pattern": r"\S"}
_DIGIT = "[0-9０-９]"
_SEP = "[,，\u0020\u00a0\u3000]*"  # removed anywhere by facts._parse_text (after NFKC)
_SIGN = "[+＋\\-－]"
_DOT = "[.．]"
_PERCENT = "[%％]"


def _escape(text: str) -> str:
    """``text`` as a literal in a pattern that ECMAScript (also in ``u`` mode) and Python share."""
    return "".join("\\" + ch if ch in _SYNTAX else ch for ch in text)


def _any_case(word: str) -> str:
    """A pattern matching ``word`` in any letter case (ECMAScript patterns carry no flags)."""
    return "".join(f"[{ch.lower()}{ch.upper()}]" if ch.lower() != ch.upper() else _escape(ch) for ch in word)


def _words(words: set[str] | list[str], *, exact: tuple[str, ...] = ()) -> str:
    alternatives = sorted({_any_case(w) for w in words} | {_escape(w) for w in exact}, key=lambda p: (-len(p), p))
    return r"^\s*(?:" + "|".join(alternatives) + r")\s*$"


# The words the loader reads (case-insensitive, surrounding spaces ignored); PyYAML also reads an
# unquoted on/off as a boolean, which editors (YAML 1.2) see as text.
BOOLEAN_TEXT = _words(_TRUE | _FALSE, exact=("on", "On", "ON", "off", "Off", "OFF"))
STATUS_TEXT = _words(list(STATUS_WORDS))


def number_pattern(kind: str, unit: str | None = None) -> str:
    """The text forms ``facts.coerce`` reads as a number of ``kind`` (integer, number or ratio)."""
    digits = f"(?:{_DIGIT}{_SEP})"
    if kind == "integer":
        zeros = f"(?:[0０]{_SEP})"
        body = f"(?:{digits}+(?:{_DOT}{_SEP}{zeros}*)?|{_DOT}{_SEP}{zeros}+)"
    else:
        body = f"(?:{digits}+(?:{_DOT}{_SEP}{digits}*)?|{_DOT}{_SEP}{digits}+)"
    tail = f"(?:{_PERCENT}{_SEP})?" if kind == "ratio" else ""
    if unit:  # the unit may follow, as written in the template or as NFKC makes it (m² → m2)
        units = sorted({unit, unicodedata.normalize("NFKC", unit)}, key=len, reverse=True)
        tail += "(?:(?:" + "|".join(_escape(u) for u in units) + f"){_SEP})?"
    return rf"^\s*{_SEP}(?:{_SIGN}{_SEP})?{body}{tail}\s*$"


def _nullable(schema: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """``schema``, or blank (null or spaces only): the loader treats a blank value as not given."""
    out: dict[str, Any] = {"anyOf": [schema, _NULL, _BLANK]}
    if description:
        out["description"] = description
    return out


def _describe(model: Any, name: str) -> str:
    return str(model.model_fields[name].description or "")


_DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date",
         "description": "日期，如 2026-11-01"}


def _date(description: str) -> dict[str, Any]:
    """A date as YAML writes it (2026-03-01), or blank."""
    return {"description": description,
            "anyOf": [{"type": "string", "pattern": r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$"}, _NULL, _BLANK]}


def _definitions() -> dict[str, Any]:
    attachment_fields: dict[str, Any] = {
        name: {"type": ["string", "null"], "description": _describe(Attachment, name)}
        for name in ("path", "paper", "url", "note")
    }
    attachment_fields.update({name: _date(_describe(Attachment, name)) for name in ("dated", "valid_until")})
    return {
        "Status": {
            "description": _describe(ClauseEntry, "status"),
            "anyOf": [{"enum": list(STATUS_ORDER)}, {"type": "string", "pattern": STATUS_TEXT}, _NULL, _BLANK],
        },
        "Attachment": {
            "description": "一项佐证：相对于证据文件的文件路径（可直接写路径文字），或 {path: 路径}、"
                           "{paper: 纸质台账名称}、{url: 链接}，可加 note 备注",
            "anyOf": [
                {**_TEXT, "description": "相对于证据文件的文件路径，如 files/名册.pdf"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": attachment_fields,
                    # exactly one kind is filled in (a blank one does not count)
                    "oneOf": [{"required": [k], "properties": {k: _TEXT}} for k in ("path", "paper", "url")],
                },
            ],
        },
        "ClauseEntry": {
            "type": "object",
            "description": "一条条款的自评：状态、佐证、细项与说明",
            "additionalProperties": False,
            "properties": {
                "status": {"$ref": "#/$defs/Status"},
                "evidence": {
                    "description": _describe(ClauseEntry, "evidence"),
                    "anyOf": [{"type": "array", "items": {"$ref": "#/$defs/Attachment"}},
                              {"$ref": "#/$defs/Attachment"}, _NULL],
                },
                "criteria_met": {
                    "description": _describe(ClauseEntry, "criteria_met"),
                    "anyOf": [{"type": "array", "items": _TEXT}, _TEXT, _NULL],
                },
                "note": {"type": ["string", "null"], "description": _describe(ClauseEntry, "note")},
                "reason": {"type": ["string", "null"], "description": _describe(ClauseEntry, "reason")},
                "approved_by": {"type": ["string", "null"], "description": _describe(ClauseEntry, "approved_by")},
                "valid_until": _date(_describe(ClauseEntry, "valid_until")),
            },
        },
        "Entry": {"anyOf": [{"$ref": "#/$defs/ClauseEntry"}, _NULL]},
    }


def evidence_schema(pack: Pack | None = None) -> dict[str, Any]:
    """The evidence schema; with ``pack``, narrowed to its clause IDs, bonus items and facts."""
    community = {
        name: {"type": ["string", "null"], "description": _describe(Community, name)}
        for name in Community.model_fields
    }
    entries: dict[str, Any] = {"type": "object", "additionalProperties": {"$ref": "#/$defs/Entry"}}
    clauses, bonus, facts = dict(entries), dict(entries), {"type": "object", "description": "社区数据"}
    if pack is not None:
        clauses = _closed({cid: f"{clause.title or ''}（{decimal_text(clause.points)} 分）：{clause.text}"
                           for cid, (_, _, clause) in pack.index.items()})
        bonus = _closed({b.id: f"加分项：{b.title}（{decimal_text(b.points)} 分）" for b in pack.meta.bonus})
        facts = _facts_schema(pack)
    clauses["description"] = "各条款的自评，键为带引号的条款编号，如 \"5.6.1\""
    bonus["description"] = "加分项的自评，键为加分项编号"
    return {
        "$schema": DRAFT,
        "title": str(EvidenceFile.model_config.get("title")),
        "description": "社区自评证据文件（audit init 生成模板，audit validate 检查，audit score 评分）",
        "type": "object",
        "additionalProperties": False,
        "required": ["standard", "community"],
        "properties": {
            "standard": {**_TEXT, "description": _describe(EvidenceFile, "standard")},
            "community": {
                "type": "object",
                "description": "社区信息",
                "additionalProperties": False,
                "properties": community,
            },
            "assessed_on": {"anyOf": [_DATE, _NULL], "description": _describe(EvidenceFile, "assessed_on")},
            "period": {
                "description": _describe(EvidenceFile, "period"),
                "anyOf": [{
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["from", "to"],
                    "properties": {"from": {**_DATE, "description": "评估期开始日期"},
                                   "to": {**_DATE, "description": "评估期结束日期"}},
                }, _NULL],
            },
            "assessor": {"type": ["string", "null"], "description": _describe(EvidenceFile, "assessor")},
            "facts": {**facts, "description": "社区数据：用于自动核验，单项留空表示未提供"},
            "clauses": clauses,
            "bonus": bonus,
        },
        "$defs": _definitions(),
    }


def _closed(described: dict[str, str]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False,
            "properties": {key: {"$ref": "#/$defs/Entry", "description": text} for key, text in described.items()}}


def _facts_schema(pack: Pack) -> dict[str, Any]:
    # the whole vocabulary: one evidence file serves every pack; groups nested by facts.nest
    def group(tree: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": False, "properties": {
            key: _nullable(group(sub)) if isinstance(sub, dict) else fact_schema(pack.facts[sub])
            for key, sub in tree.items()}}

    return group(nest({name: name for name in pack.facts}))


def fact_schema(fact: FactDef) -> dict[str, Any]:
    """One fact: its typed value, the text forms the loader reads, or blank."""
    unit = f"，单位：{fact.unit}" if fact.unit else ""
    description = f"{fact.label}（{_TYPE_WORDS[fact.type]}{unit}）"
    if fact.type == "boolean":
        return _nullable({"anyOf": [{"type": "boolean"}, {"enum": [0, 1]},
                                    {"type": "string", "pattern": BOOLEAN_TEXT}]}, description)
    typed: dict[str, Any] = {"type": "integer" if fact.type == "integer" else "number"}
    if fact.type == "ratio":
        typed.update(minimum=0, maximum=1)
    if fact.min is not None:
        typed["minimum"] = float(fact.min)
    if fact.max is not None:
        typed["maximum"] = float(fact.max)
    text = {"type": "string", "pattern": number_pattern(fact.type, fact.unit)}
    return _nullable({"anyOf": [typed, text]}, description)
