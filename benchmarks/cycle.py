"""Benchmarks of the assessment cycle (``python benchmarks/cycle.py`` or ``python benchmarks/run.py cycle``).

  recording  ``audit batch`` of a synthetic district (338 communities, 2 jobs, no PDFs) with and
             without recording into the archive, side by side in one run (interleaved, fresh
             output folders each time, so that every community is graded). Target: ≤ +10 %.
  history    the district history query (every community's latest assessment and the one before)
             over an archive of 10 years × 338 communities, synthesised directly (full-size result
             JSON in every row, real gap rows). Target: < 0.2 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

BIN = Path(sys.executable).parent


def _run(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _run_cpu(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the command and its workers) of ``cmd``.

    On a shared, loaded machine wall time mostly measures the other load; CPU time is what the
    command itself costs, and on an idle 2-core machine the batch's wall time follows it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = _run(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_recording(count: int, runs: int) -> dict[str, float]:
    from generate import write_district

    with tempfile.TemporaryDirectory(prefix="jingzhi-cycle-") as tmp:
        source = Path(tmp) / "district"
        write_district(source, count)
        base = [str(BIN / "audit"), "batch", str(source), "--jobs", "2", "--no-pdf"]
        _run([*base, "-o", str(Path(tmp) / "warm"), "--no-archive"])  # pack cache, byte-code
        without, with_archive, cpu_without, cpu_with = [], [], [], []
        for i in range(runs):  # interleaved: the machine's noise hits both alike
            wall, cpu = _run_cpu([*base, "-o", str(Path(tmp) / f"plain-{i}"), "--no-archive"])
            without.append(wall)
            cpu_without.append(cpu)
            wall, cpu = _run_cpu([*base, "-o", str(Path(tmp) / f"arch-{i}")])  # <out>/archive.sqlite
            with_archive.append(wall)
            cpu_with.append(cpu)
        size = (Path(tmp) / "arch-0" / "archive.sqlite").stat().st_size
    a, b = statistics.median(without), statistics.median(with_archive)
    ca, cb = statistics.median(cpu_without), statistics.median(cpu_with)
    print(f"batch {count} communities, 2 jobs, no PDFs, n={runs} each, interleaved:")
    print(f"  --no-archive:        wall median {a:.2f} s (min {min(without):.2f}, max {max(without):.2f}); "
          f"CPU median {ca:.2f} s")
    print(f"  recording (default): wall median {b:.2f} s (min {min(with_archive):.2f}, max {max(with_archive):.2f}); "
          f"CPU median {cb:.2f} s")
    print(f"  overhead: wall {100 * (b - a) / a:+.1f} % (min to min {100 * (min(with_archive) - min(without)) / min(without):+.1f} %), "
          f"CPU {100 * (cb - ca) / ca:+.1f} % (target ≤ +10 %); archive {size / 1e6:.0f} MB")
    return {"without": a, "with": b, "overhead_pct": 100 * (b - a) / a, "cpu_overhead_pct": 100 * (cb - ca) / ca,
            "archive_mb": size / 1e6}


def synthesize(archive_path: Path, communities: int, years: int) -> None:
    """An archive of ``years`` assessments of each of ``communities`` communities."""
    from jingzhi_audit.api import assess
    from jingzhi_audit.cycle.archive import open_archive
    from jingzhi_audit.cycle.store import entry_from_result, record_in

    result = assess(ROOT / "examples" / "qingshan" / "community.yaml")
    text = result.model_dump_json()
    template = entry_from_result(result)
    archive = open_archive(archive_path)
    with archive.writing() as conn:  # one transaction: this builds the fixture, it is not measured
        for c in range(communities):
            for y in range(years):
                entry = replace(template, name=f"社区{c:03d}", code=f"3710{c:05d}",
                                assessed_on=f"{2017 + y}-11-01", evidence_sha256=f"{c:05d}{y:02d}".ljust(64, "0"),
                                total=round(60 + (c * 7 + y * 3) % 40 + 0.1 * y, 1))
                record_in(conn, replace(entry, total_text=f"{entry.total:.1f}"), text)
    archive.dispose()


def bench_history(communities: int, years: int, runs: int) -> dict[str, float]:
    from jingzhi_audit.cycle.archive import open_archive
    from jingzhi_audit.cycle.queries import district_history

    with tempfile.TemporaryDirectory(prefix="jingzhi-history-") as tmp:
        path = Path(tmp) / "archive.sqlite"
        start = time.perf_counter()
        synthesize(path, communities, years)
        built = time.perf_counter() - start
        size = path.stat().st_size
        times = []
        for _ in range(runs):
            archive = open_archive(path, create=False)  # a fresh engine each time, as a command has
            start = time.perf_counter()
            found = district_history(archive)
            times.append(time.perf_counter() - start)
            archive.dispose()
        assert len(found.communities) == communities and all(r.previous for r in found.communities)
        cli = [_run([str(BIN / "audit"), "history", "--archive", str(path), "-f", "json"]) for _ in range(5)]
    q = statistics.median(times)
    print(f"district history, {years} years × {communities} communities ({communities * years} assessments, "
          f"archive {size / 1e6:.0f} MB, built in {built:.0f} s):")
    print(f"  query + models: median {q * 1000:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, "
          f"n={runs}) (target < 200 ms)")
    print(f"  audit history --archive … -f json, fresh process: median {statistics.median(cli):.2f} s")
    return {"query_s": q, "cli_s": statistics.median(cli), "archive_mb": size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description="jingzhi-audit cycle benchmarks")
    parser.add_argument("names", nargs="*", choices=["recording", "history", []], help="default: both")
    parser.add_argument("--district", type=int, default=338)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    names = args.names or ["recording", "history"]
    if "recording" in names:
        bench_recording(args.district, args.runs)
    if "history" in names:
        bench_history(args.district, args.years, 21)


if __name__ == "__main__":
    main()
