"""`costmodel model` / `costmodel mapper` end to end (real subprocesses of the entry point for the main paths)."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "timeloop" / "v4"))
from v4devruns import DEV, out  # noqa: E402

from costmodel.timeloop.stats import read_stats  # noqa: E402

from conftest import run_cli  # noqa: E402

R01 = DEV / "01-model-conv1d-2level"
FILES = [f"{R01}/arch/*.yaml", f"{R01}/map/conv1d-2level-os.map.yaml", f"{R01}/prob/*.yaml"]
ERT = ["--ert", out("01-os", "ERT.yaml")]


def test_model_subprocess_json_and_out(tmp_path):
    p = run_cli("model", *FILES, *ERT, "--json", "--out", tmp_path / "o")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    ref = read_stats(out("01-os", "stats.txt"))
    assert d["cycles"] == ref.cycles == 48 and d["computes"] == 48 and d["utilization"] == 1.0
    assert abs(d["energy_pj"] / ref.energy_pj - 1) < 1e-4
    assert d["levels"]["Buffer"]["Outputs"] == {**d["levels"]["Buffer"]["Outputs"], "reads": 32, "fills": 0,
                                                "updates": 48}
    back = read_stats(tmp_path / "o" / "costmodel-model.stats.txt")     # our stats text reads like Timeloop's
    assert back.cycles == 48 and abs(back.energy_pj / d["energy_pj"] - 1) < 1e-6
    assert back.level("Buffer").dataspaces["Outputs"]["Scalar updates (per-instance)"] == 48


def test_model_summary_and_map_txt(cli):
    folder = DEV / "06-mapper-convlayer-eyeriss/ref-output"
    p = cli("model", folder / "parsed-processed-input.yaml", folder / "timeloop-mapper.map.txt",
            "--ert", folder / "timeloop-mapper.ERT.yaml")
    assert p.returncode == 0, p.stderr
    assert "Cycles: 5505024" in p.stdout and "Utilization: 100.00%" in p.stdout
    assert "energy: ERT " in p.stdout and "shared_glb               Inputs         12042240         573440" in p.stdout


def test_bad_file_one_error_line_exit_2(tmp_path, cli):
    bad = tmp_path / "arch.yaml"
    bad.write_text((R01 / "arch/2level.arch.yaml").read_text().replace("depth: 64", "depth: 64\n      colour: 2"))
    p = cli("model", bad, FILES[1], FILES[2], *ERT, "--out", tmp_path / "o")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith(f"error: {bad}:") and "unknown attribute 'colour' of Buffer" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and not (tmp_path / "o").exists()
    p = cli("model", FILES[0], FILES[2], *ERT)                        # no mapping
    assert p.returncode == 2 and "no mapping in the files" in p.stderr
    p = cli("model", *FILES)                                          # no ERT: the built-in estimates
    assert p.returncode == 0 and "\nenergy: estimated (costmodel.estimate" in p.stdout, p.stderr
    p = cli("model", *FILES, *ERT, "--var", "novalue")
    assert p.returncode == 2 and "--var 'novalue': expected KEY=VALUE" in p.stderr


def test_mapper_subprocess_not_worse_than_a_given_mapping(tmp_path):
    mapper = tmp_path / "mapper.yaml"
    mapper.write_text("mapper:\n  version: 0.4\n  optimization_metrics: [energy]\n  algorithm: random_pruned\n")
    p = run_cli("mapper", FILES[0], FILES[2], mapper, *ERT, "--json")
    assert p.returncode == 0, p.stderr
    found = json.loads(p.stdout)
    for m in ("os", "ws"):
        given = json.loads(run_cli("model", FILES[0], f"{R01}/map/conv1d-2level-{m}.map.yaml", FILES[2], *ERT,
                                   "--json").stdout)
        assert found["energy_pj"] <= given["energy_pj"] * 1.001
    assert found["computes"] == 48 and "objective energy" in found["energy_source"]


def test_save_spec_then_arch(tmp_path, cli):
    """--save-spec writes the arch read as our spec YAML (semantics timeloop-v3): --arch takes it."""
    saved = tmp_path / "os.yaml"
    p = cli("model", *FILES, *ERT, "--save-spec", saved)
    assert p.returncode == 0, p.stderr
    from costmodel.arch import load_arch
    spec = load_arch(str(saved))
    assert spec.semantics == "timeloop-v3" and spec.level("Buffer").actions["read"] > 0
    q = cli("query", "--arch", saved, "--op", "conv_1x1", "--hw", "4", "--c-in", "2", "--c-out", "2",
            "--db", tmp_path / "lut.db")
    assert q.returncode == 0 and "cycles" in q.stdout, q.stderr


def test_arch_with_a_v4_file_is_read(cli, tmp_path):
    v4_arch = DEV / "06-mapper-convlayer-eyeriss/arch/eyeriss_like.yaml"
    p = cli("query", "--arch", v4_arch, "--op", "conv_1x1", "--hw", "4", "--c-in", "2", "--db", tmp_path / "l.db")
    assert p.returncode == 0 and "eyeriss_like / analytic" in p.stdout, p.stdout + p.stderr


def test_mapper_samples_a_mapspace_too_large_to_enumerate(cli, monkeypatch, tmp_path):
    """A mapspace over the exact limits (simba_like's default layer leaves 1.3e11) is searched by the bounded
    sampled search (loopnest.strategy), which the command names in a note; here the limits are lowered."""
    from costmodel.loopnest import mapspace, strategy
    monkeypatch.setattr(strategy, "EXACT_MAX", 1)
    monkeypatch.setattr(strategy, "CHUNKED_MAX", 1)
    monkeypatch.setattr(mapspace, "_spec_cache", lambda spec: {})      # no plan cached by an earlier test
    p = cli("mapper", FILES[0], FILES[2], *ERT, "--json")
    assert p.returncode == 0, p.stderr
    assert "note: sampled search" in p.stderr and json.loads(p.stdout)["cycles"] > 0
