"""A spec's levels priced: energy sources, specs without energies, pinned energies, re-derivation."""
import copy

import pytest

from costmodel.arch import load_arch
from costmodel.estimate import estimate
from costmodel.estimate.levels import PINNED, TABLES, V1, level_costs, total_area_mm2
from costmodel.loopnest.spec import AcceleratorSpec
from costmodel.sweep.variants import derive_noted


def no_energies(name="eyeriss"):
    data = copy.deepcopy(load_arch(name).to_dict())
    for lv in data["levels"]:
        del lv["access_energy_pj"]
    del data["mac"]["energy_pj"]
    return data


def test_a_spec_without_energies_is_priced_by_the_tables():
    spec = AcceleratorSpec.from_dict(no_energies(), source="t")
    glb = spec.level("GlobalBuffer")
    expect = estimate("SRAM", {"width": 64, "depth": 16384, "technology": "65nm"}).energy.read
    assert glb.access_energy_pj == pytest.approx(expect)
    assert spec.level("DRAM").access_energy_pj == 8 * 16           # LPDDR4 8 pJ/bit x 16-bit word
    assert spec.mac.energy_pj == pytest.approx(estimate("intmac", {"width": 16, "technology": "65nm"}).energy.read)
    assert {c.energy_source for c in level_costs(spec) if c.name != "DummyBuffer"} == {TABLES}   # 0 entries: 0 by both
    assert AcceleratorSpec.from_dict(spec.to_dict(), source="again") == spec      # round-trips


def test_sources_pinned_and_v1():
    data = load_arch("eyeriss").to_dict()
    data["levels"][1]["access_energy_pj"] = 12.5
    costs = {c.name: c for c in level_costs(AcceleratorSpec.from_dict(data, source="t"))}
    assert costs["GlobalBuffer"].energy_source == PINNED and costs["GlobalBuffer"].energy.read == 12.5
    assert costs["DRAM"].energy_source == V1


def test_variant_energies_follow_the_base_model_unless_pinned_or_kept_or_set():
    base = load_arch("eyeriss")
    small, notes = derive_noted(base, {"levels.GlobalBuffer.entries": 16384}, "v")
    assert small.level("GlobalBuffer").access_energy_pj < base.level("GlobalBuffer").access_energy_pj
    assert len(notes) == 1 and "GlobalBuffer" in notes[0] and "timeloop-v1.0" in notes[0]
    kept, notes = derive_noted(base, {"levels.GlobalBuffer.entries": 16384}, "v", keep_energies=True)
    assert kept.level("GlobalBuffer").access_energy_pj == base.level("GlobalBuffer").access_energy_pj
    assert notes[0].startswith("kept")
    own, notes = derive_noted(base, {"levels.GlobalBuffer.entries": 16384,
                                     "levels.GlobalBuffer.access_energy_pj": 3.0}, "v")
    assert own.level("GlobalBuffer").access_energy_pj == 3.0 and notes == ()
    data = base.to_dict()
    data["levels"][1]["access_energy_pj"] = 12.5
    pinned = AcceleratorSpec.from_dict(data, source="p")
    v, notes = derive_noted(pinned, {"levels.GlobalBuffer.entries": 16384}, "v")
    assert v.level("GlobalBuffer").access_energy_pj == 12.5 and notes == ()
    wide, notes = derive_noted(base, {"mac.word_bits": 8}, "v")          # the MAC follows its width too
    assert wide.mac.energy_pj == pytest.approx(0.25) and "mac.energy_pj" in notes[0]
    tab = AcceleratorSpec.from_dict(no_energies(), source="t")           # table-priced levels follow the node
    big, notes = derive_noted(tab, {"levels.GlobalBuffer.entries": 131072}, "v")
    assert big.level("GlobalBuffer").access_energy_pj > tab.level("GlobalBuffer").access_energy_pj
    assert "(tables)" in notes[0]


def test_area_grows_with_the_pe_array_and_the_buffer():
    from sweep_data import pe_array
    base = load_arch("eyeriss")
    small, _ = derive_noted(base, pe_array(8), "8x8")
    assert total_area_mm2(small) < total_area_mm2(base)
    big, _ = derive_noted(base, {"levels.GlobalBuffer.entries": 131072}, "big")
    assert total_area_mm2(big) > total_area_mm2(base)
