"""The real thing for the browser tests: ``audit serve`` in a subprocess on a free 127.0.0.1 port,
and Debian's Chromium (``/usr/bin/chromium``) driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``audit serve --data DATA --port PORT``, up and answering /healthz."""
    with log.open("wb") as handle:  # the child keeps its own descriptor
        proc = subprocess.Popen([sys.executable, "-m", "jingzhi_audit", "serve", "--data", str(data),
                                 "--port", str(port)], stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"audit serve exited: {log.read_text(encoding='utf-8', errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("audit serve did not start within 30 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server this test started."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def launch(playwright: Any, profile: Path) -> Any:
    """A persistent Chromium context (a new empty profile) of the system browser."""
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS, chromium_sandbox=False,
        accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")
