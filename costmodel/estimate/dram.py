"""DRAM: energy per bit by DRAM type, the table of Accelergy's CACTI plug-in (``CactiDRAM``), shipped as
``accelergy_dram.csv``; an access of `width` bits costs width x pJ/bit (read = write = update); no leakage
and no area (off chip), as that plug-in says."""
from __future__ import annotations

from ..errors import CostModelError
from . import tables
from .types import ActionEnergies, Estimate

TABLE = "accelergy_dram.csv"
DEFAULT_TYPE = "LPDDR4"


def estimate(width: int, dram_type: str | None = None) -> Estimate:
    kind = dram_type or DEFAULT_TYPE
    per_bit = {r["type"]: r["pj_per_bit"] for r in tables.load(TABLE)[1]}
    if kind not in per_bit:
        raise CostModelError(f"DRAM type {kind!r}: unknown (known: {', '.join(per_bit)})")
    e = per_bit[kind] * width
    return Estimate(ActionEnergies(e, e, e, 0.0), 0.0, f"Accelergy CACTI plug-in DRAM table ({TABLE}), {kind}, "
                                                     f"{per_bit[kind]:g} pJ/bit x {width}b")
