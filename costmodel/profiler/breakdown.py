"""Energy of one costed layer split by storage level (DRAM, buffers, register files) and the MAC array [pJ].

The loop-nest model already computes the energy of every (level, data space) to sum it; this
re-evaluates the mapping the mapper chose (stored in the Cost / LUT row) with ``detail=True`` and
groups it by level. No LUT column is added: a warm LUT row carries everything needed. Max pools
use our pool model's two terms (outermost-level words and comparisons). Returns None when the arch
has no energy model (C64x+) or the stored mapping is not one our model can re-evaluate; the split
is checked to add up to the Cost's energy_pj (1e-6 relative) before it is reported.
"""
from __future__ import annotations

import json

from ..cost import Cost
from ..ops import OpQuery, lower

MAC = "MAC"


def level_names(spec) -> list[str] | None:
    """The breakdown columns of an arch, outer -> inner then MAC (None: the arch has no storage levels)."""
    levels = getattr(spec, "levels", None)
    return None if levels is None else [lv.name for lv in levels] + [MAC]


def _layer_split(layer, mapping_text: str, spec) -> dict:
    from ..loopnest.model import evaluate
    if layer.kind == "pool-max":
        h_in = (layer.P - 1) * layer.Hstride + (layer.R - 1) * layer.Hdilation + 1
        w_in = (layer.Q - 1) * layer.Wstride + (layer.S - 1) * layer.Wdilation + 1
        words = layer.N * layer.C * h_in * w_in + layer.outputs
        return {spec.levels[0].name: words * spec.levels[0].access_energy_pj,
                MAC: layer.macs * spec.pool.compare_energy_pj}
    _, stats = evaluate(layer, spec, mapping_text, detail=True)
    out = {lv.name: 0.0 for lv in spec.levels}
    for key, st in stats.items():
        if isinstance(key, tuple):
            out[key[0]] += st["energy_pj"]
    out[MAC] = layer.macs * spec.mac.energy_pj
    return out


def energy_by_level(query: OpQuery, cost: Cost, spec, lowering: str = "exact") -> dict | None:
    """{level name: pJ, ..., "MAC": pJ} for a plain-op `query` costed as `cost` on `spec`, or None."""
    names = level_names(spec)
    if names is None or cost.energy_pj is None or not cost.ok:
        return None
    layers = lower(query, lowering)
    try:
        texts = json.loads(cost.mapping) if cost.mapping.startswith("{") else {}
        total = dict.fromkeys(names, 0.0)
        for layer in layers:
            for k, v in _layer_split(layer, texts.get(layer.name, ""), spec).items():
                total[k] += v
    except Exception:   # a mapping our model cannot re-evaluate (e.g. the real Timeloop's): no split
        return None
    if abs(sum(total.values()) - cost.energy_pj) > 1e-6 * max(1.0, cost.energy_pj):
        return None
    return total
