"""Emission: both formats serialise the one AcceleratorSpec the way the real tools read them."""
from dataclasses import replace

import pytest
import yaml

from costmodel.arch.registry import load_arch
from costmodel.errors import CostModelError
from costmodel.timeloop import file_data, files_for
from costmodel.arch.formats.yamlio import load
from costmodel.workload import conv

from yamlquote import unquoted_strings

DENSE = conv("pw", 1, 16, 16, 32, 32, 1)                          # G = 1: the stock cnn-layer constraints
DEPTHWISE = conv("dw", 1, 16, 16, 32, 32, 3, 1, 2, 2, groups=16)  # G = 16: the exact-mode constraints
ARCHS = ("eyeriss", "diannao")


def _nodes(files):
    return load(files["arch.yaml"])["architecture"]["nodes"]


@pytest.mark.parametrize("name", ARCHS)
def test_v04_text_is_what_timeloopfe_types_and_its_examples_write(name):
    files = files_for(DEPTHWISE, load_arch(name), "v0.4")
    assert sorted(files) == ["ART.yaml", "ERT.yaml", "arch.yaml", "mapper.yaml", "problem.yaml", "variables.yaml"]
    for fname, text in files.items():
        assert unquoted_strings(text) == [], fname          # timeloopfe would evaluate them as Python
        assert "&id" not in text and "*id" not in text, fname   # no YAML anchors / aliases
    ert = load(files["ERT.yaml"])["ERT"]
    assert ert["version"] == 0.4
    assert all(type(a["energy"]) is float for t in ert["tables"] for a in t["actions"])   # 200.0, never 200
    assert "energy: 200.0" in files["ERT.yaml"]
    variables = load(files["variables.yaml"])["variables"]
    spec = load_arch(name)
    assert variables == {"version": 0.4, "technology": spec.technology, "global_cycle_seconds": spec.cycle_seconds}
    problem = load(files["problem.yaml"])["problem"]
    assert "M" in problem["shape"]["dimensions"] and "K" not in problem["shape"]["dimensions"]
    assert problem["instance"]["M"] == 1 and problem["instance"]["G"] == 16


@pytest.mark.parametrize("name", ARCHS)
def test_v04_levels_carry_width_size_and_inline_constraints(name):
    spec = load_arch(name)
    nodes = _nodes(files_for(DEPTHWISE, spec, "v0.4"))
    comps = {n["name"]: n for n in nodes if n["!"] == "Component"}
    for lv in spec.levels:
        a = comps[lv.name]["attributes"]
        assert a["width"] == lv.word_bits * lv.block_size * lv.cluster_size          # Timeloop >= v3 checks this
        assert not ("entries" in a and "depth" in a)
        if lv.entries is not None:
            assert a.get("depth", 0) * lv.block_size == lv.entries or a.get("entries") == lv.entries
        assert comps[lv.name]["constraints"]["dataspace"]["keep"] == list(lv.keep)
        assert "spatial" not in comps[lv.name]["constraints"]                        # spatial lives on containers
    assert not any(set(n) & {"targets"} for n in nodes)


@pytest.mark.parametrize("name", ARCHS)
def test_v04_fanouts_are_containers_holding_the_spatial_constraint_of_the_level_above(name):
    spec = load_arch(name)
    nodes = _nodes(files_for(DEPTHWISE, spec, "v0.4"))
    assert nodes[0]["!"] == "Container" and nodes[0]["attributes"]["technology"] == spec.technology
    fanout, above, seen = 1, None, {}
    for node in nodes[1:]:
        if node["!"] == "Container":
            fanout *= node["spatial"]["meshX"] * node["spatial"]["meshY"]
            sp = node["constraints"]["spatial"]
            lv = spec.level(above)
            assert (sp["split"], len(sp["permutation"])) == (lv.spatial.split, len(lv.spatial.permutation))
            assert [f for f in sp["factors"] if f.startswith("M=")] == [f"M={b}" for d, b in lv.spatial.factors.items()
                                                                        if d == "K"]
        else:
            seen[node["name"]], above = fanout, node["name"]
    assert seen == {**{lv.name: lv.instances for lv in spec.levels}, spec.mac.name: spec.mac.instances}


def test_diannao_spatial_constraints_sit_on_the_16_wide_fanouts():
    nodes = _nodes(files_for(DENSE, load_arch("diannao"), "v0.4"))
    containers = [n for n in nodes[1:] if n["!"] == "Container"]
    assert [(c["spatial"], [f for f in c["constraints"]["spatial"]["factors"] if f.endswith("=16")]) for c in containers] == [
        ({"meshX": 16, "meshY": 1}, ["M=16"]), ({"meshX": 1, "meshY": 16}, ["C=16"])]


@pytest.mark.parametrize("name", ARCHS)
def test_legacy_split_is_at_the_constraint_top_level_where_v1_reads_it(name):
    spec = load_arch(name)
    targets = load(files_for(DENSE, spec, "legacy")["constraints.yaml"])["mapspace"]["targets"]
    spatial = {t["name"]: c for t in targets for c in t["constraints"] if c["type"] == "spatial"}
    assert set(spatial) == {lv.name for lv in spec.levels if lv.spatial.permutation}
    for c in spatial.values():
        assert "split" in c and "split" not in c["attributes"]
    if name == "eyeriss":     # the stock eyeriss-256 splits, with G dropped for a cnn-layer
        assert (spatial["GlobalBuffer"]["split"], spatial["DummyBuffer"]["split"]) == (7, 4)


@pytest.mark.parametrize("name", ARCHS)
def test_legacy_mapper_is_the_specs_stock_settings_verbatim(name):
    spec = load_arch(name)
    m = load(files_for(DENSE, spec, "legacy")["mapper.yaml"])["mapper"]
    assert m == {"optimization-metrics": ["edp"], **spec.mapper["timeloop"]}
    assert (m["algorithm"], m["num-threads"]) == {"eyeriss": ("linear-pruned", 2), "diannao": ("hybrid", 2)}[name]
    over = load(files_for(DENSE, spec, "legacy", mapper={"timeout": 20000})["mapper.yaml"])["mapper"]
    assert over == {**m, "timeout": 20000}
    v04 = load(files_for(DENSE, spec, "v0.4", mapper={"algorithm": "linear-pruned"})["mapper.yaml"])["mapper"]
    assert (v04["algorithm"], v04["num_threads"], v04["optimization_metrics"]) == ("linear_pruned", 2, ["edp"])
    with pytest.raises(CostModelError, match="unknown key 'victory'"):
        files_for(DENSE, spec, "legacy", mapper={"victory": 10})
    with pytest.raises(CostModelError, match="'algorithm' must be one of"):
        files_for(DENSE, spec, "v0.4", mapper={"algorithm": "greedy"})


@pytest.mark.parametrize("name", ARCHS)
def test_ert_energy_is_the_cluster_access_energy_in_both_versions(name):
    spec = load_arch(name)
    for fmt, version in (("legacy", 0.3), ("v0.4", 0.4)):
        data = file_data(DENSE, spec, fmt)
        ert, art = data["ERT.yaml"]["ERT"], data["ART.yaml"]["ART"]
        assert (ert["version"], art["version"]) == (version, version)       # v1.0 aborts on anything but 0.2/0.3
        by = {t["name"].rsplit(".", 1)[1]: {a["name"]: a["energy"] for a in t["actions"]} for t in ert["tables"]}
        for lv in spec.levels:   # Timeloop divides the ERT entry by cluster_size: V x cluster_size gives V back
            assert by[lv.name]["read"] == by[lv.name]["write"] == by[lv.name]["update"] == \
                lv.access_energy_pj * lv.cluster_size
        assert by[spec.mac.name]["compute"] == spec.mac.energy_pj
    assert "ERT.yaml" not in file_data(DENSE, spec, "v0.4", with_energy=False)


def test_bad_inputs_are_clear_errors():
    spec = load_arch("eyeriss")
    with pytest.raises(CostModelError, match="unknown Timeloop format"):
        files_for(DENSE, spec, "v0.3")
    with pytest.raises(CostModelError, match="no Timeloop form"):
        files_for(DENSE, load_arch("c64x"), "v0.4")
    data = yaml.safe_load(yaml.safe_dump(spec.to_dict()))
    data["mapper"]["timeloop"]["num-threads"] = "two"
    with pytest.raises(CostModelError, match="'num-threads' must be an integer"):
        type(spec).from_dict(data, "x.yaml")
    assert replace(spec, pool=None).to_dict()["pool"] is None
