"""Hardware cost models for NAS: op + shape -> layers -> backend -> Cost -> LUT row.

Public API::

    from costmodel import OpQuery, evaluate_op, LUT, load_arch, list_archs, CostModelError
    costmodel.profile(module, example_input, arch=...)   # a whole torch model (costmodel.profiler)
"""
from .arch import list_archs, load_arch
from .cost import Cost
from .errors import CostModelError
from .evaluate import evaluate_op
from .lut import LUT
from .ops import OpQuery, lower


def profile(module, example_input, arch="eyeriss", **kwargs):
    """Per-layer costs and critical path of a torch module: `costmodel.profiler.profile` (imported on call)."""
    from .profiler import profile as run
    return run(module, example_input, arch, **kwargs)


__all__ = ["Cost", "CostModelError", "LUT", "OpQuery", "evaluate_op", "list_archs", "load_arch", "lower", "profile"]
__version__ = "0.1.0"
