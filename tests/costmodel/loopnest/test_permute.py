"""loopnest.permute: the dims a level's permutation leaves unnamed are ordered by the mapper (Timeloop
permutes them), not left in one fixed order."""
from dataclasses import replace

import numpy as np
import pytest

from costmodel.arch.registry import load_arch
from costmodel.loopnest import permute
from costmodel.loopnest.mapper import search
from costmodel.loopnest.mapspace import _order, build_slots
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.problem import Problem
from costmodel.resources import reference_dir

SAMPLE = reference_dir() / "timeloop-v1.0-configs" / "configs" / "sample.yaml"
C02 = Problem(N=1, C=16, K=256, R=7, S=7, P=16, Q=16)      # sample c02 of the packaged reference


def _pinned(spec):
    """The spec with every level's order fixed to the one the factor search starts from."""
    return replace(spec, levels=tuple(replace(lv, temporal=replace(lv.temporal, permutation=_order(
        lv.temporal.permutation).replace("G", "") + "G")) for lv in spec.levels))


def test_orders_permute_each_group_in_place():
    got = list(permute.orders(5, [[1, 2], [3, 4]]))
    assert got[0] == [0, 1, 2, 3, 4] and len(got) == 4 and [0, 2, 1, 4, 3] in got
    assert list(permute.orders(5, [[1, 2], [3, 4]], joint=False)) == [[0, 1, 2, 3, 4], [0, 2, 1, 3, 4],
                                                                    [0, 1, 2, 3, 4], [0, 1, 2, 4, 3]]


def test_the_mapper_beats_the_fixed_order_where_the_config_leaves_it_open():
    spec = load_arch(str(SAMPLE))                  # DRAM names no order, WeightInputBuffer names none
    best, fixed = search(C02, spec), search(C02, _pinned(spec))
    assert best.cycles == fixed.cycles and best.energy_pj < 0.95 * fixed.energy_pj     # objective: energy first
    again = evaluate(C02, spec, best.mapping.text(" | "))     # the mapping says its order: same numbers
    assert (again.cycles, again.energy_pj) == (best.cycles, pytest.approx(best.energy_pj))
    dram = [lp.dim for lp in best.mapping.level("DRAM").temporal]
    assert dram != [d for d in reversed(_order("")) if d in dram]        # not the fixed (DIMS) order


def test_a_fully_ordered_arch_is_not_refined():
    spec = load_arch("eyeriss")
    slots = build_slots(C02, spec)
    assert permute.free_groups(spec, slots, np.full((len(slots), 1), 2)) == []


def test_the_factors_are_searched_again_under_the_order_found(monkeypatch):
    """A factorization that is best only under another order: found by re-searching with the order pinned."""
    from costmodel.loopnest import mapper
    spec, layer = load_arch(str(SAMPLE)), Problem(N=1, C=47, K=104, R=7, S=7, P=28, Q=28)
    best = search(layer, spec)
    pinned = permute.pinned(spec, best.mapping)
    assert all(sorted(lv.temporal.permutation) == sorted("NCKRSPQG") for lv in pinned.levels)
    again = search(layer, pinned)                          # a fixed point: the pinned order gives nothing better
    assert again.energy_pj >= best.energy_pj * (1 - 1e-9)
    monkeypatch.setattr(permute, "reversed_open", lambda s, *dims: s)       # the rounds alone find it
    assert search(layer, spec).energy_pj == pytest.approx(best.energy_pj)
    monkeypatch.setattr(mapper, "ROUNDS", 0)
    assert search(layer, spec).energy_pj > 1.1 * best.energy_pj     # neither: 277.6 vs 230.7 uJ


def test_a_second_start_from_the_reversed_order(monkeypatch):
    """C175 -> 180 3x3 32x32 on sample: K outside P at DRAM is best (389.5 uJ); neither the default order nor
    the orders refined from it reach it (511.2 uJ); the search from the reversed order does."""
    spec, layer = load_arch(str(SAMPLE)), Problem(N=1, C=175, K=180, R=3, S=3, P=32, Q=32)
    best = search(layer, spec)
    dram = [lp.dim for lp in best.mapping.level("DRAM").temporal]
    assert dram.index("K") < dram.index("P")                          # map.txt lists outer first
    monkeypatch.setattr(permute, "reversed_open", lambda s, *dims: s)
    assert search(layer, spec).energy_pj > 1.3 * best.energy_pj
