"""Profile a whole model on a target: per-layer costs, energy by level, the critical path of its DAG.

    import torch
    from costmodel.profiler import profile
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3), torch.nn.ReLU())   # any model; reference ones: nas.zoo
    r = profile(model, torch.randn(1, 3, 224, 224), arch="eyeriss", lut="lut_cache.db")
    r.table            # pandas DataFrame: one row per layer (module path, op, shapes, N C K G R S P Q,
                       # cycles, compute_cycles, energy_pj, utilization, macs, status, start, finish, ...)
    r.totals           # sequential sums; r.max_value / r.critical_path: the DAG's critical path

    profile_onnx("model.onnx", (1, 3, 224, 224), arch="diannao")   # the same from an ONNX file
    profile(model, (1, 3, 224, 224), arch="eyeriss")   # a shape is enough: tracing runs on tensors without data

Transformers too: ``@`` / ``torch.matmul`` / ``bmm``, ``F.scaled_dot_product_attention``,
``nn.MultiheadAttention``, ONNX ``MatMul`` and ``Linear`` on tokens are ``matmul`` rows (`attention`).

Pipeline: front end (torch.fx, else forward hooks; or ONNX) -> `graph.Graph` (torch-free IR of
plain-op `OpQuery`s and data dependencies) -> `cost.cost_graph` (LUT, computed and stored when
missing; networkx DAG; `costmodel.schedule.longest`) -> `ProfileResult` (`report`, `plot`).
This package imports neither torch nor onnx at import time (nor pandas/networkx until a name needs them:
the CLI reads `inputs` limits at start-up).
"""
from __future__ import annotations

__all__ = ["profile", "profile_onnx", "ProfileResult", "Graph", "cost_graph"]


def __getattr__(name: str):
    if name in ("ProfileResult", "cost_graph"):
        from . import cost
        return getattr(cost, name)
    if name == "Graph":
        from .graph import Graph
        return Graph
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _lut(lut):
    if lut is None or hasattr(lut, "get"):
        return lut
    from ..lut import LUT
    return LUT(lut)


def profile(module, example_input, arch="eyeriss", *, lowering: str = "exact", metric: str = "compute_cycles",
            backend: str | None = None, lut=None, tracer: str = "auto", group=None):
    """Cost a torch module on `arch`. `lut`: a `LUT`, a path/URL, or None (compute, store nothing).

    example_input: a tensor, a shape such as (1, 3, 224, 224), or a tuple of them (one per model input);
    only shapes are used (the model is traced on tensors without data, see `trace`).

    tracer: auto (torch.fx, falling back to forward hooks) | fx | hooks; the result says which ran.
    metric: the critical path's metric, compute_cycles (MAC-level, MDARTS's convention) or cycles.
    group: module paths whose layers run as ONE task (one after another) in the schedule.
    """
    from .cost import cost_graph
    from .trace import trace
    return cost_graph(trace(module, example_input, tracer), arch, metric=metric, lowering=lowering, backend=backend,
                      lut=_lut(lut), group=group)


def profile_onnx(path: str, input_shape=None, arch="eyeriss", *, lowering: str = "exact",
                 metric: str = "compute_cycles", backend: str | None = None, lut=None):
    """Cost an ONNX model file on `arch` (input_shape: e.g. (1, 3, 224, 224), a list of shapes for a model
    with several inputs; None = the model's own)."""
    from .cost import cost_graph
    from .onnx_read import read_onnx
    return cost_graph(read_onnx(path, input_shape), arch, metric=metric, lowering=lowering, backend=backend, lut=_lut(lut))
