"""One conv convention (issue 22 item 3), Timeloop's: R, P, Wstride, Wdilation run along the input width;
S, Q, Hstride, Hdilation along its height -- in `Layer` (workload.conv), `loopnest.problem.Problem`, the
Timeloop emitter (timeloop.problem.instance_for) and both readers (layer_from_instance, fidelity CSVs).
Checked against torch on asymmetric kernels, strides, dilations and paddings: the output size, and the
input points a MAC reads (torch: the nonzero gradient of the padded input of an all-ones conv)."""
import csv

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from costmodel.errors import CostModelError
from costmodel.loopnest.fidelity import PROBLEM_COLS, read_reference
from costmodel.loopnest.problem import Problem
from costmodel.ops import OpQuery, lower
from costmodel.timeloop.problem import instance_for, layer_from_instance
from costmodel.matmul import matmul_bmkn, matmul_layer
from costmodel.workload import ShapedLayer, conv

pair = st.tuples(st.integers(1, 3), st.integers(1, 3))


def torch_footprint(c, h, w, k, s, d, p, g):
    """(output H x W, points of the padded input read, their bounding box per axis)."""
    x = torch.ones(1, c, h + 2 * p[0], w + 2 * p[1], requires_grad=True)
    y = F.conv2d(x, torch.ones(c, c // g, *k), stride=s, dilation=d, groups=g)
    y.sum().backward()
    used = x.grad[0] != 0
    rows, cols = used.any(dim=(0, 2)).nonzero(), used.any(dim=(0, 1)).nonzero()
    box = (int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1))
    return tuple(y.shape[2:]), int(used.sum()), box


@settings(max_examples=150, deadline=None)
@given(c=st.sampled_from([1, 2, 4]), h=st.integers(1, 12), w=st.integers(1, 12), k=pair, s=pair, d=pair,
       p=st.tuples(st.integers(0, 2), st.integers(0, 2)), depthwise=st.booleans())
def test_layer_and_problem_read_what_torch_reads(c, h, w, k, s, d, p, depthwise):
    g = c if depthwise else 1
    try:
        layer = conv("x", 1, c, c, h, w, k, s, p, d, g)
    except CostModelError:
        with pytest.raises(RuntimeError):
            torch_footprint(c, h, w, k, s, d, p, g)
        return
    out, used, box = torch_footprint(c, h, w, k, s, d, p, g)
    assert (layer.Q, layer.P) == out
    assert (layer.S, layer.R, layer.Hstride, layer.Wstride, layer.Hdilation, layer.Wdilation) == (*k, *s, *d)
    problem = Problem.from_layer(layer)
    assert problem.used("Inputs") == used
    assert problem.size("Inputs") == c * box[0] * box[1]          # Timeloop's AAHR box: the span read
    back = layer_from_instance(instance_for(layer), "x")          # the emitter and its reader agree
    assert Problem.from_layer(back) == problem
    assert (back.H, back.W) == box


def test_the_issues_examples(tmp_path):
    """conv1d stride 2 (C = 8, W = 64, k = 2): the input is all 512 words (272 under the old mixed
    convention); conv 7x1 stride (2, 1) and 1x7 stride (1, 2) read what torch reads."""
    (layer,) = lower(OpQuery("conv1d", 8, 1, w=64, c_out=8, stride=2, kernel=2, padding=0))
    assert (layer.R, layer.P, layer.Wstride, layer.S, layer.Q) == (2, 32, 2, 1, 1)
    assert Problem.from_layer(layer).size("Inputs") == Problem.from_layer(layer).used("Inputs") == 512
    for k, s in (((7, 1), (2, 1)), ((1, 7), (1, 2))):
        layer = conv("c", 1, 16, 16, 32, 32, k, s, (k[0] // 2, k[1] // 2))
        assert Problem.from_layer(layer).used("Inputs") == torch_footprint(16, 32, 32, k, s, (1, 1),
                                                                            (k[0] // 2, k[1] // 2), 1)[1]
    # the fidelity reader takes a Timeloop row the same way
    f = tmp_path / "ref.csv"
    inst = instance_for(layer)
    with open(f, "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(PROBLEM_COLS) + ["cycles", "cycles_bw", "energy_pJ"])
        wr.writeheader()
        wr.writerow({**{c: inst.get(c, 1) for c in PROBLEM_COLS[1:]}, "arch": "eyeriss", "cycles": 1, "cycles_bw": 1,
                     "energy_pJ": 1.0})
    (_, _, read, *_), = read_reference(f)
    assert Problem.from_layer(read) == Problem.from_layer(layer) and (read.H, read.W) == (32, 15 * 2 + 7)   # the span read: H unpadded, W = (P - 1) x 2 + R


def test_a_matmul_is_a_grouped_pointwise_conv():
    layer = matmul_layer(4, 64, 16, 64, "qk")
    assert matmul_bmkn(layer) == (4, 64, 16, 64) and (layer.P, layer.Q) == (64, 1)
    twin = ShapedLayer("qk", "batched-gemm", (("H", 4), ("M", 64), ("N", 64), ("K", 16)))
    assert layer.macs == twin.macs == 262_144 and layer.outputs == twin.outputs == 4 * 64 * 64
    assert Problem.from_layer(layer).size("Weights") == Problem.from_layer(twin).size("Weights") == 4 * 16 * 64
    assert Problem.from_layer(layer).size("Inputs") == Problem.from_layer(twin).size("Inputs") == 4 * 64 * 16
