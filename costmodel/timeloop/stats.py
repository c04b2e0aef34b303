"""Read Timeloop's outputs: ``*.stats.txt`` -> `TimeloopStats`, ``*.map.txt`` -> text.

Two cycle conventions (see shared/reference/timeloop-v1.0/README.md):
  cycles          the summary ``Cycles:`` (= max topology cycles, bandwidth throttling included)
  compute_cycles  ``Cycles`` of Level 0, the arithmetic level (temporal iterations of the loop nest)
Energy is ``Total topology energy`` in pJ (exact; v1.0), else (v3+) the ``fJ/Compute`` Total x Computes
(6 significant digits), else the summary ``Energy: X uJ`` (rounded to 0.01 uJ: tiny runs read as 0).
Utilization = MACCs / (cycles x MAC instances), the unrounded form of the summary ``Utilization``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CostModelError

_LEVEL = re.compile(r"^Level (\d+)\n-+\n=== (.+?) ===\n", re.M)
_KV = re.compile(r"^(\s*)([A-Za-z][^:\n]*?)\s*:\s*(.*)$")
_NUM = re.compile(r"^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")


def _number(text: str):
    """Leading number of a stats value ('0.98 pJ' -> 0.98, '256 (16*16)' -> 256); None if there is none."""
    m = _NUM.match(text.strip())
    if not m:
        return None
    v = float(m.group(0))
    return int(v) if v.is_integer() and "." not in m.group(0) else v


@dataclass(frozen=True)
class LevelStats:
    """One level (arithmetic or storage) of a stats file.

    specs      SPECS block (e.g. 'Instances', 'Read bandwidth'), numbers where they parse
    stats      level-wide STATS lines ('Cycles', 'Bandwidth throttling', 'Utilized instances', ...)
    dataspaces per data space ('Weights', 'Inputs', 'Outputs'): its STATS lines
               ('Scalar reads (per-instance)', 'Energy (total)' [pJ], ...)
    """

    index: int
    name: str
    specs: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    dataspaces: dict = field(default_factory=dict)

    @property
    def cycles(self) -> int | None:
        return self.stats.get("Cycles")

    @property
    def energy_pj(self) -> float:
        """Energy of this level [pJ]: the level's own total (arithmetic) or the sum over its data spaces."""
        if "Energy (total)" in self.stats:
            return float(self.stats["Energy (total)"])
        return float(sum(d.get("Energy (total)", 0) or 0 for d in self.dataspaces.values()))


@dataclass(frozen=True)
class TimeloopStats:
    """The numbers of one Timeloop run (one layer, one mapping)."""

    cycles: int                 # total cycles, bandwidth throttling included [cycles]
    compute_cycles: int         # arithmetic-level cycles (MDARTS Table I) [cycles]
    energy_pj: float            # total energy [pJ]
    utilization: float          # MACCs / (cycles * MAC instances), 0..1
    macs: int                   # MACCs (Timeloop's 'Computes')
    mac_instances: int          # arithmetic units in the arch
    utilized_macs: int          # arithmetic units used by the mapping
    levels: tuple = ()          # LevelStats, level 0 (arithmetic) first
    level_energy_pj: dict = field(default_factory=dict)   # v3+: per level [pJ] from fJ/Compute (leakage included)

    def level(self, name: str) -> LevelStats:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise KeyError(f"no level {name!r} in these stats (levels: {[lv.name for lv in self.levels]})")


def _parse_level(index: int, name: str, body: str) -> LevelStats:
    specs, stats, spaces = {}, {}, {}
    section, space = None, None
    for line in body.splitlines():
        s = line.strip()
        if s in ("SPECS", "MAPPING", "STATS"):
            section, space = s, None
            continue
        if not s or set(s) <= {"-"} or section is None or section == "MAPPING":
            continue
        m = _KV.match(line)
        if not m:
            continue
        indent, key, value = len(m.group(1)), m.group(2), m.group(3)
        if section == "SPECS":
            num = _number(value)
            specs[key] = value.strip() if num is None else num
        elif value == "" and indent <= 4:
            space = key
            spaces[space] = {}
        else:
            num = _number(value)
            target = spaces[space] if (space is not None and indent > 4) else stats
            target[key] = value.strip() if num is None else num
    return LevelStats(index=index, name=name, specs=specs, stats=stats, dataspaces=spaces)


def _summary_value(text: str, pattern: str):
    m = re.search(pattern, text, re.M)
    return None if m is None else m.group(1)


def parse_stats(text: str, source: str = "stats.txt") -> TimeloopStats:
    """Parse the text of a Timeloop ``stats.txt`` (v1.0 format; later versions where they agree)."""
    marks = list(_LEVEL.finditer(text))
    if not marks:
        raise CostModelError(f"{source}: not a Timeloop stats file (no 'Level 0' block found)")
    end_of_levels = text.find("\nNetworks\n")
    end_of_levels = len(text) if end_of_levels < 0 else end_of_levels
    levels = []
    for i, m in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else end_of_levels
        levels.append(_parse_level(int(m.group(1)), m.group(2).strip(), text[m.end():stop]))
    arith = levels[0]
    cycles = _summary_value(text, r"^Cycles: (\d+)")
    macs = _summary_value(text, r"^(?:MACCs|Computes) = (\d+)")
    if cycles is None or macs is None:
        raise CostModelError(f"{source}: incomplete Timeloop stats (no summary 'Cycles:' or 'MACCs =' line); "
                             f"the run was probably cut short")
    cycles, macs = int(cycles), int(macs)
    compute = arith.stats.get("Cycles")
    if compute is None:
        raise CostModelError(f"{source}: level 0 ({arith.name}) has no 'Cycles' line")
    total_pj = _summary_value(text, r"^Total topology energy: ([\d.eE+-]+) pJ")
    per_level = _fj_per_compute(text, macs)
    if total_pj is not None:
        energy = float(total_pj)
    elif "Total" in per_level:           # v3+: no topology line; fJ/Compute keeps 6+ digits, `Energy: X uJ` 2 decimals
        energy = per_level["Total"]
    else:
        uj = _summary_value(text, r"^Energy: ([\d.eE+-]+) uJ")
        if uj is None:
            raise CostModelError(f"{source}: no energy in the summary ('Total topology energy' or 'Energy: .. uJ')")
        energy = float(uj) * 1e6
    instances = int(arith.specs.get("Instances", 0) or 0)
    util = macs / (cycles * instances) if cycles and instances else float(_summary_value(text, r"^Utilization: ([\d.]+)") or 0)
    return TimeloopStats(cycles=cycles, compute_cycles=int(compute), energy_pj=energy, utilization=util,
                         macs=macs, mac_instances=instances,
                         utilized_macs=int(arith.stats.get("Utilized instances", 0) or 0), levels=tuple(levels),
                         level_energy_pj={k: v for k, v in per_level.items() if k != "Total"})


def _fj_per_compute(text: str, macs: int) -> dict:
    """{level or 'Total': energy [pJ]} from the summary's ``fJ/Compute`` block (x Computes; leakage included)."""
    at = text.find("\nfJ/Compute\n")
    out = {}
    if at < 0:
        return out
    for line in text[at + 12:].splitlines():
        m = re.match(r"^\s+(\S+)\s+= ([\d.eE+-]+)$", line)
        if not m:
            break
        out[m.group(1)] = float(m.group(2)) * macs / 1000.0
    return out


def read_stats(path) -> TimeloopStats:
    """`parse_stats` of the file at `path` (a ``*.stats.txt``)."""
    p = Path(path)
    try:
        return parse_stats(p.read_text(), source=str(p))
    except OSError as e:
        raise CostModelError(f"{p}: cannot read Timeloop stats: {e.strerror}") from None


def read_map(path) -> str:
    """The mapping Timeloop printed (``*.map.txt``), as text with the blank lines at both ends removed."""
    p = Path(path)
    try:
        return p.read_text().strip("\n")
    except OSError as e:
        raise CostModelError(f"{p}: cannot read Timeloop mapping: {e.strerror}") from None


def compact_map(text: str) -> str:
    """A map.txt on one line as the reference CSVs store it: rule and blank lines dropped, ' | '-joined."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    return " | ".join(ln for ln in lines if ln.strip() and set(ln.strip()) != {"-"})
