"""Mapspace constraints between our spec and Timeloop's spellings, and the reader's assembly step.

Our spec (costmodel.loopnest.spec) keeps each level's constraints on the level: keep (bypass = the
rest, or keep_or_bypass: the mapper's choice), temporal {factors, permutation}, spatial {factors, permutation, split} = the fan-out BELOW the level.
Timeloop spells factors ``"N1 C1 S0"`` (v0.1), ``"N=1 C=1"`` (v0.2) or ``[N=1, C=1]`` (v0.4) and
permutations inner -> outer with optional spaces; a factor 0 means "the whole bound" (v1.0's reading).

`restrict` drops the dims a problem shape lacks (G for a cnn-layer), moving the X/Y split with them.
`assemble` turns what a reader found (levels in our YAML form + constraints by target + mapper) into
the one typed `AcceleratorSpec`, naming the first thing our model cannot represent.
"""
from __future__ import annotations

import re

from ...errors import CostModelError
from ...loopnest.bind import restrict  # noqa: F401 (API: the constraint of a problem with fewer dims)
from ...loopnest.fields import SPEC_DIMS, canonical
from ...loopnest.spec import DATASPACES
from ..spec import AcceleratorSpec

_FACTOR = re.compile(r"^([A-Za-z])\s*=?\s*(\d+)$")


def parse_factors(value, where: str) -> dict:
    """'N1 C1 S0' | 'N=1 C=1' | 'N=1,C=1' | ['N=1', ...] -> {'N': 1, 'C': 1, ...}."""
    if value is None:
        return {}
    if not isinstance(value, (str, list, tuple)):
        raise CostModelError(f"{where}: factors must be a string or a list, e.g. 'N=1 C=1', got {type(value).__name__}")
    items = re.split(r"[\s,]+", value.strip()) if isinstance(value, str) else list(value)
    out = {}
    for item in items:
        if item == "":
            continue
        m = _FACTOR.match(str(item).strip())
        if not m:
            raise CostModelError(f"{where}: malformed factor {item!r} (expected like 'N=1' or 'N1')")
        out[m.group(1)] = int(m.group(2))
    return out


def parse_permutation(value) -> str:
    return "".join(str(value).split()) if isinstance(value, str) else "".join(str(v) for v in value or ())


def _check_dims(factors: dict, permutation: str, where: str) -> None:
    bad = sorted({d for d in list(factors) + list(permutation) if d not in SPEC_DIMS})
    if bad:
        raise CostModelError(f"{where}: unsupported dimension(s) {bad} (the packaged shapes' dims: {SPEC_DIMS})")


def keep_of(keep, bypass, where: str) -> dict:
    """{"keep", "keep_or_bypass"} of Timeloop's keep/bypass lists: a data space in neither is the mapper's choice."""
    keep, bypass = list(keep or ()), list(bypass or ())
    for ds in keep + bypass:
        if not isinstance(ds, str) or not ds.isidentifier():
            raise CostModelError(f"{where}: {ds!r} is not a data-space name (e.g. {', '.join(DATASPACES)})")
    both = [ds for ds in keep if ds in bypass]
    if both:
        raise CostModelError(f"{where}: {both[0]} is both kept and bypassed")
    return {"keep": canonical(keep), "bypass": canonical(bypass),      # keep_or_bypass: `assemble` (the rest)
            "keep_or_bypass": tuple(ds for ds in DATASPACES if ds not in keep and ds not in bypass)}


def assemble(name: str, levels: list, mac: dict, constraints: dict, mapper: dict, where: str,
             extras: dict | None = None, technology: str = "", cycle_seconds=None) -> AcceleratorSpec:
    """The `AcceleratorSpec` of what a reader found.

    levels: OUR YAML form minus keep/temporal/spatial, outer -> inner; constraints: {target: {"keep": tuple,
    "keep_or_bypass": tuple,
    "temporal": {factors, permutation}, "spatial": {factors, permutation, split}}}; mapper: Timeloop mapper
    keys (v1.0 spelling); extras: the keys no Timeloop format carries (AcceleratorSpec.extras()).
    """
    names = [lv["name"] for lv in levels]
    unknown = sorted(set(constraints) - set(names))
    if unknown:
        raise CostModelError(f"{where}: constraint target(s) {unknown} are not storage levels ({', '.join(names)})")
    out = []
    # the config's data spaces: the CNN layer's unless its keep/bypass lists name others (e.g. A, B, Z of a GEMM)
    said = {ds for c in constraints.values() for ds in tuple(c.get("keep", ())) + tuple(c.get("bypass", ()))}
    named = canonical(said) if said - set(DATASPACES) else DATASPACES
    for i, lv in enumerate(levels):
        c = constraints.get(lv["name"], {})
        at = f"{where}: {lv['name']}"
        keep, free = c.get("keep"), c.get("keep_or_bypass", ())
        if keep is not None and "bypass" in c:
            free = tuple(ds for ds in named if ds not in keep and ds not in c["bypass"])
        if keep is None:            # no datatype constraint: the mapper decides (the outermost level keeps all)
            keep, free = (named, ()) if i == 0 else ((), () if lv.get("entries") == 0 else named)
        d = {**lv, "keep": list(keep)}
        if free:
            d["keep_or_bypass"] = list(free)
        for kind in ("temporal", "spatial"):
            if kind in c:
                _check_dims(c[kind].get("factors", {}), c[kind].get("permutation", ""), f"{at} {kind}")
                d[kind] = c[kind]
        out.append(d)
    metrics = mapper.get("optimization-metrics") or ["edp"]
    if not isinstance(metrics, list) or not all(isinstance(m, str) for m in metrics):
        raise CostModelError(f"{where}: mapper key 'optimization-metrics' must be a list of metric names")
    objective = ",".join(metrics)             # checked by the spec (objective_metrics)
    tl = {k: v for k, v in mapper.items() if k != "optimization-metrics"}
    extras = dict(extras or {})
    data = {"kind": "accelerator", "name": name, "levels": out, "mac": mac, "technology": technology, "pool": None,
            "cycle_seconds": cycle_seconds, **{k: v for k, v in extras.items() if k != "mapper"},
            "mapper": {**extras.get("mapper", {}), "objective": objective, "timeloop": tl}}
    return AcceleratorSpec.from_dict(data, where)


def restricted(spec: AcceleratorSpec, dims) -> AcceleratorSpec:
    """`spec` with every constraint restricted to `dims` (what a problem of that shape is emitted with)."""
    from dataclasses import replace
    levels = []
    for lv in spec.levels:
        tf, tp, _ = restrict(lv.temporal.factors, lv.temporal.permutation, None, dims)
        sf, sp, split = restrict(lv.spatial.factors, lv.spatial.permutation, lv.spatial.split, dims)
        levels.append(replace(lv, temporal=replace(lv.temporal, factors=tf, permutation=tp),
                              spatial=replace(lv.spatial, factors=sf, permutation=sp, split=split)))
    return replace(spec, levels=tuple(levels))
