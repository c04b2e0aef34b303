"""`costmodel archs --show ARCH [--set PATH=V] [--json]`: levels with per-action energies and areas."""
import json

import pytest

from conftest import run_cli
from costmodel.arch import load_arch


def shown(cli, *args):
    p = cli("archs", "--show", *args, "--json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_done_when_end_to_end():
    """The issue's check, through the real entry point: a 64K-entry GlobalBuffer costs more per read than a 16K
    one; area per level and in total; with no --set the energies are today's (Timeloop v1.0's)."""
    big, small, plain = (json.loads(run_cli("archs", "--show", "eyeriss", *s, "--json").stdout) for s in (
        ["--set", "levels.GlobalBuffer.entries=65536"], ["--set", "levels.GlobalBuffer.entries=16384"], []))
    glb = {r["name"]: r for r in big["levels"]}["GlobalBuffer"]
    glb_small = {r["name"]: r for r in small["levels"]}["GlobalBuffer"]
    assert glb["energy_pj"]["read"] > glb_small["energy_pj"]["read"]
    assert glb["area_mm2"] > glb_small["area_mm2"] > 0 and big["area_mm2"] > small["area_mm2"] > 0
    assert big["area_mm2"] == pytest.approx(sum(r["area_mm2"] for r in big["levels"]))
    spec = load_arch("eyeriss")
    assert [r["name"] for r in plain["levels"]] == [lv.name for lv in spec.levels] + [spec.mac.name]
    for r, lv in zip(plain["levels"], spec.levels):
        assert r["energy_pj"]["read"] == r["energy_pj"]["write"] == r["energy_pj"]["update"] == lv.access_energy_pj
        assert r["energy_source"] == "timeloop-v1.0" and r["source"] and r["area_source"]
    assert plain["levels"][-1]["energy_pj"]["read"] == spec.mac.energy_pj
    assert any("re-derived levels.GlobalBuffer.access_energy_pj" in n for n in small["energy_notes"])
    assert small["name"] == "eyeriss[levels.GlobalBuffer.entries=16384]" and plain["name"] == "eyeriss"


def test_text_output_and_keep_energies(cli):
    p = cli("archs", "--show", "diannao")
    assert p.returncode == 0 and "total area" in p.stdout and "WeightBuffer" in p.stdout and "CACTI 7" in p.stdout
    kept = shown(cli, "eyeriss", "--set", "levels.GlobalBuffer.entries=16384", "--keep-energies")
    glb = {r["name"]: r for r in kept["levels"]}["GlobalBuffer"]
    assert glb["energy_pj"]["read"] == load_arch("eyeriss").level("GlobalBuffer").access_energy_pj
    assert glb["energy_source"] == "pinned" and kept["energy_notes"][0].startswith("kept ")


@pytest.mark.parametrize("args,msg", [
    (["--show", "eyeris"], "unknown arch 'eyeris'"),
    (["--show", "c64x"], "only accelerator specs"),
    (["--show", "eyeriss", "--set", "levels.GlobalBuffer.entries=1,2"], "one value per path"),
    (["--show", "eyeriss", "--set", "levels.Nope.entries=1"], "no item 'Nope'"),
    (["--json"], "go with --show"),
    (["--show", "eyeriss", "--remove", "x"], "not both"),
])
def test_refusals(cli, args, msg):
    p = cli("archs", *args)
    assert p.returncode == 2 and msg in p.stderr and p.stderr.count("\n") == 1, p.stderr
    assert p.stdout == ""


def test_a_user_spec_without_energies_is_priced_from_the_tables(cli, tmp_path):
    import yaml
    data = load_arch("eyeriss").to_dict()
    for lv in data["levels"]:
        del lv["access_energy_pj"]
    del data["mac"]["energy_pj"]
    path = tmp_path / "no-energies.yaml"
    path.write_text(yaml.safe_dump(data))
    rep = shown(cli, str(path))
    assert {r["energy_source"] for r in rep["levels"] if r["name"] != "DummyBuffer"} == {"tables"}
    glb = {r["name"]: r for r in rep["levels"]}["GlobalBuffer"]
    assert "CACTI 7" in glb["source"] and glb["energy_pj"]["read"] > glb["energy_pj"]["write"] > 0
    data["technology"] = "fast"
    path.write_text(yaml.safe_dump(data))
    p = cli("archs", "--show", str(path))
    assert p.returncode == 2 and "key 'technology'" in p.stderr and str(path) in p.stderr, p.stderr
