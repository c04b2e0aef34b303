"""Energy and area per component class, from the component's size, width, banks/ports and process node.

    estimate(component_class, attributes) -> Estimate(energy=ActionEnergies(read, write, update, leak) [pJ],
                                                      area_mm2, source)

Classes and their sources (one module each; tables generated ONCE from the real tools, shipped under
``data/`` with their provenance; no tool is needed at run time):

  SRAM (sram, smartbuffer_SRAM)     CACTI 7 table                      `sram`
  regfile (smartbuffer_RF)          Accelergy Library plug-in table    `regfile`
  DRAM                              Accelergy CACTI plug-in DRAM table `dram`
  intmac (mac)                      Accelergy Library plug-in table    `mac`
  fpmac                             Accelergy Aladdin plug-in table    `fpmac`
  model="timeloop-v1.0"             Timeloop v1.0's built-in model     `timeloop_v1` (loopnest/pat.py)

Attributes (Accelergy's names): ``width`` [bits per access], ``depth`` [rows], ``technology`` ["45nm"],
``n_banks``, ``n_rdwr_ports``, ``type`` (DRAM), ``datawidth``/``multiplier_width`` (MAC),
``exponent``/``mantissa`` (fpmac), ``global_cycle_seconds`` (leakage per cycle).
Networks/wires are not modelled (0, as in Timeloop v1.0).
A spec's levels are estimated by `costmodel.estimate.levels`.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import CostModelError
from . import dram, fpmac, mac, regfile, sram, timeloop_v1
from .tables import node_nm
from .types import ZERO, ActionEnergies, Estimate

DEFAULT_NODE_NM = 45.0           # when neither the component nor the spec names a node (Accelergy's exercises)
CLASSES = {"sram": "SRAM", "smartbuffer_sram": "SRAM", "regfile": "regfile", "smartbuffer_rf": "regfile",
           "dram": "DRAM", "intmac": "intmac", "mac": "intmac", "fpmac": "fpmac"}
MODELS = ("tables", "timeloop-v1.0")

__all__ = ["ActionEnergies", "Estimate", "ZERO", "estimate", "CLASSES", "MODELS", "DEFAULT_NODE_NM"]


def _int(attrs: Mapping, keys, what: str, default=None, minimum: int = 1) -> int:
    for k in keys:
        if k in attrs and attrs[k] is not None:
            v = attrs[k]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or v < minimum:
                raise CostModelError(f"{what}: attribute {k!r} must be a whole number >= {minimum}, got {v!r}")
            return int(v)
    if default is None:
        raise CostModelError(f"{what}: needs attribute {keys[0]!r}")
    return default


def estimate(component_class: str, attributes: Mapping, model: str = "tables") -> Estimate:
    """Per-action energies [pJ], area [mm^2] and source of ONE instance of `component_class`.
    CostModelError (naming the class and attribute) for an unknown class or a bad attribute."""
    cls = CLASSES.get(str(component_class).lower())
    what = f"component class {component_class!r}"
    if cls is None:
        raise CostModelError(f"{what}: no estimator (known: {', '.join(sorted(set(CLASSES.values())))})")
    if model not in MODELS:
        raise CostModelError(f"estimator model {model!r}: use one of {', '.join(MODELS)}")
    a = dict(attributes)
    cycle = float(a.get("global_cycle_seconds") or a.get("cycle_seconds") or 1e-9)
    if cls == "fpmac":              # exponent + mantissa; or a width: IEEE half / single / double
        width = _int(a, ("width", "datawidth", "multiplier_width"), what, 32)
        ieee = {16: (5, 10), 32: (8, 23), 64: (11, 52)}.get(width, (8, width - 9))
        e = _int(a, ("exponent",), what, ieee[0])
        m = _int(a, ("mantissa",), what, max(ieee[1], 1))
        return fpmac.estimate(e, m, node_nm(a.get("technology"), DEFAULT_NODE_NM), cycle)
    if cls == "intmac":
        width = _int(a, ("multiplier_width", "datawidth", "width", "word_bits"), what, 16)
        if model == "timeloop-v1.0":
            return timeloop_v1.mac(width)
        return mac.estimate(width, node_nm(a.get("technology"), DEFAULT_NODE_NM), cycle)
    width = _int(a, ("width", "memory_width"), what)
    if cls == "DRAM":
        if model == "timeloop-v1.0":
            return timeloop_v1.storage(None, width, dram=True)
        return dram.estimate(width, a.get("type"))
    depth = _int(a, ("depth", "memory_depth"), what, minimum=0)
    if model == "timeloop-v1.0":       # pat: capacity = width x depth bits, one word of `width` bits per row
        return timeloop_v1.storage(depth, width)
    node = node_nm(a.get("technology"), DEFAULT_NODE_NM)
    if cls == "regfile":
        return regfile.estimate(width, depth, node, cycle)
    banks = _int(a, ("n_banks",), what, 1)
    ports = _int(a, ("n_rdwr_ports", "n_rw_ports"), what, 1)
    return sram.estimate(width, depth, node, banks, ports, cycle)
