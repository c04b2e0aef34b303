"""A spec's levels priced by the estimator: per-action energies and area per level and in total, which number
each level's energy came from, the energies a spec leaves out, and the energies a variant re-derives.

Works on the dict form of an accelerator spec (``spec.to_dict()``, what the arch YAML holds), so a sweep can
re-derive a variant's energies before its spec is built. A storage level is one component class:

  DRAM (``technology: DRAM`` or ``class: DRAM``)   width = word_bits x block_size
  regfile (``class: regfile``)                     width = word_bits x block_size x cluster_size,
  SRAM (every other level)                          depth = ceil(entries / block_size) rows
                                                    (one array per cluster of ``cluster_size`` instances)

The spec's ``access_energy_pj`` is the energy of one block access of ONE instance (the v1.0 convention: a
clustered array's access shared by its ``cluster_size`` instances); the model charges it for read, fill and
update alike. A level's energy SOURCE is the model that reproduces the spec's number: Timeloop v1.0's
built-in model (pat, what every packaged v1.0 config holds), else the tables (what a spec without energies
is filled with: the read energy), else ``pinned`` (a number the spec gives and no model makes; kept in every
variant). Area: from the tables always (Timeloop v1.0's model has none), per array x arrays.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import DEFAULT_NODE_NM, estimate
from ..errors import CostModelError
from .tables import node_nm
from .types import ActionEnergies

PINNED = "pinned"
V1 = "timeloop-v1.0"
TABLES = "tables"


@dataclass(frozen=True)
class LevelCost:
    """One level (a storage level or the MAC) of a spec, priced."""
    name: str
    component_class: str
    instances: int
    energy: ActionEnergies       # per access of one instance [pJ] (MAC: per MACC as read)
    energy_source: str           # PINNED | V1 | TABLES
    source: str                  # readable source of the energies
    area_mm2: float              # the whole level: every instance [mm^2]
    area_source: str

    def as_dict(self) -> dict:
        return {"name": self.name, "class": self.component_class, "instances": self.instances,
                "energy_pj": self.energy.as_dict(), "energy_source": self.energy_source, "source": self.source,
                "area_mm2": self.area_mm2, "area_source": self.area_source}


def _class(lv: dict) -> str:
    if lv.get("technology") == "DRAM" or lv.get("class") == "DRAM":
        return "DRAM"
    return "regfile" if str(lv.get("class", "")).lower() == "regfile" else "SRAM"


def _attrs(lv: dict, node: float, cycle) -> tuple[str, dict, int]:
    """(component class, estimator attributes of one physical array, arrays per level)."""
    cls = _class(lv)
    block, cluster = lv.get("block_size") or 1, lv.get("cluster_size") or 1
    if cls == "DRAM":
        return cls, {"width": lv["word_bits"] * block}, 1
    depth = -(-(lv.get("entries") or 0) // block)
    attrs = {"width": lv["word_bits"] * block * cluster, "depth": depth, "technology": node,
             "global_cycle_seconds": cycle}
    return cls, attrs, max(lv["instances"] // cluster, 1)


def storage_energy(lv: dict, node: float, model: str, cycle=None) -> ActionEnergies:
    """Per-instance energies of one storage level (dict form) by `model` (V1 or TABLES)."""
    if model == V1:
        from . import timeloop_v1
        return timeloop_v1.storage(lv.get("entries"), lv["word_bits"], lv.get("block_size") or 1,
                                   lv.get("cluster_size") or 1, dram=_class(lv) == "DRAM").energy
    cls, attrs, _ = _attrs(lv, node, cycle)
    cluster = 1 if cls == "DRAM" else (lv.get("cluster_size") or 1)
    return estimate(cls, attrs).energy.scaled(1.0 / cluster)          # a cluster shares one array


def mac_energy(mac: dict, node: float, model: str, cycle=None) -> ActionEnergies:
    m = V1 if model == V1 else "tables"
    return estimate("intmac", {"width": mac["word_bits"], "technology": node, "global_cycle_seconds": cycle},
                    model=m).energy


def same_energy(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def energy_source(number: float | None, energies: dict) -> str:
    """The first model (V1, then TABLES) whose read energy is `number`; PINNED if none."""
    if number is None:
        return TABLES
    for model in (V1, TABLES):
        if same_energy(number, energies[model].read):
            return model
    return PINNED


def spec_node(data: dict, where: str = "") -> float:
    """The spec's process node [nm] (key ``technology``; 45 nm if it names none)."""
    try:
        return node_nm(data.get("technology"), DEFAULT_NODE_NM)
    except CostModelError as e:
        raise CostModelError(f"{where or data.get('name', 'arch')}: key 'technology': {e}") from None


def models_of(fn, item: dict, node: float, cycle) -> dict:
    return {m: fn(item, node, m, cycle) for m in (V1, TABLES)}


def level_costs(spec) -> list[LevelCost]:
    """Every storage level (outer -> inner) then the MAC, priced; a spec object or its dict form."""
    data = spec if isinstance(spec, dict) else spec.to_dict()
    node, cycle = spec_node(data), data.get("cycle_seconds")
    out = []
    for lv in data["levels"]:
        models = models_of(storage_energy, lv, node, cycle)
        src = energy_source(lv.get("access_energy_pj"), models)
        cls, attrs, arrays = _attrs(lv, node, cycle)
        area = estimate(cls, attrs)
        pinned = lv.get("access_energy_pj")
        energy = ActionEnergies(pinned, pinned, pinned, 0.0) if src == PINNED else models[src]
        if src == V1:       # v1.0: one number for every action; leakage from the tables
            energy = ActionEnergies(energy.read, energy.write, energy.update, models[TABLES].leak)
        out.append(LevelCost(lv["name"], cls, lv["instances"], energy, src, _source(src, area.source, "storage"),
                             area.area_mm2 * arrays, f"{area.source} x {arrays} array(s)"))
    mac = data["mac"]
    models = models_of(mac_energy, mac, node, cycle)
    src = energy_source(mac.get("energy_pj"), models)
    area = estimate("intmac", {"width": mac["word_bits"], "technology": node})
    e = ActionEnergies(mac["energy_pj"], 0.0, 0.0, 0.0) if src == PINNED else models[src]
    if src == V1:
        e = ActionEnergies(e.read, 0.0, 0.0, models[TABLES].leak)
    out.append(LevelCost(mac.get("name", "MACs"), "intmac", mac["instances"], e, src,
                         _source(src, area.source, "mac"), area.area_mm2 * mac["instances"],
                         f"{area.source} x {mac['instances']}"))
    return out


def _source(src: str, table_source: str, what: str) -> str:
    if src == V1:
        return ("Timeloop v1.0 built-in model (pat): one MACC" if what == "mac" else
                "Timeloop v1.0 built-in model (pat): read = write = update; leak from the tables")
    if src == PINNED:
        return "pinned in the spec (no model gives this number)"
    return table_source


def total_area_mm2(spec) -> float:
    return sum(c.area_mm2 for c in level_costs(spec))


def fill_missing(data: dict, where: str = "") -> dict:
    """`data` (an accelerator spec's dict form) with every storage level's missing ``access_energy_pj`` and a
    missing ``mac.energy_pj`` filled from the tables (the read / MACC energy at the spec's node)."""
    levels = data.get("levels")
    mac = data.get("mac")
    if not isinstance(levels, list) or not all(isinstance(l, dict) for l in levels) or not isinstance(mac, dict):
        return data              # malformed: from_dict says what is wrong
    missing = [i for i, l in enumerate(levels) if l.get("access_energy_pj") is None]
    if not missing and mac.get("energy_pj") is not None:
        return data
    node, cycle = spec_node(data, where), data.get("cycle_seconds")
    out = {**data, "levels": [dict(l) for l in levels], "mac": dict(mac)}
    for i in missing:
        lv = out["levels"][i]
        if isinstance(lv.get("word_bits"), int) and isinstance(lv.get("instances"), int):
            lv["access_energy_pj"] = storage_energy(lv, node, TABLES, cycle).read
    if out["mac"].get("energy_pj") is None and isinstance(out["mac"].get("word_bits"), int):
        out["mac"]["energy_pj"] = mac_energy(out["mac"], node, TABLES, cycle).read
    return out
