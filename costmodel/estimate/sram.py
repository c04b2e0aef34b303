"""SRAM: CACTI 7 (HewlettPackard/cacti) per-access energies, leakage and area from the shipped table
``cacti_sram.csv`` (node x width x depth, one bank, one read-write port, generated once; see its header).

Between table points: log-log in width and depth (CACTI's energy and area follow power laws in both), then
linear in the node, as Accelergy's CACTI plug-in interpolates between nodes. Outside the table, Accelergy's
CACTI plug-in rules (cacti_wrapper.py, restated): narrower than 32 bits or shallower than 64 rows -> the
32-bit / 64-row array scaled (dynamic energy x (0.7 x width scale + 0.3) x depth scale^0.78; leakage and
area x width scale x depth scale); below 22 nm energy x sqrt(node/22), area x node/22, leakage x
sqrt(node/22) x 0.79; above 90 nm everything x (node/90)^2. Banks: CACTI's own UCA banks where the table
has them (2..32 banks, 1024 rows and deeper; log-log between bank counts); more than 32 banks are taken as
32, banks of a shallower array as one bank (said in the source). Read-write ports: CACTI's own runs with
2 ports (one bank); the one-bank 2-port/1-port ratio applies to a banked array, log-log beyond 2 ports.
"""
from __future__ import annotations

import math
from functools import lru_cache

from . import tables
from .types import ActionEnergies, Estimate

TABLE = "cacti_sram.csv"
MIN_WIDTH, MIN_DEPTH = 32, 64


@lru_cache(maxsize=None)
def _grid(banks: float = 1, ports: float = 1) -> tuple:
    rows = [r for r in tables.load(TABLE)[1] if r["n_banks"] == banks and r["n_rw_ports"] == ports]
    index = {(r["technology_nm"], r["width_bits"], r["depth"]): r for r in rows}
    nodes = sorted({k[0] for k in index})
    widths = sorted({k[1] for k in index})
    depths = sorted({k[2] for k in index})
    return index, nodes, widths, depths


@lru_cache(maxsize=None)
def bank_counts() -> tuple:
    """(bank counts CACTI was run with, the shallowest depth of the banked runs)."""
    rows = tables.load(TABLE)[1]
    banked = [r["depth"] for r in rows if r["n_banks"] > 1]
    return tuple(sorted({r["n_banks"] for r in rows})), (min(banked) if banked else math.inf)


@lru_cache(maxsize=None)
def port_counts() -> tuple:
    """The read-write port counts CACTI was run with (one bank)."""
    return tuple(sorted({r["n_rw_ports"] for r in tables.load(TABLE)[1]}))


FIELDS = ("read_pj", "write_pj", "leak_mw_per_bank", "area_mm2")


def _at_node(node: float, width: float, depth: float, banks: float = 1, ports: float = 1) -> tuple:
    index, _, widths, depths = _grid(banks, ports)
    w0, w1 = tables.bracket(widths, width)
    d0, d1 = tables.bracket(depths, depth)
    out = []
    for f in FIELDS:
        def val(w, d):
            r = index[node, w, d]
            return r[f] * (banks if f == "leak_mw_per_bank" else 1)      # leakage of every bank
        lo = tables.lerp(depth, d0, d1, val(w0, d0), val(w0, d1), log=True)
        hi = tables.lerp(depth, d0, d1, val(w1, d0), val(w1, d1), log=True)
        out.append(tables.lerp(width, w0, w1, lo, hi, log=True))
    return tuple(out)


def _interp(node: float, width: float, depth: float, banks: float = 1, ports: float = 1) -> tuple:
    """(read pJ, write pJ, leakage mW, area mm^2) of the array (`banks` CACTI banks) at `node`, interpolated as
    the module says."""
    _, nodes, _, _ = _grid()
    if width < MIN_WIDTH or depth < MIN_DEPTH:
        w = max(math.ceil(width / 8) * 8, MIN_WIDTH)
        d = max(depth, MIN_DEPTH)
        ws, ds = width / w, depth / d
        r, wr, lk, ar = _interp(node, w, d, banks, ports)
        dyn = (ws * 0.7 + 0.3) * ds ** (1.56 / 2)
        return r * dyn, wr * dyn, lk * ws * ds, ar * ws * ds
    counts = bank_counts()[0]
    if banks not in counts:          # between two bank counts CACTI was run with
        b0, b1 = tables.bracket(list(counts), banks)
        a, b = _interp(node, width, depth, b0), _interp(node, width, depth, b1)
        return tuple(tables.lerp(banks, b0, b1, x, y, log=True) for x, y in zip(a, b))
    if node < nodes[0]:
        s = node / nodes[0]
        r, wr, lk, ar = _at_node(nodes[0], width, depth, banks, ports)
        return r * s ** 0.5, wr * s ** 0.5, lk * s ** 0.5 * 0.79, ar * s
    if node > nodes[-1]:
        s = (node / nodes[-1]) ** 2
        return tuple(v * s for v in _at_node(nodes[-1], width, depth, banks, ports))
    n0, n1 = tables.bracket(nodes, node)
    a, b = _at_node(n0, width, depth, banks, ports), _at_node(n1, width, depth, banks, ports)
    return tuple(tables.lerp(node, n0, n1, x, y) for x, y in zip(a, b))


def estimate(width: int, depth: int, node: float, n_banks: int = 1, n_rw_ports: int = 1,
             cycle_seconds: float = 1e-9) -> Estimate:
    """One SRAM instance of `depth` rows of `width` bits [per access], at `node` nm: read / write (= update)
    energy of one access [pJ], leakage per cycle of `cycle_seconds` [pJ], area [mm^2]."""
    if depth == 0:
        return Estimate(ActionEnergies(0.0, 0.0, 0.0, 0.0), 0.0, "no storage (0 entries)")
    counts, shallowest = bank_counts()
    banks, extra = n_banks, f", {n_banks} CACTI banks" if n_banks > 1 else ""
    if n_banks > 1 and depth < shallowest:
        banks, extra = 1, f", {n_banks} banks taken as 1 (the table has banks from {shallowest:g} rows)"
    elif n_banks > counts[-1]:
        banks, extra = counts[-1], f", {n_banks} banks taken as {counts[-1]:g} (the table's most)"
    values = _interp(node, width, depth, banks)
    if n_rw_ports > 1:
        values, how = _with_ports(values, node, width, depth, n_rw_ports)
        extra += f", {n_rw_ports} read-write ports ({how})"
    r, w, leak_mw, area = values
    leak_pj = leak_mw * cycle_seconds * 1e9          # mW x s = mJ; x 1e9 -> pJ
    return Estimate(ActionEnergies(r, w, w, leak_pj), area,
                    f"CACTI 7 table ({TABLE}), {node:g}nm, {width}b x {depth}{extra}")


def _with_ports(values: tuple, node: float, width: float, depth: float, ports: int) -> tuple:
    """`values` (one port) x CACTI's own multi-port / one-port ratio at one bank (log-log in the port count
    between the table's counts, extrapolated beyond); with no multi-port runs: one array per port (assumed)."""
    counts = port_counts()
    if len(counts) < 2:
        return tuple(v * ports if i != 0 and i != 1 else v for i, v in enumerate(values)), "one array per port, assumed"
    one = _interp(node, width, depth, 1, 1)
    p0, p1 = tables.bracket(list(counts), ports)
    a, b = _interp(node, width, depth, 1, p0), _interp(node, width, depth, 1, p1)
    out = tuple(v * tables.lerp(ports, p0, p1, x, y, log=True) / o for v, x, y, o in zip(values, a, b, one))
    return out, "CACTI's" if ports in counts else f"CACTI's {p0:g}/{p1:g}-port runs, log-log"
