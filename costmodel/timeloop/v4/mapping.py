"""A timeloopfe v4 / v3-native ``mapping`` (list of directives by target) -> our `Mapping`.

Directives: ``type: temporal | spatial`` with ``factors`` (``R=3 P=16`` or a list) and ``permutation``
(inner -> outer; ``split``: the first ``split`` dims of a spatial permutation are on mesh X, the rest on Y);
``type: datatype | bypass`` with ``keep`` / ``bypass``. A target may name a ``!Container`` that fans out
(``PE`` = its level ``inter_PE_spatial``). Dims a directive omits have factor 1. Keep/bypass as Timeloop's
mapping parser: a data space a datatype directive does not bypass is kept; a level without one keeps what
its constraints allow (timeloopfe turns them into mapping directives for timeloop-model); a pure fan-out
level keeps nothing.
"""
from __future__ import annotations

from ...errors import CostModelError
from ...loopnest.mapping import Loop, Mapping, MappingLevel
from ...loopnest.spec import DATASPACES
from ..constraints import parse_factors, parse_permutation
from ..problem import from_v04_dim
from .yamlfiles import at

KEYS = {"target", "type", "factors", "permutation", "split", "keep", "bypass"}


def read(directives, spec, src: str = "mapping") -> Mapping:
    if not isinstance(directives, list) or not directives:
        raise CostModelError(f"{src}: the files hold no mapping (give a map file, or run `costmodel mapper`)")
    names = [lv.name for lv in spec.levels]
    by = {n: {"temporal": [], "spatial": [], "keep": None} for n in names}
    for d in directives:
        if not isinstance(d, dict):
            raise CostModelError(f"{at(d, default=src)}: a mapping directive must be a mapping")
        for k in d:
            if k not in KEYS:
                raise CostModelError(f"{at(d, k, src)}: unknown key {k!r} in a mapping directive")
        t = str(d.get("target", ""))
        target = t if t in by else f"inter_{t}_spatial"
        if target not in by:
            raise CostModelError(f"{at(d, 'target', src)}: mapping target {t!r} is not a level of the arch ({names})")
        kind = d.get("type")
        if kind in ("datatype", "bypass", "dataspace"):
            keep, bypass = [str(x) for x in d.get("keep") or []], [str(x) for x in d.get("bypass") or []]
            bad = [x for x in keep + bypass if x not in DATASPACES]
            if bad:
                raise CostModelError(f"{at(d, 'keep', src)}: unknown data space {bad[0]!r}")
            by[target]["keep"] = [ds for ds in DATASPACES if ds not in bypass]    # Timeloop: unnamed = kept
            by[target]["where"] = at(d, "bypass", src)
            continue
        if kind not in ("temporal", "spatial"):
            raise CostModelError(f"{at(d, 'type', src)}: mapping type {kind!r} (temporal, spatial, datatype | bypass | dataspace)")
        f = {from_v04_dim(k): b for k, b in parse_factors(d.get("factors"), at(d, "factors", src)).items()}
        perm = [from_v04_dim(x) for x in parse_permutation(d.get("permutation", ""))]
        perm += [x for x in f if x not in perm]
        split = int(d.get("split", len(perm))) if kind == "spatial" else None
        loops = []
        for i, dim in enumerate(perm):               # inner -> outer
            b = f.get(dim, 1)
            if b == 0:
                raise CostModelError(f"{at(d, 'factors', src)}: factor {dim}=0 in a mapping (give the bound)")
            if b > 1:
                loops.append(Loop(dim, b, None if kind == "temporal" else ("X" if i < split else "Y")))
        by[target][kind] = list(reversed(loops))    # outer -> inner, as map.txt prints
    levels = []
    for lv in spec.levels:
        m = by[lv.name]
        keep = [] if lv.entries == 0 else m["keep"] if m["keep"] is not None else list(lv.keep + lv.keep_or_bypass)
        clash = [ds for ds in lv.keep if ds not in keep]
        if clash:
            raise CostModelError(f"{m.get('where', src)}: the mapping bypasses {clash[0]} at {lv.name}, which its "
                                 f"constraints keep")
        levels.append(MappingLevel(lv.name, tuple(m["temporal"] + m["spatial"]), {ds: 0 for ds in keep}))
    return Mapping(tuple(levels))
