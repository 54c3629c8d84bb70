"""Write a synthetic district: N realistic evidence files with varied statuses and facts.

    python benchmarks/generate.py OUTDIR [-n 338] [--seed 2026] [--standard jingzhi-2022]

Each community gets a "quality" drawn from a spread (strong to weak); statuses, evidence and facts
follow it, so the district has a realistic distribution of ratings, gaps, N/A, mismatches and
unassessed clauses. Attachments are small files in a shared ``files/`` folder per community.
Deterministic for a given seed. Used by the benchmarks and the batch tests.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from jingzhi_audit.evidence.facts import coerce, nest
from jingzhi_audit.pack import Pack, load_pack, resolve_pack
from jingzhi_audit.pack.model import FactDef

DISTRICTS = {
    "环翠区": ["鲸园街道", "环翠楼街道", "竹岛街道", "孙家疃街道", "田和街道"],
    "文登区": ["龙山街道", "天福街道", "环山街道"],
    "荣成市": ["宁津街道", "崖头街道", "城西街道"],
    "乳山市": ["城区街道", "夏村镇"],
}
NAMES = ["海韵", "望岛", "金海", "青山", "福泉", "松涛", "槐香", "柳林", "东城", "西苑", "南山", "北岭", "新港", "银滩", "翠竹", "明珠", "长峰", "春晖", "安泰", "锦华", "嘉禾", "和顺", "兴隆", "滨海", "朝阳", "碧波", "凤林", "古寨", "怡园", "龙泉", "泰和", "文化", "双岛", "花园", "华夏", "宝泉", "皇冠", "恒山", "观海", "蓝湾"]
EVIDENCE_FILES = ["台账汇编.pdf", "会议纪要.md", "活动照片.png", "名册.csv"]


def community_name(i: int) -> str:
    base = NAMES[i % len(NAMES)]
    return f"{base}社区" if i < len(NAMES) else f"{base}{i // len(NAMES) + 1}社区"


def fact_value(name: str, fact: FactDef, quality: float, households: int, rng: random.Random) -> object:
    if name == "households":
        return households
    if name == "residents":
        return int(households * rng.uniform(2.3, 2.8))
    if fact.type == "boolean":  # vetoes: rare incidents in weak communities
        return rng.random() < (0.06 if quality < 0.4 else 0.0)
    if fact.type == "ratio":
        if name.endswith(("coverage", "entry_rate", "visit_rate")):  # "全覆盖"-type indicators
            return 1.0 if rng.random() < 0.35 + 0.6 * quality else round(rng.uniform(0.8, 0.99), 2)
        low = 0.78 + 0.14 * quality
        return round(min(1.0, rng.uniform(low, low + 0.1)), 2)
    scale = households / 1000
    typical = {
        "community_workers": households / 320, "social_organizations": 12, "service_facility_area": 33 * households / 100,
        "registered_volunteers": households * 0.3, "work_funding": 5.5 * scale, "grids": households / 420,
        "full_time_grid_workers": households / 420, "worker_training_hours": 44,
    }.get(name, 14 if fact.unit == "次" else 4)
    value = typical * rng.uniform(0.7 + 0.5 * quality, 1.0 + 0.6 * quality)
    return max(0, round(value)) if fact.type == "integer" else round(value, 1)


def evidence_for(pack: Pack, i: int, rng: random.Random) -> tuple[dict, float]:
    quality = min(1.0, max(0.05, rng.betavariate(5, 1.6)))
    unassessed = rng.randrange(1, 6) if rng.random() < 0.15 else 0  # a few communities leave gaps
    district = rng.choice(list(DISTRICTS))
    households = rng.randrange(900, 3300, 10)
    given: dict[str, object] = {}
    typed: dict[str, object] = {}
    for name in pack.used_facts():
        fact = pack.facts[name]
        if fact.type != "boolean" and rng.random() < 0.02 * (1.2 - quality):
            continue  # an unfilled fact: its clauses cannot be verified
        value = fact_value(name, fact, quality, households, rng)
        typed[name] = coerce(value, fact)
        given[name] = value
    clauses: dict[str, dict] = {}
    skip = set(rng.sample(list(pack.index), unassessed))
    for cid, (_, _, clause) in pack.index.items():
        if cid in skip:
            continue  # unassessed
        if clause.na_allowed and rng.random() < 0.03:
            clauses[cid] = {"status": "不适用", "reason": "本社区无此类对象"}
            continue
        p = rng.random()
        status = "达标" if p < quality else "部分达标" if p < quality + (1 - quality) / 2 else "未达标"
        computed = computed_status(pack, cid, typed)
        if computed is not None and rng.random() < 0.95:
            status = computed  # most communities declare what their own data show
        entry: dict[str, object] = {"status": status}
        if status != "未达标" and rng.random() < 0.97:
            entry["evidence"] = [f"files/{rng.choice(EVIDENCE_FILES)}"] if rng.random() < 0.8 else \
                [{"paper": f"{clause.title or cid}台账"}]
        if status == "部分达标" and clause.criteria:  # partial with criteria names the ones met (k/n)
            entry["criteria_met"] = [c.id for c in clause.criteria[:1 + (rng.random() < 0.5)]]
        if rng.random() < 0.1:
            entry["note"] = "已列入年度整改计划"
        clauses[cid] = entry
    data = {
        "standard": pack.id,
        "community": {"name": community_name(i), "district": district,
                      "street": rng.choice(DISTRICTS[district]), "code": f"3710{i:05d}"},
        "assessed_on": f"2026-{rng.randrange(9, 12):02d}-{rng.randrange(1, 28):02d}",
        "period": {"from": "2025-11-01", "to": "2026-10-31"},
        "assessor": f"{community_name(i)}自评小组",
        "facts": nest(given),
        "clauses": clauses,
    }
    return data, quality


def computed_status(pack: Pack, cid: str, facts: dict[str, object]) -> str | None:
    """What the clause's automatic check says of these facts, as a declared status."""
    expr = pack.expressions.get(cid)
    if expr is None or expr.missing(facts):
        return None
    try:
        value = expr.evaluate(facts, pack.thresholds)  # type: ignore[arg-type]
    except Exception:
        return None
    scale = pack.scales.get(cid)
    credit = scale.credit_for(value) if scale is not None else (1 if value is True else 0)
    return "达标" if credit == 1 else "未达标" if credit == 0 else "部分达标"


def write_district(out: Path, count: int, *, seed: int = 2026, standard: str = "jingzhi-2022") -> list[Path]:
    """Write ``count`` community folders under ``out``; returns the evidence file paths."""
    pack = load_pack(resolve_pack(standard))
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        data, _ = evidence_for(pack, i, rng)
        folder = out / f"{i + 1:03d}-{data['community']['name']}"
        files = folder / "files"
        files.mkdir(parents=True, exist_ok=True)
        for name in EVIDENCE_FILES:
            (files / name).write_text(f"{data['community']['name']} {name}\n", encoding="utf-8")
        path = folder / "community.yaml"
        path.write_text(_yaml(data), encoding="utf-8")
        paths.append(path)
    return paths


def _yaml(data: object, indent: int = 0) -> str:
    """A small block-YAML writer (keeps the generator free of PyYAML's slow pure-Python dumper)."""
    pad = "  " * indent
    if isinstance(data, dict):
        lines = []
        for key, value in data.items():
            k = json.dumps(key, ensure_ascii=False) if not str(key).isidentifier() else key
            if isinstance(value, dict) and value:
                lines.append(f"{pad}{k}:\n{_yaml(value, indent + 1)}")
            else:
                lines.append(f"{pad}{k}: {_scalar(value)}")
        return "\n".join(lines) + ("\n" if indent == 0 else "")
    raise TypeError(type(data))


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Fraction):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", "--count", type=int, default=338)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--standard", default="jingzhi-2022")
    args = parser.parse_args()
    paths = write_district(args.out, args.count, seed=args.seed, standard=args.standard)
    print(f"wrote {len(paths)} evidence files under {args.out}")


if __name__ == "__main__":
    main()
