"""`costmodel specs --validate`: our strict checks catch what timeloopfe and Timeloop let through."""
import pytest

from costmodel.arch.registry import load_arch
from costmodel.cli import main
from costmodel.commands.specs import write_specs
from costmodel.ops import OpQuery


@pytest.fixture
def folders(tmp_path, monkeypatch):
    monkeypatch.delenv("COSTMODEL_TIMELOOPFE_PYTHON", raising=False)     # our checks only (timeloopfe: test_golden)
    written = write_specs(load_arch("diannao"), OpQuery("conv_3x3", 16, 32).resolved(), "mdarts", tmp_path / "out",
                          ("legacy", "v0.4"))
    return written[0][1]


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def test_emitted_folders_pass(folders, capsys):
    assert main(["specs", "--validate", str(folders)]) == 0
    out = capsys.readouterr().out
    assert "validated 2 folder(s)" in out and out.count(" ok ") == 2 and "FAILED" not in out


CASES = [
    ("v0.4", "problem.yaml", "Hstride: 1", "HStride: 1", "problem instance key 'HStride' is neither a dimension"),
    ("legacy", "problem.yaml", "Hstride: 1", "HStride: 1", "problem instance key 'HStride' is neither a dimension"),
    ("v0.4", "ERT.yaml", 'name: "update"', 'name: "updat"', "unknown action 'updat'"),
    ("legacy", "ERT.yaml", 'name: "diannao.DRAM"', 'name: "diannao.DRAM2"', "ERT tables for component(s) ['DRAM2']"),
    ("v0.4", "ERT.yaml", "energy: 200.0", "energy: -200.0", "energy must be a number >= 0"),
    ("v0.4", "arch.yaml", "read_bandwidth: 16", "read_bandwith: 16", "unsupported key 'read_bandwith'"),
    ("legacy", "arch.yaml", "read_bandwidth: 16", "read_bandwith: 16", "unsupported key 'read_bandwith'"),
    ("v0.4", "arch.yaml", "depth: 64", "depht: 64", "unsupported key 'depht'"),
    ("legacy", "arch.yaml", "entries: 1024", "size: 1024", "unsupported key 'size'"),
    ("v0.4", "arch.yaml", '"M=16"', '"M=32"', "need 32 x 1 (X x Y) but its fan-out is 16 x 1"),
    ("legacy", "ERT.yaml", "version: 0.3", "version: 0.4", "Timeloop v1.0 reads 0.2 or 0.3 only"),
    ("legacy", "constraints.yaml", "K=16", "K=32", "need 32 x 1 (X x Y) but its fan-out is 16 x 1"),
]


@pytest.mark.parametrize("fmt,name,old,new,words", CASES)
def test_what_timeloopfe_lets_through_is_an_error_naming_it(folders, capsys, fmt, name, old, new, words):
    _edit(folders / fmt / name, old, new)
    assert main(["specs", "--validate", str(folders)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and words in err, err
    assert str(folders / fmt) in err


def test_validate_before_writing_leaves_out_untouched_and_needs_the_query(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("COSTMODEL_TIMELOOPFE_PYTHON", raising=False)
    out = tmp_path / "specs"
    assert main(["specs", "--arch", "eyeriss", "--op", "conv_1x1", "--hw", "8", "--c-in", "4", "--out", str(out),
                 "--format", "both", "--validate"]) == 0
    text = capsys.readouterr().out
    assert "costmodel  ok  00_conv/legacy" in text and "costmodel  ok  00_conv/v0.4" in text
    assert sorted(p.name for p in (out / "00_conv").iterdir()) == ["legacy", "v0.4"]
    assert main(["specs", "--arch", "eyeriss", "--out", str(out)]) == 2
    assert "--op, --hw, --c-in required" in capsys.readouterr().err
    assert main(["specs", "--validate", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err
