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
from .mapspace import enumerate_mappings
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


def energy_lower_bound(problem: Problem, spec: AcceleratorSpec, T: np.ndarray, spatial: np.ndarray) -> np.ndarray:
    """Per candidate, a lower bound on its energy [pJ]: all MACs; every data-space point a MAC really
    reads moved once at the outermost level; at the innermost level keeping each data space, at least
    one access per compute cycle per utilized cluster."""
    outer = spec.levels[0]
    used_w = len({p * problem.Wstride + r * problem.Wdilation for p in range(problem.P) for r in range(problem.R)})
    used_h = len({q * problem.Hstride + s * problem.Hdilation for q in range(problem.Q) for s in range(problem.S)})
    used = {"Weights": problem.size("Weights"), "Outputs": problem.size("Outputs"),
            "Inputs": problem.N * problem.G * problem.C * used_w * used_h}
    e = problem.macs * spec.mac.energy_pj + outer.access_energy_pj * sum(
        -(-used[ds] // outer.block_size) for ds in DATASPACES)
    e = np.full(T.shape, float(e))
    for ds in DATASPACES:
        i = max(k for k, lv in enumerate(spec.levels) if ds in lv.keep)
        lv = spec.levels[i]
        inst = np.prod(spatial[:i], axis=0) if i else np.ones_like(T)
        clusters = np.minimum(inst, max(1, lv.instances // lv.cluster_size))
        e = e + (-(-T // lv.block_size)) * lv.access_energy_pj * clusters
    return e


def search(problem: Problem, spec: AcceleratorSpec, objective: str | None = None) -> MapResult:
    """The best mapping of `problem` on `spec` under the objective (default: the spec's, EDP).

    Exact: candidates are evaluated in order of a lower bound on their cost (compute cycles and
    energy_lower_bound); once a mapping is known, every candidate whose bound exceeds its cost (plus the
    tie tolerance) is dropped unevaluated, then the survivors are selected from in mapping-ID order.
    """
    objective = objective or spec.mapper.get("objective", "edp")
    tol = spec.mapper.get("tie_tolerance", 0.001)
    slots, _, ids, (T, spatial), size, factors_of = enumerate_mappings(problem, spec, with_factors=False)
    if ids.size == 0:
        return MapResult(None, candidates=size, message=f"no valid mapping in a mapspace of {size} "
                                                        f"index factorizations (fan-out / capacity)")
    e_lb = energy_lower_bound(problem, spec, T, spatial)
    Tf = T.astype(np.float64)
    lb = {"edp": e_lb * Tf, "energy": e_lb, "delay": Tf}[objective]
    order = np.argsort(lb, kind="stable")
    loops = [(s.level, s.dim, s.axis) for s in slots]

    def run(rows):
        F = factors_of(rows)
        keep = [k for k in range(len(slots)) if (F[k] != 1).any()]
        r = analyze(problem, spec, [loops[k] for k in keep], F[keep] if keep else np.ones((0, len(rows)), np.int64))
        cost = {"edp": r["energy_pj"] * r["cycles"], "energy": r["energy_pj"],
                "delay": r["cycles"].astype(np.float64)}[objective]
        return np.where(r["valid"], cost, np.inf), r

    first = order[:256]

    cost0, _ = run(first)
    bound = cost0.min() * (1 + 4 * tol + 1e-9)
    rows = np.sort(order[lb[order] <= bound]) if np.isfinite(bound) else np.sort(order)
    cost, r = run(rows)
    if not np.isfinite(cost).any():
        return MapResult(None, candidates=size, evaluated=rows.size, message="no mapping fits the buffers")
    ok = np.flatnonzero(np.isfinite(cost))
    b = int(ok[select_threads(cost[ok], ids[rows][ok], size, tol, spec.mapper.get("threads", 1))])
    f = factors_of(rows[b:b + 1])[:, 0]
    return MapResult(to_mapping(spec, slots, f, _tiles(problem, spec, slots, f)), int(r["compute_cycles"][b]),
                     int(r["cycles"][b]), float(r["energy_pj"][b]), size, rows.size)


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
