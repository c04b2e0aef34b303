"""`PoolModel`: the typed parameters of OUR pooling cost model (an AcceleratorSpec's ``pool:`` section)."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import CostModelError
from .fields import _check_keys, _num, _req

MAX_POOL_MODELS = ("pe-array", "serial")


@dataclass(frozen=True)
class PoolModel:
    """OUR pooling cost model (Timeloop v1.0 cannot express pooling; these numbers are not Timeloop's).

    max pool, ``max_model``:
      * ``pe-array`` (the shipped default): the comparisons are mapped onto the PE array like a depthwise
        layer -- the embedded mapper maps the window as a grouped problem (G = C, one window per channel)
        with the conv nest's data movement; each PE has a compare unit doing ``compare_per_cycle``
        comparisons per cycle (1 = the MAC's throughput). See costmodel/loopnest/pool.py.
      * ``serial``: ONE compare unit for the whole array, ``compare_per_cycle`` comparisons per cycle, every
        input and output word moved once from/to the outermost level (used by the fitted paper presets).
    ``compare_energy_pj``: one comparison [pJ]. avg pool: a MAC layer (a conv with constant weights) mapped
    like any conv -- grouped in exact mode, dense in mdarts mode (the Layer's G says which).
    A window larger than the array's constraints admit is costed in passes of sub-windows (pool.in_passes).
    """

    max_model: str                   # "pe-array" | "serial"
    compare_per_cycle: float         # comparisons per cycle of ONE compare unit (pe-array: one unit per PE)
    compare_energy_pj: float         # one comparison [pJ]
    note: str = ""                   # the assumptions and their sources

    @classmethod
    def from_dict(cls, d, where):
        _check_keys(d, {"max_model", "compare_per_cycle", "compare_energy_pj", "note"}, where)
        model = str(_req(d, "max_model", where))
        if model not in MAX_POOL_MODELS:
            raise CostModelError(f"{where}: key 'max_model' must be one of {', '.join(MAX_POOL_MODELS)}, got {model!r}")
        return cls(model, _num(d, "compare_per_cycle", where, kind=float, minimum=1e-12),
                   _num(d, "compare_energy_pj", where, kind=float, minimum=0), str(d.get("note", "")))

    def to_dict(self):
        return {"max_model": self.max_model, "compare_per_cycle": self.compare_per_cycle,
                "compare_energy_pj": self.compare_energy_pj, "note": self.note}
