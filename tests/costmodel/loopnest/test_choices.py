"""loopnest.choices: X/Y splits and keep/bypass a spec leaves to the mapper, expanded and searched."""
from dataclasses import replace

import pytest

from costmodel.arch.registry import load_arch
from costmodel.errors import CostModelError
from costmodel.loopnest import choices
from costmodel.loopnest.mapper import search
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.problem import Problem
from costmodel.loopnest.spec import AcceleratorSpec
from costmodel.resources import reference_dir

CONFIGS = reference_dir() / "timeloop-v1.0-configs" / "configs"
LAYER = Problem(N=1, C=48, K=64, R=3, S=3, P=8, Q=8)


def _metric(r, spec):
    return {"energy": r.energy_pj, "delay": r.cycles, "edp": r.energy_pj * r.cycles}[
        spec.mapper["objective"].split(",")[0]]


def test_sample_registers_keep_is_searched_over_every_subset():
    spec = load_arch(str(CONFIGS / "sample.yaml"))
    assert not choices.is_concrete(spec)
    vs = choices.variants(spec, LAYER.bounds)
    assert sorted(v.level("Registers").keep for v in vs) == sorted(
        [(), ("Weights",), ("Inputs",), ("Outputs",), ("Weights", "Inputs"), ("Weights", "Outputs"),
         ("Inputs", "Outputs"), ("Weights", "Inputs", "Outputs")])
    assert all(choices.is_concrete(v) for v in vs)
    assert choices.variants(spec, LAYER.bounds)[3] is vs[3]          # made once per spec (warm caches)
    best = search(LAYER, spec)
    assert best.mapping is not None
    for v in vs:                     # the best over the variants: none of them alone does better
        r = search(LAYER, v)
        assert r.mapping is None or _metric(best, spec) <= _metric(r, spec) * (1 + 1e-9)


def test_a_split_is_searched_only_where_both_axes_fan_out():
    simba = load_arch(str(CONFIGS / "simba-chip.cfg"))                # fan-outs are 1 x 8, 1 x 8, 16 x 1
    assert [lv.spatial.split for lv in simba.levels] == [None] * 6
    assert len(choices.variants(simba, LAYER.bounds)) == 1
    grid = AcceleratorSpec.from_dict({          # one buffer feeding a 4 x 4 MAC grid; split not given
        "name": "grid", "pool": None, "mac": {"instances": 16, "mesh_x": 4, "word_bits": 16, "energy_pj": 1.0},
        "levels": [
            {"name": "DRAM", "technology": "DRAM", "entries": None, "word_bits": 16, "instances": 1, "mesh_x": 1,
             "access_energy_pj": 200.0, "keep": ["Weights", "Inputs", "Outputs"]},
            {"name": "Buffer", "technology": "SRAM", "entries": 65536, "word_bits": 16, "instances": 1, "mesh_x": 1,
             "access_energy_pj": 5.0, "keep": ["Weights", "Inputs", "Outputs"],
             "spatial": {"factors": {"N": 1, "R": 1, "S": 1, "P": 1, "Q": 1, "G": 1}, "permutation": "KCNRSPQG"}}]})
    vs = choices.variants(grid, LAYER.bounds)
    axes = [tuple(v.level("Buffer").spatial.axis_of(d) for d in "KC") for v in vs]
    assert axes == [("Y", "Y"), ("X", "Y"), ("X", "X")]     # the distinct prefix cuts of the dims that can fan out
    best = search(LAYER, grid)
    assert best.compute_cycles * 16 == LAYER.macs                       # K on X and C on Y: all 16 MACs
    assert {(lp.dim, lp.spatial) for lv in best.mapping.levels for lp in lv.spatial} == {("K", "X"), ("C", "Y")}


def test_a_fixed_mapping_says_what_a_free_level_keeps():
    spec = load_arch(str(CONFIGS / "sample.yaml"))
    r = search(LAYER, spec)
    text = r.mapping.text(" | ")
    again = evaluate(LAYER, spec, text)
    assert (again.cycles, again.energy_pj) == (r.cycles, pytest.approx(r.energy_pj))
    wrong = text.replace("AccumulationBuffer [ Outputs:", "AccumulationBuffer [ Weights:1 Outputs:")
    with pytest.raises(CostModelError, match="keeps Weights at AccumulationBuffer, which bypasses it"):
        evaluate(LAYER, spec, wrong)


def test_constraints_fixing_every_factor_cover_part_of_the_problem_as_timeloop_does():
    simba = load_arch(str(CONFIGS / "simba-chip.cfg"))               # N = 1 at every level
    two = replace(LAYER, N=2)
    assert choices.partial_coverage(two, simba) == {"N": 1}
    r, one = search(two, simba), search(LAYER, simba)
    assert r.covered == (("N", 1),) and "covers N 1 of 2" in r.message
    assert (r.cycles, r.energy_pj) == (one.cycles, one.energy_pj)
    with pytest.raises(CostModelError, match="factors of N multiply to 1, the problem has N = 2"):
        evaluate(two, load_arch("eyeriss"), search(LAYER, load_arch("eyeriss")).mapping)   # eyeriss leaves N free
