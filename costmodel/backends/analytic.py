"""Backend ``analytic``: the embedded Timeloop-v1.0-faithful loop-nest model + exact EDP mapper.

evaluate(layer, spec) maps the layer (costmodel.loopnest.mapper.search) and reports the best
mapping's Cost; results are memoised per (layer dims, spec content) in-process. Max pools use the
spec's pool model (ours, not Timeloop's); avg pools are MAC layers mapped like convs.
"""
from __future__ import annotations

import json
from dataclasses import replace

from ..cost import Cost
from ..loopnest import mapper
from ..loopnest.pool import in_passes, max_pool_cost
from ..loopnest.problem import Problem
from ..loopnest.spec import AcceleratorSpec
from ..workload import Layer, ShapedLayer


class AnalyticBackend:
    name = "analytic"
    spec_kind = "accelerator"    # the arch kind it models (checked by costmodel.evaluate.resolve)
    version = "loopnest-4"       # 2: max pool mapped on the PE array (pool.max_model); 3: X/Y split and keep/bypass
    #                              searched when a spec leaves them open, Timeloop's factor resolution; 4: Timeloop's
    #                              conv convention (R, P along W) for asymmetric kernels/strides, problem shapes.
    #                              Bump when the model or mapper semantics change (part of the LUT key)

    def __init__(self):
        self._memo: dict = {}

    def evaluate(self, layer: Layer, spec) -> Cost:
        """Cost of `layer` at its EDP-optimal mapping on `spec`: cycles, compute_cycles [cycles], energy_pj [pJ]."""
        if not isinstance(spec, AcceleratorSpec):
            return Cost(status="not-expressible",
                        message=f"backend 'analytic' models Timeloop-style accelerators; arch "
                                f"{getattr(spec, 'name', spec)!r} is not one (use its default backend)")
        shape = ((layer.shape, layer.bounds, layer.coefficients) if isinstance(layer, ShapedLayer) else
                 (layer.kind, layer.N, layer.C, layer.K, layer.G, layer.R, layer.S, layer.P, layer.Q,
                  layer.Hstride, layer.Wstride, layer.Hdilation, layer.Wdilation))
        key = (*shape, json.dumps(spec.to_dict(), sort_keys=True))
        if key not in self._memo:
            self._memo[key] = (in_passes(layer, spec, lambda one: self._evaluate(one, spec))
                               if layer.kind.startswith("pool-") else self._evaluate(layer, spec))
        return self._memo[key]

    def _evaluate(self, layer: Layer, spec: AcceleratorSpec) -> Cost:
        try:
            if layer.kind == "pool-max" and not isinstance(layer, ShapedLayer):
                return max_pool_cost(layer, spec)
            problem = Problem.from_layer(layer)
            res = mapper.search(problem, spec)
        except Exception as e:   # never raise for a layer: report it
            return Cost(status="failed", message=f"analytic backend: {type(e).__name__}: {e}")
        if res.mapping is None:
            return Cost(status="failed", message=f"{layer.name}: {res.message}")
        macs = problem.replace(**dict(res.covered)).macs      # a partly covered problem: the part mapped
        objective = spec.mapper.get("objective", "edp")
        cost = Cost(cycles=res.cycles, compute_cycles=res.compute_cycles, energy_pj=res.energy_pj,
                    utilization=macs / (res.cycles * spec.mac.instances), macs=macs,
                    mapping=res.mapping.text(" | "), status="ok",
                    message=res.message or f"exact search: {objective}-optimal of {res.evaluated} legal / {res.candidates} mappings")
        if layer.kind == "pool-avg":
            cost = replace(cost, message="avg pool costed as a MAC layer (a conv with constant weights, "
                                         f"{'grouped' if layer.G > 1 else 'dense'}); ours, not Timeloop's: "
                                         "Timeloop v1.0 cannot express pooling")
        return cost
