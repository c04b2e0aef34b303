"""Timeloop v1.0's built-in ("pat") model as an estimator: the numbers of `costmodel.loopnest.pat`, unchanged.

v1.0 has one vector-access energy per storage level (read = write = update), no leakage, and no area: its
stats print ``Area: 0.00 mm^2`` for every level (checked against the packaged stats in the tests), so the
area here is 0 and a spec's area comes from the tables (`costmodel.estimate.levels`)."""
from __future__ import annotations

from ..loopnest import pat
from .types import ActionEnergies, Estimate

SOURCE = "Timeloop v1.0 built-in model (pat)"


def storage(entries: int | None, word_bits: int, block_size: int = 1, cluster_size: int = 1,
            dram: bool = False) -> Estimate:
    if dram:
        e = pat.dram_access_energy_pj(word_bits, block_size)
    else:
        e = pat.sram_access_energy_pj(entries or 0, word_bits, block_size, cluster_size)
    return Estimate(ActionEnergies(e, e, e, 0.0), 0.0, SOURCE)


def mac(word_bits: int) -> Estimate:
    e = pat.mac_energy_pj(word_bits)
    return Estimate(ActionEnergies(e, 0.0, 0.0, 0.0), 0.0, SOURCE)
