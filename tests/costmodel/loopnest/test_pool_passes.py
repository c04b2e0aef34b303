"""Pool windows larger than what the array's constraints admit are costed in passes (loopnest/pool.py):
Eyeriss keeps a whole window row in its 12-entry input register file, so a 13x13+ window has no legal
mapping whole; the DARTS 3x3 pools never split."""
from dataclasses import replace

import pytest

from costmodel.arch import load_arch
from costmodel.backends.analytic import AnalyticBackend
from costmodel.cost import Cost
from costmodel.evaluate import evaluate_op
from costmodel.loopnest.pool import in_passes
from costmodel.ops import OpQuery, lower


@pytest.mark.parametrize("op", ["avg_pool", "max_pool"])
def test_a_16x16_global_pool_on_eyeriss_is_two_8x16_passes(op):
    spec = load_arch("eyeriss")
    q = OpQuery(op, 32, 16, kernel=16, padding=0)
    layer = lower(q, "exact")[0]
    be = AnalyticBackend()
    whole = be._evaluate(layer, spec)
    assert whole.status == "failed" and "no valid mapping" in whole.message      # what users got before
    cost = evaluate_op(spec, q, lowering="exact")
    assert cost.ok and "16x16 window in 2 passes" in cost.layers[0].message
    half = be._evaluate(replace(layer, R=8), spec)                              # each pass: an 8x16 sub-window
    outputs = layer.N * layer.K * layer.P * layer.Q
    reread = -(-outputs // spec.levels[0].block_size) * spec.levels[0].access_energy_pj
    assert (cost.cycles, cost.compute_cycles) == (2 * half.cycles, 2 * half.compute_cycles)
    assert cost.energy_pj == pytest.approx(2 * half.energy_pj + reread, rel=1e-12)


@pytest.mark.parametrize("arch", ["eyeriss", "diannao"])
@pytest.mark.parametrize("k", [7, 13, 14, 16, 28])
def test_any_global_average_pool_is_costed(arch, k):
    cost = evaluate_op(arch, OpQuery("avg_pool", 32, k, kernel=k, padding=0), lowering="exact")
    assert cost.ok and cost.cycles > 0 and cost.energy_pj > 0 and cost.macs == 32 * k * k


def test_darts_3x3_pools_are_costed_whole():
    for op in ("max_pool_3x3", "avg_pool_3x3"):
        cost = evaluate_op("eyeriss", OpQuery(op, 16, 32), lowering="exact")
        assert cost.ok and "passes" not in cost.layers[0].message


def test_a_window_no_split_maps_keeps_its_failure():
    layer = lower(OpQuery("avg_pool", 8, 4, kernel=4, padding=0), "exact")[0]
    seen = []

    def never(one):
        seen.append((one.R, one.S))
        return Cost(status="failed", message=f"no room for {one.R}x{one.S}")
    cost = in_passes(layer, load_arch("eyeriss"), never)
    assert cost.status == "failed" and cost.message == "no room for 4x4"
    assert (1, 1) in seen                       # every split down to 1x1 passes was tried
