"""TI C64x+ DSP cycle counter (DEff-ARTS, paper 002: Table 1 op cycles, Appendix B counting).

cycles = sum over a layer's operations of (count x cycles per operation), where the operations of
each layer kind come from the spec's ``layer_ops`` table:
  per_mac             once per multiply-accumulate        (conv: N*K*P*Q*(C/G)*R*S)
  per_window_element  once per pooling-window element     (pool: N*K*P*Q*R*S)
  per_output          once per output element             (N*K*P*Q)
No memory model (as in the paper), so compute_cycles == cycles and energy is None.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..cost import Cost
from .. import presets
from ..errors import CostModelError
from ..validate import number
from ..ops import ALL_OPS
from ..workload import LAYER_KINDS, Layer

COUNTS = ("per_mac", "per_window_element", "per_output")


def _require(data: dict, key: str, source: str):
    if key not in data:
        raise CostModelError(f"{source}: missing key {key!r}")
    return data[key]


@dataclass(frozen=True)
class C64xSpec:
    name: str
    op_cycles: dict
    layer_ops: dict
    op_scale: dict = field(default_factory=dict)
    presets: dict = field(default_factory=dict)
    description: str = ""
    default_backend: str = "c64x"
    kind: str = "dsp"

    @classmethod
    def from_dict(cls, data: dict, source: str = "<spec>") -> "C64xSpec":
        known = {"name", "kind", "default_backend", "description", "op_cycles", "layer_ops", "op_scale", "presets"}
        for key in data:
            if key not in known:
                raise CostModelError(f"{source}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        op_cycles = _require(data, "op_cycles", source)
        if not isinstance(op_cycles, dict) or not op_cycles:
            raise CostModelError(f"{source}: op_cycles must map operation names to cycles")
        for op, cyc in op_cycles.items():
            number(cyc, f"{source}: op_cycles.{op}", minimum=0)
        layer_ops = _require(data, "layer_ops", source)
        if not isinstance(layer_ops, dict):
            raise CostModelError(f"{source}: layer_ops must map layer kinds to counts, e.g. conv: {{per_mac: [mul, add]}}")
        for kind, counts in layer_ops.items():
            if kind not in LAYER_KINDS:
                raise CostModelError(f"{source}: layer_ops.{kind}: unknown layer kind (use {LAYER_KINDS})")
            if not isinstance(counts, dict):
                raise CostModelError(f"{source}: layer_ops.{kind} must map counts {COUNTS} to lists of operations")
            for count, ops in counts.items():
                if count not in COUNTS:
                    raise CostModelError(f"{source}: layer_ops.{kind}.{count}: unknown count (use {COUNTS})")
                if not isinstance(ops, list):
                    raise CostModelError(f"{source}: layer_ops.{kind}.{count} must be a list of operations, got {ops!r}")
                for op in ops:
                    if op not in op_cycles:
                        raise CostModelError(f"{source}: layer_ops.{kind}.{count}: {op!r} is not in op_cycles")
        for kind in LAYER_KINDS:
            if kind not in layer_ops:
                raise CostModelError(f"{source}: layer_ops is missing layer kind {kind!r}")
        op_scale = data.get("op_scale") or {}
        if not isinstance(op_scale, dict):
            raise CostModelError(f"{source}: op_scale must map op names to numbers > 0, got {op_scale!r}")
        for op, v in op_scale.items():
            number(v, f"{source}: op_scale.{op}", minimum=0, exclusive_min=True)
        for op in op_scale:
            if op not in ALL_OPS:
                raise CostModelError(f"{source}: op_scale: unknown op {op!r} (known ops: {', '.join(ALL_OPS)})")
        spec = cls(name=_require(data, "name", source), op_cycles=dict(op_cycles), layer_ops=copy.deepcopy(layer_ops),
                   op_scale=dict(op_scale), presets=presets.check(data.get("presets"), source),
                   description=data.get("description", ""), default_backend=data.get("default_backend", "c64x"))
        presets.check_all(spec)          # a bad preset is reported when the spec loads, not when it is used
        return spec

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "default_backend": self.default_backend,
                "description": self.description, "op_cycles": dict(self.op_cycles),
                "layer_ops": copy.deepcopy(self.layer_ops), "op_scale": dict(self.op_scale),
                "presets": copy.deepcopy(self.presets)}

    def with_preset(self, preset: str) -> "C64xSpec":
        """The spec with a named preset's overrides applied (costmodel.presets); its name becomes ``c64x:PRESET``."""
        return presets.apply(self, preset)

    def cycles_per(self, kind: str, count: str) -> float:
        """Cycles charged to one `count` event (per_mac, ...) of a layer of `kind` [cycles]."""
        return sum(self.op_cycles[op] for op in self.layer_ops[kind].get(count, []))


class C64xBackend:
    name = "c64x"
    version = "2"                # 2: free ops (none, skip) have energy None, not 0
    spec_kind = "dsp"            # the arch kind it models (checked by costmodel.evaluate.resolve)
    models_energy = False        # no energy model: every Cost has energy_pj None

    def evaluate(self, layer: Layer, spec) -> Cost:
        """Cycles of `layer` = sum over counts of (events x cycles per event) [cycles]; no energy model."""
        if not isinstance(spec, C64xSpec):
            return Cost(status="failed", message=f"the c64x backend needs a dsp spec, got arch {spec.name!r}")
        mac = layer.kind == "conv"             # a conv or any MAC problem shape (workload.ShapedLayer)
        window_elements = 0 if mac else layer.N * layer.K * layer.P * layer.Q * layer.R * layer.S
        counts = {"per_mac": layer.macs if mac else 0,
                  "per_window_element": window_elements,
                  "per_output": layer.outputs}
        cycles = sum(n * spec.cycles_per(layer.kind, count) for count, n in counts.items())
        return Cost(cycles=cycles, compute_cycles=cycles, energy_pj=None, utilization=None,
                    macs=layer.macs if layer.kind == "conv" else 0,
                    mapping=f"{layer.kind}: " + ", ".join(f"{n} x {count} ({spec.cycles_per(layer.kind, count):g} cycles)"
                                                      for count, n in counts.items() if n and spec.cycles_per(layer.kind, count)))
