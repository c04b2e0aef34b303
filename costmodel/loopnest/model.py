"""`evaluate(layer, spec, mapping) -> Cost`: the Timeloop v1.0 model on one fixed mapping.

The semantics live in nest.py (vectorised, shared with the mapper); this module turns a `Mapping`
into a loop structure, checks it (level names, factor products, fan-out, capacity) and reports.
"""
from __future__ import annotations

import numpy as np

from ..cost import Cost
from ..errors import CostModelError
from ..workload import Layer
from . import choices
from .bind import bind
from .mapping import Mapping, parse_mapping
from .nest import analyze
from .problem import Problem
from .selection import coverage_note
from .spec import AcceleratorSpec


def loops_of(mapping: Mapping, spec: AcceleratorSpec) -> tuple[list, np.ndarray]:
    """(loops INNER -> OUTER as (level index, dim, axis|None), factors [n_loops, 1])."""
    names = [lv.name for lv in spec.levels]
    by_name = {lv.name: lv for lv in mapping.levels}
    extra = sorted(set(by_name) - set(names))
    if extra:
        raise CostModelError(f"mapping names level {extra[0]!r} that arch {spec.name!r} does not have ({names})")
    loops, f = [], []
    for i in range(len(names) - 1, -1, -1):
        lv = by_name.get(names[i])
        if lv is None:
            continue
        for l in reversed(lv.spatial):
            loops.append((i, l.dim, l.spatial))
            f.append(l.bound)
        for l in reversed(lv.temporal):
            loops.append((i, l.dim, None))
            f.append(l.bound)
    return loops, np.array(f, dtype=np.int64).reshape(-1, 1)


def covered(loops: list, factors: np.ndarray, dims) -> dict:
    """{dim: product of the mapping's factors of it} for each of `dims`."""
    f = factors[:, 0]
    return {d: int(np.prod([f[j] for j, lp in enumerate(loops) if lp[1] == d] or [1])) for d in dims}


def check_mapping(problem: Problem, spec: AcceleratorSpec, loops: list, factors: np.ndarray) -> str:
    """'' if the mapping is legal for the problem and arch, else why not."""
    f = factors[:, 0]
    unknown = sorted({lp[1] for lp in loops} - set(problem.dims))
    if unknown:
        return f"it loops over {unknown[0]!r}, not a dimension of problem shape {problem.shape.name!r} ({''.join(problem.dims)})"
    for d, got in covered(loops, factors, problem.dims).items():
        if got != problem.bounds[d]:
            return f"factors of {d} multiply to {got}, the problem has {d} = {problem.bounds[d]}"
    for i, lv in enumerate(spec.levels):
        fx, fy = spec.fanout(i)
        for axis, lim in (("X", fx), ("Y", fy)):
            used = int(np.prod([f[j] for j, lp in enumerate(loops) if lp[0] == i and lp[2] == axis] or [1]))
            if used > lim:
                return f"spatial {axis} fan-out {used} below {lv.name} exceeds {lim}"
    return ""


def evaluate(layer: Layer | Problem, spec: AcceleratorSpec, mapping: Mapping | str, detail: bool = False):
    """Cost of `layer` on `spec` under a fixed `mapping` (a Mapping or map.txt text).

    With detail=True returns (Cost, stats) where stats maps (level, data space) to per-instance
    fills/reads/updates, tile size, partition size, instances and energy, plus level cycles.
    """
    problem = layer if isinstance(layer, Problem) else Problem.from_layer(layer)
    m = parse_mapping(mapping, problem.dims) if isinstance(mapping, str) else mapping
    spec = choices.from_mapping(bind(spec, problem.shape), m)
    loops, f = loops_of(m, spec)
    full = problem
    got = covered(loops, f, problem.dims)
    part = {d: n for d, n in choices.partial_coverage(problem, spec).items() if got[d] == n}
    problem = problem.replace(**part)          # the part the arch's constraints let a mapping cover
    why = check_mapping(problem, spec, loops, f)
    if why:
        raise CostModelError(f"illegal mapping for arch {spec.name!r}: {why}")
    r = analyze(problem, spec, loops, f, detail=True)
    if not r["valid"][0]:
        over = [f"{lv.name} holds {sum(int(r['stats'][(lv.name, d)]['size'][0]) for d in lv.keep)} > {lv.entries}"
                for lv in spec.levels if lv.entries is not None and lv.keep and
                sum(int(r["stats"][(lv.name, d)]["size"][0]) for d in lv.keep) > lv.entries]
        raise CostModelError(f"illegal mapping for arch {spec.name!r}: capacity exceeded ({'; '.join(over)})")
    cost = to_cost(problem, spec, r, 0, m.text(" | "), coverage_note(full, part) if part else "")
    if not detail:
        return cost
    stats = {k: {n: int(v[0]) if v.dtype.kind == "i" else float(v[0]) for n, v in st.items()}
             for k, st in r["stats"].items()}
    stats["level_cycles"] = {lv.name: int(c[0]) for lv, c in zip(spec.levels, r["level_cycles"])}
    return cost, stats


def to_cost(problem: Problem, spec: AcceleratorSpec, r: dict, k: int, mapping_text: str, message: str = "") -> Cost:
    """The Cost of candidate `k` of a nest.analyze result: cycles, compute_cycles [cycles], energy_pj [pJ]."""
    cycles = int(r["cycles"][k])
    macs = problem.macs
    return Cost(cycles=cycles, compute_cycles=int(r["compute_cycles"][k]), energy_pj=float(r["energy_pj"][k]),
                utilization=macs / (cycles * spec.mac.instances) if cycles else None, macs=macs,
                mapping=mapping_text, status="ok", message=message)
