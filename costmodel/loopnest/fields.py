"""Validation of spec fields (costmodel.loopnest.spec): one error naming the key and what it must be."""
from __future__ import annotations

from ..errors import CostModelError
from ..validate import number

DIMS = "NCKRSPQG"
DATASPACES = ("Weights", "Inputs", "Outputs")


def _req(d: dict, key: str, where: str):
    if key not in d:
        raise CostModelError(f"{where}: missing key {key!r}")
    return d[key]


def _num(d: dict, key: str, where: str, kind=int, default=..., minimum=None, allow_none=False):
    if key not in d:
        if default is ...:
            raise CostModelError(f"{where}: missing key {key!r}")
        return default
    v = d[key]
    if v is None and allow_none:
        return None
    try:
        if isinstance(v, bool) or (kind is int and not float(v).is_integer()):
            raise ValueError
        out = kind(v)
    except (TypeError, ValueError):
        raise CostModelError(f"{where}: key {key!r} must be a{'n integer' if kind is int else ' number'}, got {v!r}") from None
    number(out, f"{where}: key {key!r}", minimum)    # finite, in range (NaN fails every `<` test)
    return out


def _check_keys(d: dict, allowed: set, where: str):
    if not isinstance(d, dict):
        raise CostModelError(f"{where}: expected a mapping, got {type(d).__name__}")
    bad = sorted(set(d) - allowed)
    if bad:
        raise CostModelError(f"{where}: unknown key {bad[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _perm(v, where: str, key: str) -> str:
    s = str(v).replace(" ", "")
    bad = [c for c in s if c not in DIMS]
    if bad or len(set(s)) != len(s):
        raise CostModelError(f"{where}: key {key!r}: {v!r} must list distinct dims out of {DIMS}")
    return s


def _factors(v, where: str) -> dict:
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise CostModelError(f"{where}: key 'factors' must map dims to bounds, e.g. {{R: 1, S: 0}}")
    out = {}
    for k, b in v.items():
        if str(k) not in DIMS or len(str(k)) != 1:
            raise CostModelError(f"{where}: key 'factors': unknown dim {k!r} (dims: {DIMS})")
        if isinstance(b, bool) or not isinstance(b, int) or b < 0:
            raise CostModelError(f"{where}: key 'factors': {k} must be an integer >= 0 (0 = remaining bound), got {b!r}")
        out[str(k)] = b
    return out


ACTIONS = ("read", "fill", "update", "leak")     # a storage level's per-action energies (semantics timeloop-v3)


def _actions(d, where) -> dict:
    """{action: pJ} (all of ACTIONS when given at all)."""
    if not d:
        return {}
    _check_keys(d, set(ACTIONS), where)
    return {a: _num(d, a, where, kind=float, minimum=0) for a in ACTIONS}


def _choice(d: dict, key: str, allowed: tuple, where: str) -> str:
    """d[key] (default: the first allowed), which must be one of `allowed`."""
    v = str(d.get(key, allowed[0]))
    if v not in allowed:
        raise CostModelError(f"{where}: key {key!r} must be one of {allowed}, got {v!r}")
    return v
