"""The mapper's results and Timeloop v1.0's selection rules.

MapResult (the best mapping and its costs); `select` / `select_threads`: Timeloop's incumbent rule over
candidates in mapping-ID order (a candidate replaces the incumbent only if better by more than the
tolerance; with several threads, thread by thread); `better` / `best_of`: the multi-metric rule;
`to_mapping` / `tiles`: a candidate's factors as a Mapping (map.txt order) with its tile sizes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .mapping import Loop, Mapping, MappingLevel
from .problem import Problem
from .spec import AcceleratorSpec


@dataclass(frozen=True)
class MapResult:
    mapping: Mapping | None
    compute_cycles: int = 0
    cycles: int = 0
    energy_pj: float = 0.0
    candidates: int = 0        # index factorizations in the mapspace
    evaluated: int = 0         # mappings fully evaluated (the rest were bounded out)
    message: str = ""
    covered: tuple = ()        # ((dim, bound mapped), ...) when the constraints cover only part of a dim
    strategy: str = "exact"    # "exact" | "chunked" | "sampled" (loopnest.strategy: how the mapspace was searched)


def select(cost: np.ndarray, tolerance: float) -> int:
    """Timeloop's incumbent rule over candidates in order: replace only if better by > tolerance (relative)."""
    if cost.size == 0:
        return -1
    records = np.flatnonzero(cost < np.minimum.accumulate(np.concatenate(([np.inf], cost[:-1]))))
    best = int(records[0])
    for k in records[1:]:
        if cost[k] < cost[best] * (1 - tolerance):
            best = int(k)
    return best


def select_threads(cost: np.ndarray, ids: np.ndarray, size: int, tolerance: float, threads: int) -> int:
    """Timeloop v1.0 with `threads` search threads: each walks its contiguous slice of the mapping-ID
    space with the incumbent rule; the final answer takes thread 0's best, then each next thread's
    best only if it is better by more than the tolerance."""
    best = -1
    bounds = [size * t // threads for t in range(threads + 1)]
    for t in range(threads):
        sel = np.flatnonzero((ids >= bounds[t]) & (ids < bounds[t + 1]))
        k = select(cost[sel], tolerance)
        if k < 0:
            continue
        k = int(sel[k])
        if best < 0 or cost[k] < cost[best] * (1 - tolerance):
            best = k
    return best


def to_mapping(spec: AcceleratorSpec, slots, f: np.ndarray, tiles: dict | None = None, order=None) -> Mapping:
    """A Mapping (map.txt order: levels outer -> inner, temporal then spatial, outer -> inner), unit loops
    dropped; `order`: the slots' loop order (inner -> outer) if not the slots' own."""
    f = [int(x) for x in f]
    temporal, spatial = [[] for _ in spec.levels], [[] for _ in spec.levels]
    for k in (range(len(slots)) if order is None else order):      # inner -> outer
        s = slots[k]
        if f[k] > 1:
            (temporal if s.axis is None else spatial)[s.level].append(Loop(s.dim, f[k], s.axis))
    return Mapping(tuple(MappingLevel(lv.name, tuple(reversed(temporal[i])) + tuple(reversed(spatial[i])),
                                      (tiles or {}).get(lv.name, {})) for i, lv in enumerate(spec.levels)))


def better(a: MapResult, b: MapResult, metrics: tuple, tol: float) -> bool:
    """Whether `a` replaces incumbent `b`: lower on the first metric by more than the tolerance, or tied
    on it and better on the next (Timeloop v1.0's multi-metric rule)."""
    for m in metrics:
        x, y = ({"edp": r.energy_pj * r.cycles, "energy": r.energy_pj, "delay": float(r.cycles)}[m] for r in (a, b))
        if x < y * (1 - tol):
            return True
        if x > y * (1 + tol):
            return False
    return False


def best_of(r: dict, metrics: tuple, tol: float) -> int:
    """The first best valid candidate of a nest.analyze result under the metrics in order (-1 if none)."""
    ok = np.flatnonzero(r["valid"])
    for m in metrics:
        if ok.size == 0:
            return -1
        c = cost_of(r, m)[ok]
        ok = ok[c <= c.min() * (1 + tol)]
    return int(ok[0]) if ok.size else -1


def as_result(r: dict) -> MapResult:
    return MapResult(None, int(r["compute_cycles"]), int(r["cycles"]), float(r["energy_pj"]))


def coverage_note(problem: Problem, part: dict) -> str:
    """The warning a partly covered problem carries."""
    dims = ", ".join(f"{d} {n} of {problem.bounds[d]}" for d, n in sorted(part.items()))
    return (f"warning: the arch's constraints fix every factor of {', '.join(sorted(part))}; the mapping covers "
            f"{dims} and the costs are for that part only (what Timeloop v1.0 maps and reports)")


def cost_of(r: dict, metric: str) -> np.ndarray:
    return {"edp": r["energy_pj"] * r["cycles"], "energy": r["energy_pj"],
            "delay": r["cycles"].astype(np.float64)}[metric]


def tiles(problem, spec, slots, f) -> dict:
    """{level name: {data space kept: tile size [words]}} of one candidate's factors `f`."""
    spaces = problem.dataspaces()
    at = [{} for _ in spec.levels]                   # per level, the product of each dim's factors there
    for s, x in zip(slots, (int(x) for x in f)):
        if x != 1:
            at[s.level][s.dim] = at[s.level].get(s.dim, 1) * x
    ext, out = dict.fromkeys(problem.dims, 1), [None] * len(spec.levels)
    for i in range(len(spec.levels) - 1, -1, -1):    # inner -> outer: the extents at/below level i
        for d, x in at[i].items():
            ext[d] *= x
        out[i] = {ds: math.prod(sum((ext[d] - 1) * c for d, c in ax) + 1 for ax in spaces[ds])
                  for ds in problem.shape.dataspaces if ds in spec.levels[i].keep}
    return {lv.name: t for lv, t in zip(spec.levels, out)}
