"""Transformers: matmuls between activations, attention and token-wise Linears are costed `matmul` layers."""
import warnings
from dataclasses import replace
from math import prod

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from costmodel import CostModelError  # noqa: E402
from costmodel.evaluate import evaluate_op  # noqa: E402
from costmodel.matmul import matmul_bmkn, matmul_layer  # noqa: E402
from costmodel.ops import OpQuery, lower  # noqa: E402
from costmodel.profiler import profile, profile_onnx  # noqa: E402
from costmodel.profiler.attention import matmul_dims  # noqa: E402
from costmodel.profiler.graph import Unsupported  # noqa: E402
from nas.zoo import attention_block, vit_tiny  # noqa: E402

ROWS = ["op", "gemm", *"NCKGRSPQ", "macs", "cycles", "compute_cycles", "energy_pj", "utilization", "status"]
QKV = [(1, 4, 64, 16)] * 3


def export(module, args, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), tuple(torch.randn(*s) for s in args), str(path), dynamo=False)
    return str(path)


def layers(r):
    return r.table[r.table.op != "input"][ROWS].reset_index(drop=True)


@pytest.mark.parametrize("tracer", ["fx", "hooks"])
def test_attention_block_is_two_matmuls_of_262144_macs_and_the_onnx_export_agrees(tmp_path, tracer):
    r = profile(attention_block(), QKV, "eyeriss", tracer=tracer)          # softmax(q @ k^T / 8) @ v
    t = layers(r)
    assert list(t.op) == ["matmul", "matmul"] and list(t.macs) == [262_144, 262_144]
    assert list(t.gemm) == ["4x64x16x64", "4x64x64x16"] and (t.status == "ok").all() and r.tracer == tracer
    assert list(r.table.fused[r.table.op == "matmul"]) == ["softmax", ""]
    f = export(attention_block(), QKV, tmp_path / "att.onnx")
    assert layers(profile_onnx(f, QKV, "eyeriss")).equals(t)
    with pytest.raises(CostModelError, match="the model has 3 input.s., --input gives 1 shape"):
        profile_onnx(f, QKV[0], "eyeriss")


def test_matmul_layer_is_the_exact_grouped_1x1_conv():
    b, m, k, n = 3, 10, 7, 5
    layer = matmul_layer(b, m, k, n)
    assert (layer.G, layer.C, layer.K, layer.P, layer.Q, layer.R, layer.S, layer.N) == (b, b * k, b * n, m, 1, 1, 1, 1)
    assert matmul_bmkn(layer) == (b, m, k, n) and layer.macs == b * m * k * n
    assert layer.params == b * k * n and layer.outputs == b * m * n and layer.C * layer.P == b * k * m   # B,M,N data
    q = OpQuery("matmul", k, m, c_out=n, n=b)
    assert lower(q) == lower(q, "mdarts") == [layer]
    conv = OpQuery("conv", b * k, m, w=1, c_out=b * n, kernel=1, groups=b, padding=0)
    for arch in ("eyeriss", "diannao", "c64x"):
        x, y = evaluate_op(arch, q), evaluate_op(arch, conv)    # the same nest; only the layer's name differs
        assert replace(x, mapping=x.mapping.replace('"matmul"', '"conv"')) == y and x.ok
    with pytest.raises(CostModelError, match="w = 1"):
        OpQuery("matmul", k, m, w=2, c_out=n).resolved()


@pytest.mark.parametrize("a, b", [((5, 7), (7, 3)), ((2, 4, 5, 7), (2, 4, 7, 3)), ((6, 5, 7), (7, 3)), ((7,), (7, 3)),
                                  ((5, 7), (7,)), ((5, 7), (4, 7, 3)), ((2, 1, 5, 7), (1, 3, 7, 4)), ((7,), (7,))])
def test_matmul_dims_read_shapes_as_torch_matmul(a, b):
    bb, m, k, n = matmul_dims(a, b)
    out = torch.matmul(torch.zeros(a), torch.zeros(b))
    assert bb * m * n == max(1, out.numel()) and k == a[-1]
    assert bb * m * k * n == prod(out.shape) * a[-1]


def test_matmul_dims_refuse_what_does_not_multiply():
    for a, b in (((5, 7), (6, 3)), ((2, 5, 7), (3, 7, 4)), ((), (3,)), ((None, 7), (7, 3))):
        with pytest.raises(Unsupported):
            matmul_dims(a, b)


def vit_macs(depth=2, dim=64, tokens=65, heads=4, mlp=2, patch=4, classes=10):
    per_block = tokens * dim * 3 * dim + 2 * heads * tokens * (dim // heads) * tokens + tokens * dim * dim \
        + 2 * tokens * dim * mlp * dim
    return 3 * patch * patch * dim * (tokens - 1) + depth * per_block + dim * classes


@pytest.mark.parametrize("attention", ["matmul", "sdpa", "mha"])
@pytest.mark.parametrize("tracer", ["fx", "hooks"])
def test_vit_costs_every_matmul_whatever_writes_the_attention(attention, tracer):
    r = profile(vit_tiny(attention=attention), (1, 3, 32, 32), "eyeriss", tracer=tracer)
    mm = r.table[r.table.op == "matmul"]
    assert len(mm) == 2 * (6 if attention != "mha" else 8) and (mm.macs > 0).all() and (mm.status == "ok").all()
    assert r.totals["macs"] == vit_macs() == int(r.table.macs.sum())
    assert set(r.table.op) == {"input", "conv", "matmul", "add", "linear"}
    attn = mm[mm.name.str.startswith("blocks.0.attn")]
    products = attn[attn.gemm.str.startswith("4x")]          # Q K^T and A V: one GEMM per head
    assert list(products.gemm) == ["4x65x16x65", "4x65x65x16"]


@pytest.mark.parametrize("attention", ["matmul", "sdpa"])
def test_vit_onnx_export_gives_the_same_rows(tmp_path, attention):
    m = vit_tiny(attention=attention)
    a = profile(m, (1, 3, 32, 32), "eyeriss")
    b = profile_onnx(export(m, [(1, 3, 32, 32)], tmp_path / "vit.onnx"), (1, 3, 32, 32), "eyeriss")
    assert layers(a).equals(layers(b)) and a.max_value == b.max_value
    if attention == "matmul":
        assert list(a.table.name) [1:] == list(b.table.name)[1:]     # module paths survive the export


def test_linear_on_tokens_is_a_matmul_with_a_shared_weight_and_2d_stays_linear():
    r = profile(nn.Sequential(nn.Linear(16, 32), nn.Flatten(), nn.Linear(8 * 32, 4)), (2, 8, 16), "c64x")
    t = r.table.set_index("name")
    assert (t.loc["0", "op"], t.loc["0", "gemm"], t.loc["0", "macs"]) == ("matmul", "1x16x16x32", 2 * 8 * 16 * 32)
    assert (t.loc["2", "op"], t.loc["2", "N"]) == ("linear", 2)


def test_cross_attention_and_unbatched_multihead_attention():
    class Cross(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(32, 4, kdim=16, vdim=8)

        def forward(self, q, kv, v):
            return self.attn(q, kv, v)[0]
    r = profile(Cross(), [(10, 2, 32), (6, 2, 16), (6, 2, 8)], "c64x", tracer="hooks")
    g = r.table.set_index("name").gemm
    assert (g["attn.q_proj"], g["attn.k_proj"], g["attn.v_proj"]) == ("1x20x32x32", "1x12x16x32", "1x12x8x32")
    assert (g["attn.qk"], g["attn.av"], g["attn.out_proj"]) == ("8x10x8x6", "8x10x6x8", "1x20x32x32")
    u = profile(nn.MultiheadAttention(32, 4), [(10, 32)] * 3, "c64x")
    assert u.table.set_index("name").gemm["MultiheadAttention.qk"] == "4x10x8x10"


def test_profile_cli_lists_every_matmul_with_its_macs(cli):
    p = cli("profile", "nas.zoo:attention_block", "--input", "1x4x64x16,1x4x64x16,1x4x64x16", "--arch", "eyeriss",
            "--no-lut")
    assert p.returncode == 0, p.stderr
    rows = [line.split() for line in p.stdout.splitlines() if line.startswith("matmul")]
    assert [(r[1], r[8], r[9]) for r in rows] == [("matmul", "4x64x16x64", "262,144"), ("matmul", "4x64x64x16", "262,144")]
    assert "524,288 MACs" in p.stdout
    v = cli("profile", "nas.zoo:vit_tiny", "--input", "1x3x32x32", "--arch", "eyeriss", "--no-lut")
    assert v.returncode == 0, v.stderr
    assert sum(line.split()[1] == "matmul" for line in v.stdout.splitlines() if line.startswith("blocks.")) == 12


def test_torch_transformer_encoder_is_entered_and_costed():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Linear(16, 64)
            self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(64, 4, 128, batch_first=True), 2)

        def forward(self, x):
            return self.enc(self.emb(x))
    r = profile(M(), (1, 65, 16), "c64x")
    per_layer = 4 * 65 * 64 * 64 + 2 * 4 * 65 * 16 * 65 + 2 * 65 * 64 * 128     # projections, QK^T + AV, MLP
    assert r.totals["macs"] == 65 * 16 * 64 + 2 * per_layer
    assert (r.table.op == "matmul").sum() == 1 + 2 * 8
    assert "enc.layers.1.self_attn.qk" in set(r.table.name)
