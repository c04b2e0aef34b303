"""Matrix products and attention for the `GraphBuilder`: every product becomes one ``matmul`` layer.

A ``matmul`` layer is a batched matrix product (B, M, K) x (B, K, N) (`costmodel.matmul`). The
shapes are read as `torch.matmul` reads them (`matmul_dims`): a 1-d operand is a vector; a second
operand without batch dims (a weight, `x @ W`, `Linear` on tokens) is shared, so the batch dims of
the first are folded into M (B = 1); a shared first operand is folded the same way, transposed;
otherwise the batch dims broadcast and B is their product (an operand broadcast along a batch
dim is counted once per batch entry). Front ends call:

  * `matmul_event` for ``torch.matmul`` / ``@`` / ``bmm`` / ``mm``, ``F.linear`` and ``Linear`` on
    inputs of 3 or more dims, ONNX ``MatMul``;
  * `sdpa_event` for ``F.scaled_dot_product_attention``: Q K^T then A V (two rows, ``.qk``/``.av``);
  * `mha_event` for ``nn.MultiheadAttention``: q/k/v projections, Q K^T, A V, output projection.

Softmax, masks and scalings are element-wise (free, as activations are).
"""
from __future__ import annotations

from math import prod

from .graph import Unsupported


def _broadcast(a: tuple, b: tuple) -> tuple:
    out = []
    for x, y in zip((1,) * (len(b) - len(a)) + a, (1,) * (len(a) - len(b)) + b):
        if x != y and 1 not in (x, y):
            raise Unsupported(f"batch dims {a} and {b} do not broadcast")
        out.append(max(x, y))
    return tuple(out)


def matmul_dims(a, b) -> tuple[int, int, int, int]:
    """(B, M, K, N) of ``torch.matmul(a, b)`` for operand shapes `a`, `b` (see the module docstring)."""
    a, b = tuple(a), tuple(b)
    if not a or not b:
        raise Unsupported("a matmul with a 0-d operand (or of unknown shape)")
    if not all(isinstance(d, int) and d > 0 for d in a + b):
        raise Unsupported(f"operand shapes {a} and {b} are not all known")
    k = a[-1]
    kb = b[0] if len(b) == 1 else b[-2]
    if k != kb:
        raise Unsupported(f"operands {a} and {b}: inner sizes {k} and {kb} differ")
    m = 1 if len(a) == 1 else a[-2]
    n = 1 if len(b) == 1 else b[-1]
    a_batch, b_batch = a[:-2], b[:-2]
    if not b_batch:                              # x @ W: W shared by every row of every batch entry
        return 1, prod(a_batch) * m, k, n
    if not a_batch:                              # W @ x = (x^T W^T)^T: W shared, transposed
        return 1, prod(b_batch) * n, k, m
    return prod(_broadcast(a_batch, b_batch)), m, k, n


def matmul_event(bld, name: str, source: str, a, b, out_shape, deps) -> frozenset:
    """One ``matmul`` layer for ``a @ b`` (operand shapes), or an unsupported op if they do not multiply."""
    try:
        bb, m, k, n = matmul_dims(a, b)
    except Unsupported as e:
        return bld.unsupported(name, source, str(e), deps)
    return bld.layer(name, "matmul", source, {"b": bb, "m": m, "k": k, "n": n}, tuple(a), tuple(out_shape), deps)


def sdpa_event(bld, scope: str, shapes, out_shape, deps) -> frozenset:
    """``F.scaled_dot_product_attention(q, k, v)``: rows ``scope.qk`` (Q K^T) and ``scope.av`` (A V)."""
    prefix = f"{scope}." if scope else ""
    if len(shapes) < 3 or min(map(len, shapes[:3])) < 2:
        return bld.unsupported(prefix + "attention", "scaled_dot_product_attention",
                               "needs q, k, v of at least 2 dims", deps)
    q, k, v = (tuple(s) for s in shapes[:3])
    try:
        scores = _broadcast(q[:-2], k[:-2]) + (q[-2], k[-2])
    except Unsupported as e:        # e.g. grouped-query attention (enable_gqa): heads do not broadcast
        return bld.unsupported(prefix + "attention", "scaled_dot_product_attention", str(e), deps)
    qk = matmul_event(bld, prefix + "qk", "scaled_dot_product_attention", q, k[:-2] + (k[-1], k[-2]), scores, deps)
    return matmul_event(bld, prefix + "av", "scaled_dot_product_attention", scores, v, out_shape, deps | qk)


def mha_event(bld, name: str, mod, shapes, deps) -> frozenset:
    """``nn.MultiheadAttention(query, key, value)``: six rows (q/k/v projections, qk, av, out_proj)."""
    source = type(mod).__name__
    if len(shapes) < 3 or any(len(s) not in (2, 3) for s in shapes[:3]):
        return bld.unsupported(name, source, f"query, key, value of 2 or 3 dims expected, got {shapes}", deps)
    q, k, v = (tuple(s) if len(s) == 3 else (s[0], 1, s[1]) for s in shapes[:3])    # unbatched: N = 1
    if mod.batch_first and len(shapes[0]) == 3:
        q, k, v = ((s[1], s[0], s[2]) for s in (q, k, v))                          # -> (L, N, E)
    (lq, nb, e), (s_len, _, ek), (_, _, ev) = q, k, v
    h = mod.num_heads
    hd = e // h
    proj = {}
    for part, (rows, width) in {"q": (lq, e), "k": (s_len, ek), "v": (s_len, ev)}.items():
        proj[part] = matmul_event(bld, f"{name}.{part}_proj", source, (rows * nb, width), (width, e), (rows * nb, e),
                                  deps)
    qk = matmul_event(bld, f"{name}.qk", source, (nb * h, lq, hd), (nb * h, hd, s_len), (nb * h, lq, s_len),
                      proj["q"] | proj["k"])
    av = matmul_event(bld, f"{name}.av", source, (nb * h, lq, s_len), (nb * h, s_len, hd), (nb * h, lq, hd),
                      qk | proj["v"])
    return matmul_event(bld, f"{name}.out_proj", source, (lq * nb, e), (e, e), (lq * nb, e), av)
