"""OUR max-pool cost model on a Timeloop-style accelerator (Timeloop v1.0 cannot express pooling).

cycles = comparisons / compare_per_cycle, comparisons = one per window element visited
(N*K*P*Q*R*S, e.g. max_pool_3x3 on 16 channels at a 16x16 output: 9*16*16*16 = 36,864 at 1/cycle).
energy = comparisons * compare_energy_pj + (input words + output words) * outermost-level access
energy (each input read once, each output written once). Average pools are MAC layers: the backend
maps them like convs (the Layer's G says grouped or dense).
"""
from __future__ import annotations

import math

from ..cost import Cost
from ..workload import Layer
from .spec import AcceleratorSpec

NOTE = "pool cost from our model (arch spec 'pool'), not Timeloop's: Timeloop v1.0 cannot express pooling"


def max_pool_cost(layer: Layer, spec: AcceleratorSpec) -> Cost:
    """Our max-pool Cost (module docstring): cycles = compute_cycles [cycles], energy_pj [pJ], macs 0."""
    comparisons = layer.macs
    cycles = math.ceil(comparisons / spec.pool.compare_per_cycle)
    h_in = (layer.P - 1) * layer.Hstride + (layer.R - 1) * layer.Hdilation + 1
    w_in = (layer.Q - 1) * layer.Wstride + (layer.S - 1) * layer.Wdilation + 1
    words = layer.N * layer.C * h_in * w_in + layer.outputs
    energy = comparisons * spec.pool.compare_energy_pj + words * spec.levels[0].access_energy_pj
    return Cost(cycles=cycles, compute_cycles=cycles, energy_pj=float(energy),
                utilization=spec.pool.compare_per_cycle / spec.mac.instances, macs=0,
                mapping=f"max pool: {comparisons} comparisons at {spec.pool.compare_per_cycle:g}/cycle",
                status="ok", message=NOTE)
