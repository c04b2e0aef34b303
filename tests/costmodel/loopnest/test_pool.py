"""Max pool on the accelerator (costmodel/loopnest/pool.py): the windows mapped on the PE array like a
depthwise layer, numbers derived from the spec's `pool:` section (issue 10)."""
import math

import pytest
import yaml

from costmodel.arch.spec import dump_spec
from costmodel.arch.registry import load_arch
from costmodel.errors import CostModelError
from costmodel.evaluate import evaluate_op
from costmodel.loopnest import mapper, model
from costmodel.loopnest.pool import max_pool_cost, window_problem
from costmodel.loopnest.spec import AcceleratorSpec
from costmodel.ops import OpQuery, lower

SHAPES = [(arch, stride) for arch in ("eyeriss", "diannao") for stride in (1, 2)]


def _costs(spec, stride):
    q = OpQuery("max_pool_3x3", 16, 32, stride=stride)
    layer = lower(q, "exact")[0]
    avg = evaluate_op(spec, OpQuery("avg_pool_3x3", 16, 32, stride=stride), lowering="exact")
    return layer, max_pool_cost(layer, spec), avg


@pytest.mark.parametrize("arch, stride", SHAPES)
def test_default_max_pool_within_2x_of_avg_pool(arch, stride):
    """Done-when of issue 10: exact, C16 32x32, stride 1 and 2 -- from the spec, not a constant."""
    spec = load_arch(arch)
    assert spec.pool.max_model == "pe-array"
    layer, mx, avg = _costs(spec, stride)
    assert mx.ok and avg.ok
    for metric in ("cycles", "compute_cycles", "energy_pj"):
        ratio = getattr(mx, metric) / getattr(avg, metric)
        assert 0.5 <= ratio <= 2, (arch, stride, metric, ratio)
    # the same grouped window problem, so the same EDP-optimal mapping as the avg pool's MAC layer:
    # compute cycles are the avg pool's (one MAC per PE per cycle) over the spec's compare rate per PE
    assert mx.compute_cycles == math.ceil(avg.compute_cycles / spec.pool.compare_per_cycle)
    assert mx.mapping == avg.layers[0].mapping
    # energy: the same Inputs/Outputs accesses; no weight operand; each MAC becomes a comparison
    problem = window_problem(layer)
    _, stats = model.evaluate(problem, spec, mapper.search(problem, spec).mapping, detail=True)
    weights = sum(stats[(lv.name, "Weights")]["energy_pj"] for lv in spec.levels if "Weights" in lv.keep)
    comparisons = 9 * 16 * layer.P * layer.Q
    expected = avg.energy_pj - weights + comparisons * (spec.pool.compare_energy_pj - spec.mac.energy_pj)
    assert mx.energy_pj == pytest.approx(expected, rel=1e-12)


def _variant(arch, **pool):
    d = yaml.safe_load(dump_spec(load_arch(arch)))
    d["pool"].update(pool)
    d.pop("presets", None)
    return AcceleratorSpec.from_dict(d, source="variant")


def test_compare_rate_and_energy_come_from_the_spec():
    base = _costs(load_arch("diannao"), 1)[1]
    slow = _costs(_variant("diannao", compare_per_cycle=0.25, compare_energy_pj=3.0), 1)[1]
    assert slow.compute_cycles == 4 * base.compute_cycles
    assert slow.cycles >= slow.compute_cycles
    assert slow.energy_pj == pytest.approx(base.energy_pj + 2.0 * 9 * 16 * 32 * 32)


def test_serial_model_is_the_fitted_preset():
    spec = load_arch("eyeriss:mdarts-table3")
    assert spec.name == "eyeriss:mdarts-table3" and spec.pool.max_model == "serial"
    layer, mx, _ = _costs(spec, 2)
    assert mx.cycles == mx.compute_cycles == 9 * 16 * 16 * 16 / spec.pool.compare_per_cycle
    assert mx.energy_pj == 9 * 16 * 16 * 16 * spec.pool.compare_energy_pj + (
        16 * 33 * 33 + 16 * 16 * 16) * spec.levels[0].access_energy_pj   # padded 33x33 input window span
    assert "FITTED" in mx.message
    assert load_arch("diannao:mdarts-table4").pool.max_model == "serial"


@pytest.mark.parametrize("pool, match", [
    ({"max_model": "abacus"}, "'max_model' must be one of pe-array, serial"),
    ({"compare_per_cycle": 0}, "'compare_per_cycle'"),
    ({"max_model": None}, "max_model"),
])
def test_bad_pool_section_names_the_key(pool, match):
    with pytest.raises(CostModelError, match=match):
        _variant("eyeriss", **pool)
