"""The shipped tables (``estimate/data/*.csv``): read once, with their provenance header, and interpolated.

Each table is a CSV generated ONCE from a real tool (CACTI, Accelergy and its plug-ins); its leading ``#`` lines
say which tool, commit, parameters and date. Nothing here runs a tool: the tools are never needed at run time.
"""
from __future__ import annotations

import bisect
import csv
import math
from functools import lru_cache
from importlib.resources import files

from ..errors import CostModelError


@lru_cache(maxsize=None)
def load(name: str) -> tuple[tuple[str, ...], tuple[dict, ...]]:
    """(provenance lines, rows) of the packaged table `name` (e.g. ``cacti_sram.csv``); numbers as floats."""
    text = files("costmodel.estimate").joinpath("data", name).read_text()
    lines = text.splitlines()
    header = tuple(l[1:].strip() for l in lines if l.startswith("#"))
    rows = []
    for row in csv.DictReader(l for l in lines if l and not l.startswith("#")):
        rows.append({k: _num(v) for k, v in row.items()})
    if not rows:
        raise CostModelError(f"estimate table {name}: no rows")
    return header, tuple(rows)


def _num(v: str):
    try:
        return float(v)
    except ValueError:
        return v


def provenance(name: str) -> str:
    """The first provenance line of a table (tool and commit), for a result's source."""
    return load(name)[0][0] if load(name)[0] else name


def bracket(grid: list[float], x: float) -> tuple[float, float]:
    """The two grid points around `x` (the two end points when `x` is outside: extrapolation)."""
    if len(grid) == 1:
        return grid[0], grid[0]
    i = min(max(bisect.bisect_left(grid, x), 1), len(grid) - 1)
    return grid[i - 1], grid[i]


def lerp(x: float, x0: float, x1: float, y0: float, y1: float, log: bool = False) -> float:
    """y at x on the line (x0, y0)-(x1, y1); log: on log-log axes (a power law through both; y > 0)."""
    if x0 == x1:
        return y0
    if log and y0 > 0 and y1 > 0:
        t = (math.log(x) - math.log(x0)) / (math.log(x1) - math.log(x0))
        return math.exp(math.log(y0) + t * (math.log(y1) - math.log(y0)))
    t = (x - x0) / (x1 - x0)
    return y0 + t * (y1 - y0)


def node_nm(technology, default: float = 45.0) -> float:
    """A process node [nm] from ``"65nm"``, ``65`` or ``"65"``; ``""``/None -> `default`."""
    if technology in (None, ""):
        return default
    text = str(technology).strip().lower().removesuffix("nm").strip()
    try:
        nm = float(text)
    except ValueError:
        raise CostModelError(f"technology {technology!r}: expected a process node such as 45nm") from None
    if not 1 <= nm <= 500:
        raise CostModelError(f"technology {technology!r}: a process node between 1 and 500 nm")
    return nm
