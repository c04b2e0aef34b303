"""`Mapping`: a Timeloop mapping (loop nest over storage levels), parsed from / printed as map.txt.

Timeloop's map.txt lists levels OUTER -> INNER; under each level header its loops, outer -> inner:
temporal loops, then the ``(Spatial-X)`` / ``(Spatial-Y)`` loops, which are the fan-out *below* that
level. The reference CSVs carry the same text with `` | `` as line separator; both are accepted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import CostModelError
from .fields import DIMS

_HEADER = re.compile(r"^[\s|]*([A-Za-z_][\w]*)\s*\[(.*)\]\s*$")
_LOOP = re.compile(r"^[\s|]*for\s+([A-Za-z])\s+in\s+\[0:(\d+)\)\s*(\(Spatial-([XY])\))?\s*$")
_TILE = re.compile(r"(\w+):(\d+)")


@dataclass(frozen=True)
class Loop:
    dim: str
    bound: int
    spatial: str | None = None       # None (temporal), "X" or "Y"

    def text(self) -> str:
        return f"for {self.dim} in [0:{self.bound})" + (f" (Spatial-{self.spatial})" if self.spatial else "")


@dataclass(frozen=True)
class MappingLevel:
    name: str
    loops: tuple = ()                # Loop, outer -> inner (temporal first, then spatial, as Timeloop prints)
    tiles: dict = field(default_factory=dict, compare=False)   # data space -> tile words, as printed (informative)

    @property
    def temporal(self) -> tuple:
        return tuple(l for l in self.loops if l.spatial is None)

    @property
    def spatial(self) -> tuple:
        return tuple(l for l in self.loops if l.spatial is not None)


@dataclass(frozen=True)
class Mapping:
    levels: tuple                    # MappingLevel, OUTER -> INNER

    def level(self, name: str) -> MappingLevel:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise CostModelError(f"mapping has no level {name!r}")

    def factor(self, dim: str) -> int:
        out = 1
        for lv in self.levels:
            for l in lv.loops:
                if l.dim == dim:
                    out *= l.bound
        return out

    def text(self, sep: str = "\n") -> str:
        """map.txt-like text (compact: no dashed lines), one line per level header / loop."""
        lines, depth = [], 0
        for lv in self.levels:
            tiles = " ".join(f"{k}:{v}" for k, v in lv.tiles.items())
            lines.append(f"{lv.name} [ {tiles} ]".replace("[  ]", "[ ]"))
            for l in lv.loops:
                lines.append("|" + "  " * depth + " " + l.text())
                depth += 1
        return sep.join(lines)

    def __str__(self):
        return self.text(" | ")


def parse_mapping(text: str, dims=DIMS) -> Mapping:
    """Parse Timeloop's map.txt (newline- or `` | ``-separated) into a Mapping whose loops name `dims` (the
    problem shape's; default the grouped CNN layer's; None: any one-letter dim)."""
    if not text or not str(text).strip():
        raise CostModelError("empty mapping text")
    raw = str(text).replace(" | ", "\n").splitlines()
    levels: list[tuple[str, list, dict]] = []
    for ln in raw:
        s = ln.strip()
        if not s or set(s) <= {"-"} or s == "|":
            continue
        m = _LOOP.match(s)
        if m:
            if not levels:
                raise CostModelError(f"mapping text: loop {s!r} before any level header")
            bound = int(m.group(2))
            if bound < 1:
                raise CostModelError(f"mapping text: loop {s!r} has bound < 1")
            if dims is not None and m.group(1) not in dims:
                raise CostModelError(f"mapping text: loop {s!r} over unknown dim {m.group(1)!r} (dims: {''.join(dims)})")
            levels[-1][1].append(Loop(m.group(1), bound, m.group(4)))
            continue
        m = _HEADER.match(s)
        if m:
            levels.append((m.group(1), [], {k: int(v) for k, v in _TILE.findall(m.group(2))}))
            continue
        raise CostModelError(f"mapping text: cannot parse line {s!r} (expected 'LEVEL [ ... ]' or 'for D in [0:n)')")
    if not levels:
        raise CostModelError("mapping text: no level header found")
    return Mapping(tuple(MappingLevel(n, tuple(l), t) for n, l, t in levels))
