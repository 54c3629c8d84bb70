"""The one base of every data model of the package (files read, results written).

Strict (``extra="forbid"``: a misspelt key is an error naming it), immutable, and built lazily
(``defer_build``): validators are built on first validation, not at import, so a command that
never validates a kind of model (scoring a cached pack, rendering a result) never pays for it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Base of every file and result model: strict, frozen, built on first use."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)
