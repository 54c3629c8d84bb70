"""Helpers of the web-app tests: a data directory with accounts, logging in, reading CSRF tokens."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from jingzhi_audit.api import add_user

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PASSWORD = "correct-horse-9"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_data(data: Path) -> Path:
    """A data directory: two communities of 环翠区 (one filled from the 海韵 example), one of 文登区,
    their accounts, an inspector of each district and an administrator."""
    add_user(data, "hy", PASSWORD, role="community", community="hy001", district="环翠区", community_name="海韵社区")
    add_user(data, "jy", PASSWORD, role="community", community="jy002", district="环翠区", community_name="鲸园社区")
    add_user(data, "qs", PASSWORD, role="community", community="qs003", district="文登区", community_name="青山社区")
    add_user(data, "insp", PASSWORD, role="inspector", district="环翠区")
    add_user(data, "insp2", PASSWORD, role="inspector", district="文登区")
    add_user(data, "root", PASSWORD, role="admin")
    folder = data / "communities" / "hy001"
    shutil.copytree(EXAMPLES / "haiyun" / "files", folder / "files", dirs_exist_ok=True)
    text = (EXAMPLES / "haiyun" / "community.yaml").read_text(encoding="utf-8")
    (folder / "community.yaml").write_text(text.replace("  district: 环翠区\n", "  district: 环翠区\n  code: hy001\n", 1),
                                           encoding="utf-8")
    return data


def csrf(html: str) -> str:
    """The first CSRF token of a page."""
    found = CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def login(client: Any, name: str, password: str = PASSWORD) -> Any:
    """Log ``client`` in; the response of the login POST."""
    page = client.get("/login")
    return client.post("/login", data={"csrf": csrf(page.text), "name": name, "password": password},
                       follow_redirects=False)


def unzip(content: bytes, target: Path) -> Path:
    """Extract a downloaded evidence zip; the path of its community.yaml."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(target)
    return target / "community.yaml"
