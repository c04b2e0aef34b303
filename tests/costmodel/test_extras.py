"""A missing optional dependency gives one `error:` line naming its extra and the exact install command for
this installation, exit 2, no traceback; `reproduce --all` runs what it can and lists what it skipped.
The CLI runs in a subprocess whose sitecustomize makes the module unimportable (sys.modules[name] = None)."""
import os
import subprocess
from pathlib import Path

import pytest

from costmodel.extras import classify, install_command
from costmodel.resources import reference_dir

ROOT = Path(__file__).resolve().parents[2]
CFG = reference_dir() / "timeloop-v1.0-configs" / "configs" / "eyeriss-1024.cfg"


def _without(tmp_path, modules, *args):
    block = tmp_path / "block"
    block.mkdir(exist_ok=True)
    (block / "sitecustomize.py").write_text("import sys\nfor m in %r:\n    sys.modules[m] = None\n" % (modules,))
    path = os.pathsep.join([str(block), os.environ.get("PYTHONPATH", "")])
    return subprocess.run(["costmodel", *map(str, args)], capture_output=True, text=True, timeout=600, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": path, "COSTMODEL_CONFIG_DIR": str(tmp_path / "cfg")})


CASES = [
    (["libconf"], "timeloop", ["archs", "--add", CFG]),
    (["libconf"], "timeloop", ["query", "--arch", CFG, "--op", "conv", "--kernel", "3", "--hw", "8", "--c-in", "4",
                               "--db", "lut.db"]),
    (["torch"], "nas", ["profile", "nas.zoo:resnet18", "--input", "1x3x32x32", "--arch", "eyeriss", "--no-lut"]),
    (["torch"], "nas", ["reproduce", "mdarts-table2"]),
    (["onnx"], "onnx", ["profile", "model.onnx", "--input", "1x3x8x8", "--arch", "eyeriss", "--no-lut"]),
    (["matplotlib"], "plot", ["schedule", "--arch", "eyeriss", "--genotype", "DARTS_V2", "--png", "x.png",
                              "--db", "lut.db"]),
    (["psycopg"], "postgres", ["query", "--arch", "eyeriss", "--op", "conv", "--kernel", "3", "--hw", "8", "--c-in",
                               "4", "--db", "postgresql+psycopg://u@127.0.0.1:1/x"]),
    (["distributed", "dask"], "dask", ["sweep", "--arch", "eyeriss", "--set", "levels.GlobalBuffer.entries=16384",
                                       "--dask", "local", "--db", "lut.db"]),
]


@pytest.mark.parametrize("modules, extra, args", CASES, ids=[" ".join(map(str, c[2][:2])) + "-" + c[0][0]
                                                           for c in CASES])
def test_a_missing_extra_is_one_error_line_with_the_install_command(tmp_path, modules, extra, args):
    r = _without(tmp_path, modules, *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stderr.startswith("error: ") and f"(extra '{extra}')" in r.stderr
    assert f"pip install -e '{ROOT}[{extra}]'" in r.stderr              # this clone, not a package index
    assert not (tmp_path / "lut.db").exists() and not (tmp_path / "x.png").exists()


def test_reproduce_all_runs_what_it_can_and_lists_what_it_skipped(tmp_path):
    r = _without(tmp_path, ["torch"], "reproduce", "--all")
    assert "Traceback" not in r.stderr
    assert "mdarts-table1:" in r.stdout and "deffarts-table3" in r.stdout      # tables before and after
    assert "skipped 1 table(s)" in r.stderr and "mdarts-table2 (" in r.stderr and "extra 'nas'" in r.stderr


def test_the_command_follows_how_the_package_was_installed(tmp_path, monkeypatch):
    wheel = "/tmp/w/hwnas_costmodel-0.1.0-py3-none-any.whl"
    assert classify(None) == ("index", "")
    assert classify('{"url": "file:///src/hw", "dir_info": {"editable": true}}') == ("clone", "/src/hw")
    assert classify('{"url": "file:///src/hw", "dir_info": {}}') == ("folder", "/src/hw")
    assert classify('{"url": "file://%s", "archive_info": {}}' % wheel) == ("file", wheel)
    assert install_command("plot", ("index", "")) == "pip install 'hwnas-costmodel[plot]'"
    assert install_command("plot", ("file", wheel)) == f"pip install '{wheel}[plot]'"
    monkeypatch.chdir(tmp_path)
    assert install_command("dask", ("clone", str(tmp_path))) == "pip install -e '.[dask]'"
    assert install_command("dask", ("clone", "/src/hw")) == "pip install -e '/src/hw[dask]'"
