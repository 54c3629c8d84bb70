"""``audit users add`` and ``audit serve`` from the command line (real processes)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from jingzhi_audit.serve.store import Store

from .browser import free_port


def _audit(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jingzhi_audit", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, check=False)


def test_users_add_creates_the_account_and_the_communitys_evidence_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _audit("users", "add", "hy", "--role", "community", "--community", "hy001", "--district", "环翠区",
                  "--name", "海韵社区", "--password-stdin", "--data", str(data), stdin="a-long-password\n")
    assert done.returncode == 0, done.stderr
    assert "已保存账号 hy" in done.stdout
    store = Store(data)
    try:
        assert store.check_password("hy", "a-long-password") is not None
        assert store.check_password("hy", "wrong") is None
        assert "a-long-password" not in store.path.read_bytes().decode("latin-1")
    finally:
        store.close()
    text = (data / "communities" / "hy001" / "community.yaml").read_text(encoding="utf-8")
    assert "海韵社区" in text and "环翠区" in text
    assert _audit("score", str(data / "communities" / "hy001" / "community.yaml")).returncode == 0


def test_users_add_refuses_bad_input_in_chinese(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    cases = [
        (["x", "--role", "boss"], "角色"),
        (["x", "--role", "community"], "--community"),
        (["x", "--role", "community", "--community", "../etc"], "--community"),
        (["x", "--role", "inspector"], "--district"),
    ]
    for args, message in cases:
        done = _audit("users", "add", *args, "--password-stdin", "--data", data, stdin="a-long-password\n")
        assert done.returncode == 1 and message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    short = _audit("users", "add", "x", "--role", "admin", "--password-stdin", "--data", data, stdin="short\n")
    assert short.returncode == 1 and "至少 8 个字符" in short.stderr


def test_serve_warns_in_chinese_when_binding_wider_than_this_machine(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "jingzhi_audit", "serve", "--data", str(tmp_path / "d"),
                             "--host", "0.0.0.0", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("audit serve did not answer")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert "警告" in err and "0.0.0.0" in err
    assert (tmp_path / "d" / "app.sqlite").is_file()


def test_serve_binds_this_machine_only_by_default() -> None:
    from typer.testing import CliRunner

    from jingzhi_audit.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "127.0.0.1" in result.stdout
