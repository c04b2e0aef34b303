"""`costmodel profile` end to end: an ONNX export of the project's ResNet-18 on the three targets, a factory."""
import warnings

import pytest

from costmodel.cli import main

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def r18_onnx(tmp_path_factory):
    from nas.zoo import resnet18
    path = tmp_path_factory.mktemp("onnx") / "r18.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(resnet18(num_classes=10), (torch.randn(1, 3, 32, 32),), str(path), dynamo=False)
    return path


@pytest.mark.parametrize("arch", ["eyeriss", "diannao", "c64x"])
def test_profile_onnx_resnet18_prints_rows_totals_and_critical_path(r18_onnx, tmp_path, capsys, arch):
    db, csv = tmp_path / "lut.db", tmp_path / "r18.csv"
    assert main(["profile", str(r18_onnx), "--input", "1x3x32x32", "--arch", arch, "--db", str(db),
                 "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert f"r18.onnx on {arch}: 23 layers, graph from onnx" in out
    assert "layer4.1.conv2" in out and "layer2.0.downsample.0" in out
    assert "sequential sum:" in out and "critical path (compute cycles (MAC-level)):" in out
    assert "conv1 -> maxpool -> layer1.0.conv1" in out
    assert ("energy n/a (no energy model)" in out) == (arch == "c64x")
    import pandas as pd
    df = pd.read_csv(csv)
    assert len(df) == 32 and {"name", "compute_cycles", "energy_pj", "critical"} <= set(df.columns)
    assert ("DRAM_pj" in df.columns) == (arch != "c64x")


def test_profile_factory_and_pictures(tmp_path, capsys):
    png, dag = tmp_path / "bars.png", tmp_path / "dag.png"
    assert main(["profile", "nas.zoo:mobilenet_v2", "--input", "1x3x32x32", "--arch", "c64x",
                 "--no-lut", "--png", str(png), "--dag-png", str(dag)]) == 0
    out = capsys.readouterr().out
    assert "mobilenet_v2 on c64x: 54 layers, graph from fx" in out and "computed now, no LUT" in out
    assert png.read_bytes()[:4] == dag.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args, message", [
    (["x.onnx", "--input", "1x3xA"], "--input '1x3xA': give positive integers joined by x"),
    (["nope.onnx", "--input", "1x3x8x8"], "nope.onnx: no such ONNX file"),
    (["costmodel.nope:f", "--input", "1x3x8x8"], "cannot load it"),
    (["nas.zoo:resnet18", "--input", "1x3x8x8", "--csv", "/no/such/dir/f.csv"], "no such folder"),
    (["costmodel.genotypes:parse_genotype", "--input", "1x3x8x8"], "the factory failed"),
    (["resnet18", "--input", "1x3x8x8"], "give a .onnx file or package.module:factory"),
])
def test_profile_errors_exit_2_and_write_nothing(tmp_path, capsys, args, message):
    db = tmp_path / "lut.db"
    assert main(["profile", *args, "--arch", "c64x", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1
    assert not db.exists()


def test_profile_subprocess(cli, tmp_path):
    p = cli("profile", "nas.zoo:resnet18", "--input", "1x3x32x32", "--arch", "c64x", "--no-lut")
    assert p.returncode == 0, p.stderr
    assert "resnet18 on c64x: 23 layers, graph from fx" in p.stdout
