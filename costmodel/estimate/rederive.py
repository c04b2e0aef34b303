"""Energies of a variant: re-derived from its new sizes by the model its base spec's number came from.

A base level whose ``access_energy_pj`` (MAC: ``energy_pj``) one model reproduces (`levels.energy_source`)
follows that model in every variant whose sizes (entries, word bits, block/cluster size, class, technology)
differ; a pinned number (no model gives it), a number the variant sets itself, and every number under
``keep=True`` (``--keep-energies``) stay. Each change and each kept number that its model would change is
reported, one line each.
"""
from __future__ import annotations

from .levels import PINNED, models_of, same_energy, energy_source, mac_energy, spec_node, storage_energy


def _set_by(overrides: dict, prefix_names: tuple, key: str) -> bool:
    return any(p == f"{pre}.{key}" for p in overrides for pre in prefix_names)


def rederive(base: dict, data: dict, overrides: dict, keep: bool = False) -> list[str]:
    """Update `data` (the variant's dict form, overrides applied) in place; return one note per energy that
    was re-derived (``re-derived``) or that its model would change but stays (``kept``)."""
    node0, node1 = spec_node(base), spec_node(data)
    cyc0, cyc1 = base.get("cycle_seconds"), data.get("cycle_seconds")
    notes = []
    items = [(f"levels.{lv.get('name')}", ("levels." + str(lv.get("name")), f"levels.{i}"), "access_energy_pj",
              b, lv, storage_energy) for i, (b, lv) in enumerate(zip(base.get("levels", []), data.get("levels", [])))]
    items.append(("mac", ("mac",), "energy_pj", base.get("mac", {}), data.get("mac", {}), mac_energy))
    for label, prefixes, key, b, v, fn in items:
        if not isinstance(v, dict) or key not in v or _set_by(overrides, prefixes, key):
            continue
        src = energy_source(b.get(key), models_of(fn, b, node0, cyc0))
        if src == PINNED:
            continue
        new = fn(v, node1, src, cyc1).read
        if same_energy(new, v[key]):
            continue
        if keep:
            notes.append(f"kept {label}.{key} = {v[key]:.6g} pJ (--keep-energies; {src} gives {new:.6g})")
        else:
            notes.append(f"re-derived {label}.{key}: {v[key]:.6g} -> {new:.6g} pJ ({src})")
            v[key] = new
    return notes
