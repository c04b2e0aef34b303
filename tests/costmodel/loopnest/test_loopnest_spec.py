"""AcceleratorSpec: the shipped Eyeriss / DianNao YAMLs load, round-trip, carry the stock facts, and
bad input names the bad key."""
import math

import pytest
import yaml

from costmodel.arch.spec import dump_spec
from costmodel.arch.registry import load_arch
from costmodel.errors import CostModelError
from costmodel.loopnest.spec import AcceleratorSpec


def pat_vector_energy(entries, word_bits, block=1, cluster=1):
    """Timeloop v1.0 built-in pat SRAM model (reference/timeloop-v1.0/ert_*.yaml header)."""
    width = word_bits * block * cluster
    kb = width * math.ceil(entries / block) / 8192
    return (1 + (6 - 1) / (100 - 0.5) * (kb - 0.5)) * width / 16 / cluster


@pytest.mark.parametrize("arch", ["eyeriss", "diannao"])
def test_roundtrip_through_yaml(arch):
    spec = load_arch(arch)
    again = AcceleratorSpec.from_dict(yaml.safe_load(dump_spec(spec)), source="roundtrip")
    assert again == spec
    assert spec.default_backend == "analytic" and spec.name == arch


@pytest.mark.parametrize("arch", ["eyeriss", "diannao"])
def test_access_energies_are_the_pat_model_of_the_level_geometry(arch):
    spec = load_arch(arch)
    for lv in spec.levels:
        if lv.technology == "DRAM":
            assert lv.access_energy_pj == 200.0 * lv.word_bits * lv.block_size / 16
        elif lv.entries:
            assert lv.access_energy_pj == pytest.approx(
                pat_vector_energy(lv.entries, lv.word_bits, lv.block_size, lv.cluster_size), rel=1e-12)


def test_stock_facts_eyeriss():
    s = load_arch("eyeriss")
    assert [lv.name for lv in s.levels] == ["DRAM", "GlobalBuffer", "DummyBuffer", "InputRegFile",
                                            "WeightRegFile", "PsumRegFile"]
    glb = s.level("GlobalBuffer")
    assert (glb.entries, glb.block_size, glb.read_bandwidth, glb.keep) == (65536, 4, 16, ("Inputs", "Outputs"))
    assert s.fanout(1) == (16, 1) and s.fanout(2) == (1, 16)
    assert s.level("WeightRegFile").temporal.factors["R"] == 0          # R0: all of R in the PE
    assert s.level("DummyBuffer").spatial.axis_of("S") == "Y"
    assert s.level("GlobalBuffer").spatial.axis_of("Q") == "X"


def test_stock_facts_diannao():
    s = load_arch("diannao")
    assert [lv.name for lv in s.levels] == ["DRAM", "OutputBuffer", "InputBuffer", "PsumRegFile", "WeightBuffer"]
    assert s.level("WeightBuffer").cluster_size == 256 and s.level("PsumRegFile").write_bandwidth == 1
    assert s.level("InputBuffer").spatial.factors["K"] == 16 and s.level("PsumRegFile").spatial.factors["C"] == 16
    assert s.fanout(2) == (16, 1) and s.fanout(3) == (1, 16)


def _data():
    return yaml.safe_load(dump_spec(load_arch("eyeriss")))


@pytest.mark.parametrize("mutate, key", [
    (lambda d: d["levels"][1].pop("entries"), "'entries'"),
    (lambda d: d["levels"][1].update(entries="lots"), "'entries'"),
    (lambda d: d["levels"][1].update(keep=["Psums"]), "'keep'"),
    (lambda d: d["levels"][1]["temporal"].update(factors={"X": 1}), "'factors'"),
    (lambda d: d["levels"][1]["temporal"].update(permutation="QQ"), "'permutation'"),
    (lambda d: d["levels"][1].update(bogus=1), "'bogus'"),
    (lambda d: d["levels"][1].update(mesh_x=3), "'mesh_x'"),
    (lambda d: d.pop("pool"), "'pool'"),
    (lambda d: d["mac"].update(energy_pj=-1), "'energy_pj'"),
])
def test_bad_input_names_the_key(mutate, key):
    d = _data()
    mutate(d)
    with pytest.raises(CostModelError, match=key):
        AcceleratorSpec.from_dict(d, source="bad.yaml")
