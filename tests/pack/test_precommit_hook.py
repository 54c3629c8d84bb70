"""The pre-commit hook, run by the real pre-commit against a temporary repository of rule packs.

The repository uses this project as its hook repository (``repo: <this worktree>``, ``rev: HEAD``):
pre-commit clones it and installs it with pip, exactly as a rule-pack maintainer's machine does,
so the hook definition tested is the committed ``.pre-commit-hooks.yaml``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jingzhi_audit.pack.changes import targets_for_changes
from tests.conftest import MINI_PACK, ROOT

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
GIT_ENV = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "测试",
           "GIT_COMMITTER_EMAIL": "t@example.org"}


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=600, check=check,
                          env={**os.environ, **GIT_ENV})


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A repository with a pack in an unusual folder and a folder of packs with vocabulary and
    crosswalks; the hook installed and a first, valid commit made."""
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    root = tmp_path_factory.mktemp("hook-repo")
    repo = root / "规则库"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    shutil.copytree(MINI_PACK, repo / "某区" / "试点" / "mini")
    shutil.copytree(ROOT / "standards", repo / "rules" / "standards")
    (repo / "说明.txt").write_text("规则包仓库\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n      - id: audit-validate\n", encoding="utf-8")
    os.environ["PRE_COMMIT_HOME"] = str(root / "pre-commit-home")  # its own clones and environments
    try:
        subprocess.run([str(PRE_COMMIT), "install"], cwd=repo, check=True, capture_output=True, timeout=120)
        _git(repo, "add", "-A")
        first = _git(repo, "commit", "-q", "-m", "规则包", check=False)  # installs the hook's environment
        assert first.returncode == 0, first.stdout + first.stderr
        yield repo
    finally:
        os.environ.pop("PRE_COMMIT_HOME", None)


def _commit(repo: Path) -> tuple[int, str]:
    """Stage everything and commit: the exit code and what the hook printed (git shows it on
    stderr). A rejected commit is undone so that the next case starts clean."""
    _git(repo, "add", "-A")
    result = _git(repo, "commit", "-q", "-m", "改动", check=False)
    if result.returncode != 0:
        _git(repo, "reset", "-q", "--hard", "HEAD")
    return result.returncode, result.stdout + result.stderr


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


MINI = Path("某区") / "试点" / "mini"
STANDARDS = Path("rules") / "standards"


def test_a_changed_source_text_is_checked(repo: Path) -> None:
    _edit(repo / MINI / "sources" / "src.txt", "培育志愿服务队伍", "培育队伍")
    code, out = _commit(repo)
    assert code == 1, out
    assert "引文在 sources/src.txt 中找不到：「培育志愿服务队伍」" in out
    assert "校验规则包（audit validate）" in out and "Failed" in out


def test_a_deleted_category_file_is_checked(repo: Path) -> None:
    _git(repo, "rm", "-q", str(MINI / "2-满意.yaml"))
    code, out = _commit(repo)
    assert code == 1, out
    assert "expect.categories: 应有 2 类，实际 1 类" in out


def test_a_changed_vocabulary_checks_every_pack_beside_it(repo: Path) -> None:
    _edit(repo / STANDARDS / "vocabulary.yaml", "  households: {type: integer", "  househlds: {type: integer")
    code, out = _commit(repo)
    assert code == 1, out
    assert "jingzhi-2022" in out and "households" in out


def test_a_changed_crosswalk_is_checked(repo: Path) -> None:
    crosswalk = sorted((repo / STANDARDS / "crosswalk").glob("*.yaml"))[0]
    crosswalk.write_text(crosswalk.read_text(encoding="utf-8") + "unknown_key: 1\n", encoding="utf-8")
    code, out = _commit(repo)
    assert code == 1, out
    assert crosswalk.name in out and "unknown_key" in out


def test_a_valid_change_and_an_unrelated_file_pass(repo: Path) -> None:
    _edit(repo / MINI / "1-队伍.yaml", "title: 志愿服务\n", "title: 志愿服务队伍\n")
    (repo / "说明.txt").write_text("规则包仓库（已更新）\n", encoding="utf-8")
    code, out = _commit(repo)
    assert code == 0, out
    assert "校验规则包（audit validate）" in out and "Passed" in out
    assert _git(repo, "log", "--oneline").stdout.count("\n") == 2


def test_changed_paths_map_to_their_packs(tmp_path: Path) -> None:
    shutil.copytree(MINI_PACK, tmp_path / "a" / "mini")
    shutil.copytree(ROOT / "standards", tmp_path / "s")
    (tmp_path / ".git").mkdir()  # the repository's top: the search upward stops there
    mini, s = tmp_path / "a" / "mini", tmp_path / "s"
    found = targets_for_changes([
        mini / "sources" / "src.txt", mini / "gone.yaml", mini / "pack.yaml",  # one pack, found once
        s / "crosswalk" / "gone.yaml",  # a deleted crosswalk: nothing left to check
        tmp_path / "a" / "说明.txt", tmp_path / "README.yaml",  # not part of any pack
    ])
    assert found == [mini]
    vocabulary = targets_for_changes([s / "vocabulary.yaml"])
    assert vocabulary[0] == s / "vocabulary.yaml" and s / "jingzhi-2022" in vocabulary and len(vocabulary) == 6
