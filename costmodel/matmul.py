"""Matrix products as loop-nest layers: attention's QK^T and AV, token-wise linear layers.

A batched matmul (B, M, K) x (B, K, N) -> (B, M, N) costs B*M*K*N multiply-accumulates. Until
problem shapes are data (a packaged batched-GEMM shape), it is costed as what it EXACTLY is in
the grouped CNN layer: a 1x1 convolution with

    G = B groups, C = B*K input channels (K per group), K = B*N output channels (N per group),
    P = M outputs (Q = R = S = N = 1, stride 1, no padding)

so inputs are indexed (G, C/G, P) = (B, K, M), weights (G, C/G, K/G) = (B, K, N) and outputs
(G, K/G, P) = (B, N, M): every data space has the size and reuse of the matmul's. The lowering is
the one function `matmul_layer`, so the batched-GEMM shape can replace it in one place. A matmul
has no paper encoding: the ``mdarts`` lowering costs it exactly as ``exact`` does.
"""
from __future__ import annotations

from .workload import Layer, conv


def matmul_layer(b: int, m: int, k: int, n: int, name: str = "matmul") -> Layer:
    """The loop-nest layer of a batched matmul (b, m, k) x (b, k, n) (see the module docstring)."""
    return conv(name, 1, b * k, b * n, m, 1, 1, 1, 0, 1, b, "exact")


def matmul_bmkn(layer: Layer) -> tuple[int, int, int, int]:
    """(B, M, K, N) of a layer built by `matmul_layer`."""
    return layer.G, layer.P, layer.C // layer.G, layer.K // layer.G
