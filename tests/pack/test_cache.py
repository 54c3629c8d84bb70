"""The per-user cache of validated packs: used only when it is safe, never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from jingzhi_audit.pack import cache, load_pack


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("JINGZHI_AUDIT_NO_CACHE", raising=False)
    return tmp_path / "cache" / "jingzhi-audit" / "packs"


def test_second_load_comes_from_the_cache(mini_pack: Path, cache_home: Path) -> None:
    first = load_pack(mini_pack, cached=True)
    files = list(cache_home.glob("*.json"))
    assert len(files) == 1
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"
    second = load_pack(mini_pack, cached=True)
    assert second is not first and second.sha256 == first.sha256
    assert second.counts() == first.counts()


def test_any_change_to_the_pack_is_not_served_from_the_cache(mini_pack: Path, cache_home: Path) -> None:
    load_pack(mini_pack, cached=True)
    assert cache.read(mini_pack) is not None
    source = mini_pack / "sources" / "src.txt"
    source.write_text(source.read_text(encoding="utf-8") + "补充。", encoding="utf-8")
    assert cache.read(mini_pack) is None
    load_pack(mini_pack, cached=True)
    extra = mini_pack / "9-新增.yaml"  # a category file that appears is a change too
    extra.write_text((mini_pack / "2-满意.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert cache.read(mini_pack) is None
    extra.unlink()
    cat = mini_pack / "2-满意.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("points: 4", "points: 5"), encoding="utf-8")
    with pytest.raises(Exception, match="不符"):
        load_pack(mini_pack, cached=True)  # the broken pack is validated, not served from cache


def test_a_tampered_or_foreign_cache_file_is_ignored(mini_pack: Path, cache_home: Path) -> None:
    load_pack(mini_pack, cached=True)
    (path,) = cache_home.glob("*.json")
    path.write_bytes(b"not a cache file")
    assert load_pack(mini_pack, cached=True).id == "mini"
    cache_home.chmod(0o777)  # a folder others can write is not trusted
    assert cache.read(mini_pack) is None
    cache_home.chmod(0o700)


def test_cache_can_be_disabled(mini_pack: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JINGZHI_AUDIT_NO_CACHE", "1")
    load_pack(mini_pack, cached=True)
    assert not cache_home.exists()


def test_unwritable_cache_falls_back(mini_pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file, so the folder cannot be made
    assert load_pack(mini_pack, cached=True).id == "mini"


def test_a_vocabulary_anywhere_is_part_of_the_entry(tmp_path: Path, cache_home: Path) -> None:
    """Regression: the cache key guessed the vocabulary at ``../vocabulary.yaml``; a pack naming
    another one was served stale after that vocabulary changed a result."""
    import shutil

    from tests.conftest import ROOT

    standards = tmp_path / "standards"
    shutil.copytree(ROOT / "standards" / "jingzhi-2022", standards / "jingzhi-2022")
    shared = standards / "common"
    shared.mkdir()
    shutil.copy(ROOT / "standards" / "vocabulary.yaml", shared / "vocabulary.yaml")
    meta = standards / "jingzhi-2022" / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("vocabulary: ../vocabulary.yaml",
                                                                "vocabulary: ../common/vocabulary.yaml"),
                    encoding="utf-8")
    first = load_pack(standards / "jingzhi-2022", cached=True)
    assert first.facts["households"].max is None
    vocabulary = shared / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace(
        "households: {type: integer,", "households: {type: integer, max: 100,"), encoding="utf-8")
    again = load_pack(standards / "jingzhi-2022", cached=True)
    assert again.facts["households"].max == 100
    assert again.sha256 != first.sha256


def test_windows_has_no_getuid(mini_pack: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every cached run after the first ended in 内部错误 on Windows (no os.getuid)."""
    import os

    load_pack(mini_pack, cached=True)
    monkeypatch.delattr(os, "getuid")
    assert cache.read(mini_pack) is not None
    assert load_pack(mini_pack, cached=True).id == "mini"


def test_an_entry_swapped_in_from_another_pack_is_not_served(tmp_path: Path, cache_home: Path) -> None:
    """Entries are verified by content: another pack's entry under this pack's name is refused."""
    import shutil

    from tests.conftest import MINI_PACK

    one, two = tmp_path / "one" / "mini", tmp_path / "two" / "mini"
    shutil.copytree(MINI_PACK, one)
    shutil.copytree(MINI_PACK, two)
    cat = two / "2-满意.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("title:", "title: 改", 1), encoding="utf-8")
    load_pack(one, cached=True)
    load_pack(two, cached=True)
    entry_one, entry_two = (cache_home / f"{cache._entry(p)}.json" for p in (one, two))
    entry_two.write_bytes(entry_one.read_bytes())
    assert cache.read(two) is None


def test_a_cached_pack_scores_exactly_as_a_fresh_one(cache_home: Path) -> None:
    from jingzhi_audit.api import assess
    from tests.conftest import ROOT

    evidence = ROOT / "examples" / "haiyun" / "community.yaml"
    fresh = assess(evidence, generated_at="t", pack_loader=load_pack)
    load_pack(ROOT / "standards" / "jingzhi-2022", cached=True)  # writes the entry
    cached = assess(evidence, generated_at="t", pack_loader=lambda p: cache.read(p) or pytest.fail("not cached"))
    assert cached.model_dump() == fresh.model_dump()
