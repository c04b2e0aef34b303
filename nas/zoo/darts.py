"""The DARTS CIFAR evaluation network (quark0/darts cnn/model.py `NetworkCIFAR`, `operations.py`) of a genotype.

Layout as DARTS: stem conv 3x3 (3 -> 3C) + BN; `layers` cells, reductions at layers//3 and 2*layers//3
(channels doubled); preprocessing ReLU-conv1x1-BN, or FactorizedReduce after a reduction cell; each
intermediate node sums its two op outputs; a cell outputs the concat of its `concat` nodes. No
auxiliary head and no drop path (inference). ``head=False`` drops the global pool and classifier,
leaving exactly what `costmodel schedule --mode network` schedules.

`op_paths(net)` lists the module path of every op, preprocessing and the stem: profiled with
``group=op_paths(net)`` each is one task, as the scheduler's genotype DAG counts it.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from costmodel.darts_net import reduction_layers
from costmodel.genotypes import parse_genotype


def _relu_conv_bn(c_in, c_out, k, stride, pad, dil=1, groups=1):
    return [nn.ReLU(), nn.Conv2d(c_in, c_out, k, stride, pad, dilation=dil, groups=groups, bias=False)]


def sep_conv(c, k, stride):
    return nn.Sequential(*_relu_conv_bn(c, c, k, stride, k // 2, groups=c), nn.Conv2d(c, c, 1, bias=False),
                         nn.BatchNorm2d(c), *_relu_conv_bn(c, c, k, 1, k // 2, groups=c),
                         nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))


def dil_conv(c, k, stride):
    return nn.Sequential(*_relu_conv_bn(c, c, k, stride, k - 1, 2, groups=c), nn.Conv2d(c, c, 1, bias=False),
                         nn.BatchNorm2d(c))


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.relu = nn.ReLU()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


def make_op(name: str, c: int, stride: int) -> nn.Module:
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    if name == "max_pool_3x3":
        return nn.MaxPool2d(3, stride, 1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride, 1, count_include_pad=False)
    if name.startswith(("sep_conv", "dil_conv")):
        k = int(name.rsplit("_", 1)[1][0])
        return (sep_conv if name.startswith("sep") else dil_conv)(c, k, stride)
    raise ValueError(f"the DARTS eval network has no op {name!r}")


class Cell(nn.Module):
    def __init__(self, genotype, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.preprocess0 = FactorizedReduce(c_pp, c) if reduction_prev else nn.Sequential(
            *_relu_conv_bn(c_pp, c, 1, 1, 0), nn.BatchNorm2d(c))
        self.preprocess1 = nn.Sequential(*_relu_conv_bn(c_p, c, 1, 1, 0), nn.BatchNorm2d(c))
        edges, self.concat = (genotype.reduce, genotype.reduce_concat) if reduction else (
            genotype.normal, genotype.normal_concat)
        self.indices = [i for _, i in edges]
        self._ops = nn.ModuleList(make_op(op, c, 2 if reduction and i < 2 else 1) for op, i in edges)

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for j in range(len(self._ops) // 2):
            a, b = 2 * j, 2 * j + 1
            states.append(self._ops[a](states[self.indices[a]]) + self._ops[b](states[self.indices[b]]))
        return torch.cat([states[i] for i in self.concat], dim=1)


class NetworkCIFAR(nn.Module):
    def __init__(self, genotype, C: int = 36, layers: int = 20, num_classes: int = 10, head: bool = True):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 3 * C, 3, padding=1, bias=False), nn.BatchNorm2d(3 * C))
        c_pp = c_p = 3 * C
        c, reduction_prev = C, False
        self.cells = nn.ModuleList()
        for i in range(layers):
            reduction = i in reduction_layers(layers)          # costmodel.darts_net: the one placement rule
            c = 2 * c if reduction else c
            cell = Cell(genotype, c_pp, c_p, c, reduction, reduction_prev)
            self.cells.append(cell)
            c_pp, c_p, reduction_prev = c_p, len(cell.concat) * c, reduction
        self.head = head
        if head:
            self.global_pooling = nn.AdaptiveAvgPool2d(1)
            self.classifier = nn.Linear(c_p, num_classes)

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        if not self.head:
            return s1
        return self.classifier(torch.flatten(self.global_pooling(s1), 1))


def darts_network(genotype="DARTS_V2", C: int = 36, layers: int = 20, num_classes: int = 10,
                  head: bool = True) -> nn.Module:
    """The DARTS eval network of `genotype` (a published name, string, file or Genotype)."""
    return NetworkCIFAR(parse_genotype(genotype), C, layers, num_classes, head).eval()


def op_paths(net: NetworkCIFAR) -> list[str]:
    """Module paths of the stem, every preprocessing and every op: one scheduler task each."""
    paths = ["stem"]
    for i, cell in enumerate(net.cells):
        paths += [f"cells.{i}.preprocess0", f"cells.{i}.preprocess1"]
        paths += [f"cells.{i}._ops.{k}" for k in range(len(cell._ops))]
    return paths
