"""Timeloop v1.0's built-in energy model (``pat``), for reading a v1.0 config that carries no energies.

A Timeloop v1.0 config without an ERT is costed by pat (pat-public/src/pat/pat.cpp, model/buffer.cpp):

  SRAM / regfile  V = y * width / 16 / cluster_size  [pJ per vector (block) access; read = fill = update]
                  width = word_bits * block_size * cluster_size [bits], height = ceil(entries / block_size),
                  x = width * height / 8192 [KB], y = 1 + (6 - 1) / (100 - 0.5) * (x - 0.5)
                  (a line through Eyeriss' 0.5 KB -> 1.0 and 100 KB -> 6.0 points)
  entries 0       V = 0 (a level that only routes data)
  DRAM            V = 200 * word_bits * block_size / 16
  MAC             1.0 * (word_bits / 16)^2 [pJ per MACC]

An explicit ``vector-access-energy`` attribute overrides V (as in v1.0). The arithmetic order follows the
C++ so the doubles are the same.
"""
from __future__ import annotations


def sram_energy_pj(entries: int, word_bits: int, block_size: int = 1, cluster_size: int = 1) -> float:
    """pat's vector access energy of an SRAM / regfile level [pJ] (0 for a 0-entry level)."""
    if not entries:
        return 0.0
    width = word_bits * block_size * cluster_size
    height = entries // block_size + (1 if entries % block_size else 0)
    m = (6.0 - 1.0) / (100.0 - 0.5)
    x = float(width * height) / (8 * 1024)
    y = m * (x - 0.5) + 1.0
    return (y * width) / 16 / cluster_size


def dram_energy_pj(word_bits: int, block_size: int = 1) -> float:
    """pat's DRAM vector access energy [pJ]."""
    return (200.0 * (word_bits * block_size)) / 16


def mac_energy_pj(word_bits: int) -> float:
    """pat's multiplier energy for a word_bits x word_bits MACC [pJ]."""
    return 1.0 * (float(word_bits) / 16.0) * (float(word_bits) / 16.0)


def level_energy_pj(technology: str, entries, word_bits: int, block_size: int = 1, cluster_size: int = 1) -> float:
    """pat's V for a storage level of `technology` ("DRAM" or "SRAM")."""
    if technology == "DRAM":
        return dram_energy_pj(word_bits, block_size)
    return sram_energy_pj(entries, word_bits, block_size, cluster_size)
