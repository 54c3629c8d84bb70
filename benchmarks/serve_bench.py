"""Benchmark of ``audit serve`` against a real server on 127.0.0.1 (``python benchmarks/serve_bench.py``).

  form     GET of the 128-clause form page of a fully filled community (the 海韵 example), over
           HTTP: p50/p95 of 100 requests. Target: p95 < 100 ms.
  save     POST of one clause (the CLI's checks, the evidence file rewritten, re-scored): p50/p95
           of 60 requests. Target: p95 < 150 ms.
  load     50 simulated users (25 communities, two workers each editing their own clauses of the
           same file) for 60 s: each logs in, then loops "open the form, save a clause" with a
           think time of 0.2–1.0 s. Counts errors (any non-2xx/3xx answer or exception) and then
           reads every community's evidence file back to check that each user's last write of each
           clause is there (no lost write). Target: zero errors, zero lost writes.

``--seconds`` and ``--users`` shorten or widen the load run.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PASSWORD = "bench-password-1"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CLAUSES = ["5.1.1", "5.1.2", "5.1.3", "5.2.1", "5.2.2", "5.2.3", "5.3.1", "5.3.2"]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _prepare(data: Path, communities: int, users: int) -> list[tuple[str, str]]:
    from jingzhi_audit.api import add_user

    example = ROOT / "examples" / "haiyun"
    accounts = []
    for i in range(users):
        code = f"c{i % communities:02d}"
        name = f"u{i:02d}"
        add_user(data, name, PASSWORD, role="community", community=code, district="环翠区")
        folder = data / "communities" / code
        if not (folder / "files").is_dir() or not any((folder / "files").iterdir()):
            shutil.copytree(example / "files", folder / "files", dirs_exist_ok=True)
            shutil.copy(example / "community.yaml", folder / "community.yaml")
        accounts.append((name, code))
    return accounts


def _client(base: str):  # type: ignore[no-untyped-def]
    import httpx2

    return httpx2.Client(base_url=base, follow_redirects=False, timeout=30)


def _login(client, name: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"csrf": token, "name": name, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return response.headers["location"]


def bench_form_and_save(base: str, name: str, code: str) -> dict[str, float]:
    """p50/p95 of the form page and of saving a clause (ms)."""
    client = _client(base)
    _login(client, name)
    for _ in range(5):
        client.get(f"/c/{code}")  # warm caches
    form = []
    for _ in range(100):
        start = time.perf_counter()
        response = client.get(f"/c/{code}")
        form.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and response.text.count('<div class="clause') == 128
    token = CSRF.search(response.text).group(1)  # type: ignore[union-attr]
    save = []
    for i in range(60):
        start = time.perf_counter()
        response = client.post(f"/c/{code}/clause/5.1.2",
                               data={"csrf": token, "status": "partial", "criteria": ["a"], "note": f"第 {i} 次保存"})
        save.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 303, response.status_code
    client.close()
    return {"form_p50": statistics.median(form), "form_p95": _p(form, 0.95),
            "save_p50": statistics.median(save), "save_p95": _p(save, 0.95)}


def bench_load(base: str, accounts: list[tuple[str, str]], seconds: float, data: Path) -> dict[str, object]:
    """The bounded load run; errors, requests, lost writes."""
    from jingzhi_audit.evidence.source import read_yaml

    errors: list[str] = []
    requests = [0]
    last: dict[tuple[str, str], str] = {}  # (community, clause) → last note written
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    latencies: list[float] = []

    def user(index: int, name: str, code: str) -> None:
        rng = random.Random(index)
        mine = CLAUSES[index % 2::2]  # two workers of a community edit different clauses
        try:
            client = _client(base)
            _login(client, name)
            n = 0
            while time.monotonic() < stop:
                start = time.perf_counter()
                page = client.get(f"/c/{code}")
                token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
                cid = mine[n % len(mine)]
                note = f"{name} 第 {n} 次"
                saved = client.post(f"/c/{code}/clause/{cid}", data={"csrf": token, "status": "met", "note": note})
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    requests[0] += 2
                    latencies.append(elapsed)
                    if page.status_code != 200 or saved.status_code != 303:
                        errors.append(f"{name}: {page.status_code}/{saved.status_code}")
                    else:
                        last[(code, cid)] = note
                n += 1
                time.sleep(rng.uniform(0.2, 1.0))
            client.close()
        except Exception as exc:  # a benchmark counts every failure
            with lock:
                errors.append(f"{name}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=user, args=(i, name, code)) for i, (name, code) in enumerate(accounts)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    lost = []
    for (code, cid), note in last.items():
        data_file = read_yaml(data / "communities" / code / "community.yaml").data
        entry = data_file.clauses.get(cid)
        if entry is None or entry.note != note:
            lost.append((code, cid, note, entry.note if entry else None))
    return {"users": len(accounts), "seconds": round(took, 1), "requests": requests[0], "errors": errors,
            "writes_checked": len(last), "lost_writes": lost,
            "cycle_p50_ms": statistics.median(latencies) if latencies else None,
            "cycle_p95_ms": _p(latencies, 0.95) if latencies else None}


def main() -> None:
    """Run the benchmark against a fresh server."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.serve.browser import free_port, start_server, stop_server

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        accounts = _prepare(data, max(1, args.users // 2), args.users)
        port = free_port()
        proc = start_server(data, port, Path(tmp) / "serve.log")
        base = f"http://127.0.0.1:{port}"
        try:
            figures = bench_form_and_save(base, *accounts[0])
            print(f"form page (128 clauses): p50 {figures['form_p50']:.1f} ms, p95 {figures['form_p95']:.1f} ms (target p95 < 100 ms)")
            print(f"save a clause + re-score: p50 {figures['save_p50']:.1f} ms, p95 {figures['save_p95']:.1f} ms (target p95 < 150 ms)")
            load = bench_load(base, accounts, args.seconds, data)
        finally:
            stop_server(proc)
            log = (Path(tmp) / "serve.log").read_text(encoding="utf-8", errors="replace")
    if log.strip():
        print("server log:\n" + log[-4000:])
    errors, lost = load["errors"], load["lost_writes"]
    assert isinstance(errors, list) and isinstance(lost, list)
    print(f"load: {load['users']} users for {load['seconds']} s, {load['requests']} requests, "
          f"{len(errors)} errors, {load['writes_checked']} last writes checked, {len(lost)} lost; "
          f"open+save cycle p50 {load['cycle_p50_ms']:.0f} ms, p95 {load['cycle_p95_ms']:.0f} ms")
    for line in errors[:10]:
        print("  error:", line)
    for item in lost[:10]:
        print("  lost:", item)
    if errors or lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
