"""The honest floor of ``audit score FILE``: what any program doing this job must pay.

Interpreter start-up, the imports the job needs (PyYAML's C loader, pydantic, and rich for the
terminal table), one pydantic model defined and validated, and the evidence file parsed. It does
no scoring and prints one line (terminal) or the parsed data as JSON (``--json``), so
``audit score`` cannot be faster than this; ``benchmarks/run.py cold`` reports the ratio.

    python benchmarks/floor.py FILE [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    """Parse FILE, validate its community through one pydantic model, print a line."""
    import yaml
    from pydantic import BaseModel, ConfigDict

    class Community(BaseModel):
        model_config = ConfigDict(extra="allow")
        name: str

    path, as_json = sys.argv[1], "--json" in sys.argv[2:]
    with Path(path).open("rb") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    community = Community.model_validate(data["community"])
    if as_json:
        sys.stdout.write(community.model_dump_json(indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=community.name)
    table.add_column("条款")
    table.add_row(str(len(data.get("clauses", {}))))
    Console(highlight=False).print(table)


if __name__ == "__main__":
    main()
