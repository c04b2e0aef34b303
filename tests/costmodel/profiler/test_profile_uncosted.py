"""A model whose layers include one the arch cannot cost still profiles: that layer is listed with its
reason, the others are costed; a CIFAR-style block ending in a 16x16 global average pool costs every layer."""
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from costmodel.arch import load_arch  # noqa: E402
from costmodel.profiler import profile  # noqa: E402
from costmodel.profiler.report import render  # noqa: E402
from costmodel.timeloop.emit import files_for  # noqa: E402
from costmodel.workload import Layer  # noqa: E402


def _block(pool):
    return nn.Sequential(nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.ReLU(), pool, nn.Flatten(), nn.Linear(32, 10))


@pytest.mark.parametrize("arch", ["eyeriss", "diannao"])
def test_a_16x16_global_average_pool_is_costed(arch):
    r = profile(_block(nn.AdaptiveAvgPool2d(1)), torch.zeros(1, 16, 16, 16), arch)
    layers = r.table[r.table.op.isin(["conv", "adaptive_avg_pool", "linear"])]
    assert len(layers) == 3 and (layers.status == "ok").all() and not r.uncosted


def test_a_layer_that_cannot_be_costed_is_reported_and_the_rest_costed(tmp_path):
    # eyeriss as a Timeloop v1.0 config (arch + constraints in one file): Timeloop has no pool model
    files = files_for(Layer("x", "conv", 1, 16, 16, 3, 3, 16, 16, 18, 18), load_arch("eyeriss"), "legacy")
    path = tmp_path / "eyeriss_v1.yaml"
    path.write_text(files["arch.yaml"] + "\n" + files["constraints.yaml"])
    r = profile(_block(nn.MaxPool2d(16)), torch.zeros(1, 16, 16, 16), str(path))
    bad = r.table[~r.table.status.isin(["ok", "input", "free"])]
    assert list(bad.op) == ["max_pool"] and bad.status.iloc[0] == "not-expressible"
    ok = r.table[r.table.op.isin(["conv", "linear"])]
    assert (ok.status == "ok").all() and r.totals["cycles"] == ok.cycles.sum() > 0
    text = render(r)
    assert "NOT COSTED (1 layer(s)" in text and "max pooling is not modelled" in text
