"""Lowering: exact mode against torch.nn on many shapes; mdarts mode against the MDARTS encoding."""
import itertools

import pytest
import torch
import torch.nn as nn

from costmodel.errors import CostModelError
from costmodel.ops import OpQuery, lower, op_macs, op_params


def darts_module(op, c_in, c_out, stride):
    """The op as DARTS operations.py builds it (ReLU/BN omitted: shape-neutral), plus MDARTS dw_conv."""
    def sep(k):
        p = k // 2
        return nn.Sequential(nn.Conv2d(c_in, c_in, k, stride, p, groups=c_in, bias=False),
                             nn.Conv2d(c_in, c_in, 1, bias=False),
                             nn.Conv2d(c_in, c_in, k, 1, p, groups=c_in, bias=False),
                             nn.Conv2d(c_in, c_out, 1, bias=False))

    def dil(k):
        return nn.Sequential(nn.Conv2d(c_in, c_in, k, stride, k - 1, dilation=2, groups=c_in, bias=False),
                             nn.Conv2d(c_in, c_out, 1, bias=False))

    class FactorizedReduce(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
            self.c2 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)

        def forward(self, x):
            return torch.cat([self.c1(x), self.c2(x[:, :, 1:, 1:])], dim=1)

    table = {
        "max_pool_3x3": lambda: nn.MaxPool2d(3, stride, 1),
        "avg_pool_3x3": lambda: nn.AvgPool2d(3, stride, 1, count_include_pad=False),
        "skip_connect": lambda: nn.Identity() if stride == 1 else FactorizedReduce(),
        "factorized_reduce": lambda: FactorizedReduce(),
        "sep_conv_3x3": lambda: sep(3), "sep_conv_5x5": lambda: sep(5), "sep_conv_7x7": lambda: sep(7),
        "dil_conv_3x3": lambda: dil(3), "dil_conv_5x5": lambda: dil(5),
        "dw_conv_3x3": lambda: nn.Conv2d(c_in, c_in, 3, stride, 1, groups=c_in, bias=False),
        "dw_conv_5x5": lambda: nn.Conv2d(c_in, c_in, 5, stride, 2, groups=c_in, bias=False),
        "conv_1x1": lambda: nn.Conv2d(c_in, c_out, 1, stride, 0, bias=False),
        "conv_3x3": lambda: nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False),
        "conv_7x1_1x7": lambda: nn.Sequential(nn.Conv2d(c_in, c_out, (1, 7), (1, stride), (0, 3), bias=False),
                                              nn.Conv2d(c_out, c_out, (7, 1), (stride, 1), (3, 0), bias=False)),
    }
    return table[op]()


def conv_records(module, x):
    """(C_in, C_out, groups, kernel, stride, dilation, output HxW) of every Conv2d, in execution order."""
    recs = []
    hooks = [m.register_forward_hook(lambda m, i, o: recs.append(
        (m.in_channels, m.out_channels, m.groups, m.kernel_size, m.stride, m.dilation, tuple(o.shape[2:]))))
        for m in module.modules() if isinstance(m, nn.Conv2d)]
    out = module(x)
    for h in hooks:
        h.remove()
    return out, recs


SAME_CHANNELS = {"max_pool_3x3", "avg_pool_3x3", "dw_conv_3x3", "dw_conv_5x5"}
OPS = ["max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7",
       "dil_conv_3x3", "dil_conv_5x5", "dw_conv_3x3", "dw_conv_5x5", "conv_1x1", "conv_3x3", "conv_7x1_1x7"]
SHAPES = [(c, h, s) for c, h, s in itertools.product((3, 8, 16), (4, 7, 8, 15, 32), (1, 2))
          if not (s == 2 and h % 2)]


@pytest.mark.parametrize("op", OPS)
def test_exact_lowering_matches_torch(op):
    for c, h, s in SHAPES:
        c_out = c if (op in SAME_CHANNELS or (op == "skip_connect" and s == 1)) else 2 * c
        if op == "skip_connect" and s == 2 and h < 2:
            continue
        module = darts_module(op, c, c_out, s)
        w = h + (1 if s == 1 else 2)  # non-square inputs too (even where stride 2 needs it)
        x = torch.zeros(2, c, h, w)
        with torch.no_grad():
            out, recs = conv_records(module, x)
        layers = lower(OpQuery(op, c, h, w=w, c_out=c_out, stride=s, n=2), "exact")
        if not layers:
            assert out.shape == x.shape
            continue
        assert (layers[-1].Q, layers[-1].P) == tuple(out.shape[2:])         # Timeloop's: Q height, P width
        convs = [l for l in layers if l.kind == "conv"]
        assert [(l.C, l.K, l.G, (l.S, l.R), (l.Hstride, l.Wstride), (l.Hdilation, l.Wdilation), (l.Q, l.P))
                for l in convs] == recs, (op, c, h, s)
        assert op_params(OpQuery(op, c, h, w=w, c_out=c_out, stride=s)) == sum(
            p.numel() for p in module.parameters())
        if op in ("max_pool_3x3", "avg_pool_3x3"):
            (pool,) = layers
            assert (pool.Q, pool.P, pool.K, pool.G) == (*out.shape[2:], c, c)


def test_macs_count_every_multiply():
    # sep_conv_3x3 at 32x32, C=16: 2 x (dw 9*16*32*32 + pw 16*16*32*32)
    assert op_macs(OpQuery("sep_conv_3x3", 16, 32)) == 2 * (9 * 16 * 1024 + 16 * 16 * 1024)


def test_mdarts_lowering_is_the_paper_encoding():
    # MDARTS Table I encoding: dense C_in -> C_out, dilation dropped, P = (H - R + 2 pad)/s + 1
    dw, pw = lower(OpQuery("dil_conv_3x3", 16, 32), "mdarts")
    assert (dw.C, dw.K, dw.G, dw.Hdilation, dw.P, dw.Q) == (16, 16, 1, 1, 34, 34)
    assert (pw.P, pw.Q) == (32, 32)  # the pointwise sees the true 32x32 feature map
    dw5, _ = lower(OpQuery("dil_conv_5x5", 16, 32), "mdarts")
    assert dw5.P == 36
    red, _ = lower(OpQuery("dil_conv_3x3", 32, 32, stride=2), "mdarts")
    assert red.P == 17
    assert all(l.G == 1 for l in lower(OpQuery("sep_conv_5x5", 16, 32), "mdarts"))
    fr = lower(OpQuery("skip_connect", 32, 32, stride=2), "mdarts")
    assert [(l.C, l.K, l.P) for l in fr] == [(32, 16, 16), (32, 16, 16)]


def test_none_and_identity_are_free():
    assert lower(OpQuery("none", 16, 32)) == [] and lower(OpQuery("skip_connect", 16, 32)) == []


@pytest.mark.parametrize("query, words", [
    (OpQuery("sep_conv_9x9", 16, 32), "unknown op"),
    (OpQuery("sep_conv_3x3", 16, 0), "impossible shape"),
    (OpQuery("conv", 16, 2, kernel=5, padding=0), "impossible shape"),
    (OpQuery("conv", 16, 8, c_out=8, kernel=3, groups=3), "groups"),
    (OpQuery("max_pool_3x3", 16, 8, c_out=32), "keeps the channel count"),
    (OpQuery("skip_connect", 16, 7, stride=2), "even input size"),
    (OpQuery("conv", 16, 8), "kernel"),
    (OpQuery("sep_conv_3x3", 16, 32, kernel=5), "fixes kernel = 3"),
    (OpQuery("dil_conv_3x3", 16, 32, dilation=1), "fixes dilation = 2"),
    (OpQuery("conv", 16, 8, kernel=3, groups=0), "groups = 0"),
    (OpQuery("conv", 16, 8, kernel=3, dilation=0), "dilation = 0"),
    (OpQuery("conv", 16, 8, kernel=3, padding=-1), "padding = -1"),
    (OpQuery("linear", 16, 4, c_out=10, stride=2), "fixes stride = 1"),
    (OpQuery("max_pool", 16, 8, kernel=3, groups=1), "fixes groups = 16"),
])
def test_bad_queries_name_the_problem(query, words):
    with pytest.raises(CostModelError, match=words):
        lower(query)


@pytest.mark.parametrize("op", OPS + ["none", "factorized_reduce"])
def test_a_resolved_query_resolves_to_itself(op):
    # the LUT key resolves again: the derived kernel/dilation/groups/padding must pass their own check
    for s in (1, 2):
        q = OpQuery(op, 8, 16, c_out=8 if op in SAME_CHANNELS or op == "skip_connect" else 16, stride=s)
        if op == "factorized_reduce" and s == 1:
            continue
        assert q.resolved().resolved() == q.resolved()


def test_unknown_lowering():
    with pytest.raises(CostModelError, match="lowering"):
        lower(OpQuery("conv_1x1", 4, 4), "fast")


def test_plain_layers():
    (fc,) = lower(OpQuery("linear", 64, 4, c_out=10))
    assert (fc.C, fc.K, fc.macs) == (64 * 16, 10, 64 * 16 * 10)
    (c,) = lower(OpQuery("conv", 16, 32, c_out=32, kernel=3, stride=2, dilation=2))
    ref = nn.Conv2d(16, 32, 3, 2, 2, dilation=2)(torch.zeros(1, 16, 32, 32))
    assert (c.P, c.Q) == tuple(ref.shape[2:])
