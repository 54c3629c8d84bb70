"""Output of ``audit validate`` as text (people), JSON (tools) or JUnit XML (any CI system)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from ..result.validation import TargetReport
from ..safe_text import for_xml


def render_text(reports: list[TargetReport]) -> str:
    """One line per target (✓/✗ and a summary), then each problem, then a count."""
    lines: list[str] = []
    for report in reports:
        mark = "✓" if report.valid else "✗"
        head = f"{mark} {report.path}"
        if report.valid:
            head += f"  {report.summary}" if report.summary else "  有效"
            if report.warnings:
                head += f"（{len(report.warnings)} 条提示）"
        else:
            head += f"  发现 {len(report.errors)} 个问题"
        lines.append(head)
        for problem in report.errors:
            lines.append(f"  {problem}")
        for problem in report.warnings:
            lines.append(f"  提示：{problem}")
    bad = sum(1 for r in reports if not r.valid)
    if len(reports) > 1 or bad:
        lines.append(f"共检查 {len(reports)} 个对象：{len(reports) - bad} 个有效，{bad} 个无效")
    return "\n".join(lines) + "\n"


def render_json(reports: list[TargetReport]) -> str:
    """Every target with its errors and warnings, for tools."""
    data = {
        "valid": all(r.valid for r in reports),
        "targets": [
            {
                "path": r.path,
                "kind": r.kind,
                "valid": r.valid,
                "summary": r.summary,
                "details": r.details,
                "errors": [p.as_dict() for p in r.errors],
                "warnings": [p.as_dict() for p in r.warnings],
            }
            for r in reports
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_junit(reports: list[TargetReport]) -> str:
    """One test suite per target, one test case per file, so CI shows which file failed."""
    suites = ET.Element("testsuites", name="audit validate")
    total_tests = total_failures = 0
    for report in reports:
        files = report.files or [report.path]
        by_file: dict[str, list[str]] = {f: [] for f in files}
        for problem in report.errors:
            by_file.setdefault(problem.file, []).append(str(problem))
        failures = sum(1 for msgs in by_file.values() if msgs)
        suite = ET.SubElement(suites, "testsuite", name=report.path, tests=str(len(by_file)),
                              failures=str(failures), errors="0", skipped="0")
        for file, messages in by_file.items():
            case = ET.SubElement(suite, "testcase", classname=report.kind, name=file)
            if messages:
                failure = ET.SubElement(case, "failure", message=messages[0], type="invalid")
                failure.text = "\n".join(messages)
        warnings = [str(p) for p in report.warnings]
        if warnings:
            ET.SubElement(suite, "system-out").text = "\n".join(warnings)
        total_tests += len(by_file)
        total_failures += failures
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    # a message may quote a value holding a control character, which no XML file may contain
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + for_xml(ET.tostring(suites, encoding="unicode")) + "\n"
