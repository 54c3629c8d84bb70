"""Benchmarks, run on demand (``make bench`` or ``python benchmarks/run.py [NAME...]``).

Each benchmark prints its figures; the README's "性能" section records them. Timings are medians
of repeated runs (the machine's noise is reported as min–max). Names:

  cold      ``audit score FILE`` (full 128-clause file, terminal output) in a fresh process,
            against ``python -c "import typer, rich, pydantic, yaml"``. Target: ≤ 2×.
  scoring   the scoring engine alone, evidence already loaded: files per second on one core.
            Target: ≥ 500/s. Also reports load + score per file.
  pdf       a full gap report of each example in a warm process (target ≤ 1.2 s, ≤ 600 KB) and
            ``audit score FILE --format pdf`` in a fresh process (target ≤ 3 s).
  batch     ``audit batch`` on a synthetic district of 338 communities without PDFs on 2 cores
            (target ≤ 10 s), its re-run, and a district with PDFs (target ≤ 1 s per community,
            memory flat: the process tree's memory is sampled every 0.5 s).
  cycle     the archive (benchmarks/cycle.py): batch of 338 with and without recording (target
            ≤ +10 %), and the district history query over 10 years × 338 (target < 0.2 s).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

BIN = Path(sys.executable).parent


def _timed_runs(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def _fmt(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"


def district(count: int) -> list[Path]:
    from generate import write_district

    folder = Path(tempfile.mkdtemp(prefix="jingzhi-bench-"))
    return write_district(folder, count)


def bench_cold(runs: int) -> dict[str, float]:
    # Installed packages carry byte-code; make ours comparable even where PYTHONDONTWRITEBYTECODE is set.
    compileall.compile_dir(str(ROOT / "src" / "jingzhi_audit"), quiet=1)
    evidence = district(1)[0]
    env = dict(os.environ)
    audit = [str(BIN / "audit"), "score", str(evidence)]
    subprocess.run(audit, stdout=subprocess.DEVNULL, check=True, env=env)  # warm the pack cache
    baseline_cmd = [sys.executable, "-c", "import typer, rich, pydantic, yaml"]
    # pydantic is imported lazily: the line above never loads its validation machinery, which any
    # program that defines or validates one model pays for. This is that floor, for reference.
    floor_cmd = [sys.executable, "-c", "import typer, rich, pydantic, yaml\n"
                 "from pydantic import BaseModel\nclass M(BaseModel):\n    a: int\nM(a=1)"]
    baseline, floor, ours = [], [], []
    for _ in range(runs):  # interleaved, so that machine noise hits all alike
        baseline += _timed_runs(baseline_cmd, 1, env)
        floor += _timed_runs(floor_cmd, 1, env)
        ours += _timed_runs(audit, 1, env)
    b, f, o = statistics.median(baseline), statistics.median(floor), statistics.median(ours)
    print(f"baseline  import typer, rich, pydantic, yaml:  {_fmt(baseline)}")
    print(f"reference same + one pydantic model validated: {_fmt(floor)}")
    print(f"audit score (128 clauses, terminal):           {_fmt(ours)}")
    print(f"ratio {o / b:.2f}× the baseline (target ≤ 2×); {o / f:.2f}× the one-model reference")
    return {"baseline": b, "reference": f, "audit_score": o, "ratio": o / b}


def bench_scoring(count: int) -> dict[str, float]:
    from jingzhi_audit.evidence.loader import PackMemo, load_evidence
    from jingzhi_audit.scoring import score
    paths = district(count)
    memo = PackMemo()
    start = time.perf_counter()
    loaded = [load_evidence(p, pack_loader=memo) for p in paths]
    load_time = time.perf_counter() - start

    def run() -> None:
        for pack, evidence in loaded:
            score(pack, evidence, generated_at="2026-11-22T10:00:00+08:00")

    best = _best_of(run, 5)
    per_second = count / best
    print(f"scoring alone: {count} files in {best:.3f} s → {per_second:.0f} files/s on one core (target ≥ 500)")
    print(f"loading (YAML + validation + attachment hashing): {load_time / count * 1000:.2f} ms per file")
    return {"scoring_per_second": per_second, "load_ms": load_time / count * 1000}


def _best_of(func: Callable[[], None], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def bench_pdf(runs: int) -> dict[str, float]:
    from jingzhi_audit.api import assess
    from jingzhi_audit.render.pdf import render_pdf

    compileall.compile_dir(str(ROOT / "src" / "jingzhi_audit"), quiet=1)
    out: dict[str, float] = {}
    examples = ["haiyun", "qingshan", "laocheng"]
    render_pdf(assess(ROOT / "examples" / "haiyun" / "community.yaml"))  # warm: imports, fonts
    for name in examples:
        result = assess(ROOT / "examples" / name / "community.yaml")
        times, size = [], 0
        for _ in range(3):
            start = time.perf_counter()
            size = len(render_pdf(result))
            times.append(time.perf_counter() - start)
        print(f"warm report {name}: {_fmt(times)}, {size / 1024:.0f} KB (targets ≤ 1.2 s, ≤ 600 KB)")
        out[f"warm_{name}"] = statistics.median(times)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "r.pdf"
        cmd = [str(BIN / "audit"), "score", str(ROOT / "examples" / "laocheng" / "community.yaml"), "-o", str(target)]
        fresh = _timed_runs(cmd, max(3, runs // 4))
    print(f"fresh process audit score --format pdf (laocheng): {_fmt(fresh)} (target ≤ 3 s)")
    out["fresh"] = statistics.median(fresh)
    return out


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with Path(f"/proc/{current}/status").open(encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with Path(f"/proc/{current}/task/{current}/children").open(encoding="ascii") as handle:
                stack.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return total / 1024


def _run_sampled(cmd: list[str]) -> tuple[float, list[float]]:
    """Wall time of ``cmd`` and its process tree's memory sampled every 0.5 s."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    while proc.poll() is None:
        samples.append(_tree_rss_mb(proc.pid))
        time.sleep(0.5)
    return time.perf_counter() - start, samples


def bench_batch(count: int, pdf_count: int) -> dict[str, float]:
    compileall.compile_dir(str(ROOT / "src" / "jingzhi_audit"), quiet=1)
    out: dict[str, float] = {}
    paths = district(count)
    source = paths[0].parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(BIN / "audit"), "batch", str(source), "-o", str(Path(tmp) / "out"), "--jobs", "2", "--no-pdf"]
        wall, samples = _run_sampled(cmd)
        print(f"batch {count} communities, no PDFs, 2 jobs, fresh process: {wall:.2f} s (target ≤ 10 s), "
              f"peak memory {max(samples or [0]):.0f} MB")
        again, _ = _run_sampled(cmd)
        print(f"re-run with nothing changed: {again:.2f} s")
        out.update(batch_s=wall, rerun_s=again)
    if pdf_count:
        paths = district(pdf_count)
        source = paths[0].parent.parent
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(BIN / "audit"), "batch", str(source), "-o", str(Path(tmp) / "out"), "--jobs", "2", "--pdf"]
            wall, samples = _run_sampled(cmd)
            third = max(1, len(samples) // 3)
            print(f"batch {pdf_count} communities with PDFs, 2 jobs: {wall:.1f} s = {wall / pdf_count:.2f} s per "
                  f"community (target ≤ 1 s); memory first third {max(samples[:third]):.0f} MB, "
                  f"last third {max(samples[-third:]):.0f} MB")
            out.update(pdf_per_community=wall / pdf_count)
    return out


def bench_cycle(count: int) -> dict[str, float]:
    from cycle import bench_history, bench_recording  # benchmarks/cycle.py

    return {**bench_recording(count, 5), **bench_history(count, 10, 21)}


BENCHMARKS: dict[str, Callable[[argparse.Namespace], object]] = {
    "cold": lambda a: bench_cold(a.runs),
    "scoring": lambda a: bench_scoring(a.files),
    "pdf": lambda a: bench_pdf(a.runs),
    "batch": lambda a: bench_batch(a.district, a.pdf_district),
    "cycle": lambda a: bench_cycle(a.district),
}


def main() -> None:
    parser = argparse.ArgumentParser(description="jingzhi-audit benchmarks")
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default: all)")
    parser.add_argument("--runs", type=int, default=21, help="fresh processes per command (cold)")
    parser.add_argument("--files", type=int, default=500, help="evidence files (scoring)")
    parser.add_argument("--district", type=int, default=338, help="communities (batch, no PDFs)")
    parser.add_argument("--pdf-district", type=int, default=40, help="communities (batch with PDFs; 0 to skip)")
    args = parser.parse_args()
    for name in args.names or list(BENCHMARKS):
        print(f"== {name}")
        BENCHMARKS[name](args)


if __name__ == "__main__":
    main()
