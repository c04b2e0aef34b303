"""`costmodel archs --show ARCH [--set PATH=V ...] [--json]`: a spec's levels, per-action energies and areas."""
from __future__ import annotations

import json

from ..errors import CostModelError


def variant(arch: str, sets: list[str], keep: bool):
    """(spec, energy notes, name) of ARCH with one value per --set path (a sweep variant, energies re-derived);
    the name is the variant's as a sweep names it, e.g. ``eyeriss[levels.GlobalBuffer.entries=16384]``."""
    from ..arch import load_arch
    from ..sweep.variants import derive_noted, parse_set
    spec = load_arch(arch)
    if not sets:
        return spec, (), spec.name
    overrides = {}
    for text in sets:
        axis = parse_set(text)
        if len(axis.choices) != 1:
            raise CostModelError(f"--set {text!r}: --show takes one value per path (a sweep takes several)")
        overrides.update(axis.choices[0][1])
    name = f"{spec.name}[{','.join(f'{p}={v}' for p, v in overrides.items())}]"
    return (*derive_noted(spec, overrides, name, keep), name)


def report(spec) -> dict:
    """{name, area_mm2, levels: [{name, class, instances, energy_pj: {read, write, update, leak}, area_mm2, source,
    energy_source, area_source}]} -- the MAC as the last level."""
    if getattr(spec, "kind", None) != "accelerator":
        raise CostModelError(f"arch {spec.name!r} is a {getattr(spec, 'kind', 'dsp')} spec: only accelerator specs "
                             f"have levels to price")
    from ..estimate.levels import level_costs
    costs = level_costs(spec)
    return {"name": spec.name, "technology": spec.technology or None,
            "area_mm2": sum(c.area_mm2 for c in costs), "levels": [c.as_dict() for c in costs]}


def show(arch: str, sets: list[str], as_json: bool, keep: bool) -> int:
    spec, notes, name = variant(arch, sets, keep)
    rep = {**report(spec), "name": name}
    if as_json:
        print(json.dumps({**rep, "energy_notes": list(notes)}, indent=2))
        return 0
    print(f"{rep['name']}: {len(rep['levels']) - 1} storage levels + MAC; node {rep['technology'] or '45nm (default)'}; "
          f"total area {rep['area_mm2']:.4f} mm^2")
    print(f"  {'level':<14} {'class':<8} {'inst':>5} {'read':>10} {'write':>10} {'update':>10} {'leak/cyc':>10} "
          f"{'area mm^2':>10}  energy source")
    for lv in rep["levels"]:
        e = lv["energy_pj"]
        print(f"  {lv['name']:<14} {lv['class']:<8} {lv['instances']:>5} {e['read']:>10.4f} {e['write']:>10.4f} "
              f"{e['update']:>10.4f} {e['leak']:>10.2e} {lv['area_mm2']:>10.4f}  {lv['energy_source']}")
    print("  energies: pJ per access of one instance (MAC: per MACC); area: every instance of the level")
    for lv in rep["levels"]:
        print(f"  {lv['name']}: energy {lv['source']}; area {lv['area_source']}")
    for n in notes:
        print(f"  {n}")
    return 0
