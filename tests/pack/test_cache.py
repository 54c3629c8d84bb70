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
    files = list(cache_home.glob("*.pickle"))
    assert len(files) == 1
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"
    second = load_pack(mini_pack, cached=True)
    assert second is not first and second.sha256 == first.sha256
    assert second.counts() == first.counts()


def test_any_change_to_the_pack_is_a_new_key(mini_pack: Path, cache_home: Path) -> None:
    load_pack(mini_pack, cached=True)
    key = cache.cache_key(mini_pack)
    source = mini_pack / "sources" / "src.txt"
    source.write_text(source.read_text(encoding="utf-8") + "补充。", encoding="utf-8")
    assert cache.cache_key(mini_pack) != key
    cat = mini_pack / "2-满意.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("points: 4", "points: 5"), encoding="utf-8")
    with pytest.raises(Exception, match="不符"):
        load_pack(mini_pack, cached=True)  # the broken pack is validated, not served from cache


def test_a_tampered_or_foreign_cache_file_is_ignored(mini_pack: Path, cache_home: Path) -> None:
    load_pack(mini_pack, cached=True)
    (path,) = cache_home.glob("*.pickle")
    path.write_bytes(b"not a cache file")
    assert load_pack(mini_pack, cached=True).id == "mini"
    cache_home.chmod(0o777)  # a folder others can write is not trusted
    _key, pack = cache.read(mini_pack)
    assert pack is None
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
