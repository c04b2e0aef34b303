"""costmodel.profiler on real torch modules: lowering, fused ops, joins, critical path, LUT, tracers."""
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from costmodel import CostModelError, LUT, OpQuery, evaluate_op  # noqa: E402
from costmodel.profiler import profile  # noqa: E402


def test_import_costmodel_does_not_import_torch():
    code = "import costmodel, costmodel.profiler, costmodel.commands.profile, sys; assert 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("arch", ["c64x", "eyeriss"])
def test_depthwise_pointwise_pair_is_half_a_sep_conv(arch):
    # DARTS sep_conv_3x3 = 2 x (ReLU, dw 3x3, pw 1x1, BN); at stride 1 both halves have the same shapes
    half = nn.Sequential(nn.ReLU(), nn.Conv2d(8, 8, 3, 1, 1, groups=8, bias=False), nn.Conv2d(8, 8, 1, bias=False),
                         nn.BatchNorm2d(8))
    r = profile(half, torch.randn(1, 8, 8, 8), arch)
    sep = evaluate_op(arch, OpQuery("sep_conv_3x3", 8, 8))
    assert 2 * r.totals["compute_cycles"] == sep.compute_cycles
    assert 2 * r.totals["cycles"] == sep.cycles
    assert list(r.table.op) == ["input", "conv", "conv"] and list(r.table.G[1:]) == [8, 1]
    assert list(r.table.fused) == ["", "", "batch_norm"]     # the ReLU feeds the dw conv: it precedes it
    assert r.max_value == r.totals["compute_cycles"]         # a chain: critical path = the sum


class TwoBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.slow = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 8, 3, padding=1))
        self.fast = nn.Conv2d(8, 8, 1)

    def forward(self, x):
        return torch.relu(self.slow(x) + self.fast(x))


@pytest.mark.parametrize("tracer", ["fx", "hooks"])
def test_two_branch_critical_path_is_the_slower_branch(tracer):
    r = profile(TwoBranch(), torch.randn(1, 8, 8, 8), "c64x", tracer=tracer)
    assert r.tracer == tracer
    t = r.table.set_index("name")
    slow = t.loc["slow.0", "compute_cycles"] + t.loc["slow.2", "compute_cycles"]
    assert slow > t.loc["fast", "compute_cycles"] > 0
    assert r.max_value == slow
    assert r.critical_path == ["x", "slow.0", "slow.2", "add"]
    assert r.totals["compute_cycles"] == slow + t.loc["fast", "compute_cycles"]
    assert not t.loc["fast", "critical"] and t.loc["add", "op"] == "add" and t.loc["add", "compute_cycles"] == 0
    assert t.loc["slow.0", "fused"] == "relu" and t.loc["add", "start"] == slow


class Branchy(nn.Module):
    """Data-dependent control flow: torch.fx cannot trace it, the hook tracer runs it."""

    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Conv2d(3, 4, 3), nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        y = self.a(x)
        if y.sum() > -1e9:
            y = torch.flatten(y, 1)
        return self.b(y)


def test_untraceable_model_falls_back_to_hooks_and_says_so():
    r = profile(Branchy(), torch.randn(2, 3, 8, 8), "c64x")
    assert r.tracer == "hooks"
    assert list(r.table.name) == ["x", "a", "b"] and list(r.table.op) == ["input", "conv", "linear"]
    assert r.table.N.tolist()[1:] == [2, 2] and r.table.C.tolist()[2] == 144
    assert [i.split(" ")[0] for i in r.ignored] == ["sum", "gt"]     # they steer control flow, feed no layer
    with pytest.raises(CostModelError, match="torch.fx cannot trace"):
        profile(Branchy(), torch.randn(2, 3, 8, 8), "c64x", tracer="fx")


def test_fx_and_hooks_give_the_same_table():
    from nas.zoo import mobilenet_v2
    m, x = mobilenet_v2(num_classes=10, width=0.35), torch.randn(1, 3, 32, 32)
    a, b = profile(m, x, "c64x", tracer="fx"), profile(m, x, "c64x", tracer="hooks")
    assert a.table.equals(b.table) and a.max_value == b.max_value
    assert (a.table.op == "add").sum() == 10            # the inverted residuals with a skip connection
    assert set(a.table.fused[a.table.op == "conv"]) == {"batch_norm+relu6", "batch_norm"}


def test_unsupported_layers_are_listed_by_name():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.up = nn.Conv2d(3, 4, 3), nn.Upsample(scale_factor=2)

        def forward(self, x):
            y = self.up(self.conv(x))
            return torch.einsum("nchw,nchw->nc", y, y)
    with pytest.raises(CostModelError) as e:
        profile(M(), torch.randn(1, 3, 8, 8), "c64x")
    assert "2 unsupported layer(s), nothing costed" in str(e.value)
    assert "up (Upsample)" in str(e.value) and "einsum" in str(e.value)


def test_layers_the_lut_cannot_key_are_unsupported_not_costed_wrong():
    with pytest.raises(CostModelError, match=r"0 \(Conv2d\): non-square kernel"):
        profile(nn.Sequential(nn.Conv2d(3, 4, (1, 3))), torch.randn(1, 3, 8, 8), "c64x")
    with pytest.raises(CostModelError, match="ceil_mode"):
        profile(nn.Sequential(nn.Conv2d(3, 4, 1), nn.MaxPool2d(3, 2, ceil_mode=True)), torch.randn(1, 3, 8, 8), "c64x")


def test_conv1d_dilation_groups_padding_are_lowered():
    m = nn.Sequential(nn.Conv1d(4, 8, 3, padding=2, dilation=2, groups=2), nn.Conv2d(8, 8, 3, 2, 1), )
    r = profile(nn.Sequential(m[0]), torch.randn(1, 4, 20), "c64x")
    row = r.table.iloc[1]
    assert (row.op, row.C, row.K, row.G, row.R, row.S, row.P, row.Q) == ("conv1d", 4, 8, 2, 1, 3, 1, 20)
    assert row.macs == 8 * 20 * 2 * 3 == evaluate_op("c64x", OpQuery("conv1d", 4, 1, w=20, c_out=8, kernel=3,
                                                                       dilation=2, groups=2, padding=2)).macs


def test_energy_by_level_adds_up_and_lut_is_filled(tmp_path):
    db = tmp_path / "lut.db"
    m = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(2), nn.Conv2d(8, 8, 3, padding=1),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4))
    x = torch.randn(1, 3, 8, 8)
    cold = profile(m, x, "eyeriss", lut=str(db))
    assert cold.timing["new_layers"] == 5 and len(LUT(str(db))) == 5
    warm = profile(m, x, "eyeriss", lut=str(db))
    assert warm.timing["new_layers"] == 0 and warm.table.equals(cold.table)
    t = warm.table[warm.table.status == "ok"]
    split = t[[f"{lv}_pj" for lv in warm.levels]].sum(axis=1)
    assert (abs(split - t.energy_pj) <= 1e-6 * t.energy_pj).all()
    assert (t.DRAM_pj > 0).all() and (t.MAC_pj > 0).all()
    c64 = profile(m, x, "c64x")
    assert c64.levels is None and c64.totals["energy_pj"] is None and c64.table.energy_pj.isna().all()
