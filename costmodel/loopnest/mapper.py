"""Exact, deterministic mapper: the EDP optimum of the whole constrained mapspace.

Every legal index factorization (mapspace.enumerate_mappings: fan-out and capacity pruned while the
dims are combined) gets a cheap lower bound on its cost (compute cycles, bandwidth, MAC, compulsory
and innermost-level energy). An incumbent comes from evaluating the lowest-bound mappings plus a sample
spread over the mapspace (the lowest bounds are often many equal, poor mappings); every mapping whose
bound exceeds it is dropped; then, data space by data space, the outermost level's exact accesses
replace its compulsory traffic in the bound (the lowest of those are evaluated for a better incumbent,
and the rest pruned again), and the survivors are evaluated at once by nest.analyze (vectorised).
Nothing that could be optimal is dropped (nor any mapping within 4 x the tie tolerance of the best),
so the result is the mapspace optimum. Selection follows Timeloop v1.0's incumbent rule: walk the
candidates in mapping-ID order; one replaces the incumbent only if its cost is lower by more than the
spec's tie tolerance (relative), so the first of equal mappings wins. Timeloop uses 0.1 % on its
heuristic walk; over an exhaustive walk that could keep a mapping up to 0.1 % worse than the optimum,
so the shipped specs use 1e-9 (ties = equal up to float rounding): the EDP optimum, ties broken by
Timeloop's order. Exact over the index factorizations (and the splits / keep-bypass a config leaves
open: loopnest.choices); where a config leaves loop orders open, the best candidates are re-ordered
afterwards (loopnest.permute), which is a refinement, not an exhaustive search over orders.
`search` asks loopnest.strategy first: a mid-sized mapspace is searched exactly in parts, one too large
to enumerate (e.g. an arch without constraints) by loopnest.sampling (bounded memory, Timeloop's
stopping rules); `MapResult.strategy` says which ran.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import choices, permute, sampling, strategy
from .mapping import Loop, Mapping, MappingLevel
from .mapspace import enumerate_mappings, partial_dims
from .nest import analyze, outer_accesses
from .problem import Problem, READ_WRITE
from .mapper_settings import objective_metrics
from .spec import AcceleratorSpec, DATASPACES, DIMS


CHUNK = 32768        # candidates evaluated per numpy pass
SMALL = 4096         # mapspaces up to this many legal mappings are evaluated whole (cheaper than bounding)
PROBE = 128          # candidates evaluated for the first incumbent
ROUNDS = 3           # re-searches with the loop order found pinned (configs that leave orders open)


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
    strategy: str = "exact"    # "exact" | "sampled" (loopnest.sampling: a mapspace too large to enumerate)


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
    levels = []
    order = range(len(slots)) if order is None else order
    for i, lv in enumerate(spec.levels):
        temporal = [Loop(slots[k].dim, int(f[k])) for k in order if slots[k].level == i and slots[k].axis is None
                    and f[k] > 1]
        spatial = [Loop(slots[k].dim, int(f[k]), slots[k].axis) for k in order if slots[k].level == i
                   and slots[k].axis and f[k] > 1]
        levels.append(MappingLevel(lv.name, tuple(reversed(temporal)) + tuple(reversed(spatial)),
                                   (tiles or {}).get(lv.name, {})))
    return Mapping(tuple(levels))


def outer_compulsory(problem: Problem, spec: AcceleratorSpec) -> dict:
    """Per data space kept at the outermost level, the block accesses that move every point a MAC
    really reads once there (its energy: x the level's access energy) [blocks]."""
    outer = spec.levels[0]
    used_w = len({p * problem.Wstride + r * problem.Wdilation for p in range(problem.P) for r in range(problem.R)})
    used_h = len({q * problem.Hstride + s * problem.Hdilation for q in range(problem.Q) for s in range(problem.S)})
    used = {"Weights": problem.size("Weights"), "Outputs": problem.size("Outputs"),
            "Inputs": problem.N * problem.G * problem.C * used_w * used_h}
    return {ds: -(-used[ds] // outer.block_size) for ds in DATASPACES if ds in outer.keep}


def energy_lower_bound(problem: Problem, spec: AcceleratorSpec, T: np.ndarray, spatial) -> np.ndarray:
    """Per candidate, a lower bound on its energy [pJ]: all MACs; outer_compulsory; at the innermost
    level keeping each data space (if not the outermost), its content accesses (T x the relevant fan-out
    below it; x 2 for read-write: reads + updates + fills) per utilized cluster."""
    v3 = spec.semantics == "timeloop-v3"       # per-action energies: the cheapest action bounds every access
    per = [min(lv.actions[a] for a in ("read", "fill", "update")) if v3 and lv.actions else lv.access_energy_pj
           for lv in spec.levels]
    e = problem.macs * spec.mac.energy_pj
    e += per[0] * sum(outer_compulsory(problem, spec).values())
    e = np.full(T.shape, float(e))
    nL = len(spec.levels)
    for ds in DATASPACES:
        i = max(k for k, lv in enumerate(spec.levels) if ds in lv.keep)
        if i == 0:
            continue
        lv = spec.levels[i]
        inst = spatial(DIMS, list(range(i)))
        cap = max(1, lv.instances // lv.cluster_size)
        fan = np.prod([x * y for x, y in map(spec.fanout, range(i))], dtype=np.int64)
        clusters = inst if fan <= cap else np.minimum(inst, cap)      # no row uses more than `fan`
        below = spatial(problem.relevant(ds), list(range(i, nL)))
        content = T if isinstance(below, int) and below == 1 else T * below
        acc = 2 * content if ds in READ_WRITE and not v3 else content   # v1.0 read-write: reads+updates+fills >= 2x
        e += (acc if lv.block_size == 1 else -(-acc // lv.block_size)) * per[i] * clusters
    return e


def cycles_lower_bound(problem: Problem, spec: AcceleratorSpec, T: np.ndarray, spatial: np.ndarray) -> np.ndarray:
    """Per candidate, total cycles >= compute cycles and >= the write-bandwidth bound of the innermost
    level keeping each read-write data space (updates >= T, fills >= its elements per instance)."""
    out = T.astype(np.float64)
    for ds in READ_WRITE:
        i = max(k for k, lv in enumerate(spec.levels) if ds in lv.keep)
        lv = spec.levels[i]
        if lv.write_bandwidth and i > 0:
            inst = spatial(DIMS, list(range(i)))
            first = 0 if spec.semantics == "timeloop-v3" else problem.size(ds) / inst   # v3: no first-write fills
            out = np.maximum(out, (T + first) / lv.write_bandwidth)
    return out


def _outer_bound(problem, spec, loops, factors_of, rows, e_lb, c_lb, combine, incumbent):
    """The rows whose second bound stays within the incumbent's: data space by data space, the outermost
    level's exact accesses replace its compulsory ones in the energy bound; after each, the candidates
    with the lowest new bounds are evaluated (a better incumbent) and the rows pruned."""
    outer = spec.levels[0]
    comp = outer_compulsory(problem, spec)
    for ds in DATASPACES:
        keepers = [i for i, lv in enumerate(spec.levels) if ds in lv.keep]
        if rows.size <= PROBE or len(keepers) < 2 or keepers[0] != 0:
            continue
        acc = np.empty(rows.size, dtype=np.int64)
        for a in range(0, rows.size, CHUNK):
            keep, F = factors_of(rows[a:a + CHUNK], only_active=True)
            acc[a:a + CHUNK] = outer_accesses(problem, spec, [loops[k] for k in keep], F, ds)
        e_lb = e_lb + outer.access_energy_pj * (-(-acc // outer.block_size) - comp[ds])
        lb = combine(e_lb, c_lb)
        if rows.size > SMALL:
            incumbent(rows[np.argsort(lb, kind="stable")[:PROBE]])
        ok = lb <= incumbent(None)
        rows, e_lb, c_lb = rows[ok], e_lb[ok], c_lb[ok]
    return rows


def search(problem: Problem, spec: AcceleratorSpec, objective: str | None = None) -> MapResult:
    """The best mapping of `problem` on `spec` under the objective (default: the spec's, EDP).

    Exact: candidates are evaluated in order of a lower bound on their cost (compute cycles and
    energy_lower_bound); once a mapping is known, every candidate whose bound exceeds its cost (plus the
    tie tolerance) is dropped unevaluated, then the survivors are selected from in mapping-ID order.
    A spec that leaves X/Y splits or keep/bypass to the mapper is searched variant by variant
    (loopnest.choices); the first variant's best stays unless a later one is better (the same rule).
    Where it leaves loop orders open, the factors are searched again under the order found (ROUNDS) and
    from the reverse order (`_open_orders`).
    """
    metrics = objective_metrics(objective or spec.mapper.get("objective", "edp"), "objective")
    tol = spec.mapper.get("tie_tolerance", 0.001)
    plan = strategy.plan(problem, spec)
    if plan.strategy == "sampled":
        return _sampled(problem, spec, metrics, tol, plan)
    if plan.strategy == "chunked":
        return _chunked(problem, spec, metrics, tol, plan)
    return _exact(problem, spec, metrics, tol)


def _exact(problem, spec, metrics, tol) -> MapResult:
    """`search` over the whole (small enough) mapspace, variant by variant."""
    best, tried = None, []
    for variant in choices.variants(spec, problem.bounds):
        r = _search(problem, variant, metrics)
        tried.append(r)
        if permute.has_open_orders(variant):
            r = _open_orders(problem, variant, metrics, tol, r)
        if r.mapping is not None and (best is None or _better(r, best, metrics, tol)):
            best = r
    n, ev = sum(r.candidates for r in tried), sum(r.evaluated for r in tried)
    if best is None:
        msg = tried[0].message if len(tried) == 1 else f"{tried[0].message} (and in all {len(tried)} split/bypass variants)"
        return MapResult(None, candidates=n, evaluated=ev, message=msg)
    return replace(best, candidates=n, evaluated=ev)


def _sampled(problem, spec, metrics, tol, plan) -> MapResult:
    """The bounded sampled search (loopnest.sampling) of a mapspace too large to enumerate."""
    o = sampling.run(problem, spec, plan, lambda a, b: _better(_as_result(a), _as_result(b), metrics, tol))
    note = sampling.describe(plan, o)
    if o.best is None:
        return MapResult(None, candidates=plan.size, evaluated=o.valid, strategy="sampled",
                         message=f"no valid mapping found: {note}")
    v, slots, f, res = o.best
    return MapResult(to_mapping(v, slots, f, _tiles(problem, v, slots, f)), int(res["compute_cycles"]),
                     int(res["cycles"]), float(res["energy_pj"]), plan.size, o.valid, note, strategy="sampled")


def _chunked(problem, spec, metrics, tol, plan) -> MapResult:
    """The exact search, one part of the mapspace at a time (loopnest.strategy.in_parts)."""
    best, ev = strategy.in_parts(problem, spec, plan, lambda part: _exact(problem, part, metrics, tol),
                                 lambda a, b: _better(a, b, metrics, tol))
    if best is None:
        return MapResult(None, candidates=plan.size, evaluated=ev, strategy="chunked",
                         message=f"no valid mapping in a mapspace of {plan.size} index factorizations")
    return replace(best, candidates=plan.size, evaluated=ev, strategy="chunked",
                   message=best.message or f"exact search in parts: {ev} legal / {plan.size} mappings")


def _open_orders(problem, spec, metrics, tol, r: MapResult) -> MapResult:
    """A spec leaving loop orders open: the factors searched again under the order found (ROUNDS, while it
    improves), and from the reverse of the default order (loopnest.permute)."""
    for _ in range(ROUNDS if r.mapping is not None else 0):
        again = _search(problem, permute.pinned(spec, r.mapping), metrics)
        if not (again.mapping is not None and _better(again, r, metrics, tol)):
            break
        r = again
    other = _search(problem, permute.reversed_open(spec), metrics)
    better = other.mapping is not None and (r.mapping is None or _better(other, r, metrics, tol))
    return replace(other, candidates=r.candidates, evaluated=r.evaluated) if better else r


def _better(a: MapResult, b: MapResult, metrics: tuple, tol: float) -> bool:
    """Whether `a` replaces incumbent `b`: lower on the first metric by more than the tolerance, or tied
    on it and better on the next (Timeloop v1.0's multi-metric rule)."""
    for m in metrics:
        x, y = ({"edp": r.energy_pj * r.cycles, "energy": r.energy_pj, "delay": float(r.cycles)}[m] for r in (a, b))
        if x < y * (1 - tol):
            return True
        if x > y * (1 + tol):
            return False
    return False


def _search(problem: Problem, spec: AcceleratorSpec, metrics: tuple) -> MapResult:
    """`search` on a concrete spec (splits and keep/bypass fixed)."""
    objective, later = metrics[0], metrics[1:]       # later metrics break ties within the tolerance
    tol = spec.mapper.get("tie_tolerance", 0.001)
    slots, _, ids, (T, spatial), size, factors_of = enumerate_mappings(problem, spec, with_factors=False)
    part = partial_dims(problem, slots)
    if part:                     # Timeloop v1.0 maps (and costs) the covered part only
        r = _search(replace(problem, **part), spec, metrics)
        return replace(r, covered=tuple(sorted(part.items())), message=coverage_note(problem, part))
    if ids.size == 0:
        return MapResult(None, candidates=size, message=f"no valid mapping in a mapspace of {size} "
                                                        f"index factorizations (fan-out / capacity)")
    e_lb = energy_lower_bound(problem, spec, T, spatial)
    c_lb = cycles_lower_bound(problem, spec, T, spatial)
    combine = {"edp": lambda e, c: e * c, "energy": lambda e, c: e, "delay": lambda e, c: c}[objective]
    lb = combine(e_lb, c_lb)
    loops = [(s.level, s.dim, s.axis) for s in slots]

    def run(rows):
        parts = []
        for a in range(0, max(1, rows.size), CHUNK):    # chunks keep the arrays cache-sized
            keep, F = factors_of(rows[a:a + CHUNK], only_active=True)
            parts.append(analyze(problem, spec, [loops[k] for k in keep], F))
        r = {k: np.concatenate([p[k] for p in parts]) for k in ("energy_pj", "cycles", "compute_cycles", "valid")}
        return np.where(r["valid"], _cost(r, objective), np.inf), r

    bound = [np.inf]

    def incumbent(rows):
        """Evaluate `rows` (if any); the pruning bound: the best cost known (+ 4 x the tie tolerance)."""
        if rows is not None and rows.size:
            bound[0] = min(bound[0], run(rows)[0].min() * (1 + 4 * tol + 1e-9))
        return bound[0]

    rows = np.arange(ids.size)
    if spec.mapper.get("min_utilization"):       # Timeloop's utilization constraint: used MACs / all MACs
        used = np.broadcast_to(spatial(DIMS, list(range(len(spec.levels)))), ids.shape)
        rows = rows[used >= spec.mapper["min_utilization"] * spec.mac.instances]
        if not rows.size:
            return MapResult(None, candidates=size, message=f"no mapping reaches the minimum utilization "
                                                            f"{spec.mapper['min_utilization']}")
    for _ in range(2):                   # small mapspace: evaluating everything is cheaper than bounding
        if rows.size <= SMALL:
            break
        # incumbent: the lowest bounds (often many equal ones) and a sample spread over the mapspace
        low = rows[np.argpartition(lb[rows], PROBE)[:PROBE]]
        incumbent(np.unique(np.concatenate((low, rows[:: max(1, rows.size // PROBE)]))))
        rows = rows[lb[rows] <= incumbent(None)]
    if rows.size > PROBE and np.isfinite(incumbent(None)):
        rows = _outer_bound(problem, spec, loops, factors_of, rows, e_lb[rows], c_lb[rows], combine, incumbent)
    cost, r = run(rows)
    if not np.isfinite(cost).any():
        return MapResult(None, candidates=size, evaluated=rows.size, message="no mapping fits the buffers")
    ok = np.flatnonzero(np.isfinite(cost))
    for m in later:              # Timeloop's multi-metric rule: the next metric among those tied on this one
        ok = ok[cost[ok] <= cost[ok].min() * (1 + tol)]
        cost = np.where(np.isfinite(cost), _cost(r, m), np.inf)
    b = int(ok[select_threads(cost[ok], ids[rows][ok], size, tol, spec.mapper.get("threads", 1))])
    keys = ("compute_cycles", "cycles", "energy_pj")
    best, order = (b, {k: r[k][b] for k in keys}), None
    top = ok[np.argsort(cost[ok], kind="stable")[:permute.TOP]]
    F = factors_of(rows[top])
    found = permute.refine(lambda o, Fo: analyze(problem, spec, [loops[k] for k in o], Fo), spec, slots, F,
                           lambda res: _best_of(res, metrics, tol),
                           lambda a, c: _better(_as_result(a), _as_result(c), metrics, tol))
    if found is not None and _better(_as_result(found[2]), _as_result(best[1]), metrics, tol):
        best, order = (int(top[found[0]]), found[2]), found[1]
    b, res = best
    f = factors_of(rows[b:b + 1])[:, 0]
    return MapResult(to_mapping(spec, slots, f, _tiles(problem, spec, slots, f), order), int(res["compute_cycles"]),
                     int(res["cycles"]), float(res["energy_pj"]), size, rows.size)


def _best_of(r: dict, metrics: tuple, tol: float) -> int:
    """The first best valid candidate of a nest.analyze result under the metrics in order (-1 if none)."""
    ok = np.flatnonzero(r["valid"])
    for m in metrics:
        if ok.size == 0:
            return -1
        c = _cost(r, m)[ok]
        ok = ok[c <= c.min() * (1 + tol)]
    return int(ok[0]) if ok.size else -1


def _as_result(r: dict) -> MapResult:
    return MapResult(None, int(r["compute_cycles"]), int(r["cycles"]), float(r["energy_pj"]))


def coverage_note(problem: Problem, part: dict) -> str:
    """The warning a partly covered problem carries."""
    dims = ", ".join(f"{d} {n} of {problem.bounds[d]}" for d, n in sorted(part.items()))
    return (f"warning: the arch's constraints fix every factor of {', '.join(sorted(part))}; the mapping covers "
            f"{dims} and the costs are for that part only (what Timeloop v1.0 maps and reports)")


def _cost(r: dict, metric: str) -> np.ndarray:
    return {"edp": r["energy_pj"] * r["cycles"], "energy": r["energy_pj"],
            "delay": r["cycles"].astype(np.float64)}[metric]


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
