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
"""
from __future__ import annotations

import math
from dataclasses import replace

from ..cost import Cost
from ..workload import Layer
from . import mapper, model
from .problem import Problem
from .spec import AcceleratorSpec

NOTE = "pool cost from our model (arch spec 'pool'), not Timeloop's: Timeloop v1.0 cannot express pooling"


def window_problem(layer: Layer) -> Problem:
    """The max pool's windows as Timeloop's grouped problem: one group per channel (G = C, C = K = 1)."""
    return Problem.from_layer(replace(layer, kind="pool-avg", G=layer.C))


def max_pool_cost(layer: Layer, spec: AcceleratorSpec) -> Cost:
    """Our max-pool Cost (module docstring): cycles, compute_cycles [cycles], energy_pj [pJ], macs 0."""
    pool = spec.pool
    if pool is None:
        return Cost(status="not-expressible", message=f"arch {spec.name!r} has no 'pool' section: max pooling "
                                                      f"is not modelled on it")
    note = NOTE + (f"; {pool.note}" if pool.note else "")
    if pool.max_model == "serial":
        return _serial(layer, spec, note)
    problem = window_problem(layer)
    res = mapper.search(problem, spec)
    if res.mapping is None:
        return Cost(status="failed", message=f"{layer.name}: {res.message}")
    nest, stats = model.evaluate(problem, spec, res.mapping, detail=True)
    weights = sum(stats[(lv.name, "Weights")]["energy_pj"] for lv in spec.levels if "Weights" in lv.keep)
    comparisons = problem.macs
    energy = nest.energy_pj - weights - comparisons * spec.mac.energy_pj + comparisons * pool.compare_energy_pj
    compute = math.ceil(nest.compute_cycles / pool.compare_per_cycle)
    cycles = max(compute, nest.cycles)
    return Cost(cycles=cycles, compute_cycles=compute, energy_pj=float(energy),
                utilization=comparisons / (cycles * spec.mac.instances * pool.compare_per_cycle), macs=0,
                mapping=res.mapping.text(" | "),
                status="ok", message=f"max pool on the PE array: {comparisons} comparisons at "
                                     f"{pool.compare_per_cycle:g}/cycle per PE, EDP-optimal window mapping; {note}")


def _serial(layer: Layer, spec: AcceleratorSpec, note: str) -> Cost:
    comparisons = layer.N * layer.C * layer.P * layer.Q * layer.R * layer.S
    cycles = math.ceil(comparisons / spec.pool.compare_per_cycle)
    h_in = (layer.P - 1) * layer.Hstride + (layer.R - 1) * layer.Hdilation + 1
    w_in = (layer.Q - 1) * layer.Wstride + (layer.S - 1) * layer.Wdilation + 1
    words = layer.N * layer.C * h_in * w_in + layer.outputs
    energy = comparisons * spec.pool.compare_energy_pj + words * spec.levels[0].access_energy_pj
    return Cost(cycles=cycles, compute_cycles=cycles, energy_pj=float(energy),
                utilization=spec.pool.compare_per_cycle / spec.mac.instances, macs=0,
                mapping=f"max pool: {comparisons} comparisons at {spec.pool.compare_per_cycle:g}/cycle on one unit",
                status="ok", message=note)
