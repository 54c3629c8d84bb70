"""The pack cache's file format: validated pack models as tagged JSON, read back without running code.

Why not pickle: unpickling runs whatever a file names (``__reduce__``). Why not pydantic's
``model_validate_json``: building the validators of every pack model costs ~55 ms per process,
more than the cache saves. This codec writes each model as its class name and the fields that were
set, and reads it back with ``model_construct`` — only for the classes of ``pack.model`` (a fixed
list), only from JSON's plain values; anything else in a file is ``ValueError``. The entry is used
only after the pack's files are verified by content (``pack.cache``), so what it holds is what
validation produced.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from . import model as _models

MODELS: dict[str, type[BaseModel]] = {
    name: cls for name, cls in vars(_models).items()
    if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == _models.__name__
}
"""The only classes a cache file may name."""


def encode(value: Any) -> Any:
    """``value`` (models, decimals, dates, fractions, containers of them) as plain JSON data."""
    if isinstance(value, BaseModel):
        name = type(value).__name__
        if MODELS.get(name) is not type(value):
            raise TypeError(f"not a pack model: {name}")
        return {"$m": name, "f": {key: encode(getattr(value, key)) for key in sorted(value.model_fields_set)}}
    if isinstance(value, bool) or value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, Fraction):
        return {"$q": [value.numerator, value.denominator]}
    if isinstance(value, dt.datetime):
        raise TypeError("datetime in a pack")
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"$o": [[encode(k), encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot cache a {type(value).__name__}")


_PLAIN = (str, int, float, bool, type(None))


def decode(data: Any) -> Any:
    """The inverse of ``encode``; ``ValueError`` on anything it did not write."""
    kind = type(data)
    if kind in _PLAIN:
        return data
    if kind is list:
        return [v if type(v) in _PLAIN else decode(v) for v in data]
    if kind is not dict:
        raise ValueError("not a cache value")
    if "$m" in data and len(data) == 2 and type(data.get("f")) is dict:
        cls = MODELS.get(data["$m"])
        if cls is None:
            raise ValueError(f"unknown class in cache file: {data['$m']!r}")
        fields = {key: v if type(v) in _PLAIN else decode(v) for key, v in data["f"].items()}
        if not fields.keys() <= cls.model_fields.keys():
            raise ValueError(f"unknown field in cache file for {cls.__name__}")
        return cls.model_construct(**fields)
    if len(data) == 1:
        ((tag, body),) = data.items()
        if tag == "$d" and isinstance(body, str):
            return Decimal(body)
        if tag == "$q" and isinstance(body, list) and len(body) == 2 and all(type(n) is int for n in body):
            return Fraction(body[0], body[1])
        if tag == "$date" and isinstance(body, str):
            return dt.date.fromisoformat(body)
        if tag == "$t" and isinstance(body, list):
            return tuple(decode(v) for v in body)
        if tag == "$o" and isinstance(body, list) and all(isinstance(p, list) and len(p) == 2 for p in body):
            return {decode(k): decode(v) for k, v in body}
    raise ValueError("not a cache value")


def dumps(value: Any) -> bytes:
    """``encode`` as compact UTF-8 JSON."""
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(raw: bytes) -> Any:
    """``decode`` of JSON bytes."""
    return decode(json.loads(raw))
