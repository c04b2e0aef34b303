"""The one per-op cost cache (scheduler and `nas/`): a `CostTable` maps a task key ``(op, c_in, c_out, h,
stride)`` or an `OpQuery` to a `Cost`.

Two ways to fill it:
  * ``CostTable.from_arch(arch, lowering=..., backend=..., lut=...)``: every key is evaluated once
    through `costmodel.evaluate.evaluate_op` (so through the LUT when one is given: a hit is read,
    a miss is computed by the backend and stored) and memoised in a dict;
  * ``CostTable.from_values({op: cycles | Cost})``: injected per-op costs, shape-independent (hand
    checks, tests, a published per-op table).
The scheduler never calls a backend itself; lookups after the first are one dict access.
"""
from __future__ import annotations

import math

from ..cost import Cost
from ..errors import CostModelError
from ..ops import OpQuery

METRICS = {"compute_cycles": "compute cycles (MAC-level)",
           "cycles": "cycles (total, bandwidth-throttled)",
           "energy": "energy [pJ]"}
ENERGY = ("energy", "energy_pj")   # the scheduler's name, the Cost field's (nas/) name
FREE = Cost(cycles=0, compute_cycles=0, energy_pj=0.0, mapping="free")


def metric_value(cost: Cost, metric: str) -> float:
    if metric == "compute_cycles":
        return cost.compute_cycles
    if metric == "cycles":
        return cost.cycles
    if metric in ENERGY:
        if cost.energy_pj is None:
            raise CostModelError("this arch has no energy model (energy_pj is empty); use the metric compute_cycles "
                                 "or cycles")
        return cost.energy_pj
    raise CostModelError(f"unknown metric {metric!r} (use one of {', '.join(METRICS)})")


def key_query(key) -> OpQuery:
    """The OpQuery of a task key (square maps, batch 1), or the key itself if it is an OpQuery."""
    if isinstance(key, OpQuery):
        return key
    op, c_in, c_out, h, stride = key
    return OpQuery(op, c_in, h, c_out=c_out, stride=stride)


class CostTable:
    """key -> Cost, memoised. Build with `from_arch` or `from_values`."""

    def __init__(self, lookup, description: str, spec=None, backend=None, lowering: str | None = None):
        self._lookup = lookup
        self._costs: dict = {}
        self._values: dict = {}
        self.description = description
        self.spec, self.backend, self.lowering = spec, backend, lowering

    @classmethod
    def from_arch(cls, arch, lowering: str = "exact", backend: str | None = None, lut=None) -> "CostTable":
        from ..evaluate import evaluate_op, resolve
        spec, be = resolve(arch, backend)

        def lookup(key):
            return evaluate_op(spec, key_query(key), lowering=lowering, backend=be.name, lut=lut)
        url = str(getattr(lut, "url", lut))
        src = "LUT " + url.removeprefix("sqlite:///") if lut is not None else "computed now"
        return cls(lookup, f"{spec.name} via backend {be.name} v{be.version}, lowering {lowering} ({src})",
                   spec, be, lowering)

    @classmethod
    def from_values(cls, values: dict, description: str = "injected per-op costs") -> "CostTable":
        """Per-op costs regardless of shape: {op: number (all cycle metrics) or Cost}."""
        table = {}
        for op, v in values.items():
            if isinstance(v, Cost):
                table[op] = v
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0:
                table[op] = Cost(cycles=v, compute_cycles=v, energy_pj=None)
            else:
                raise CostModelError(f"cost of {op!r} must be a Cost or a finite non-negative number, got {v!r}")

        def lookup(key):
            if key[0] not in table:
                raise CostModelError(f"no injected cost for op {key[0]!r} (have: {', '.join(table)})")
            return table[key[0]]
        return cls(lookup, description)

    def provenance(self, ops) -> list[str]:
        """Which of the numbers are Timeloop's (or the Timeloop-faithful model's) and which are our models."""
        spec, ops = self.spec, set(ops)
        if spec is None:
            return []
        pool = getattr(spec, "pool", None)     # None on an accelerator read from a Timeloop config: no max pool
        if getattr(spec, "kind", None) != "accelerator":  # an op-count target (C64x+): one formula family for every op
            return [f"every op: operation counts x cycles per operation from the {spec.name} spec (no Timeloop)"]
        notes = [f"conv layers: the {self.backend.name} backend's loop-nest model of {spec.name} (Timeloop's numbers "
                 f"where it is faithful to Timeloop)"]
        if "max_pool_3x3" in ops and pool is not None:
            how = (f"mapped on the PE array like a depthwise layer, {pool.compare_per_cycle:g} comparison(s) per cycle "
                   f"per PE" if pool.max_model == "pe-array" else
                   f"{pool.compare_per_cycle:g} comparison(s) per cycle on ONE unit")
            notes.append(f"max_pool_3x3: OUR model, not Timeloop's (v1.0 cannot express max pooling): {how} "
                         f"(arch spec `pool:`{'; ' + pool.note if pool.max_model == 'serial' else ''})")
        if "avg_pool_3x3" in ops:
            notes.append("avg_pool_3x3: a conv with constant 1/k^2 weights (" +
                         ("dense, the mdarts encoding" if self.lowering == "mdarts" else "depthwise") +
                         "), costed like any conv layer")
        return notes

    def cost(self, key: tuple | None) -> Cost:
        if key is None:
            return FREE
        hit = self._costs.get(key)
        if hit is None:
            hit = self._lookup(key)
            if not hit.ok:
                q = key_query(key)
                raise CostModelError(f"cannot cost {q.op} (C_in={q.c_in}, C_out={q.c_out}, {q.h}x{q.w or q.h}, stride "
                                     f"{q.stride}) on {self.description}: {hit.status}: {hit.message}")
            self._costs[key] = hit
        return hit

    def value(self, key: tuple | None, metric: str) -> float:
        """The metric of one task (memoised per (key, metric))."""
        v = self._values.get((key, metric))
        if v is None:
            v = 0.0 if key is None else float(metric_value(self.cost(key), metric))
            self._values[(key, metric)] = v
        return v
