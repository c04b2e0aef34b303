"""C64x+ counter: DEff-ARTS Appendix B formulas on shapes beyond Table 2, spec validation, presets."""
import pytest
import yaml

from costmodel.arch.registry import load_arch
from costmodel.arch.spec import spec_hash
from costmodel.backends.c64x import C64xSpec
from costmodel.errors import CostModelError
from costmodel.evaluate import evaluate_op
from costmodel.ops import OpQuery

MUL, ADD, DIV, CMP = 4, 1, 4, 1  # DEff-ARTS Table 1


@pytest.mark.parametrize("h,c_in,c_out", [(32, 3, 3), (16, 8, 24), (9, 5, 7)])
def test_appendix_b_formulas(h, c_in, c_out):
    hw = h * h
    for k in (3, 5):
        dw, pw = k * k * hw * c_in, c_in * hw * c_out
        assert evaluate_op("c64x", OpQuery(f"sep_conv_{k}x{k}", c_in, h, c_out=c_out)).cycles == (
            # sep_conv repeats (dw, pw C_in->C_in) then (dw, pw C_in->C_out), as DARTS does
            (2 * dw + c_in * hw * c_in + pw) * (MUL + ADD))
        assert evaluate_op("c64x", OpQuery(f"dil_conv_{k}x{k}", c_in, h, c_out=c_out)).cycles == (dw + pw) * (MUL + ADD)
    assert evaluate_op("c64x", OpQuery("max_pool_3x3", c_in, h)).cycles == 9 * hw * c_in * CMP
    assert evaluate_op("c64x", OpQuery("avg_pool_3x3", c_in, h)).cycles == 9 * hw * c_in * MUL + hw * c_in * DIV
    assert evaluate_op("c64x", OpQuery("skip_connect", c_in, h)).cycles == 0


def test_stride_two_counts_the_output_it_computes():
    # Appendix B divides the depthwise term by S^2: the op computes a quarter of the outputs
    q1, q2 = OpQuery("dil_conv_3x3", 8, 16, stride=1), OpQuery("dil_conv_3x3", 8, 16, stride=2)
    dw1 = 9 * 256 * 8
    assert evaluate_op("c64x", q2).cycles == (dw1 // 4 + 8 * 64 * 8) * (MUL + ADD)
    assert evaluate_op("c64x", q1).cycles == (dw1 + 8 * 256 * 8) * (MUL + ADD)


def test_energy_is_not_modelled():
    c = evaluate_op("c64x", OpQuery("conv_3x3", 4, 8))
    assert c.energy_pj is None and c.cycles == c.compute_cycles


def test_presets_change_only_what_they_say():
    base, t2 = load_arch("c64x"), load_arch("c64x:deffarts-table2")
    assert t2.name == "c64x:deffarts-table2" and spec_hash(t2) != spec_hash(base)
    q = OpQuery("sep_conv_3x3", 3, 32)
    assert evaluate_op(t2, q).cycles == evaluate_op(base, q).cycles
    assert evaluate_op("c64x:deffarts-table3", q).cycles == evaluate_op(base, q).cycles / 2
    with pytest.raises(CostModelError, match="no preset"):
        load_arch("c64x:nope")


def test_spec_round_trips_through_yaml():
    spec = load_arch("c64x")
    again = C64xSpec.from_dict(yaml.safe_load(yaml.safe_dump(spec.to_dict())))
    assert again == spec and spec_hash(again) == spec_hash(spec)


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d.pop("op_cycles"), "missing key 'op_cycles'"),
    (lambda d: d["op_cycles"].update(mul=-1), "op_cycles.mul"),
    (lambda d: d["layer_ops"]["conv"].update(per_mac=["fma"]), "'fma' is not in op_cycles"),
    (lambda d: d.update(colour="red"), "unknown key 'colour'"),
    (lambda d: d["layer_ops"].pop("pool-max"), "pool-max"),
    (lambda d: d.update(layer_ops=["conv"]), "layer_ops must map"),
    (lambda d: d["layer_ops"]["conv"].update(per_mac="mul"), "must be a list"),
    (lambda d: d.update(op_scale={"sep_conv_3x3": "half"}), "op_scale"),
    (lambda d: d.update(op_scale={"sep_conv3x3": 0.5}), "op_scale: unknown op 'sep_conv3x3'"),
    (lambda d: d["presets"]["deffarts-table2"].update(colour={"red": 1}), "preset 'deffarts-table2': unknown key"),
])
def test_bad_spec_names_the_key(mutate, words):
    data = load_arch("c64x").to_dict()
    mutate(data)
    with pytest.raises(CostModelError, match=words):
        C64xSpec.from_dict(data, source="c64x.yaml")
