"""Integer MAC of a given width: the Accelergy Library plug-in's Aladdin adder + multiplier (one MACC = one
adder read + one multiplier read, as the timeloop-accelergy exercises' ``intmac`` class composes it), from the
shipped table ``accelergy_library.csv``; log-log in the width between table points (the multiplier grows ~
quadratically), linear in the node (log-log outside 22-90 nm)."""
from __future__ import annotations

from . import regfile
from .types import ActionEnergies, Estimate


def estimate(width: int, node: float, cycle_seconds: float = 1e-9) -> Estimate:
    """One MAC unit of `width`-bit operands: energy of one MACC (as read; write/update 0) [pJ], leakage per
    cycle [pJ], area [mm^2]."""
    e, _, leak, area_um2 = regfile.interp("intmac", node, width, log_width=True)
    return Estimate(ActionEnergies(e, 0.0, 0.0, leak * cycle_seconds / 1e-9), area_um2 * 1e-6,
                    f"Accelergy Library plug-in table ({regfile.TABLE}), intmac {width}b, {node:g}nm")
