"""Timeloop v1.0's built-in per-access energy model ("pat"), used when a config gives no ERT.

Timeloop v1.0 (NVlabs/timeloop tag v1.0, commit 9f9b713) without Accelergy prices every access with
the tiny model in ``pat-public/src/pat/pat.cpp``, fed by the level attributes that
``src/model/buffer.cpp`` (``BufferLevel::ParseSpecs``) and ``src/model/arithmetic.cpp``
(``ArithmeticUnits::ParseSpecs``) read. The rules, restated (this module is our own code):

* one number per storage level, the **vector access energy** [pJ]: one access of a block of
  ``block_size`` words; read, fill and update cost the same;
* SRAM (every level that is not DRAM, whatever its class, e.g. ``regfile``, or its technology, e.g.
  ``40nm``): a line through two Eyeriss points, 0.5 KB -> 1.0 and 100 KB -> 6.0 (per 16-bit access),
  evaluated at the capacity of the whole cluster and scaled by the access width, then shared by the
  ``cluster_size`` instances of a cluster (`sram_access_energy_pj`); a level of 0 entries costs 0;
* DRAM: 200 pJ per 16 bits of a block, whatever its size (`dram_access_energy_pj`);
* MAC: 1 pJ x (word_bits/16)^2 per MACC (`mac_energy_pj`);
* ports, banks and the process node do not change any number in v1.0 (``SRAMEnergy`` ignores them);
  wires, adders and address generators cost 0 there, so networks and reductions cost 0.

How Timeloop then charges a data space at a level (``BufferLevel::ComputeBufferEnergy``, for the
model, not computed here): ``ceil(per-instance (reads + fills + updates) / block_size) x vector
access energy x utilized clusters``, utilized clusters = min(utilized instances, instances /
cluster_size).
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import CostModelError

DEFAULT_WORD_BITS = 16          # v1.0's kDefaultWordBits (buffer.hpp, arithmetic.hpp) [bits]

# pat.cpp SRAMEnergy: the two Eyeriss data points [KB of capacity -> energy units of one 16-bit access]
_KB0, _E0 = 0.5, 1.0
_KB1, _E1 = 100.0, 6.0
_DRAM_PJ_PER_16_BITS = 200.0    # pat.cpp DRAMEnergy [pJ per 16 bits accessed]
_MAC_PJ_16x16 = 1.0             # pat.cpp MultiplierEnergy [pJ for a 16 x 16-bit multiply]


def _positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CostModelError(f"{what} must be a positive whole number, got {value!r}")
    return value


def sram_access_energy_pj(entries: int, word_bits: int = DEFAULT_WORD_BITS, block_size: int = 1,
                          cluster_size: int = 1) -> float:
    """Vector access energy [pJ] of an SRAM level of `entries` words (per instance) of `word_bits` bits,
    accessed `block_size` words at a time, `cluster_size` instances sharing one physical array.

    Source: pat.cpp ``SRAMEnergy(height, width)`` called from buffer.cpp ``BufferLevel::ParseSpecs``
    with width = word_bits x block_size x cluster_size [bits], height = ceil(entries / block_size)
    [rows], the result divided by cluster_size. Capacity x = width x height / 8192 [KB]; energy of one
    16-bit access y = 1 + (6 - 1) / (100 - 0.5) x (x - 0.5); access energy = y x width / 16.
    0 entries -> 0 pJ (buffer.cpp: a level of size 0, e.g. Eyeriss' DummyBuffer, costs nothing).
    """
    if isinstance(entries, bool) or not isinstance(entries, int) or entries < 0:
        raise CostModelError(f"SRAM entries must be a whole number >= 0, got {entries!r}")
    word_bits = _positive_int(word_bits, "word-bits")
    block_size = _positive_int(block_size, "block-size")
    cluster_size = _positive_int(cluster_size, "cluster-size")
    if entries == 0:
        return 0.0
    width = word_bits * block_size * cluster_size
    height = -(-entries // block_size)
    slope = (_E1 - _E0) / (_KB1 - _KB0)
    kb = float(width * height) / (8 * 1024)
    per_16_bits = slope * (kb - _KB0) + _E0
    return (per_16_bits * width) / 16 / cluster_size


def dram_access_energy_pj(word_bits: int = DEFAULT_WORD_BITS, block_size: int = 1) -> float:
    """Vector access energy [pJ] of a DRAM level: 200 pJ per 16 bits of the block accessed.

    Source: pat.cpp ``DRAMEnergy(width)``, width = word_bits x block_size (buffer.cpp ``ParseSpecs``).
    """
    width = _positive_int(word_bits, "word-bits") * _positive_int(block_size, "block-size")
    return (_DRAM_PJ_PER_16_BITS * width) / 16


def mac_energy_pj(word_bits: int = DEFAULT_WORD_BITS) -> float:
    """Energy of one MACC [pJ] of a `word_bits` x `word_bits` multiplier: 1 pJ x (word_bits / 16)^2.

    Source: pat.cpp ``MultiplierEnergy(bits, bits)`` (arithmetic.cpp ``ArithmeticUnits::ParseSpecs``).
    """
    bits = _positive_int(word_bits, "word-bits")
    return _MAC_PJ_16x16 * (bits / 16.0) * (bits / 16.0)


def _first(attrs: Mapping, keys, where: str):
    for k in keys:
        if k in attrs:
            return _positive_int(attrs[k], f"{where}: '{k}'")
    return None


def _flat(level: Mapping) -> tuple[Mapping, str]:
    """(attributes, class name) of a v1.0 flat level or a v0.2 tree level (``class`` + ``attributes``)."""
    if "attributes" in level:
        return level["attributes"], str(level.get("class", ""))
    return level, ""


def storage_access_energy_pj(level: Mapping) -> float:
    """Vector access energy [pJ] of one storage level given as Timeloop v1.0 writes it: a flat v1.0
    ``storage`` entry or a v0.2 ``local`` entry (``class`` + ``attributes``), with the attribute
    names (and aliases) v1.0 reads in buffer.cpp ``BufferLevel::ParseSpecs``:

    word-bits | word_width | datawidth [bits, default 16]; block-size | n_words [words, default 1];
    cluster-size, else width / (word-bits x block-size) [instances, default 1];
    entries [words] | depth | memory_depth [blocks] | sizeKB [KB -> sizeKB x 8192 // word-bits words];
    DRAM if ``class: DRAM`` or ``technology: DRAM``, else SRAM;
    ``vector-access-energy`` [pJ] overrides the model.
    """
    attrs, cls = _flat(level)
    where = f"storage level {level.get('name', '?')!r}"
    word_bits = _first(attrs, ("word-bits", "word_width", "datawidth"), where) or DEFAULT_WORD_BITS
    block = _first(attrs, ("block-size", "n_words"), where) or 1
    cluster = _first(attrs, ("cluster-size",), where)
    if cluster is None and "width" in attrs:
        width = _positive_int(attrs["width"], f"{where}: 'width'")
        if width % (word_bits * block):
            raise CostModelError(f"{where}: 'width' {width} is not a multiple of word-bits x block-size "
                                 f"= {word_bits * block}")
        cluster = width // (word_bits * block)
    cluster = cluster or 1
    if "vector-access-energy" in attrs:
        energy = attrs["vector-access-energy"]
        if isinstance(energy, bool) or not isinstance(energy, (int, float)) or not energy >= 0:
            raise CostModelError(f"{where}: 'vector-access-energy' must be a number of pJ >= 0, got {energy!r}")
        return float(energy)
    if cls == "DRAM" or attrs.get("technology") == "DRAM":
        if cluster != 1:
            raise CostModelError(f"{where}: a DRAM level cannot have a cluster size ({cluster}); "
                                 f"Timeloop v1.0 requires 1")
        return dram_access_energy_pj(word_bits, block)
    return sram_access_energy_pj(_entries(attrs, word_bits, block, where), word_bits, block, cluster)


def _entries(attrs: Mapping, word_bits: int, block: int, where: str) -> int:
    """Capacity [words per instance] as buffer.cpp ``ParseSpecs`` reads it (first of entries, depth, sizeKB)."""
    if "entries" in attrs:
        entries = attrs["entries"]
        if isinstance(entries, bool) or not isinstance(entries, int) or entries < 0:
            raise CostModelError(f"{where}: 'entries' must be a whole number >= 0, got {entries!r}")
        return entries
    for key in ("depth", "memory_depth"):
        if key in attrs:
            return _positive_int(attrs[key], f"{where}: '{key}'") * block
    if "sizeKB" in attrs:
        return _positive_int(attrs["sizeKB"], f"{where}: 'sizeKB' (v1.0 reads it as whole KB)") * 1024 * 8 // word_bits
    raise CostModelError(f"{where}: an SRAM level needs its size for the pat energy model: "
                         f"give 'entries', 'depth' or 'sizeKB' (or 'vector-access-energy')")


def arithmetic_energy_pj(level: Mapping) -> float:
    """Energy per MACC [pJ] of the arithmetic level as v1.0 reads it (arithmetic.cpp
    ``ArithmeticUnits::ParseSpecs``): its ``energy`` attribute if given, else `mac_energy_pj` of its
    ``word-bits`` | ``datawidth`` (default 16)."""
    attrs, _ = _flat(level)
    where = f"arithmetic level {level.get('name', '__ARITH__')!r}"
    if "energy" in attrs:
        energy = attrs["energy"]
        if isinstance(energy, bool) or not isinstance(energy, (int, float)) or not energy >= 0:
            raise CostModelError(f"{where}: 'energy' must be a number of pJ >= 0, got {energy!r}")
        return float(energy)
    return mac_energy_pj(_first(attrs, ("word-bits", "datawidth"), where) or DEFAULT_WORD_BITS)
