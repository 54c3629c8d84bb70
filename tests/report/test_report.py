"""Gap reports (PDF and HTML): content, fonts, pages, and safety against hostile evidence.

PDF checks read what poppler extracts (pdftotext, pdffonts, pdfdetach), never the bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingzhi_audit.api import assess
from jingzhi_audit.cli import app
from jingzhi_audit.errors import SetupError
from jingzhi_audit.render.html_report import render_html
from jingzhi_audit.result import Result
from tests.conftest import BUNDLED_PACK, ROOT, pdf_text

pytest.importorskip("weasyprint", reason="WeasyPrint is not installed (pip install 'jingzhi-audit[pdf]')")
POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfdetach", "pdfinfo"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed (apt-get install poppler-utils)")
EXAMPLES = ["haiyun", "qingshan", "laocheng"]
HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<a rel="attachment" href="file:///etc/passwd">附件</a>',
    "<script>alert(1)</script>",
    "</td></tr>",
    "{{ 7*7 }}",
]


def run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Result, Path]]:
    from jingzhi_audit.render.pdf import render_pdf

    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for name in EXAMPLES:
        result = assess(ROOT / "examples" / name / "community.yaml")
        path = folder / f"{name}.pdf"
        path.write_bytes(render_pdf(result))
        out[name] = (result, path)
    return out


def _plain(text: str) -> str:
    """pdftotext output with layout line breaks removed (Chinese sentences wrap anywhere)."""
    return re.sub(r"\s+", "", text)


@needs_poppler
@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_contains_the_essentials(reports: dict[str, tuple[Result, Path]], name: str) -> None:
    result, path = reports[name]
    text = pdf_text(path)
    flat = _plain(text)
    assert _plain(result.community.name) in flat
    assert f"总分{result.total_text}" in flat
    assert result.rating.label in text
    for gap in result.gaps:
        assert gap.clause in text, gap.clause
    for section in ("一、总体情况", "二、整改清单", "三、分类明细", "四、标记与不适用条款", "五、评分方法",
                    "六、佐证索引与校验信息", "签字确认"):
        assert section in text
    assert "工作性重构" in flat  # the provenance line on the cover
    assert result.pack.sha256 in flat and result.evidence.sha256 in flat
    assert "第1页，共" in flat and "DB3710/T177-2022" in flat  # footer and running header


@needs_poppler
@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_embeds_only_a_subset_of_noto_sans_cjk_sc(reports: dict[str, tuple[Result, Path]], name: str) -> None:
    fonts = run("pdffonts", str(reports[name][1])).splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:
        fields = line.split()
        subset_name, emb, sub = fields[0], fields[-5], fields[-4]
        assert re.fullmatch(r"[A-Z]{6}\+Noto-Sans-CJK-SC(-Bold)?", subset_name), line
        assert (emb, sub) == ("yes", "yes"), line


@needs_poppler
@pytest.mark.parametrize("name", EXAMPLES)
def test_page_count_and_size_are_sane(reports: dict[str, tuple[Result, Path]], name: str) -> None:
    path = reports[name][1]
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))  # type: ignore[union-attr]
    assert 10 <= pages <= 40
    assert path.stat().st_size <= 600 * 1024


def _hostile_evidence(tmp_path: Path) -> Path:
    notes = "；".join(HOSTILE)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "名册.csv").write_text("a\n", encoding="utf-8")
    text = f"""standard: {BUNDLED_PACK}
community: {{name: '恶意<b>社区</b>{{{{ 7*7 }}}}', district: 环翠区}}
assessor: '<script>alert(2)</script>'
clauses:
  "5.1.1": {{status: met, evidence: [files/名册.csv], note: '{notes}'}}
  "6.6.1": {{status: na, reason: '<img src="file:///etc/passwd">'}}
  "5.1.2": {{status: not_met, note: '</td></tr><tr><td>伪造行'}}
"""
    path = tmp_path / "community.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@needs_poppler
def test_hostile_evidence_is_printed_as_text_and_fetches_nothing(tmp_path: Path) -> None:
    from jingzhi_audit.render import pdf

    result = assess(_hostile_evidence(tmp_path))
    before = len(pdf.BLOCKED)
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf.render_pdf(result))
    assert len(pdf.BLOCKED) == before  # escaped text never even asks for a resource
    flat = _plain(pdf_text(path))
    for literal in HOSTILE:
        assert _plain(literal) in flat, literal
    assert "恶意<b>社区</b>{{7*7}}" in flat and "49" not in flat.split("恶意")[1][:20]
    assert "root:x:0:0" not in flat and "root:" not in flat
    assert run("pdfdetach", "-list", str(path)).strip() == "0 embedded files"


@needs_poppler
def test_the_fetcher_refuses_local_files_even_in_markup(tmp_path: Path) -> None:
    """Defence in depth: were markup ever to reach WeasyPrint, nothing on the machine is read."""
    import weasyprint

    from jingzhi_audit.render import pdf

    pdf.render_pdf(assess(ROOT / "examples" / "haiyun" / "community.yaml"))  # set up the fetcher
    html = ('<html><body><p>附件测试</p><img src="file:///etc/passwd">'
            '<a rel="attachment" href="file:///etc/passwd">x</a>'
            '<link rel="stylesheet" href="file:///etc/passwd"><p style="background: url(file:///etc/hosts)">y</p>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            '</body></html>')
    before = len(pdf.BLOCKED)
    data = weasyprint.HTML(string=html, url_fetcher=pdf._STATE["fetcher"]).write_pdf()
    blocked = pdf.BLOCKED[before:]
    assert any(url.startswith("file:///etc/passwd") for url in blocked)
    assert not any(url.startswith("data:") for url in blocked)
    path = tmp_path / "direct.pdf"
    path.write_bytes(data)
    assert "root:" not in pdf_text(path)
    assert run("pdfdetach", "-list", str(path)).strip() == "0 embedded files"


def test_html_uses_the_same_template_and_escapes(tmp_path: Path) -> None:
    result = assess(_hostile_evidence(tmp_path))
    html = render_html(result)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src="file' not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in re.sub(r"<[^>]+>", "", html).split("恶意")[1][:30]
    assert html.count("<tr") == render_html(result).count("<tr")  # no injected rows
    for heading in ("二、整改清单", "三、分类明细", "签字确认"):
        assert heading in html
    assert "font-family: \"Noto Sans CJK SC\"" in html  # the stylesheet survived autoescaping


def test_html_cli_and_report_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    assert runner.invoke(app, ["score", str(ROOT / "examples/haiyun/community.yaml"), "-o", str(saved)]).exit_code == 0
    html = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(saved), "-o", str(html)])
    assert result.exit_code == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    assert "海韵社区（虚构）" in text and "97.3" in text and "7.4.4" in text
    md = tmp_path / "r.md"
    assert runner.invoke(app, ["report", str(saved), "-o", str(md)]).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# 海韵社区")


@needs_poppler
def test_pdf_cli(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = runner.invoke(app, ["score", str(ROOT / "examples/qingshan/community.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert "青山社区" in _plain(pdf_text(out))


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "不是有效的 JSON"),
    ('{"a": 1}', "不是 audit score --format json 生成的结果文件"),
    ('{"tool": {}, "clauses": [], "format": 99}', "格式版本 99"),
])
def test_report_refuses_foreign_results(runner: CliRunner, tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_tampered_result_names_the_field(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    runner.invoke(app, ["score", str(ROOT / "examples/haiyun/community.yaml"), "-o", str(saved)])
    saved.write_text(saved.read_text(encoding="utf-8").replace('"total": 97.25', '"total": "很多"'), encoding="utf-8")
    result = runner.invoke(app, ["report", str(saved), "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1
    assert "total: 应为数字" in result.stderr


def test_missing_chinese_font_is_a_setup_error(monkeypatch: pytest.MonkeyPatch, runner: CliRunner,
                                               tmp_path: Path) -> None:
    from jingzhi_audit.render import fonts

    fonts.chinese_font.cache_clear()
    monkeypatch.setattr(fonts.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, "DejaVu Sans\n", ""))
    try:
        with pytest.raises(SetupError, match="fonts-noto-cjk"):
            fonts.chinese_font()
        result = runner.invoke(app, ["score", str(ROOT / "examples/haiyun/community.yaml"), "-o",
                                     str(tmp_path / "x.pdf")])
        assert result.exit_code == 3
        assert "没有找到可显示中文的字体" in result.stderr and "apt-get install fonts-noto-cjk" in result.stderr
        assert not (tmp_path / "x.pdf").exists()
    finally:
        fonts.chinese_font.cache_clear()
