"""The Timeloop problem of a Layer: dimension bounds (grouped CNN layer) and data-space projections.

Grouped CNN layer (reference/timeloop-v1.0-exact/configs/grouped-cnn-layer.shape.yaml); C and K are
per-group channels here (a Layer's C and K are totals):

    Weights[G][C][K][R][S]
    Inputs [N][G][C][R*Wdilation + P*Wstride][S*Hdilation + Q*Hstride]
    Outputs[N][G][K][Q][P]            (read-write)

A data space is a list of axes; an axis is a list of (dim, coefficient). A tile of the operation
space with extent e_D per dim projects to an axis-aligned box whose extent on an axis is
sum((e_D - 1) * coef) + 1 (Timeloop's AAHR: strided gaps are counted, e.g. a 1x1 stride-2 layer's
input is 31x31 at P = 16).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import CostModelError
from ..workload import Layer
from .spec import DIMS


@dataclass(frozen=True)
class Problem:
    N: int
    C: int
    K: int
    R: int
    S: int
    P: int
    Q: int
    G: int = 1
    Wstride: int = 1
    Hstride: int = 1
    Wdilation: int = 1
    Hdilation: int = 1

    @classmethod
    def from_layer(cls, layer: Layer) -> "Problem":
        if layer.kind == "pool-max":
            raise CostModelError(f"layer {layer.name!r}: a max pool is not a MAC loop nest (use the pool model)")
        return cls(N=layer.N, C=layer.C // layer.G, K=layer.K // layer.G, R=layer.R, S=layer.S, P=layer.P,
                   Q=layer.Q, G=layer.G, Wstride=layer.Wstride, Hstride=layer.Hstride,
                   Wdilation=layer.Wdilation, Hdilation=layer.Hdilation)

    @property
    def bounds(self) -> dict:
        return {d: getattr(self, d) for d in DIMS}

    @property
    def macs(self) -> int:
        out = 1
        for d in DIMS:
            out *= getattr(self, d)
        return out

    def dataspaces(self) -> dict:
        """name -> axes; axis = tuple of (dim, coefficient)."""
        return {
            "Weights": ((("G", 1),), (("C", 1),), (("K", 1),), (("R", 1),), (("S", 1),)),
            "Inputs": ((("N", 1),), (("G", 1),), (("C", 1),),
                       (("R", self.Wdilation), ("P", self.Wstride)), (("S", self.Hdilation), ("Q", self.Hstride))),
            "Outputs": ((("N", 1),), (("G", 1),), (("K", 1),), (("Q", 1),), (("P", 1),)),
        }

    def relevant(self, dataspace: str) -> set:
        return {d for axis in self.dataspaces()[dataspace] for d, _ in axis}

    def size(self, dataspace: str) -> int:
        out = 1
        for axis in self.dataspaces()[dataspace]:
            out *= sum((self.bounds[d] - 1) * c for d, c in axis) + 1
        return out


READ_WRITE = ("Outputs",)
