"""The schema's patterns read text as the loader does: the same strings pass both or neither."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from jingzhi_audit.evidence.facts import FactError, coerce
from jingzhi_audit.evidence.model import status_of
from jingzhi_audit.evidence.schema import _definitions, fact_schema
from jingzhi_audit.pack import load_pack
from tests.conftest import BUNDLED_PACK

FACTS = load_pack(BUNDLED_PACK).facts
NUMBERS = ["12", " 12 ", "1,200", "1，200", "１２", "+3", "-0", "12.0", "12.", ".5", "12.5", "0.93", "93%",
           "93％", "９３％", "93.5 %", "12户", "12 户", "16.5万元", "1020m²", "1020m2", "1e3", "12,", "1 2",
           "", "  ", "abc", "12%%", "%12", "12户%", "12\t3", "--1", "1.2.3", "十二", "12人", "0x10", ". 5"]
BOOLEANS = ["是", "否", "有", "无", "没有", "对", "√", "✓", "×", "✗", "true", "TRUE", " False ", "yes", "Y",
            "n", "No", "ok", "是的", "1", "0", "", "真"]
STATUSES = ["达标", " 达标 ", "部分达标", "已达标", "符合", "不达标", "无此项", "met", "MET", "Not Met", "not-met",
            "N/A", "n.a.", "na", "", "  ", "已完成", "达 标", "ok", "partially"]


def _schema_accepts(schema: dict, value: object) -> bool:
    return Draft202012Validator({**schema, "$defs": _definitions()}).is_valid(value)


@pytest.mark.parametrize("name", ["households", "work_funding", "service_facility_area",
                                  "satisfaction.facilities", "incidents.major_fire"])
def test_fact_text_grammar_matches_the_loader(name: str) -> None:
    fact = FACTS[name]
    disagree = []
    for text in BOOLEANS if fact.type == "boolean" else NUMBERS:
        try:
            coerce(text, fact)
            loader = True
        except FactError as exc:  # a range is not the schema's business for text
            loader = any(word in str(exc) for word in ("不能小于", "不能大于", "超出范围"))
        if loader != _schema_accepts(fact_schema(fact), text):
            disagree.append((text, loader))
    assert disagree == []


def test_status_words_match_the_loader() -> None:
    schema = {"$ref": "#/$defs/Status"}
    disagree = [(w, ok) for w in STATUSES if (ok := status_of(w) is not None or not w.strip())
                != _schema_accepts(schema, w)]
    assert disagree == []
    assert _schema_accepts(schema, None) and not _schema_accepts(schema, 1) and not _schema_accepts(schema, True)


@pytest.mark.parametrize(("value", "ok"), [
    ("files/名册.pdf", True), ({"path": "files/a.pdf", "note": "原件"}, True), ({"paper": "台账"}, True),
    ({"url": "https://example.org/a"}, True), ({"path": "a.pdf", "paper": ""}, True), ("", False), ("  ", False),
    ({"path": "a.pdf", "paper": "台账"}, False), ({"note": "只有备注"}, False), ({"file": "a.pdf"}, False), (3, False),
])
def test_attachment_forms_match_the_loader(value: object, ok: bool) -> None:
    from pydantic import TypeAdapter, ValidationError

    from jingzhi_audit.evidence.model import AttachmentEntry

    try:
        TypeAdapter(AttachmentEntry).validate_python(value)
        loader = True
    except ValidationError:
        loader = False
    assert loader is ok
    assert _schema_accepts({"$ref": "#/$defs/Attachment"}, value) is ok
