"""Register file: the Accelergy Library plug-in (Aladdin register and comparator data, scaled per node by
the plug-in), composed as the timeloop-accelergy exercises' ``regfile`` class composes it -- an access
reads/writes `width` registers and drives `depth` address comparators of ceil(log2 depth) bits; leakage and
area of width x depth registers + depth comparators. Values from the shipped table ``accelergy_library.csv``
(generated once by the real plug-in under Accelergy; see its header), interpolated linearly in width and
depth (the composition is linear in both) and in the node; log-log in the node outside 22-90 nm.
Deeper than the table (1024 rows): a register file that deep is an SRAM -> the CACTI table (`sram`)."""
from __future__ import annotations

from functools import lru_cache

from . import sram, tables
from .types import ActionEnergies, Estimate

TABLE = "accelergy_library.csv"
FIELDS = ("read_pj", "write_pj", "leak_pj_per_cycle", "area_um2")


@lru_cache(maxsize=None)
def _grid(cls: str) -> tuple:
    rows = [r for r in tables.load(TABLE)[1] if r["component_class"] == cls]
    index = {(r["technology_nm"], r["width_bits"], r["depth"] if cls == "regfile" else 0): r for r in rows}
    return (index, sorted({k[0] for k in index}), sorted({k[1] for k in index}), sorted({k[2] for k in index}))


def interp(cls: str, node: float, width: float, depth: float = 0, log_width: bool = False) -> tuple:
    """The table's FIELDS for `cls` (regfile | intmac) at (node, width, depth), interpolated."""
    index, nodes, widths, depths = _grid(cls)

    def at(n):
        w0, w1 = tables.bracket(widths, width)
        d0, d1 = tables.bracket(depths, depth)
        out = []
        for f in FIELDS:
            v = {k: (index[n, k[0], k[1]][f] or 0.0) for k in ((w0, d0), (w0, d1), (w1, d0), (w1, d1))}
            lo = tables.lerp(depth, d0, d1, v[w0, d0], v[w0, d1])
            hi = tables.lerp(depth, d0, d1, v[w1, d0], v[w1, d1])
            out.append(max(tables.lerp(width, w0, w1, lo, hi, log=log_width), 0.0))
        return out
    n0, n1 = tables.bracket(nodes, node)
    outside = not nodes[0] <= node <= nodes[-1]
    return tuple(tables.lerp(node, n0, n1, a, b, log=outside) for a, b in zip(at(n0), at(n1)))


def estimate(width: int, depth: int, node: float, cycle_seconds: float = 1e-9) -> Estimate:
    if depth == 0:
        return Estimate(ActionEnergies(0.0, 0.0, 0.0, 0.0), 0.0, "no storage (0 entries)")
    max_depth = _grid("regfile")[3][-1]
    if depth > max_depth:
        e = sram.estimate(width, depth, node, cycle_seconds=cycle_seconds)
        return Estimate(e.energy, e.area_mm2, f"{e.source} (a regfile deeper than {max_depth:g} rows: as SRAM)")
    r, w, leak, area_um2 = interp("regfile", node, width, depth)
    return Estimate(ActionEnergies(r, w, w, leak * cycle_seconds / 1e-9), area_um2 * 1e-6,
                    f"Accelergy Library plug-in table ({TABLE}), {node:g}nm, {width}b x {depth}")
