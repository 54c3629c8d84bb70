"""Benchmarks, run on demand (``make bench`` or ``python benchmarks/run.py [NAME...]``).

Each benchmark prints its figures; the README's "性能" section records them. Timings are medians
of repeated runs (the machine's noise is reported as min–max). Names:

  cold      ``audit score FILE`` (the 128-clause haiyun example), terminal and ``-f json``, in fresh
            processes, interleaved round by round with the honest floor of its stack
            (``benchmarks/floor.py``: interpreter, the imports the job needs, one pydantic
            validation, the parse) and the bare ``import typer, rich, pydantic, yaml``.
            Target: ≤ 1.1× the floor.
  scoring   the scoring engine alone, evidence already loaded: files per second on one core.
            Target: ≥ 500/s. Also reports load + score per file.
  pdf       a full gap report of each example in a warm process, as a batch worker renders it
            (target for the 18-page laocheng: ≤ 0.8 s) and ``audit score FILE -o r.pdf`` in a
            fresh process (target ≤ 2.0 s); wall and CPU time.
  batch     ``audit batch`` on synthetic districts (``--sizes 338 1000 3380``) without PDFs on 2
            cores, first run and re-run, peak memory of the process tree and of the parent; and a
            sample district with PDFs (target ≤ 0.5 s per community, memory flat).
  parent    what the parent of a batch keeps per graded community (tracemalloc; target < 20 KB).
  district_pdf  the district summary PDF alone, per community (target ≤ 5 ms).
  cycle     the archive (benchmarks/cycle.py): batch of 338 with and without recording (target
            ≤ +10 %), and the district history query over 10 years × 338 (target < 0.2 s).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jingzhi_audit.result.district import DistrictSummary

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


def _cpu_run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``cmd``; CPU time is what the run itself
    cost, far less disturbed than wall time by other jobs sharing the cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _fmt(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"


def district(count: int) -> list[Path]:
    from generate import write_district

    folder = Path(tempfile.mkdtemp(prefix="jingzhi-bench-"))
    return write_district(folder, count)


def _spread(times: list[float]) -> str:
    q = statistics.quantiles(times, n=4)
    return (f"median {statistics.median(times) * 1000:6.1f} ms  (IQR {q[0] * 1000:.1f}–{q[2] * 1000:.1f}, "
            f"min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={len(times)})")


def bench_cold(runs: int) -> dict[str, float]:
    """``audit score`` in fresh processes against the floor of its stack, interleaved, one run each per round."""
    # Installed packages carry byte-code; make ours comparable even where PYTHONDONTWRITEBYTECODE is set.
    compileall.compile_dir(str(ROOT / "src" / "jingzhi_audit"), quiet=1)
    evidence = str(ROOT / "examples" / "haiyun" / "community.yaml")
    env = dict(os.environ)
    audit, floor = str(BIN / "audit"), [sys.executable, str(ROOT / "benchmarks" / "floor.py"), evidence]
    commands = {
        "bare import typer, rich, pydantic, yaml": [sys.executable, "-c", "import typer, rich, pydantic, yaml"],
        "floor, terminal (benchmarks/floor.py)": floor,
        "floor, JSON (benchmarks/floor.py --json)": [*floor, "--json"],
        "audit score FILE (terminal)": [audit, "score", evidence],
        "audit score FILE -f json": [audit, "score", evidence, "-f", "json"],
    }
    for cmd in commands.values():  # warm the pack cache and the page cache
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so that machine noise (other jobs on the 2 cores) hits all alike
        for name, cmd in commands.items():
            wall, used = _cpu_run(cmd, env)
            times[name].append(wall)
            cpu[name].append(used)
    out: dict[str, float] = {}
    for label, table in (("wall", times), ("cpu", cpu)):
        print(f"-- {label} time (CPU = user + system of the process)" if label == "cpu" else "-- wall time")
        for name, values in table.items():
            print(f"{name:42} {_spread(values)}")
        bare, f_term, f_json, term, js = (statistics.median(v) for v in table.values())
        print(f"audit score terminal: {term / f_term:.2f}× the floor (target ≤ 1.1×), {term / bare:.2f}× the bare import")
        print(f"audit score -f json:  {js / f_json:.2f}× the floor (target ≤ 1.1×), {js / bare:.2f}× the bare import")
        out.update({f"{label}_ratio_terminal": term / f_term, f"{label}_ratio_json": js / f_json})
    # the ratio per round (each round's commands ran back to back), for the spread of the ratio itself
    for label, (ours, floor_name) in {"terminal": ("audit score FILE (terminal)", "floor, terminal (benchmarks/floor.py)"),
                                      "json": ("audit score FILE -f json", "floor, JSON (benchmarks/floor.py --json)")}.items():
        per_round = [t / f for t, f in zip(times[ours], times[floor_name], strict=True)]
        q = statistics.quantiles(per_round, n=4)
        print(f"{label} wall ratio per round: median {statistics.median(per_round):.2f}× (IQR {q[0]:.2f}–{q[2]:.2f})")
    return out


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
    """Gap reports: warm (as a batch worker, after ``keep_warm``), wall and CPU; and a fresh process."""
    from jingzhi_audit.api import assess
    from jingzhi_audit.render.pdf import keep_warm, render_pdf

    compileall.compile_dir(str(ROOT / "src" / "jingzhi_audit"), quiet=1)
    out: dict[str, float] = {}
    examples = ["haiyun", "qingshan", "laocheng"]
    render_pdf(assess(ROOT / "examples" / "haiyun" / "community.yaml"))  # warm: imports, fonts
    keep_warm()
    for name in examples:
        result = assess(ROOT / "examples" / name / "community.yaml")
        times, cpu, size = [], [], 0
        for _ in range(3):
            start, used = time.perf_counter(), time.process_time()
            size = len(render_pdf(result))
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - used)
        print(f"warm report {name}: {_fmt(times)}; CPU median {statistics.median(cpu):.3f} s; {size / 1024:.0f} KB "
              "(target for laocheng ≤ 0.8 s)")
        out[f"warm_{name}"] = statistics.median(times)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "r.pdf"
        cmd = [str(BIN / "audit"), "score", str(ROOT / "examples" / "laocheng" / "community.yaml"), "-o", str(target)]
        fresh = [_cpu_run(cmd) for _ in range(max(3, runs // 4))]
    walls, cpus = [w for w, _ in fresh], [c for _, c in fresh]
    print(f"fresh process audit score -o r.pdf (laocheng): {_fmt(walls)}; CPU median {statistics.median(cpus):.3f} s "
          "(target ≤ 2.0 s)")
    out["fresh"] = statistics.median(walls)
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


def _rss_mb(pid: int) -> float:
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as handle:
            return next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0) / 1024
    except OSError:
        return 0.0


def _run_sampled(cmd: list[str]) -> tuple[float, list[float], list[float]]:
    """Wall time of ``cmd``, its process tree's memory and its own (the parent's), sampled every 0.25 s."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree, parent = [], []
    while proc.poll() is None:
        tree.append(_tree_rss_mb(proc.pid))
        parent.append(_rss_mb(proc.pid))
        time.sleep(0.25)
    return time.perf_counter() - start, tree or [0.0], parent or [0.0]


def bench_batch(counts: list[int], pdf_count: int) -> dict[str, float]:
    """``audit batch`` on synthetic districts, first run and incremental re-run, 2 jobs; with PDFs
    on a sample of ``pdf_count`` communities (per community, extrapolated in the README)."""
    compileall.compile_dir(str(ROOT / "src" / "jingzhi_audit"), quiet=1)
    out: dict[str, float] = {}
    for count in counts:
        paths = district(count)
        source = paths[0].parent.parent
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(BIN / "audit"), "batch", str(source), "-o", str(Path(tmp) / "out"), "--jobs", "2", "--no-pdf"]
            wall, tree, parent = _run_sampled(cmd)
            again, tree2, _ = _run_sampled(cmd)
        print(f"batch {count} communities, no PDFs, 2 jobs: first run {wall:.1f} s ({wall / count * 1000:.1f} ms per "
              f"community), peak memory {max(tree):.0f} MB (parent {max(parent):.0f} MB); "
              f"re-run, nothing changed: {again:.1f} s, peak {max(tree2):.0f} MB", flush=True)
        out.update({f"batch_{count}_s": wall, f"rerun_{count}_s": again, f"peak_{count}_mb": max(tree),
                    f"parent_{count}_mb": max(parent)})
    if pdf_count:
        paths = district(pdf_count)
        source = paths[0].parent.parent
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(BIN / "audit"), "batch", str(source), "-o", str(Path(tmp) / "out"), "--jobs", "2", "--pdf"]
            wall, tree, parent = _run_sampled(cmd)
            again, _, _ = _run_sampled(cmd)
        third = max(1, len(tree) // 3)
        print(f"batch {pdf_count} communities with PDFs, 2 jobs: {wall:.1f} s = {wall / pdf_count:.2f} s per "
              f"community (target ≤ 0.5 s); memory first third {max(tree[:third]):.0f} MB, last third "
              f"{max(tree[-third:]):.0f} MB; parent {max(parent):.0f} MB; re-run {again:.1f} s", flush=True)
        out.update(pdf_per_community=wall / pdf_count, pdf_rerun_s=again)
    return out


def bench_cycle(count: int) -> dict[str, float]:
    from cycle import bench_history, bench_recording  # benchmarks/cycle.py

    return {**bench_recording(count, 5), **bench_history(count, 10, 21)}


def bench_parent(count: int) -> dict[str, float]:
    """What the parent of a batch keeps per community: the rows and outcomes of ``count`` graded
    communities, measured with tracemalloc (target < 20 KB)."""
    import tracemalloc

    from jingzhi_audit.batch.runner import BatchOptions, run, tasks_for

    paths = district(count)
    source = paths[0].parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        options = BatchOptions(source=source, out=Path(tmp), jobs=2, generated_at="2026-11-22T10:00:00+08:00")
        tasks = tasks_for(paths, source, Path(tmp))
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        result = run(options, tasks)
        kept = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    print(f"parent keeps {kept / count / 1024:.1f} KB per community ({len(result.outcomes)} outcomes; target < 20 KB)")
    return {"parent_kb": kept / count / 1024}


def synthetic_summary(count: int) -> DistrictSummary:
    """A district summary of ``count`` communities, made from the three examples' rows."""
    from jingzhi_audit.api import assess
    from jingzhi_audit.batch.summary import summarize
    from jingzhi_audit.pack import load_pack, resolve_pack
    from jingzhi_audit.result.district import row_from_result
    from jingzhi_audit.scoring.plan import pack_info

    results = [assess(ROOT / "examples" / n / "community.yaml") for n in ("haiyun", "qingshan", "laocheng")]
    rows = []
    for i in range(count):
        row = row_from_result(results[i % 3], f"c{i}.yaml", {"json": f"c{i}.json"})
        rows.append(row.model_copy(update={"name": f"社区{i:04d}", "total": round(row.total - (i % 17) * 0.5, 2)}))
    pack = load_pack(resolve_pack("jingzhi-2022"))
    return summarize(rows, [], source="示范区", pack=pack.id, pack_title=pack.meta.title, bands=pack_info(pack).ratings,
                     generated_at="2026-11-22T10:00:00+08:00",
                     titles={cid: c.title for cid, (_, _, c) in pack.index.items()})


def bench_district_pdf(count: int) -> dict[str, float]:
    """The district summary PDF alone, warm: milliseconds per community (target ≤ 5)."""
    from jingzhi_audit.render.district_pdf import render_district_html, render_district_pdf

    summary = synthetic_summary(count)
    render_district_pdf(synthetic_summary(3))  # warm: imports, fonts
    times = []
    for _ in range(3):
        start = time.process_time()
        data = render_district_pdf(summary)
        times.append(time.process_time() - start)
    html = render_district_html(summary)
    best = min(times)
    print(f"district summary PDF, {count} communities: CPU {best:.2f} s = {best / count * 1000:.1f} ms per community "
          f"(target ≤ 5), {len(data) / 1024:.0f} KB, {html.count('style=')} inline styles")
    return {"district_pdf_ms": best / count * 1000}


BENCHMARKS: dict[str, Callable[[argparse.Namespace], object]] = {
    "cold": lambda a: bench_cold(a.runs),
    "scoring": lambda a: bench_scoring(a.files),
    "pdf": lambda a: bench_pdf(a.runs),
    "batch": lambda a: bench_batch(a.sizes or [a.district], a.pdf_district),
    "cycle": lambda a: bench_cycle(a.district),
    "parent": lambda a: bench_parent(a.district),
    "district_pdf": lambda a: bench_district_pdf(a.district),
}


def main() -> None:
    parser = argparse.ArgumentParser(description="jingzhi-audit benchmarks")
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default: all)")
    parser.add_argument("--runs", type=int, default=25, help="fresh processes per command (cold)")
    parser.add_argument("--files", type=int, default=500, help="evidence files (scoring)")
    parser.add_argument("--district", type=int, default=338, help="communities (batch, no PDFs)")
    parser.add_argument("--sizes", type=int, nargs="*", help="batch: several district sizes (e.g. 338 1000 3380)")
    parser.add_argument("--pdf-district", type=int, default=40, help="communities (batch with PDFs; 0 to skip)")
    args = parser.parse_args()
    for name in args.names or list(BENCHMARKS):
        print(f"== {name}")
        BENCHMARKS[name](args)


if __name__ == "__main__":
    main()
