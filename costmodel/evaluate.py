"""The one-way pipeline: op + shape -> layers -> backend -> Cost (-> LUT row).

`evaluate_op` is what the scheduler, the NAS layer and the CLI call. With a `LUT` it returns
the cached row when there is one and stores what it computes (one atomic write per op).
"""
from __future__ import annotations

import time
from dataclasses import replace

from .arch.registry import load_arch
from .backends import get_backend
from .cost import Cost, sum_costs
from .errors import CostModelError
from .ops import OpQuery, lower, op_params


def resolve(arch, backend=None):
    """(spec, backend object) from an arch name/path/spec and an optional backend name.

    A backend that cannot model the arch's kind is a user error (CostModelError), not a failed LUT row."""
    spec = load_arch(arch) if isinstance(arch, str) else arch
    be = get_backend(backend or spec.default_backend)
    kind = getattr(be, "spec_kind", None)
    if kind is not None and getattr(spec, "kind", None) != kind:
        raise CostModelError(f"backend {be.name!r} models archs of kind {kind!r}; arch {spec.name!r} is of kind "
                             f"{getattr(spec, 'kind', None)!r} (use its default backend {spec.default_backend!r})")
    return spec, be


def evaluate_layers(query: OpQuery, spec, backend, lowering: str = "exact") -> Cost:
    """Cost of one op = sum of its layers' costs, scaled by the spec's op scale (a paper preset), if any."""
    layers = lower(query, lowering)
    if not layers:
        energy = 0.0 if getattr(backend, "models_energy", True) else None  # a free op costs no energy, if energy is modelled
        return Cost(cycles=0, compute_cycles=0, energy_pj=energy, utilization=None, macs=0, mapping="{}")
    cost = sum_costs([backend.evaluate(layer, spec) for layer in layers], [l.name for l in layers])
    scale = getattr(spec, "op_scale", {}).get(query.op, 1)
    if scale != 1 and cost.ok:
        cost = replace(cost, cycles=cost.cycles * scale, compute_cycles=cost.compute_cycles * scale,
                       energy_pj=None if cost.energy_pj is None else cost.energy_pj * scale)
    return cost


def evaluate_op(arch, query: OpQuery, *, lowering: str = "exact", backend: str | None = None, lut=None) -> Cost:
    """Cost of `query` on `arch` (name, path or spec). Cached in `lut` (a `costmodel.lut.LUT`) if given."""
    spec, be = resolve(arch, backend)
    q = query.resolved()
    if lut is not None:
        hit = lut.get(spec, be, lowering, q)
        if hit is not None:
            return hit
    t0 = time.perf_counter()
    cost = evaluate_layers(q, spec, be, lowering)
    if lut is not None:
        lut.put(spec, be, lowering, q, cost, params=op_params(q, lowering), wall_s=time.perf_counter() - t0)
    return cost
