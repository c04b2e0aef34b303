"""Issue 20 item 4: `--arch FILE` and `archs --add FILE` take a timeloopfe v4 arch (or Timeloop v3's native
input) directly, energies estimated without an ERT, so build-lut / profile / sweep run on it."""
from pathlib import Path

import pytest
from conftest import run_cli

from costmodel.arch import load_arch
from costmodel.errors import CostModelError
from costmodel.lut import LUT
from costmodel.timeloop import v4

DEV = Path(__file__).resolve().parents[2] / "data" / "timeloop" / "v4-dev"
ARCH01 = DEV / "01-model-conv1d-2level" / "arch" / "2level.arch.yaml"
ARCH06 = DEV / "06-mapper-convlayer-eyeriss" / "arch" / "eyeriss_like.yaml"
NATIVE06 = DEV / "06-mapper-convlayer-eyeriss" / "ref-output" / "parsed-processed-input.yaml"
SPACE = "name: tiny\nextra:\n  - {op: conv_1x1, c_in: 8, hw: 8, stride: 1}\n" \
        "  - {op: sep_conv_3x3, c_in: 8, hw: 8, stride: 2}\n"


@pytest.mark.parametrize("path", [ARCH01, ARCH06, NATIVE06], ids=["v4-01", "v4-06", "native-06"])
def test_arch_path_is_the_v4_reader_s_spec(path):
    spec = load_arch(str(path))
    same = v4.read_arch([str(path)])
    assert spec.semantics == "timeloop-v3" and spec.name == path.stem
    assert [lv.to_dict() for lv in spec.levels] == [lv.to_dict() for lv in same.levels]
    assert spec.mac.energy_pj == same.mac.energy_pj > 0


def test_v4_and_native_input_of_one_arch_agree():
    a, b = load_arch(str(ARCH06)), load_arch(str(NATIVE06))
    assert [(lv.name, lv.entries, lv.instances, lv.actions) for lv in a.levels] == \
        [(lv.name, lv.entries, lv.instances, lv.actions) for lv in b.levels]


def test_archs_add_then_build_lut_end_to_end(tmp_path):
    env = {"COSTMODEL_CONFIG_DIR": str(tmp_path / "cfg"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    p = run_cli("archs", "--add", ARCH01, "--name", "tut01", env=env)
    assert p.returncode == 0 and "registered tut01" in p.stdout, p.stderr
    (tmp_path / "space.yaml").write_text(SPACE)
    db = tmp_path / "lut.db"
    p = run_cli("build-lut", "--arch", "tut01", "--space", tmp_path / "space.yaml", "--db", db, env=env)
    assert p.returncode == 0 and "2 rows added, 0 reused, 0 failed" in p.stdout, p.stdout + p.stderr
    rows = LUT(str(db)).query(arch="tut01")
    assert len(rows) == 2 and (rows["cycles"] > 0).all() and (rows["energy_pj"] > 0).all(), rows


def test_templated_arch_names_the_way_to_register_it(tmp_path):
    with pytest.raises(CostModelError, match=r"undefined .*--save-spec spec.yaml"):
        load_arch(str(DEV / "timeloop+accelergy" / "arch" / "arch.yaml"))
