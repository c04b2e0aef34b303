"""TI C64x+ DSP cycle counter (DEff-ARTS, paper 002: Table 1 op cycles, Appendix B counting).

cycles = sum over a layer's operations of (count x cycles per operation), where the operations of
each layer kind come from the spec's ``layer_ops`` table:
  per_mac             once per multiply-accumulate        (conv: N*K*P*Q*(C/G)*R*S)
  per_window_element  once per pooling-window element     (pool: N*K*P*Q*R*S)
  per_output          once per output element             (N*K*P*Q)
No memory model (as in the paper), so compute_cycles == cycles and energy is None. The spec (op-cycle table)
is data: `costmodel.arch.dsp.C64xSpec`.
"""
from __future__ import annotations

from ..arch.dsp import C64xSpec
from ..cost import Cost
from ..workload import Layer


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
