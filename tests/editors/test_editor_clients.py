"""The evidence schema in the real clients: yaml-language-server (editors) and check-jsonschema.

Each file is also given to ``audit validate``: the schema must accept what the loader accepts and
reject what it rejects. The language server is installed from npm by ``make clients`` (part of
``make test``'s set-up); its absence is a failure, not a skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.pack import load_pack
from tests.conftest import BUNDLED_PACK, MINI_PACK, ROOT
from tests.lsp_client import SERVER, LspClient

PACK = load_pack(BUNDLED_PACK)
MODELINE = "# yaml-language-server: $schema=jingzhi-2022.schema.json\n"
EXAMPLES = ["haiyun", "laocheng", "qingshan"]
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
VALUE = {"整数": ["12", "1,200", "36{unit}"], "数字": ["16.5", "1020", "16.5 {unit}"],
         "比例": ["93%", "93％", "0.93"], "是/否": ["否", "是", "否"]}
STATUSES = ["达标", "部分达标", "未达标", "不适用"]


def fill_as_the_comments_say(template: str) -> str:
    """The blank template filled in as a person would from its comments: Chinese statuses, ratios
    as 93%, 是/否, numbers with units typed as text, evidence as plain path strings."""
    out: list[str] = []
    criteria = False
    na_allowed = True
    count = 0
    status = ""
    for line in template.splitlines():
        fact = re.match(r"^(\s+\w+):\s+# .*（(整数|数字|比例|是/否)", line)
        if fact:
            unit = re.search(r"单位：([^）]+)）", line)
            value = VALUE[fact[2]][count % 3].format(unit=unit[1] if unit else "").strip()
            out.append(f"{fact[1]}: {value}")
            count += 1
            continue
        if line.startswith("  name:"):
            line = "  name: 测试社区"
        elif line.startswith("assessed_on:"):
            line = "assessed_on: 2026-11-01"
        elif line.startswith("period:"):
            line = "period: {from: 2025-11-01, to: 2026-10-31}"
        elif line.startswith("assessor:"):
            line = "assessor: 社区自评小组"
        elif re.match(r'^  "[\w.]+":', line):
            criteria, na_allowed = False, True
        elif line.startswith("    # 细项："):
            criteria = True
        elif line.startswith("    # 本条不允许标为不适用"):
            na_allowed = False
        elif line == "    status:":
            status = STATUSES[count % 4]
            count += 1
            if status == "不适用" and not na_allowed:
                status = "达标"
            line = f"    status: {status}"
            if status == "部分达标" and criteria:
                line += "\n    criteria_met: [a]"
        elif line == "    evidence: []":
            line = "    evidence: [files/台账.pdf, {paper: 纸质台账}]"
        elif line == "    note:" and status == "不适用":
            line = "    note:\n    reason: 本社区无此类设施"
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def lsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LspClient]:
    if not SERVER.exists():
        pytest.fail("yaml-language-server is not installed: run `make clients` (npm ci --prefix tests/clients)")
    with LspClient(tmp_path_factory.mktemp("lsp-root")) as client:
        yield client


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The files under test, each in a folder with the schema that its modeline names."""
    root = tmp_path_factory.mktemp("editor")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "-o", str(root / "blank.yaml")]).exit_code == 0
    blank = (root / "blank.yaml").read_text(encoding="utf-8")
    assert blank.startswith(MODELINE) and (root / "jingzhi-2022.schema.json").is_file()
    found = {"blank": root / "blank.yaml"}
    (root / "filled.yaml").write_text(fill_as_the_comments_say(blank), encoding="utf-8")
    found["filled"] = root / "filled.yaml"
    for name in EXAMPLES:  # the examples carry no modeline: their SHA-256 is in the golden files
        folder = root / name
        shutil.copytree(ROOT / "examples" / name, folder)
        shutil.copy(root / "jingzhi-2022.schema.json", folder)
        path = folder / "community.yaml"
        path.write_text(MODELINE + path.read_text(encoding="utf-8"), encoding="utf-8")
        found[name] = path
    filled = found["filled"].read_text(encoding="utf-8")
    (root / "misspelt.yaml").write_text(filled.replace("\nassessor:", "\nasesor:"), encoding="utf-8")
    (root / "bad-status.yaml").write_text(filled.replace("status: 达标", "status: 已完成", 1), encoding="utf-8")
    (root / "bad-fact.yaml").write_text(re.sub(r"(households:) \S+", r"\1 很多", filled), encoding="utf-8")
    found.update({k: root / f"{k}.yaml" for k in ("misspelt", "bad-status", "bad-fact")})
    return found


GOOD = ["blank", "filled", *EXAMPLES]
BAD = {"misspelt": (r"asesor", "asesor"), "bad-status": (r"已完成|Value is not accepted", "已完成"),
       "bad-fact": (r"String does not match|Incorrect type|not accepted|Value", "很多")}


def _validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", str(path)])
    return result.exit_code, result.stdout


def test_the_loader_agrees_on_which_files_are_good(files: dict[str, Path]) -> None:
    for name in ["filled", *EXAMPLES]:
        code, out = _validate(files[name])
        assert code == 0, out
    code, out = _validate(files["blank"])  # blank only lacks the community name: a rule left to validate
    assert code == 1 and "community.name: 必填" in out and "共检查 1 个对象" in out
    for name, (_, word) in BAD.items():
        code, out = _validate(files[name])
        assert code == 1 and word in out, out


@pytest.mark.parametrize("name", GOOD)
def test_language_server_finds_nothing_wrong(lsp: LspClient, files: dict[str, Path], name: str) -> None:
    assert lsp.diagnose(files[name]) == []


@pytest.mark.parametrize("name", list(BAD))
def test_language_server_flags_what_the_loader_refuses(lsp: LspClient, files: dict[str, Path], name: str) -> None:
    diagnostics = lsp.diagnose(files[name])
    pattern, word = BAD[name]
    assert len(diagnostics) == 1, diagnostics
    line = files[name].read_text(encoding="utf-8").splitlines()[diagnostics[0]["range"]["start"]["line"]]
    assert word in line and re.search(pattern, diagnostics[0]["message"]), diagnostics


def test_completion_offers_the_chinese_status_words_first(lsp: LspClient, tmp_path: Path, files: dict[str, Path]) -> None:
    shutil.copy(files["blank"].parent / "jingzhi-2022.schema.json", tmp_path)
    text = files["blank"].read_text(encoding="utf-8").replace("    status:\n", "    status: \n", 1)
    path = tmp_path / "typing.yaml"
    path.write_text(text, encoding="utf-8")
    lsp.diagnose(path)
    row = text.splitlines().index("    status: ")
    labels = [item["label"] for item in lsp.complete(path, row, len("    status: "))]
    assert labels[:8] == [*STATUSES, "met", "partial", "not_met", "na"], labels


def _check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(path.parent / "jingzhi-2022.schema.json"),
                           str(path)], capture_output=True, text=True, timeout=120)


def test_check_jsonschema_agrees(files: dict[str, Path]) -> None:
    for name in GOOD:
        run = _check_jsonschema(files[name])
        assert run.returncode == 0 and "ok -- validation done" in run.stdout, (name, run.stdout, run.stderr)
    for name, (_, word) in BAD.items():
        run = _check_jsonschema(files[name])
        assert run.returncode == 1 and word in run.stdout, (name, run.stdout)


def test_init_names_the_schema_after_its_pack(tmp_path: Path, runner: CliRunner) -> None:
    stale = tmp_path / "jingzhi-2022.schema.json"
    stale.write_text("{}", encoding="utf-8")  # left by an older version of the tool
    assert runner.invoke(app, ["init", "-o", str(tmp_path / "a.yaml")]).exit_code == 0
    assert stale.read_text(encoding="utf-8") != "{}"
    result = runner.invoke(app, ["init", "-s", str(MINI_PACK), "-o", str(tmp_path / "b.yaml")])
    assert result.exit_code == 0 and "mini.schema.json" in result.stderr
    assert (tmp_path / "b.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=mini.schema.json\n")
    assert (tmp_path / "mini.schema.json").is_file() and not (tmp_path / "evidence.schema.json").exists()


def test_convert_to_yaml_writes_the_modeline_and_schema(tmp_path: Path, runner: CliRunner, lsp: LspClient) -> None:
    folder = tmp_path / "q"
    shutil.copytree(ROOT / "examples" / "qingshan", folder)
    assert runner.invoke(app, ["convert", str(folder / "community.yaml"), "-o", str(folder / "表.xlsx")]).exit_code == 0
    assert runner.invoke(app, ["convert", str(folder / "表.xlsx"), "-o", str(folder / "back.yaml")]).exit_code == 0
    assert (folder / "back.yaml").read_text(encoding="utf-8").startswith(MODELINE)
    assert lsp.diagnose(folder / "back.yaml") == []
