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

from dataclasses import replace

import numpy as np

from . import choices, permute, sampling, strategy
from .bind import bind
from .bounds import (CHUNK, PROBE, SMALL, cycles_lower_bound, energy_lower_bound, lowest, outer_bound,  # noqa: F401
                     outer_compulsory)
from .mapspace import legal_cells, partial_dims
from .nest import analyze
from .problem import Problem
from .mapper_settings import objective_metrics
from .selection import (MapResult, as_result, best_of, better, cost_of, coverage_note, select,  # noqa: F401 (API)
                        select_threads, tiles, to_mapping)
from .spec import AcceleratorSpec

ROUNDS = 3           # re-searches with the loop order found pinned (configs that leave orders open)
_tiles, _better, _best_of, _as_result, _cost, _outer_bound = tiles, better, best_of, as_result, cost_of, outer_bound
#   ^ former names (before the split into bounds.py / selection.py), kept for callers


def candidates(problem: Problem, spec: AcceleratorSpec):
    """The candidate enumeration of one concrete spec: (slots, ids, (T, spatial), size, factors_of, rows, why) --
    every legal index factorization as the cells of a grid (mapspace.legal_cells; `ids(cells)` their mapping
    IDs; T and spatial over the grid), `rows` the cells meeting the spec's minimum utilization, and why there
    is none ('' if there are some)."""
    slots, legal, (T, spatial), size, factors_of = legal_cells(problem, spec)
    if legal is None:
        why = f"no valid mapping in a mapspace of {size} index factorizations (fan-out / capacity)"
        return slots, None, (None, None), size, None, np.zeros(0, dtype=np.intp), why
    rows, why = np.arange(legal.size), ""
    if spec.mapper.get("min_utilization"):       # Timeloop's utilization constraint: used MACs / all MACs
        used = np.broadcast_to(spatial(problem.dims, list(range(len(spec.levels)))), legal.shape).ravel()
        rows = rows[used >= spec.mapper["min_utilization"] * spec.mac.instances]
        if not rows.size:
            why = f"no mapping reaches the minimum utilization {spec.mapper['min_utilization']}"
    return slots, legal.ids, (T, spatial), size, factors_of, rows, why


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
    spec = bind(spec, problem.shape)
    plan = strategy.plan(problem, spec)
    if plan.strategy == "sampled":
        return _sampled(problem, spec, metrics, tol, plan)
    if plan.strategy == "chunked":
        return _chunked(problem, spec, metrics, tol, plan)
    return _exact(problem, spec, metrics, tol)


def _exact(problem, spec, metrics, tol) -> MapResult:
    """`search` over the whole (small enough) mapspace, variant by variant."""
    best, tried = None, []
    for variant in choices.variants(spec, problem.bounds, problem.shape.order):
        r = _search(problem, variant, metrics)
        tried.append(r)
        if permute.has_open_orders(variant, problem.shape.order):
            r = _open_orders(problem, variant, metrics, tol, r)
        if r.mapping is not None and (best is None or better(r, best, metrics, tol)):
            best = r
    n, ev = sum(r.candidates for r in tried), sum(r.evaluated for r in tried)
    if best is None:
        msg = tried[0].message if len(tried) == 1 else f"{tried[0].message} (and in all {len(tried)} split/bypass variants)"
        return MapResult(None, candidates=n, evaluated=ev, message=msg)
    return replace(best, candidates=n, evaluated=ev)


def _sampled(problem, spec, metrics, tol, plan) -> MapResult:
    """The bounded sampled search (loopnest.sampling) of a mapspace too large to enumerate."""
    o = sampling.run(problem, spec, plan, lambda a, b: better(as_result(a), as_result(b), metrics, tol))
    note = sampling.describe(plan, o)
    if o.best is None:
        return MapResult(None, candidates=plan.size, evaluated=o.valid, strategy="sampled",
                         message=f"no valid mapping found: {note}")
    v, slots, f, res = o.best
    return MapResult(to_mapping(v, slots, f, tiles(problem, v, slots, f)), int(res["compute_cycles"]),
                     int(res["cycles"]), float(res["energy_pj"]), plan.size, o.valid, note, strategy="sampled")


def _chunked(problem, spec, metrics, tol, plan) -> MapResult:
    """The exact search, one part of the mapspace at a time (loopnest.strategy.in_parts)."""
    best, ev = strategy.in_parts(problem, spec, plan, lambda part: _exact(problem, part, metrics, tol),
                                 lambda a, b: better(a, b, metrics, tol))
    if best is None:
        return MapResult(None, candidates=plan.size, evaluated=ev, strategy="chunked",
                         message=f"no valid mapping in a mapspace of {plan.size} index factorizations")
    return replace(best, candidates=plan.size, evaluated=ev, strategy="chunked",
                   message=best.message or f"exact search in parts: {ev} legal / {plan.size} mappings")


def _open_orders(problem, spec, metrics, tol, r: MapResult) -> MapResult:
    """A spec leaving loop orders open: the factors searched again under the order found (ROUNDS, while it
    improves), and from the reverse of the default order (loopnest.permute)."""
    for _ in range(ROUNDS if r.mapping is not None else 0):
        again = _search(problem, permute.pinned(spec, r.mapping, problem.shape.order), metrics)
        if not (again.mapping is not None and better(again, r, metrics, tol)):
            break
        r = again
    other = _search(problem, permute.reversed_open(spec, problem.shape.order), metrics)
    wins = other.mapping is not None and (r.mapping is None or better(other, r, metrics, tol))
    return replace(other, candidates=r.candidates, evaluated=r.evaluated) if wins else r


def _search(problem: Problem, spec: AcceleratorSpec, metrics: tuple) -> MapResult:
    """`search` on a concrete spec (splits and keep/bypass fixed)."""
    objective, later = metrics[0], metrics[1:]       # later metrics break ties within the tolerance
    tol = spec.mapper.get("tie_tolerance", 0.001)
    slots, ids, (T, spatial), size, factors_of, rows, why = candidates(problem, spec)
    part = partial_dims(problem, slots)
    if part:                     # Timeloop v1.0 maps (and costs) the covered part only
        r = _search(problem.replace(**part), spec, metrics)
        return replace(r, covered=tuple(sorted(part.items())), message=coverage_note(problem, part))
    if why:
        return MapResult(None, candidates=size, message=why)
    combine = {"edp": lambda e, c: e * c, "energy": lambda e, c: e, "delay": lambda e, c: c}[objective]
    if rows.size > SMALL:        # a small mapspace is evaluated whole: no bounds needed
        e_lb = energy_lower_bound(problem, spec, T, spatial).ravel()      # over the grid, per cell
        c_lb = cycles_lower_bound(problem, spec, T, spatial).ravel()
        lb = combine(e_lb, c_lb)
    loops = [(s.level, s.dim, s.axis) for s in slots]

    def run(rows):
        parts = []
        for a in range(0, max(1, rows.size), CHUNK):    # chunks keep the arrays cache-sized
            keep, F = factors_of(rows[a:a + CHUNK], only_active=True)
            parts.append(analyze(problem, spec, [loops[k] for k in keep], F))
        r = {k: np.concatenate([p[k] for p in parts]) for k in ("energy_pj", "cycles", "compute_cycles", "valid")}
        return np.where(r["valid"], cost_of(r, objective), np.inf), r

    bound = [np.inf]

    def incumbent(rows):
        """Evaluate `rows` (if any); the pruning bound: the best cost known (+ 4 x the tie tolerance)."""
        if rows is not None and rows.size:
            bound[0] = min(bound[0], run(rows)[0].min() * (1 + 4 * tol + 1e-9))
        return bound[0]

    for _ in range(2):                   # small mapspace: evaluating everything is cheaper than bounding
        if rows.size <= SMALL:
            break
        # incumbent: the lowest bounds (often many equal ones) and a sample spread over the mapspace
        lbr = lb if rows.size == lb.size else lb[rows]      # (rows: all legal ones, in order, or a subset)
        low = rows[lowest(lbr, PROBE)]
        incumbent(np.unique(np.concatenate((low, rows[:: max(1, rows.size // PROBE)]))))
        rows = rows[lbr <= incumbent(None)]
    if rows.size > PROBE and np.isfinite(incumbent(None)):
        rows = outer_bound(problem, spec, loops, factors_of, rows, e_lb[rows], c_lb[rows], combine, incumbent)
    rid = ids(rows)
    if rid.size > 1 and (rid[1:] < rid[:-1]).any():       # the survivors in mapping-ID order (the selection's)
        by_id = np.argsort(rid)
        rows, rid = rows[by_id], rid[by_id]
    cost, r = run(rows)
    if not np.isfinite(cost).any():
        return MapResult(None, candidates=size, evaluated=rows.size, message="no mapping fits the buffers")
    ok = np.flatnonzero(np.isfinite(cost))
    for m in later:              # Timeloop's multi-metric rule: the next metric among those tied on this one
        ok = ok[cost[ok] <= cost[ok].min() * (1 + tol)]
        cost = np.where(np.isfinite(cost), cost_of(r, m), np.inf)
    b = int(ok[select_threads(cost[ok], rid[ok], size, tol, spec.mapper.get("threads", 1))])
    keys = ("compute_cycles", "cycles", "energy_pj")
    best, order = (b, {k: r[k][b] for k in keys}), None
    top = ok[np.argsort(cost[ok], kind="stable")[:permute.TOP]]
    F = factors_of(rows[top])
    found = permute.refine(lambda o, Fo: analyze(problem, spec, [loops[k] for k in o], Fo), spec, slots, F,
                           lambda res: best_of(res, metrics, tol),
                           lambda a, c: better(as_result(a), as_result(c), metrics, tol))
    if found is not None and better(as_result(found[2]), as_result(best[1]), metrics, tol):
        best, order = (int(top[found[0]]), found[2]), found[1]
    b, res = best
    f = factors_of(rows[b:b + 1])[:, 0]
    return MapResult(to_mapping(spec, slots, f, tiles(problem, spec, slots, f), order), int(res["compute_cycles"]),
                     int(res["cycles"]), float(res["energy_pj"]), size, rows.size)

