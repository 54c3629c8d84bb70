"""What an inspector must not miss in a district: its real name, communities that share a name,
and the communities whose grade rests on too little (依据不足, 缺少佐证).

Pure functions of the community rows; ``summary.summarize`` adds their answers to the summary.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import PurePosixPath

from ..result.district import CommunityRow


def district_title(rows: Sequence[CommunityRow], folder: str) -> tuple[str, list[str]]:
    """The 区（市） the evidence files name, when they all name the same one; else the folder name,
    with a warning saying why."""
    named = Counter(r.district.strip() for r in rows if r.district and r.district.strip())
    if len(named) == 1:
        (title, count), = named.items()
        missing = len(rows) - count
        warning = [f"{missing} 个证据文件未填写区（市），汇总按其余文件所填的“{title}”命名"] if missing else []
        return title, warning
    if not named:
        return folder, []
    counts = "、".join(f"{name} {n} 个" for name, n in named.most_common())
    return folder, [f"证据文件所填的区（市）不一致（{counts}），汇总以文件夹“{folder}”命名；请核对社区信息中的 district"]


def labels(rows: Sequence[CommunityRow]) -> tuple[dict[str, str], list[str]]:
    """A name per row (by evidence path) that tells apart communities sharing a name, and a
    warning for each shared name.

    ``青山社区（龙山街道）`` when the street tells them apart, else the file's folder
    (``青山社区（qingshan-2025）``), else its whole path.
    """
    by_name: defaultdict[str, list[CommunityRow]] = defaultdict(list)
    for row in rows:
        by_name[row.name.strip()].append(row)
    out = {row.path: row.name for row in rows}
    warnings = []
    for name, same in by_name.items():
        if len(same) < 2:
            continue
        streets = Counter(r.street or "" for r in same)
        places = Counter(_place(r.path) for r in same)
        for row in same:
            street = row.street or ""
            if street and streets[street] == 1:
                out[row.path] = f"{name}（{street}）"
            else:
                place = _place(row.path)
                out[row.path] = f"{name}（{place if places[place] == 1 else row.path}）"
        files = "、".join(r.path for r in sorted(same, key=lambda r: r.path))
        warnings.append(f"有 {len(same)} 个社区同名“{name}”（{files}）：如是同一社区的重复文件，请删去多余的一份；"
                        "汇总中以街道或文件名区分")
    return out, warnings


def _place(path: str) -> str:
    """``qingshan-2025`` for ``qingshan-2025/community.yaml``; the file's stem when it has no folder."""
    pure = PurePosixPath(path)
    return pure.parent.name or pure.stem


def insufficient(rows: Sequence[CommunityRow], label: dict[str, str]) -> list[str]:
    """Communities with a category whose N/A clauses exceed the cap (依据不足)."""
    return [label[r.path] for r in rows if r.insufficient or r.rating.capped_by == "na_cap"]


def unevidenced(rows: Sequence[CommunityRow], label: dict[str, str]) -> list[str]:
    """Communities with clauses declared met or partial without any evidence (缺少佐证)."""
    return [label[r.path] for r in rows if r.flags.unevidenced]
