"""``load_pack``: a fully validated ``Pack`` (expressions compiled, thresholds exact), from the
per-user cache when its files are unchanged, or ``PackError`` carrying every problem of every file.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PackError
from ..files import is_file
from . import cache
from .compiled import PACK_FILE, Pack, pack_folder
from .reader import read_pack
from .rules import validate_raw


def load_pack(path: Path, *, cached: bool = False) -> Pack:
    """Read, validate and compile a pack; raise ``PackError`` listing every problem.

    With ``cached``, a pack validated before (same files, same tool version) is taken from the
    per-user cache (``pack.cache``); ``audit validate`` always checks afresh.
    """
    if cached:
        folder = pack_folder(path)
        if is_file(folder / PACK_FILE):
            found = cache.read(folder)
            if found is not None:
                return found
            pack = load_pack(folder)
            cache.write(pack)
            return pack

    raw = read_pack(path)
    validated, problems = validate_raw(raw)
    errors = [p for p in problems if p.severity == "error"]
    if errors or validated is None:
        raise PackError(problems)
    validated.warnings = [p for p in problems if p.severity == "warning"]
    return validated


