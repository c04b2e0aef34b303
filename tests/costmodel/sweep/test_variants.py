"""Variants: dotted-path overrides on the spec's dict form, rebuilt by from_dict (validated), own spec hash."""
import pytest

from costmodel.arch import load_arch, spec_hash
from costmodel.errors import CostModelError
from costmodel.sweep import derive, expand, parse_set
from costmodel.sweep.variants import axes_from_mapping, set_path
from sweep_data import pe_array


def test_parse_set_reads_numbers_and_linked_paths():
    ax = parse_set("levels.GlobalBuffer.entries=32768,65536")
    assert ax.label == "levels.GlobalBuffer.entries"
    assert [o for _, o in ax.choices] == [{"levels.GlobalBuffer.entries": 32768}, {"levels.GlobalBuffer.entries": 65536}]
    linked = parse_set("mac.instances:mac.mesh_x=64:8,256:16")
    assert [o for _, o in linked.choices] == [{"mac.instances": 64, "mac.mesh_x": 8},
                                             {"mac.instances": 256, "mac.mesh_x": 16}]
    assert parse_set("levels.GlobalBuffer.read_bandwidth=null,2.5").choices[0][1] == {
        "levels.GlobalBuffer.read_bandwidth": None}
    assert parse_set("levels.GlobalBuffer.read_bandwidth=null,2.5").choices[1][1] == {
        "levels.GlobalBuffer.read_bandwidth": 2.5}


@pytest.mark.parametrize("arg", ["mac.mesh_x", "mac.mesh_x=", "=8", "mac.instances:mac.mesh_x=64,256:16"])
def test_parse_set_rejects_malformed(arg):
    with pytest.raises(CostModelError, match="--set"):
        parse_set(arg)


def test_derive_applies_overrides_and_validates():
    base = load_arch("eyeriss")
    v = derive(base, {"levels.GlobalBuffer.entries": 32768, "levels.1.block_size": 2}, "v")
    assert v.level("GlobalBuffer").entries == 32768 and v.level("GlobalBuffer").block_size == 2
    assert base.level("GlobalBuffer").entries == 65536          # the base is untouched
    assert spec_hash(v) != spec_hash(base)
    assert spec_hash(derive(base, {}, "same")) == spec_hash(base)
    with pytest.raises(CostModelError, match=r"v: .*'entries'.*>= 0"):
        derive(base, {"levels.GlobalBuffer.entries": -1}, "v")
    with pytest.raises(CostModelError, match="unknown key 'colour'"):
        derive(base, {"mac.colour": 1}, "v")                  # a new key: from_dict decides (and refuses)


@pytest.mark.parametrize("path,msg", [
    ("levels.GlobalBufer.entries", "no item 'GlobalBufer'"),
    ("levels.9.entries", "no item '9'"),
    ("macs.mesh_x", "no key 'macs'"),
    ("mac", "names a whole section"),
    ("levels.GlobalBuffer", "names a list item"),
    ("mac.mesh_x.y", "is a value, not a mapping"),
    ("mac.mesh_x.y.z", "goes below a value"),
    ("mac..x", "expected dotted names"),
])
def test_bad_paths_name_the_problem(path, msg):
    data = load_arch("eyeriss").to_dict()
    with pytest.raises(CostModelError, match=msg):
        set_path(data, path, 1)


def test_a_pe_array_needs_every_per_pe_level_changed():
    base = load_arch("eyeriss")
    with pytest.raises(CostModelError, match=r"mesh_x \(256/8\) must be multiples"):
        derive(base, {"mac.mesh_x": 8}, "half")               # was accepted before and then failed in the mapper
    v = derive(base, pe_array(8), "8x8")
    assert v.mac.instances == 64 and v.level("PsumRegFile").mesh_x == 8


def test_expand_is_the_cartesian_product_with_readable_names():
    axes = [parse_set("levels.GlobalBuffer.entries=32768,65536"), parse_set("levels.GlobalBuffer.read_bandwidth=8,16"),
            *axes_from_mapping({"pe_array": {"8x8": pe_array(8), "16x16": pe_array(16)}}, "f")]
    vs = expand(load_arch("eyeriss"), "eyeriss", axes)
    assert len(vs) == 8 and len({v.spec_hash for v in vs}) == 8
    assert vs[0].name == "eyeriss[levels.GlobalBuffer.entries=32768,levels.GlobalBuffer.read_bandwidth=8,pe_array=8x8]"
    assert vs[-1].spec.level("GlobalBuffer").read_bandwidth == 16 and vs[-1].spec.mac.instances == 256


def test_expand_refuses_ambiguous_sweeps():
    base = load_arch("eyeriss")
    with pytest.raises(CostModelError, match="set by two axes"):
        expand(base, "e", [parse_set("mac.mesh_x=16"), parse_set("mac.instances:mac.mesh_x=256:16")])
    with pytest.raises(CostModelError, match="listed twice"):
        expand(base, "e", [parse_set("levels.GlobalBuffer.entries=8,8")])
    with pytest.raises(CostModelError, match="same spec"):
        expand(base, "e", [parse_set("levels.GlobalBuffer.entries=65536,0x10000")])
    with pytest.raises(CostModelError, match="no axes"):
        expand(base, "e", [])
    with pytest.raises(CostModelError, match="axes.x"):
        axes_from_mapping({"x": 3}, "f")


def test_expand_re_derives_resized_energies_unless_kept(tmp_path):
    from costmodel.sweep.run import load_sweep_file, plan
    base = load_arch("eyeriss")
    small, big = expand(base, "e", [parse_set("levels.GlobalBuffer.entries=16384,65536")])
    assert small.spec.level("GlobalBuffer").access_energy_pj < big.spec.level("GlobalBuffer").access_energy_pj
    assert small.energy_notes and not big.energy_notes                  # 65536 is the base: nothing to re-derive
    kept = expand(base, "e", [parse_set("levels.GlobalBuffer.entries=16384")], keep_energies=True)[0]
    assert kept.spec.level("GlobalBuffer").access_energy_pj == base.level("GlobalBuffer").access_energy_pj
    assert kept.energy_notes[0].startswith("kept")
    path = tmp_path / "s.yaml"
    path.write_text("arch: eyeriss\nkeep_energies: true\naxes: {levels.GlobalBuffer.entries: [16384]}\n")
    assert plan(load_sweep_file(str(path))).variants[0].spec == kept.spec
    path.write_text("arch: eyeriss\nkeep_energies: sometimes\naxes: {levels.GlobalBuffer.entries: [16384]}\n")
    with pytest.raises(CostModelError, match="keep_energies must be true or false"):
        load_sweep_file(str(path))
