"""The ONNX front end: a torch.onnx export of a module gives the same table as profiling the module."""
import warnings

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from costmodel import CostModelError  # noqa: E402
from costmodel.profiler import profile, profile_onnx  # noqa: E402
from costmodel.profiler.onnx_read import module_path  # noqa: E402

SAME = ["name", "op", "in_shape", "out_shape", *"NCKGRSPQ", "cycles", "compute_cycles", "energy_pj", "utilization",
        "macs", "status", "start", "finish", "critical"]


def export(module, shape, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (torch.randn(*shape),), str(path), dynamo=False)
    return str(path)


@pytest.mark.parametrize("arch", ["eyeriss", "c64x"])
def test_onnx_export_of_resnet18_gives_the_same_table(tmp_path, arch):
    from nas.zoo import resnet18
    m, shape = resnet18(num_classes=10), (1, 3, 32, 32)
    f = export(m, shape, tmp_path / "r18.onnx")
    a, b = profile(m, torch.randn(*shape), arch), profile_onnx(f, shape, arch)
    assert b.tracer == "onnx" and a.tracer == "fx"
    assert a.table[SAME].iloc[1:].equals(b.table[SAME].iloc[1:])       # all but the input's name
    assert a.max_value == b.max_value and a.critical_path[1:] == b.critical_path[1:]
    assert (b.table.op == "conv").sum() == 20 and (b.table.op == "add").sum() == 8


def test_onnx_export_of_a_darts_network_and_mobilenet_give_the_same_tables(tmp_path):
    from nas.zoo import darts_network, mobilenet_v2
    for name, m in (("darts", darts_network("PC_DARTS", C=4, layers=3)), ("mbv2", mobilenet_v2(10, width=0.35))):
        shape = (1, 3, 16, 16)
        b = profile_onnx(export(m, shape, tmp_path / f"{name}.onnx"), shape, "c64x")
        a = profile(m, torch.randn(*shape), "c64x")
        cols = [c for c in SAME if c != "name"]
        assert a.table[cols][a.table.op != "input"].reset_index(drop=True).equals(
            b.table[cols][b.table.op != "input"].reset_index(drop=True)), name
        assert a.max_value == b.max_value


def test_module_path_from_torch_export_scopes():
    assert module_path("/layer1/layer1.0/downsample/downsample.0/Conv") == "layer1.0.downsample.0"
    assert module_path("/conv1/Conv") == "conv1" and module_path("/Add") == ""


def test_bad_onnx_inputs_are_one_clear_error(tmp_path):
    f = export(torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3)), (1, 3, 8, 8), tmp_path / "c.onnx")
    with pytest.raises(CostModelError, match="has shape 1x3x8x8; --input says 1x3x16x16"):
        profile_onnx(f, (1, 3, 16, 16), "c64x")
    with pytest.raises(CostModelError, match="no such ONNX file"):
        profile_onnx(str(tmp_path / "nope.onnx"), None, "c64x")
    (tmp_path / "bad.onnx").write_text("not a model")
    with pytest.raises(CostModelError, match="is not an ONNX model"):
        profile_onnx(str(tmp_path / "bad.onnx"), None, "c64x")
    lstm = tmp_path / "lstm.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(torch.nn.LSTM(4, 4), (torch.randn(2, 1, 4),), str(lstm), dynamo=False)
    with pytest.raises(CostModelError, match=r"unsupported layer\(s\), nothing costed: .*\(LSTM\)"):
        profile_onnx(str(lstm), None, "c64x")
