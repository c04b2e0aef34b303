"""Shared pieces of the formats' document schemas (pydantic v2): strict scalars and one-line errors.

No silent coercion: an integer field takes an int only (``16.9``, ``true``, ``"16"`` are errors, not 16 / 1);
a number field takes an int or a float, never a boolean, and must be finite and within ``MAX_NUMBER``.
`check` validates a document (or a part of one) against a model and turns the first problem into ONE
`CostModelError`: ``FILE: line N: key a.b.c: what is wrong, got VALUE`` (line from the reader's {path: line}).
"""
from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ...errors import CostModelError

MAX_INTEGER = 2 ** 48         # counts and sizes (entries, instances, word bits, ...): far above any real chip
MAX_NUMBER = 1e18             # energies [pJ], bandwidths [words/cycle], sizes [KB], cycle times


def shown(v) -> str:
    """A short, safe rendering of a value for a message (long text and huge integers are summarised)."""
    if isinstance(v, bool) or v is None or isinstance(v, float):
        return repr(v)
    if isinstance(v, int):
        return repr(v) if abs(v) < 10 ** 18 else f"an integer of {len(str(abs(v)))} digits"
    if isinstance(v, str):
        return repr(v) if len(v) <= 40 and "\n" not in v else f"a {len(v)}-character string"
    return f"a {'mapping' if isinstance(v, dict) else 'list' if isinstance(v, (list, tuple)) else type(v).__name__}"


def _integer(v):
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"must be an integer, got {shown(v)}")
    if abs(v) > MAX_INTEGER:
        raise ValueError(f"must be at most {MAX_INTEGER:,}, got {shown(v)}")
    return int(v)


def _number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"must be a number, got {shown(v)}")
    if isinstance(v, int) and abs(v) > MAX_NUMBER:
        raise ValueError(f"must be at most {MAX_NUMBER:g}, got {shown(v)}")
    if not math.isfinite(v) or abs(v) > MAX_NUMBER:
        raise ValueError(f"must be a finite number up to {MAX_NUMBER:g}, got {shown(v)}")
    return float(v)


def _string(v):
    if not isinstance(v, str):
        raise ValueError(f"must be a string, got {shown(v)}")
    return v


Int = Annotated[int, BeforeValidator(_integer)]
PosInt = Annotated[int, BeforeValidator(_integer), Field(ge=1)]
NonNegInt = Annotated[int, BeforeValidator(_integer), Field(ge=0)]
Num = Annotated[float, BeforeValidator(_number), Field(ge=0)]
Str = Annotated[str, BeforeValidator(_string)]
Strs = Annotated[list[Str], Field()]
Text = Str | list[Str]                     # Timeloop accepts "N1 C1" or [N=1, C=1] for factors and permutations


class Model(BaseModel):
    """A strict document section: unknown keys are errors (`Open` for sections whose other keys are ignored)."""
    model_config = ConfigDict(extra="forbid", frozen=True)


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


WHAT = {"dict_type": "must be a mapping", "model_type": "must be a mapping", "model_attributes_type":
        "must be a mapping", "list_type": "must be a list", "string_type": "must be a string"}


def _key_path(data, loc: tuple, absent_ok: bool) -> tuple:
    """The document keys of a pydantic error location (the labels pydantic adds for union members dropped; the
    last key may be absent from the document when `absent_ok`: a missing key)."""
    out, cur = [], data
    for i, p in enumerate(loc):
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and isinstance(p, int) and 0 <= p < len(cur):
            cur = cur[p]
        elif i < len(loc) - 1 or not absent_ok:      # e.g. 'list[Constraint]', 'function-before[_string(), str]'
            continue
        out.append(p)
    return tuple(out)


def line_of(lines: dict, path: tuple) -> int | None:
    """The line of `path` in {path: line}, else of its nearest ancestor that has one."""
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in lines:
            return lines[tuple(path[:n])]
    return None


def located(where: str, lines: dict | None, path: tuple, message: str, label: str = "") -> CostModelError:
    """``WHERE: line N: LABEL: MESSAGE`` (the line of `path` when known; `label` names the level, if any)."""
    line = line_of(lines or {}, path)
    return CostModelError(f"{where}:{f' line {line}:' if line else ''}{f' {label}:' if label else ''} {message}")


def check(model: type[BaseModel], data: Any, where: str, lines: dict | None = None, path: tuple = (),
          label: str = ""):
    """`data` validated by `model`; the first problem as ONE CostModelError naming file, line and key."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        errors = e.errors(include_url=False)
        err = max(errors, key=lambda x: len(x["loc"]) if x["loc"][:1] == errors[0]["loc"][:1] else -1)   # most specific
        loc = path + _key_path(data, tuple(err["loc"]), err["type"] in ("missing", "extra_forbidden"))
        kind, got = err["type"], shown(err.get("input"))
        dotted = ".".join(str(p) for p in loc)
        if kind == "extra_forbidden":
            inside = ".".join(str(p) for p in loc[:-1])
            msg = f"unsupported key {shown(loc[-1])}" + (f" (in {inside})" if inside else "")
        elif kind == "missing":
            msg = f"missing key {dotted}"
        elif kind == "greater_than_equal":
            msg = f"key {dotted} must be >= {err['ctx']['ge']}, got {got}"
        elif kind in WHAT:
            msg = f"key {dotted} {WHAT[kind]}, got {got}"
        else:
            msg = f"key {dotted} {err['msg'].removeprefix('Value error, ')}"
        raise located(where, lines, loc, msg, label) from None
