"""Arch / constraints / mapper / ERT emission, checked against the stock Timeloop v1.0 configs as data."""
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from costmodel.arch import load_arch
from costmodel.errors import CostModelError
from costmodel.timeloop import facts, files_for, from_legacy, timeloop_arch
from costmodel.timeloop.archdesc import Constraint
from costmodel.timeloop.yamlio import load
from costmodel.workload import conv

from yamlquote import unquoted_strings
from costmodel.resources import reference_dir

REF = reference_dir()
CONFIGS = {"eyeriss": ("timeloop-configs/eyeriss-256.arch.yaml", "timeloop-v1.0-exact/configs/eyeriss-256.exact.arch.yaml"),
           "diannao": ("timeloop-configs/diannao-chen-asplos2014.arch.yaml",
                       "timeloop-v1.0-exact/configs/diannao-chen-asplos2014.exact.arch.yaml")}
DENSE = conv("pw", 1, 16, 16, 32, 32, 1)                          # G = 1: the stock cnn-layer constraints
DEPTHWISE = conv("dw", 1, 16, 16, 32, 32, 3, 1, 2, 2, groups=16)  # G = 16: the exact-mode constraints


def _ref_facts(path):
    return facts(from_legacy(yaml.safe_load((REF / path).read_text())))


def _emitted_facts(files):
    return facts(from_legacy({**yaml.safe_load(files["arch.yaml"]), **yaml.safe_load(files["constraints.yaml"])}))


@pytest.mark.parametrize("name", CONFIGS)
def test_legacy_arch_from_our_spec_equals_the_stock_config_facts(name):
    stock, exact = CONFIGS[name]
    arch = timeloop_arch(load_arch(name))
    assert _emitted_facts(files_for(DENSE, arch, "legacy")) == _ref_facts(stock)
    assert _emitted_facts(files_for(DEPTHWISE, arch, "legacy")) == _ref_facts(exact)


@pytest.mark.parametrize("name", CONFIGS)
def test_the_exact_config_restricted_to_cnn_layer_dims_is_the_stock_config(name):
    stock, exact = CONFIGS[name]
    arch = from_legacy(yaml.safe_load((REF / exact).read_text()), name)
    assert _emitted_facts(files_for(DENSE, arch, "legacy", with_energy=False)) == _ref_facts(stock)


def test_dropping_a_dim_keeps_the_x_y_assignment_of_the_others():
    c = Constraint("GlobalBuffer", "spatial", factors=(("N", 1), ("G", 2)), permutation="KGNCPQRS", split=2)
    r = c.restricted_to("NCKRSPQ")
    assert (r.permutation, r.split, r.factors) == ("KNCPQRS", 1, (("N", 1),))
    assert c.restricted_to("NCKRSPQG") == c
    y = Constraint("DummyBuffer", "spatial", permutation="NPQRSCKG", split=4).restricted_to("NCKRSPQ")
    assert (y.permutation, y.split) == ("NPQRSCK", 4)


@pytest.mark.parametrize("name", CONFIGS)
def test_v04_files_describe_the_same_hierarchy_and_constraints(name):
    spec = load_arch(name)
    files = files_for(DEPTHWISE, timeloop_arch(spec), "v0.4")
    for fname, text in files.items():
        assert unquoted_strings(text) == [], fname
    nodes = load(files["arch.yaml"])["architecture"]["nodes"]
    assert nodes[0]["!"] == "Container"
    fanout, instances = 1, {}
    for node in nodes[1:]:
        if node["!"] == "Container":
            fanout *= node["spatial"].get("meshX", 1) * node["spatial"].get("meshY", 1)
        else:
            instances[node["name"]] = fanout
    assert instances == {**{lv.name: lv.instances for lv in spec.levels}, spec.mac.name: spec.mac.instances}
    targets = load(files["constraints.yaml"])["constraints"]["targets"]
    kept = {t["target"]: t["keep"] for t in targets if t["type"] == "dataspace"}
    assert kept == {lv.name: list(lv.keep) for lv in spec.levels[1:]}
    spatial = {t["target"]: (t["permutation"], t["split"]) for t in targets if t["type"] == "spatial"}
    assert spatial == {lv.name: (list(lv.spatial.permutation), lv.spatial.split) for lv in spec.levels
                       if lv.spatial.permutation}
    dense = load(files_for(DENSE, timeloop_arch(spec), "v0.4")["constraints.yaml"])["constraints"]["targets"]
    assert all("G" not in t.get("permutation", []) and not any(f.startswith("G=") for f in t.get("factors", []))
               for t in dense)


@pytest.mark.parametrize("name", CONFIGS)
def test_ert_carries_the_spec_energies_which_are_the_reference_pat_energies(name):
    spec = load_arch(name)
    ert = load(files_for(DENSE, timeloop_arch(spec), "v0.4")["ERT.yaml"])["ERT"]
    by_level = {t["name"].rsplit(".", 1)[1]: {a["name"]: a["energy"] for a in t["actions"]} for t in ert["tables"]}
    ref = yaml.safe_load((REF / "timeloop-v1.0" / f"ert_{name}.yaml").read_text())["levels"]
    for lv in spec.levels:
        assert by_level[lv.name]["read"] == by_level[lv.name]["write"] == by_level[lv.name]["update"]
        assert by_level[lv.name]["read"] == lv.access_energy_pj
        assert lv.access_energy_pj == pytest.approx(ref[lv.name].get("vector_access_energy_pJ", 0.0), rel=1e-5)
    assert by_level[spec.mac.name]["compute"] == spec.mac.energy_pj == ref["MACs"]["mac_energy_pJ"]
    art = load(files_for(DENSE, timeloop_arch(spec), "legacy")["ART.yaml"])["ART"]
    assert [t["name"] for t in art["tables"]] == [t["name"] for t in ert["tables"]]


def test_mapper_settings_are_spelled_out_in_both_dialects_and_checked():
    arch = timeloop_arch(load_arch("eyeriss"))
    legacy = yaml.safe_load(files_for(DENSE, arch, "legacy", mapper={"algorithm": "linear-pruned"})["mapper.yaml"])
    assert legacy["mapper"] == {"optimization-metrics": ["edp"], "algorithm": "linear-pruned", "timeout": 1000,
                                "victory-condition": 500, "search-size": 0, "sync-interval": 0, "live-status": False,
                                "num-threads": load_arch("eyeriss").mapper["threads"]}
    v04 = yaml.safe_load(files_for(DENSE, arch, "v0.4", mapper={"algorithm": "linear-pruned", "timeout": 20000})
                         ["mapper.yaml"])["mapper"]
    assert (v04["algorithm"], v04["timeout"], v04["optimization_metrics"], v04["victory_condition"]) == (
        "linear_pruned", 20000, ["edp"], 500)
    assert v04["num_threads"] == load_arch("eyeriss").mapper["threads"]
    with pytest.raises(CostModelError, match="unknown Timeloop mapper setting 'victory'"):
        files_for(DENSE, arch, "legacy", mapper={"victory": 10})
    with pytest.raises(CostModelError, match="unknown Timeloop mapper algorithm"):
        files_for(DENSE, arch, "v0.4", mapper={"algorithm": "greedy"})


def test_bad_inputs_are_clear_errors():
    arch = timeloop_arch(load_arch("eyeriss"))
    broken = replace(arch, constraints=arch.constraints + (Constraint("GlobalBufer", "temporal", permutation="K"),))
    with pytest.raises(CostModelError, match="targets 'GlobalBufer', which is not a storage level"):
        files_for(DENSE, broken, "legacy")
    with pytest.raises(CostModelError, match="unknown Timeloop format"):
        files_for(DENSE, arch, "v0.3")
    with pytest.raises(CostModelError, match="no Timeloop form"):
        timeloop_arch(load_arch("c64x"))
    no_energy = replace(arch, storage=(replace(arch.storage[0], vector_access_energy_pj=None),) + arch.storage[1:])
    with pytest.raises(CostModelError, match="no per-access energy"):
        files_for(DENSE, no_energy, "v0.4")
    assert "ERT.yaml" not in files_for(DENSE, no_energy, "v0.4", with_energy=False)
