"""Backend `analytic`: maps then evaluates; memoised; pools per the spec's (our) pool model; never raises."""
import pytest

from costmodel.arch.registry import load_arch
from costmodel.backends import get_backend
from costmodel.evaluate import evaluate_op
from costmodel.ops import OpQuery, lower
from costmodel.workload import conv


def test_identity_and_table1_layer():
    be = get_backend("analytic")
    assert be.name == "analytic" and be.version
    layer = conv("dw", 1, 16, 16, 32, 32, 3, 1, 1, 1, 16, "mdarts")          # dense 3x3 C16->K16 at 32x32
    cost = be.evaluate(layer, load_arch("eyeriss"))
    assert cost.ok and (cost.compute_cycles, cost.cycles) == (12288, 12288)
    assert cost.energy_pj == pytest.approx(19904957.51, rel=1e-7)            # reference t1_dw3 (stats.txt)
    assert cost.macs == layer.macs and 0 < cost.utilization <= 1
    assert "GlobalBuffer" in cost.mapping
    assert be.evaluate(layer, load_arch("eyeriss")) is cost                  # memoised


def test_grouped_and_dilated_layers_exact_mode():
    q = OpQuery("dil_conv_3x3", 16, 32)
    dw = lower(q, "exact")[0]
    assert dw.G == 16 and dw.Hdilation == 2
    cost = get_backend("analytic").evaluate(dw, load_arch("diannao"))
    # reference timeloop-v1.0-exact (diannao_G16_C1_K1_R3_P32_s1_d2): 9,216 compute cycles, 12,288 total
    assert cost.ok and (cost.compute_cycles, cost.cycles) == (9216, 12288)


def test_max_pool_is_our_model_and_says_so():
    cost = evaluate_op("eyeriss", OpQuery("max_pool_3x3", 16, 32, stride=2), lowering="exact")
    layer_cost = cost.layers[0]
    assert cost.ok and "not Timeloop" in layer_cost.message and "PE array" in layer_cost.message
    assert layer_cost.energy_pj > 0 and cost.macs == 0


def test_fitted_preset_keeps_the_serial_constant_and_says_fitted():
    # issue 4 item 3 / MDARTS Table III: the first reduction cell's max_pool_3x3 (C16, 32 -> 16) is
    # 9*16*16*16 = 36,864 comparisons; at the preset's fitted 1/cycle on one unit that is 36,864 cycles
    cost = evaluate_op("eyeriss:mdarts-table3", OpQuery("max_pool_3x3", 16, 32, stride=2), lowering="exact")
    assert cost.ok and cost.compute_cycles == cost.cycles == 9 * 16 * 16 * 16
    assert "FITTED" in cost.layers[0].message and "eyeriss:mdarts-table3" in cost.layers[0].message


def test_avg_pool_is_a_mac_layer_grouped_in_exact_dense_in_mdarts():
    exact = evaluate_op("diannao", OpQuery("avg_pool_3x3", 16, 32), lowering="exact")
    mdarts = evaluate_op("diannao", OpQuery("avg_pool_3x3", 16, 32), lowering="mdarts")
    assert exact.ok and mdarts.ok and exact.macs * 16 == mdarts.macs
    assert "not Timeloop" in exact.layers[0].message


def test_a_non_accelerator_spec_is_reported_not_raised():
    cost = get_backend("analytic").evaluate(conv("c", 1, 4, 4, 8, 8, 3, 1, 1), load_arch("c64x"))
    assert cost.status == "not-expressible" and "analytic" in cost.message


def test_no_valid_mapping_is_a_failed_cost():
    # Eyeriss keeps all of R in the 192-entry WeightRegFile (constraint R0): R = 200 cannot be mapped
    cost = get_backend("analytic").evaluate(conv("big", 1, 1, 1, 300, 300, 200, 1, 0), load_arch("eyeriss"))
    assert cost.status == "failed" and cost.message
