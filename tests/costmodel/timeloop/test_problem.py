"""Problem emission: lowered ops -> Timeloop problem files equal to the ones the reference ran."""
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml

from costmodel.errors import CostModelError
from costmodel.ops import OpQuery, lower
from costmodel.timeloop.problem import check_instance, problem_dict, shape_for
from costmodel.arch.formats.yamlio import dump, load
from costmodel.workload import Layer, conv

from yamlquote import unquoted_strings
from costmodel.resources import reference_dir

REF = reference_dir()

# MDARTS Table I sub-layers (32x32, C = 16, stride 1, paper encoding = our mdarts lowering)
TABLE1 = [("sep_conv_3x3", "dw1", "problem_dw3x3_pad1.yaml"), ("sep_conv_5x5", "dw1", "problem_dw5x5_pad2.yaml"),
          ("sep_conv_3x3", "pw1", "problem_pw1x1.yaml"), ("dil_conv_3x3", "dw", "problem_dil3x3_pad2_as_dense.yaml"),
          ("dil_conv_5x5", "dw", "problem_dil5x5_pad4_as_dense.yaml")]


def _layer(op, name, c_in, h, c_out, stride, mode):
    layers = lower(OpQuery(op, c_in, h, c_out=c_out, stride=stride), mode)
    return next(l for l in layers if l.name == name)


@pytest.mark.parametrize("op,name,ref", TABLE1)
def test_table1_layers_emit_the_reference_problem(op, name, ref):
    emitted = yaml.safe_load(dump(problem_dict(_layer(op, name, 16, 32, 16, 1, "mdarts"), "legacy")))
    assert emitted == yaml.safe_load((REF / "table1-runs" / ref).read_text())


def test_every_v10_reference_problem_round_trips():
    """The 26 problems x 2 archs of timeloop-v1.0/: Layer from the index row -> legacy problem == problem.yaml."""
    index = pd.read_csv(REF / "timeloop-v1.0" / "index.csv")
    for _, r in index.iterrows():
        layer = Layer(name=r.problem_id, kind="conv", N=r.N, C=r.C, K=r.K, R=r.R, S=r.S, P=r.P, Q=r.Q,
                      H=r.P, W=r.Q, Hstride=r.Hstride, Wstride=r.Wstride, Hdilation=r.Hdilation, Wdilation=r.Wdilation)
        ref = yaml.safe_load((REF / "timeloop-v1.0" / r.folder / "problem.yaml").read_text())
        assert problem_dict(layer, "legacy") == ref, r.folder


def test_exact_lowering_emits_the_grouped_reference_problems():
    """Every sub-layer of the exact-mode reference (groups, dilation) from OUR exact lowering of the op."""
    df = pd.read_csv(REF / "timeloop-v1.0-exact" / "timeloop_v1.0_exact_darts_ops.csv")
    checked, block = 0, []
    for _, r in df.iterrows():           # rows: an op's sub-layers, then its 'total' row (op-level C_in/H/C_out/stride)
        if r.layer != "total":
            block.append(r)
            continue
        layers = {l.name: l for l in lower(OpQuery(r.op, int(r.C_in), int(r.H_in), c_out=int(r.C_out),
                                                   stride=int(r.op_stride)), "exact")}
        for sub in block:
            ref = yaml.safe_load((REF / "timeloop-v1.0-exact" / sub.problem_folder / "problem.yaml").read_text())
            layer = layers[sub.layer]
            assert problem_dict(layer, "legacy", grouped=True) == ref, (r.op, sub.layer, sub.problem_folder)
            if layer.G == 1:    # by default a G == 1 layer is a plain cnn-layer with the same bounds
                assert problem_dict(layer, "legacy")["problem"] == {
                    k: v for k, v in ref["problem"]["instance"].items() if k != "G"}
            checked += 1
        assert len(block) == len(layers) or r.op.endswith("pool_3x3"), r.op
        block = []
    assert checked == 158


def test_v04_problem_uses_timeloopfe_spelling_and_quotes_strings():
    layer = conv("dw", 1, 16, 16, 32, 32, 3, 1, 2, 2, 16)
    text = dump(problem_dict(layer, "v0.4"))
    p = load(text)["problem"]
    assert p["version"] == 0.4 and p["instance"]["G"] == 16 and p["instance"]["C"] == 1
    assert p["instance"]["Hdilation"] == 2 and p["shape"]["dimensions"][-1] == "G"
    assert "data_spaces" in p["shape"] and p["shape"]["data_spaces"][2]["read_write"] is True
    assert unquoted_strings(text) == []
    dense = load(dump(problem_dict(conv("pw", 1, 16, 32, 8, 8, 1), "v0.4")))["problem"]
    assert "G" not in dense["instance"] and "G" not in dense["shape"]["dimensions"] and dense["instance"]["M"] == 32
    assert "K" not in dense["instance"] and "K" not in str(dense["shape"])          # v0.4 names output channels M


def test_misspelled_or_missing_instance_keys_are_errors():
    shape = shape_for(conv("pw", 1, 16, 16, 8, 8, 1), "v0.4")
    good = {"N": 1, "C": 16, "K": 16, "R": 1, "S": 1, "P": 8, "Q": 8, "Wstride": 1, "Hstride": 1}
    check_instance(good, shape)
    with pytest.raises(CostModelError, match="'HStride' is neither a dimension"):
        check_instance({**good, "HStride": 2}, shape)
    with pytest.raises(CostModelError, match=r"lacks dimension\(s\) \['Q'\]"):
        check_instance({k: v for k, v in good.items() if k != "Q"}, shape)
    with pytest.raises(CostModelError, match="must be an integer >= 1"):
        check_instance({**good, "P": 0}, shape)
    with pytest.raises(CostModelError, match="'G' is neither"):     # G only exists in the grouped shape
        check_instance({**good, "G": 2}, shape)


def test_pools_have_no_timeloop_problem():
    pool = lower(OpQuery("max_pool_3x3", 16, 32), "exact")[0]
    with pytest.raises(CostModelError, match="cannot express pool-max"):
        problem_dict(pool)
    with pytest.raises(CostModelError, match="unknown Timeloop format"):
        problem_dict(replace(pool, kind="conv"), "v1.0")
