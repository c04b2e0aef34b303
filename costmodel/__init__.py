"""Hardware cost models for NAS: op + shape -> layers -> backend -> Cost -> LUT row.

Public API::

    from costmodel import OpQuery, evaluate_op, LUT, load_arch, list_archs, CostModelError
"""
from .arch import list_archs, load_arch
from .cost import Cost
from .errors import CostModelError
from .evaluate import evaluate_op
from .lut import LUT
from .ops import OpQuery, lower

__all__ = ["Cost", "CostModelError", "LUT", "OpQuery", "evaluate_op", "list_archs", "load_arch", "lower"]
__version__ = "0.1.0"
