"""Exact, deterministic mapper: the EDP optimum of the whole constrained mapspace.

Every index factorization (mapspace.py) is generated as numpy rows, dim by dim, pruning partial
rows that already break a fan-out or capacity limit (both only grow as more dims are placed), then
all survivors are evaluated at once by nest.analyze. Selection follows Timeloop v1.0's incumbent rule: walk
the candidates in mapping-ID order; one replaces the incumbent only if its cost is lower by more than
the spec's tie tolerance (relative), so the first of equal mappings wins. Timeloop uses 0.1 % on its
heuristic walk; over an exhaustive walk that could keep a mapping up to 0.1 % worse than the optimum,
so the shipped specs use 1e-9 (ties = equal up to float rounding): the EDP optimum, ties broken by
Timeloop's order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mapping import Loop, Mapping, MappingLevel
from .mapspace import build_slots, dim_choices
from .nest import analyze
from .problem import Problem
from .spec import AcceleratorSpec, DATASPACES, DIMS

# Timeloop's mapping-ID order: a mixed-radix number over the problem dims R S P Q C K N G, R the least
# significant digit; within a dim, factorizations in lexicographic order of (outermost slot, ..., innermost)
# with ascending divisors (the order that reproduces the reference's choices among equal-cost mappings). Combining the most significant dim first keeps the rows in that order.
_COMBINE_ORDER = "GNKCQPSR"


@dataclass(frozen=True)
class MapResult:
    mapping: Mapping | None
    compute_cycles: int = 0
    cycles: int = 0
    energy_pj: float = 0.0
    candidates: int = 0        # index factorizations in the mapspace
    evaluated: int = 0         # survivors of pruning, fully evaluated
    message: str = ""


def _tile_lower_bounds(problem, spec, slots, F):
    """Per level, the words held (sum over kept data spaces) for the rows in F [n_slots, batch]."""
    spaces = problem.dataspaces()
    ones = np.ones(F.shape[1], dtype=np.int64)
    out = []
    for i, lv in enumerate(spec.levels):
        if lv.entries is None or not lv.keep:
            out.append(None)
            continue
        ext = {d: ones.copy() for d in DIMS}
        for k, s in enumerate(slots):
            if s.level >= i:
                ext[s.dim] = ext[s.dim] * F[k]
        tot = np.zeros_like(ones)
        for ds in lv.keep:
            size = ones.copy()
            for ax in spaces[ds]:
                size = size * (sum((ext[d] - 1) * c for d, c in ax) + 1)
            tot = tot + size
        out.append(tot)
    return out


def _legal(problem, spec, slots, F) -> np.ndarray:
    ok = np.ones(F.shape[1], dtype=bool)
    for i in range(len(spec.levels)):
        fx, fy = spec.fanout(i)
        for axis, lim in (("X", fx), ("Y", fy)):
            ks = [k for k, s in enumerate(slots) if s.level == i and s.axis == axis]
            if ks:
                ok &= np.prod(F[ks], axis=0) <= lim
    for lv, words in zip(spec.levels, _tile_lower_bounds(problem, spec, slots, F)):
        if words is not None:
            ok &= words <= lv.entries
    return ok


def enumerate_mappings(problem: Problem, spec: AcceleratorSpec):
    """(slots, F [n_slots, n_legal] int64, ids [n_legal], mapspace size): every legal index factorization,
    in Timeloop's mapping-ID order (ids = the mapping ID in the full index-factorization space)."""
    slots = build_slots(problem, spec)
    choices = dim_choices(problem, slots)
    if choices is None:
        return slots, np.zeros((len(slots), 0), dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    size = int(np.prod([len(c[1]) for c in choices.values()]))
    F = np.array([[s.fixed or 1] for s in slots], dtype=np.int64)
    ids = np.zeros(1, dtype=np.int64)
    for d in _COMBINE_ORDER:            # single-choice dims first (they do not change the ID order)
        free, ch = choices[d]
        if free and len(ch) == 1:
            F[free, :] = ch[0][:, None]
    ok = _legal(problem, spec, slots, F)
    F, ids = F[:, ok], ids[ok]
    for d in _COMBINE_ORDER:
        free, ch = choices[d]
        if not free or len(ch) == 1 or F.shape[1] == 0:
            continue
        n, m = F.shape[1], len(ch)
        F = np.repeat(F, m, axis=1)
        F[np.ix_(free, np.arange(F.shape[1]))] = np.tile(ch.T, (1, n))
        ids = (np.repeat(ids, m) * m + np.tile(np.arange(m), n))
        ok = _legal(problem, spec, slots, F)
        F, ids = F[:, ok], ids[ok]
    return slots, F, ids, size


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


def to_mapping(spec: AcceleratorSpec, slots, f: np.ndarray, tiles: dict | None = None) -> Mapping:
    """A Mapping (map.txt order: levels outer -> inner, temporal then spatial, outer -> inner), unit loops dropped."""
    levels = []
    for i, lv in enumerate(spec.levels):
        temporal = [Loop(s.dim, int(f[k])) for k, s in enumerate(slots) if s.level == i and s.axis is None and f[k] > 1]
        spatial = [Loop(s.dim, int(f[k]), s.axis) for k, s in enumerate(slots) if s.level == i and s.axis and f[k] > 1]
        levels.append(MappingLevel(lv.name, tuple(reversed(temporal)) + tuple(reversed(spatial)),
                                   (tiles or {}).get(lv.name, {})))
    return Mapping(tuple(levels))


def search(problem: Problem, spec: AcceleratorSpec, objective: str | None = None) -> MapResult:
    """The best mapping of `problem` on `spec` under the objective (default: the spec's, EDP)."""
    objective = objective or spec.mapper.get("objective", "edp")
    slots, F, ids, size = enumerate_mappings(problem, spec)
    if F.shape[1] == 0:
        return MapResult(None, candidates=size, message=f"no valid mapping in a mapspace of {size} "
                                                        f"index factorizations (fan-out / capacity)")
    keep = [k for k in range(len(slots)) if (F[k] != 1).any()]
    loops = [(slots[k].level, slots[k].dim, slots[k].axis) for k in keep]
    r = analyze(problem, spec, loops, F[keep] if keep else np.ones((0, F.shape[1]), dtype=np.int64))
    ok = np.flatnonzero(r["valid"])
    if ok.size == 0:
        return MapResult(None, candidates=size, evaluated=F.shape[1], message="no mapping fits the buffers")
    energy, cycles = r["energy_pj"][ok], r["cycles"][ok].astype(np.float64)
    cost = {"edp": energy * cycles, "energy": energy, "delay": cycles}[objective]
    b = int(ok[select_threads(cost, ids[ok], size, spec.mapper["tie_tolerance"],
                              spec.mapper["threads"])])
    f = F[:, b]
    tiles = _tiles(problem, spec, slots, f)
    return MapResult(to_mapping(spec, slots, f, tiles), int(r["compute_cycles"][b]), int(r["cycles"][b]),
                     float(r["energy_pj"][b]), size, F.shape[1])


def _tiles(problem, spec, slots, f) -> dict:
    spaces = problem.dataspaces()
    out = {}
    for i, lv in enumerate(spec.levels):
        ext = {d: 1 for d in DIMS}
        for k, s in enumerate(slots):
            if s.level >= i:
                ext[s.dim] *= int(f[k])
        tiles = {}
        for ds in DATASPACES:
            if ds in lv.keep:
                size = 1
                for ax in spaces[ds]:
                    size *= sum((ext[d] - 1) * c for d, c in ax) + 1
                tiles[ds] = size
        out[lv.name] = tiles
    return out
