"""The first-order DARTS supernet (torch), built from a `SearchSpace`.

Ops follow DARTS `operations.py` (affine=False BN in the search); MDARTS's dw_conv_k is ReLU,
depthwise k x k, BN. A MixedOp sums softmax(alpha)-weighted op outputs; with
`space.partial_channels = K` it is PC-DARTS's partial MixedOp (ops see C/K channels, the rest
bypass, then a channel shuffle). The architecture parameters live in the network
(`alphas_normal [edges, ops_n]`, `alphas_reduce [edges, ops_r]`), initialised 1e-3 * N(0, 1).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .space import SearchSpace


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in, c_out, k, stride, pad, affine=False):
        super().__init__(nn.ReLU(), nn.Conv2d(c_in, c_out, k, stride, pad, bias=False), nn.BatchNorm2d(c_out, affine=affine))


class DilConv(nn.Sequential):
    def __init__(self, c_in, c_out, k, stride, pad, dil, affine=False):
        super().__init__(nn.ReLU(), nn.Conv2d(c_in, c_in, k, stride, pad, dilation=dil, groups=c_in, bias=False),
                         nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out, affine=affine))


class SepConv(nn.Sequential):
    def __init__(self, c_in, c_out, k, stride, pad, affine=False):
        super().__init__(DilConv(c_in, c_in, k, stride, pad, 1, affine), DilConv(c_in, c_out, k, 1, pad, 1, affine))


class DwConv(nn.Sequential):
    def __init__(self, c, k, stride, affine=False):
        super().__init__(nn.ReLU(), nn.Conv2d(c, c, k, stride, k // 2, groups=c, bias=False), nn.BatchNorm2d(c, affine=affine))


class Zero(nn.Module):
    def __init__(self, stride):
        super().__init__()
        self.stride = stride

    def forward(self, x):
        return x.mul(0.0) if self.stride == 1 else x[:, :, ::self.stride, ::self.stride].mul(0.0)


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out, affine=False):
        super().__init__()
        self.relu = nn.ReLU()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=affine)

    def forward(self, x):
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


def make_op(name: str, c: int, stride: int) -> nn.Module:
    """A DARTS op on c channels (pools get the search-time BN, as in DARTS MixedOp)."""
    if name == "none":
        return Zero(stride)
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    if name == "max_pool_3x3":
        return nn.Sequential(nn.MaxPool2d(3, stride, 1), nn.BatchNorm2d(c, affine=False))
    if name == "avg_pool_3x3":
        return nn.Sequential(nn.AvgPool2d(3, stride, 1, count_include_pad=False), nn.BatchNorm2d(c, affine=False))
    k = int(name.rsplit("_", 1)[1][0])
    if name.startswith("sep_conv"):
        return SepConv(c, c, k, stride, k // 2)
    if name.startswith("dil_conv"):
        return DilConv(c, c, k, stride, k - 1, 2)
    if name.startswith("dw_conv"):
        return DwConv(c, k, stride)
    if name == "conv_1x1":
        return ReLUConvBN(c, c, 1, stride, 0)
    if name == "conv_3x3":
        return ReLUConvBN(c, c, 3, stride, 1)
    raise ValueError(f"no supernet op for {name!r}")


def channel_shuffle(x, groups):
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


class MixedOp(nn.Module):
    def __init__(self, c: int, stride: int, ops: tuple[str, ...], partial: int = 1):
        super().__init__()
        self.partial, self.stride = partial, stride
        self.ops = nn.ModuleList(make_op(o, c // partial, stride) for o in ops)
        self.pool = nn.MaxPool2d(2, 2) if partial > 1 and stride == 2 else None

    def forward(self, x, weights):
        if self.partial == 1:
            return sum(w * op(x) for w, op in zip(weights, self.ops))
        k = x.shape[1] // self.partial
        xa, xb = x[:, :k], x[:, k:]
        out = sum(w * op(xa) for w, op in zip(weights, self.ops))
        xb = xb if self.pool is None else self.pool(xb)
        return channel_shuffle(torch.cat([out, xb], dim=1), self.partial)


class Cell(nn.Module):
    def __init__(self, space: SearchSpace, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.reduction, self.steps, self.multiplier = reduction, space.steps, space.multiplier
        self.pre0 = FactorizedReduce(c_pp, c) if reduction_prev else ReLUConvBN(c_pp, c, 1, 1, 0)
        self.pre1 = ReLUConvBN(c_p, c, 1, 1, 0)
        ops = space.ops(reduction)
        self.edges = nn.ModuleList(MixedOp(c, 2 if reduction and i < 2 else 1, ops, space.partial_channels)
                                   for i, _ in space.edges)

    def forward(self, s0, s1, weights):
        states = [self.pre0(s0), self.pre1(s1)]
        offset = 0
        for _ in range(self.steps):
            s = sum(self.edges[offset + i](h, weights[offset + i]) for i, h in enumerate(states))
            offset += len(states)
            states.append(s)
        return torch.cat(states[-self.multiplier:], dim=1)


class Network(nn.Module):
    """DARTS model_search.Network over `space` (macro-network from the space)."""

    def __init__(self, space: SearchSpace, num_classes: int):
        super().__init__()
        self.space = space
        c_curr = space.stem_multiplier * space.c
        self.stem = nn.Sequential(nn.Conv2d(space.in_channels, c_curr, 3, padding=1, bias=False), nn.BatchNorm2d(c_curr))
        c_pp, c_p, c_curr = c_curr, c_curr, space.c
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(space.layers):
            reduction = i in space.reduction_layers()
            if reduction:
                c_curr *= 2
            self.cells.append(Cell(space, c_pp, c_p, c_curr, reduction, reduction_prev))
            reduction_prev = reduction
            c_pp, c_p = c_p, space.multiplier * c_curr
        self.classifier = nn.Linear(c_p, num_classes)
        self.alphas_normal = nn.Parameter(1e-3 * torch.randn(space.n_edges, len(space.normal_ops)))
        self.alphas_reduce = nn.Parameter(1e-3 * torch.randn(space.n_edges, len(space.reduce_ops)))

    def arch_parameters(self):
        return [self.alphas_normal, self.alphas_reduce]

    def weight_parameters(self):
        ids = {id(p) for p in self.arch_parameters()}
        return [p for p in self.parameters() if id(p) not in ids]

    def forward(self, x):
        s0 = s1 = self.stem(x)
        wn = F.softmax(self.alphas_normal, dim=-1)
        wr = F.softmax(self.alphas_reduce, dim=-1)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1, wr if cell.reduction else wn)
        return self.classifier(F.adaptive_avg_pool2d(s1, 1).flatten(1))
