"""Hardware cost models for NAS: op + shape -> layers -> backend -> Cost -> LUT row.

Public API::

    from costmodel import OpQuery, evaluate_op, LUT, load_arch, list_archs, CostModelError
    costmodel.profile(module, example_input, arch=...)   # a whole torch model (costmodel.profiler)

The names are imported on first use (PEP 562), so ``import costmodel`` and ``costmodel --help``
stay fast: pandas and SQLAlchemy load only when a LUT is opened.
"""
from .lazy import exports

__version__ = "0.1.0"
_EXPORTS = {"Cost": "cost", "CostModelError": "errors", "LUT": "lut", "OpQuery": "ops", "evaluate_op": "evaluate",
            "list_archs": "arch.registry", "load_arch": "arch.registry", "lower": "ops"}
__all__ = sorted([*_EXPORTS, "profile"])


def profile(module, example_input, arch="eyeriss", **kwargs):
    """Per-layer costs and critical path of a torch module: `costmodel.profiler.profile` (imported on call)."""
    from .profiler import profile as run
    return run(module, example_input, arch, **kwargs)


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
