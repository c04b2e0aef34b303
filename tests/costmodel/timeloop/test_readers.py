"""Readers: Timeloop v1.0 YAML / libconfig and v0.4 files give back the one AcceleratorSpec."""
from dataclasses import replace

import pytest
import yaml

from costmodel.arch.registry import load_arch
from costmodel.errors import CostModelError
from costmodel.loopnest.spec import AcceleratorSpec
from costmodel.resources import reference_dir
from costmodel.arch.formats import legacy, v04
from costmodel.timeloop import file_data
from costmodel.arch.formats.yamlio import dump, load
from costmodel.workload import conv

REF = reference_dir()
STOCK = {"eyeriss": ("timeloop-configs/eyeriss-256.arch.yaml", "timeloop-v1.0-exact/configs/eyeriss-256.exact.arch.yaml"),
         "diannao": ("timeloop-configs/diannao-chen-asplos2014.arch.yaml",
                     "timeloop-v1.0-exact/configs/diannao-chen-asplos2014.exact.arch.yaml")}
DEPTHWISE = conv("dw", 1, 16, 16, 32, 32, 3, 1, 1, 1, groups=16)    # G > 1: every dim, every constraint
DENSE = conv("pw", 1, 16, 16, 32, 32, 1)


def _hardware(spec, drop_class=False):
    """The facts a Timeloop arch config carries (no mapper block, no technology/clock in the stock files)."""
    d = spec.to_dict()
    for k in ("technology", "cycle_seconds"):
        d.pop(k, None)
    d["mapper"].pop("timeloop")
    if drop_class:                                   # the v0.1 layout (eyeriss-256) has no component classes
        for lv in d["levels"]:
            lv.pop("class", None)
    return d


def _merged(files: dict) -> dict:
    out = {}
    for text in files.values():
        out.update(load(text))
    return out


@pytest.mark.parametrize("name", STOCK)
def test_the_stock_exact_configs_read_as_our_spec_fact_for_fact(name):
    ours = load_arch(name)
    got = legacy.read(yaml.safe_load((REF / STOCK[name][1]).read_text()), name=name, extras=ours.extras())
    assert isinstance(got, AcceleratorSpec)
    assert _hardware(got, name == "eyeriss") == _hardware(ours, name == "eyeriss")
    assert got.levels == ours.levels or name == "eyeriss"          # eyeriss: only the class names differ
    assert [lv.access_energy_pj for lv in got.levels] == [lv.access_energy_pj for lv in ours.levels]  # pat


def test_libconfig_and_yaml_of_the_same_v1_config_read_the_same():
    root = REF / "timeloop-v1.0-configs" / "configs"
    from_cfg = legacy.read_cfg((root / "eyeriss-1024.cfg").read_text(), name="eyeriss-1024")
    from_yaml = legacy.read(yaml.safe_load((root / "eyeriss-1024.yaml").read_text()), name="eyeriss-1024")
    assert from_cfg == from_yaml
    assert from_cfg.mapper["timeloop"]["algorithm"] == "linear-pruned"
    assert [lv.name for lv in from_cfg.levels] == ["DRAM", "GlobalBuffer", "DummyBuffer", "InputRegFile",
                                                   "WeightRegFile", "PsumRegFile"]
    assert from_cfg.level("GlobalBuffer").entries == 2976 * 1024 * 8 // 16 and from_cfg.mac.instances == 1024
    with pytest.raises(CostModelError, match="not valid libconfig"):
        legacy.read_cfg("arch = { storage = ( ;")


@pytest.mark.parametrize("name", STOCK)
@pytest.mark.parametrize("fmt", ["legacy", "v0.4"])
def test_ours_to_timeloop_files_and_back_is_the_identity(name, fmt):
    spec = load_arch(name)
    docs = _merged({k: dump(v) for k, v in file_data(DEPTHWISE, spec, fmt).items() if k != "problem.yaml"})
    back = (legacy if fmt == "legacy" else v04).read(docs, extras=spec.extras())
    assert back == spec and back.to_dict() == spec.to_dict()


@pytest.mark.parametrize("fmt", ["legacy", "v0.4"])
def test_every_timeloop_fact_survives_the_round_trip(fmt):
    """A spec that differs from eyeriss in energy, size, bandwidth, cluster, constraints and mapper reads back as itself."""
    spec = load_arch("eyeriss")
    gb, rf = spec.level("GlobalBuffer"), spec.level("PsumRegFile")
    ir, db = spec.level("InputRegFile"), spec.level("DummyBuffer")
    changed = replace(spec, technology="7nm", cycle_seconds=1e-9,
                      mapper={**spec.mapper, "timeloop": {"algorithm": "hybrid", "num-threads": 4}},
                      levels=tuple(replace(gb, entries=32768, read_bandwidth=8.5, access_energy_pj=3.25,
                                           spatial=replace(gb.spatial, split=3)) if lv is gb else
                                   replace(rf, cluster_size=2, access_energy_pj=0.5) if lv is rf else
                                   replace(ir, keep=(), keep_or_bypass=("Inputs",)) if lv is ir else   # mapper's choice
                                   replace(db, spatial=replace(db.spatial, split=None)) if lv is db else lv
                                   for lv in spec.levels))
    docs = _merged({k: dump(v) for k, v in file_data(DEPTHWISE, changed, fmt).items()})
    assert (legacy if fmt == "legacy" else v04).read(docs, extras=spec.extras()) == changed


def test_dense_emission_reads_back_without_the_g_constraints():
    spec = load_arch("diannao")
    docs = _merged({k: dump(v) for k, v in file_data(DENSE, spec, "v0.4").items()})
    back = v04.read(docs, extras=spec.extras())
    ib = back.level("InputBuffer").spatial
    assert (ib.permutation, ib.split, ib.factors["K"]) == ("KNCPQRS", 1, 16)
    assert all("G" not in lv.temporal.permutation for lv in back.levels)


def _stock(name):
    return yaml.safe_load((REF / STOCK[name][1]).read_text())


@pytest.mark.parametrize("edit,words", [
    (lambda d: d["architecture"]["subtree"][0]["local"][1]["attributes"].update({"word-bit": 16}),
     "OutputBuffer: unsupported key 'word-bit'"),
    (lambda d: d["architecture"]["subtree"][0]["local"][1]["attributes"].pop("entries"),
     "storage without a size"),
    (lambda d: d["mapspace"]["targets"][1]["constraints"][0]["attributes"].update(
        {"keep": ["Weights"], "bypass": ["Weights"]}), "Weights is both kept and bypassed"),
    (lambda d: d["mapspace"]["targets"][1]["constraints"].append({"type": "utilization", "attributes": {"min": 0.5}}),
     "utilization constraint on 'OutputBuffer': v1.0 allows it only at the innermost storage level"),
    (lambda d: d["mapspace"]["targets"][-1]["constraints"].append({"type": "utilization"}), "needs 'min'"),
    (lambda d: d["mapspace"]["targets"][1]["constraints"][1]["attributes"].update({"max-factors": "K=4"}),
     "unsupported key 'max-factors'"),
    (lambda d: d["mapspace"]["targets"].append({"name": "Nowhere", "constraints": []}), None),
    (lambda d: d["mapspace"]["targets"].append({"name": "Nowhere", "constraints": [{"type": "temporal"}]}),
     "constraint target(s) ['Nowhere'] are not storage levels"),
    (lambda d: d.update({"mapper": {"optimization-metrics": ["delay", "area"]}}), "'mapper.objective' must be"),
    (lambda d: d.update({"mapper": {"optimization-metrics": ["delay", "delay"]}}), "'mapper.objective' must be"),
    (lambda d: d.update({"ERT": {"version": 0.3, "tables": [{"name": "x.Ghost", "actions": [
        {"name": "read", "energy": 1.0}]}]}}), "ERT tables for component(s) ['Ghost']"),
    (lambda d: d.update({"ERT": {"version": 0.3, "tables": [{"name": "x.DRAM", "actions": [
        {"name": "reed", "energy": 1.0}]}]}}), "unknown action 'reed'"),
    (lambda d: d.update({"ERT": {"version": 0.3, "tables": [{"name": "x.DRAM", "actions": [
        {"name": "read", "energy": -1.0}]}]}}), "energy must be a number >= 0"),
])
def test_what_our_spec_cannot_hold_is_named(edit, words):
    data = _stock("diannao")
    edit(data)
    if words is None:                 # an empty target is harmless
        legacy.read(data)
        return
    with pytest.raises(CostModelError) as e:
        legacy.read(data)
    assert words in str(e.value)


def test_v04_reader_names_what_it_cannot_hold():
    spec = load_arch("diannao")
    base = {k: dump(v) for k, v in file_data(DENSE, spec, "v0.4").items()}
    cases = [("width: 4096", "width: 2048", "width 2048 != datawidth x block_size x cluster_size = 4096"),
             ("depth: 64\n      read", "dept: 64\n      read", "OutputBuffer: unsupported key 'dept'"),
             ("!Container\n    name: \"PsumRegFile_array\"", "!Pipelined\n    name: \"PsumRegFile_array\"",
              "unsupported node !Pipelined")]
    for old, new, words in cases:
        files = dict(base, **{"arch.yaml": base["arch.yaml"].replace(old, new, 1)})
        assert old in base["arch.yaml"]
        with pytest.raises(CostModelError) as e:
            v04.read(_merged(files))
        assert words in str(e.value)
    with pytest.raises(CostModelError, match="no ERT"):
        v04.read(_merged({k: t for k, t in base.items() if k != "ERT.yaml"}))
