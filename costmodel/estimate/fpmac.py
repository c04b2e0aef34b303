"""Floating-point MAC: the Accelergy Aladdin plug-in's fpadder + fpmultiplier, from the shipped table
``accelergy_aladdin_fpmac.csv`` (generated once by the real plug-in; see its header). The plug-in has data at
40/45 nm only: other nodes get the 45 nm numbers, said in the source (not scaled). Between formats: log-log in
the total bits (exponent + mantissa); the cycle-time row nearest the given cycle (1 ns or 5 ns)."""
from __future__ import annotations

from . import tables
from .types import ActionEnergies, Estimate

TABLE = "accelergy_aladdin_fpmac.csv"


def estimate(exponent: int, mantissa: int, node: float, cycle_seconds: float = 1e-9) -> Estimate:
    rows = tables.load(TABLE)[1]
    cyc = min({r["global_cycle_seconds"] for r in rows}, key=lambda c: abs(c - cycle_seconds))
    by_bits = {}
    for r in rows:
        if r["global_cycle_seconds"] == cyc:
            by_bits.setdefault(r["exponent"] + r["mantissa"], r)
    bits = exponent + mantissa
    b0, b1 = tables.bracket(sorted(by_bits), bits)
    e, leak, area = (tables.lerp(bits, b0, b1, by_bits[b0][f], by_bits[b1][f], log=True)
                     for f in ("compute_pj", "leak_pj_per_cycle", "area_um2"))
    note = "" if node in (40, 45) else f"; 45nm data (the plug-in has no {node:g}nm: not scaled)"
    return Estimate(ActionEnergies(e, 0.0, 0.0, leak * cycle_seconds / cyc), area * 1e-6,
                    f"Accelergy Aladdin plug-in table ({TABLE}), fpmac e{exponent}m{mantissa}, {cyc * 1e9:g} ns rows{note}")
