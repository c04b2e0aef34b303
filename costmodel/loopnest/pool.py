"""OUR max-pool cost model on a Timeloop-style accelerator (Timeloop v1.0 cannot express pooling).

The spec's ``pool.max_model`` picks one (assumptions and sources are written in each arch spec):

``pe-array`` (default): a max pool is a depthwise window op, so it is mapped onto the PE array like a
  depthwise layer. The embedded mapper maps the window as the grouped problem (G = C, one window per
  channel: N G P Q R S, C = K = 1 per group) with the conv nest's data movement (Inputs slide through the
  same buffers, the running maximum is the Outputs partial sum). Each PE's compare unit does
  ``compare_per_cycle`` comparisons per cycle (1 = the MAC's throughput):
    compute_cycles = ceil(nest temporal iterations / compare_per_cycle)
    cycles         = max(compute_cycles, the nest's bandwidth-throttled cycles)
    energy_pj      = the nest's Inputs + Outputs accesses at the mapping (a compare has no weight
                     operand: the nest's Weights accesses are dropped) + comparisons x compare_energy_pj
  comparisons = one per window element visited (N*C*P*Q*R*S), as the nest's MACs.
``serial``: ONE compare unit for the whole array (used only by the fitted paper presets):
    cycles = compute_cycles = ceil(comparisons / compare_per_cycle)
    energy_pj = comparisons x compare_energy_pj + (input words + output words) x outermost-level access energy
Average pools are MAC layers: the backend maps them like convs (the Layer's G says grouped or dense).

Windows larger than the array's constraints admit (`in_passes`; e.g. Eyeriss keeps a whole window row
in a 12-entry input register file, so a 13x13 or a 16x16 global pool has no legal mapping): a pool is a
reduction over its window, so the window is split into passes -- R and S cut into the fewest near-equal
chunks (fewest passes first, R before S) whose sub-windows all map -- each pass costed as the same
pool with the sub-window (same outputs, strides, dilation; max or sum), the passes run one after
another, and every pass after the first also reads the partial outputs back from the outermost level
(the running max / sum) and writes them again:
    cycles, compute_cycles, energy_pj, comparisons / MACs = the passes' sums
    + (passes - 1) x ceil(outputs / block) x outermost-level access energy   (reads of the partial outputs)
A window that maps whole is costed whole (the 3x3 DARTS pools never split). A window no split maps (not
even 1x1 passes) keeps the whole window's failure.
"""
from __future__ import annotations

import math
from dataclasses import replace

from ..cost import Cost, sum_costs
from ..workload import Layer
from . import mapper, model
from .problem import Problem
from .spec import AcceleratorSpec

NOTE = "pool cost from our model (arch spec 'pool'), not Timeloop's: Timeloop v1.0 cannot express pooling"


def window_problem(layer: Layer) -> Problem:
    """The max pool's windows as Timeloop's grouped problem: one group per channel (G = C, C = K = 1)."""
    return Problem.from_layer(replace(layer, kind="pool-avg", G=layer.C))


COMPARE = "compare"   # the key of the comparisons' energy in `energy_by_level`


def energy_by_level(layer: Layer, spec: AcceleratorSpec, mapping=None) -> dict:
    """{level name: pJ, ..., "compare": pJ} of a max pool (module docstring). pe-array: at `mapping` (a
    Mapping or map.txt text of the window problem), the nest's accesses without the Weights data space;
    serial: the outermost level's words and the comparisons."""
    comparisons = layer.N * layer.C * layer.P * layer.Q * layer.R * layer.S
    out = {lv.name: 0.0 for lv in spec.levels}
    if spec.pool.max_model == "serial":
        h_in = (layer.Q - 1) * layer.Hstride + (layer.S - 1) * layer.Hdilation + 1
        w_in = (layer.P - 1) * layer.Wstride + (layer.R - 1) * layer.Wdilation + 1
        out[spec.levels[0].name] = (layer.N * layer.C * h_in * w_in + layer.outputs) * spec.levels[0].access_energy_pj
    else:
        _, stats = model.evaluate(window_problem(layer), spec, mapping, detail=True)
        for key, st in stats.items():
            if isinstance(key, tuple) and key[1] != "Weights":   # a compare has no weight operand
                out[key[0]] += st["energy_pj"]
    out[COMPARE] = comparisons * spec.pool.compare_energy_pj
    return out


def max_pool_cost(layer: Layer, spec: AcceleratorSpec) -> Cost:
    """Our max-pool Cost (module docstring): cycles, compute_cycles [cycles], energy_pj [pJ], macs 0."""
    pool = spec.pool
    if pool is None:
        return Cost(status="not-expressible",
                    message=f"arch {spec.name!r} has no 'pool' section: max pooling is not modelled on it (a Timeloop "
                            f"config has none: write the arch as our YAML with one, README 'Your own accelerator')")
    note = NOTE + (f"; {pool.note}" if pool.note else "")
    if pool.max_model == "serial":
        return _serial(layer, spec, note)
    problem = window_problem(layer)
    res = mapper.search(problem, spec)
    if res.mapping is None:
        return Cost(status="failed", message=f"{layer.name}: {res.message}")
    nest = model.evaluate(problem, spec, res.mapping)
    comparisons = problem.macs
    compute = math.ceil(nest.compute_cycles / pool.compare_per_cycle)
    cycles = max(compute, nest.cycles)
    return Cost(cycles=cycles, compute_cycles=compute,
                energy_pj=float(sum(energy_by_level(layer, spec, res.mapping).values())),
                utilization=comparisons / (cycles * spec.mac.instances * pool.compare_per_cycle), macs=0,
                mapping=res.mapping.text(" | "),
                status="ok", message=f"max pool on the PE array: {comparisons} comparisons at "
                                     f"{pool.compare_per_cycle:g}/cycle per PE, EDP-optimal window mapping; {note}")


def _serial(layer: Layer, spec: AcceleratorSpec, note: str) -> Cost:
    comparisons = layer.N * layer.C * layer.P * layer.Q * layer.R * layer.S
    cycles = math.ceil(comparisons / spec.pool.compare_per_cycle)
    return Cost(cycles=cycles, compute_cycles=cycles, energy_pj=float(sum(energy_by_level(layer, spec).values())),
                utilization=spec.pool.compare_per_cycle / spec.mac.instances, macs=0,
                mapping=f"max pool: {comparisons} comparisons at {spec.pool.compare_per_cycle:g}/cycle on one unit",
                status="ok", message=note)


def _chunks(n: int, parts: int) -> tuple:
    """`n` cut into `parts` near-equal positive chunks, largest first."""
    return tuple(n // parts + (i < n % parts) for i in range(parts))


def in_passes(layer: Layer, spec: AcceleratorSpec, cost_of) -> Cost:
    """The pool's Cost (module docstring: windows larger than the array admits are split into passes);
    `cost_of(layer) -> Cost` costs one whole window (memoised by the caller)."""
    whole = cost_of(layer)
    if whole.ok or whole.status != "failed" or layer.R * layer.S == 1:
        return whole
    splits = sorted(((a, b) for a in range(1, layer.R + 1) for b in range(1, layer.S + 1) if a * b > 1),
                    key=lambda ab: (ab[0] * ab[1], -ab[0]))
    for a, b in splits:
        windows = [(r, s) for r in _chunks(layer.R, a) for s in _chunks(layer.S, b)]
        parts = [cost_of(replace(layer, name=f"{layer.name}[pass {r}x{s}]", R=r, S=s)) for r, s in windows]
        if all(c.ok for c in parts):
            return _combined(layer, spec, whole, parts, windows, (a, b))
    return whole


def _combined(layer: Layer, spec: AcceleratorSpec, whole: Cost, parts: list, windows: list, split: tuple) -> Cost:
    """The passes' Cost: sums, plus the partial outputs' reads from the outermost level (module docstring)."""
    total = sum_costs(parts, [f"pass {i + 1}: {r}x{s}" for i, (r, s) in enumerate(windows)])
    n, outer = len(parts), spec.levels[0]
    extra = (n - 1) * -(-(layer.N * layer.K * layer.P * layer.Q) // outer.block_size) * outer.access_energy_pj
    return replace(total, energy_pj=None if total.energy_pj is None else total.energy_pj + extra,
                   status="ok", message=f"{layer.R}x{layer.S} window in {n} passes ({split[0]} x {split[1]} "
                   f"sub-windows; the whole window has no legal mapping: {whole.message}); partial outputs "
                   f"re-read from the outermost level between passes; pass 1: {parts[0].message}")
