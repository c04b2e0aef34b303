"""`costmodel specs` through the entry point (in-process `main`)."""
from pathlib import Path

import yaml

from costmodel.resources import reference_dir

REF = reference_dir()
FILES = {"legacy": ["ART.yaml", "ERT.yaml", "arch.yaml", "constraints.yaml", "mapper.yaml", "problem.yaml"],
         "v0.4": ["ART.yaml", "ERT.yaml", "arch.yaml", "mapper.yaml", "problem.yaml", "variables.yaml"]}


def test_specs_writes_every_sub_layer_in_both_formats(cli, tmp_path):
    out = tmp_path / "specs"
    r = cli("specs", "--arch", "eyeriss", "--op", "sep_conv_3x3", "--hw", 32, "--c-in", 16, "--lowering", "mdarts",
                "--format", "both", "--out", out)
    assert r.returncode == 0, r.stderr
    folders = sorted(p.name for p in out.iterdir())
    assert folders == ["00_dw1", "01_pw1", "02_dw2", "03_pw2"]
    for f in folders:
        for fmt in ("legacy", "v0.4"):
            assert sorted(p.name for p in (out / f / fmt).iterdir()) == FILES[fmt]
    # the paper encoding of sep_conv_3x3's first layer is the MDARTS Table I dw 3x3 run, file for file (as data)
    assert yaml.safe_load((out / "00_dw1/legacy/problem.yaml").read_text()) == yaml.safe_load(
        (REF / "table1-runs/problem_dw3x3_pad1.yaml").read_text())
    assert "dw1: N=1 C=16 K=16 G=1 R=3 S=3 P=32 Q=32" in r.stdout


def test_specs_exact_lowering_is_grouped_and_dilated(cli, tmp_path):
    r = cli("specs", "--arch", "diannao", "--op", "dil_conv_3x3", "--hw", 32, "--c-in", 16, "--out", tmp_path,
                "--mapper", "algorithm=linear-pruned", "--format", "legacy")
    assert r.returncode == 0, r.stderr
    ref = REF / "timeloop-v1.0-exact/problems/diannao_G16_C1_K1_R3_P32_s1_d2/problem.yaml"
    assert yaml.safe_load((tmp_path / "00_dw/legacy/problem.yaml").read_text()) == yaml.safe_load(ref.read_text())
    assert yaml.safe_load((tmp_path / "00_dw/legacy/mapper.yaml").read_text())["mapper"]["algorithm"] == "linear-pruned"
    assert not (tmp_path / "00_dw/v0.4").exists()


def test_specs_lists_pools_as_not_expressible_and_rejects_bad_input(cli, tmp_path):
    r = cli("specs", "--arch", "eyeriss", "--op", "avg_pool_3x3", "--hw", 8, "--c-in", 4, "--out", tmp_path / "p")
    assert r.returncode == 0 and "not expressible in Timeloop" in r.stdout
    assert not (tmp_path / "p").exists() or not any((tmp_path / "p").iterdir())
    for args, words in ((["--arch", "c64x"], "no Timeloop form"), (["--arch", "eyeriss", "--mapper", "x"], "KEY=VALUE"),
                        (["--arch", "eyeriss", "--mapper", "victory=1"], "Timeloop mapper setting override: unknown key 'victory'")):
        r = cli("specs", *args, "--op", "conv_1x1", "--hw", 8, "--c-in", 4, "--out", tmp_path / "bad")
        assert r.returncode == 2 and r.stderr.startswith("error: ") and words in r.stderr, r.stderr
