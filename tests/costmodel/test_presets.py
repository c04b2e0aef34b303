"""Named presets (costmodel/presets.py): fitted values declared with their source, never the default."""
import pytest
import yaml

from costmodel.arch import presets
from costmodel.arch.registry import describe, fitted
from costmodel.arch.spec import dump_spec
from costmodel.arch.registry import load_arch
from costmodel.backends.c64x import C64xSpec
from costmodel.errors import CostModelError
from costmodel.loopnest.spec import AcceleratorSpec


def _data(arch):
    return yaml.safe_load(dump_spec(load_arch(arch)))


@pytest.mark.parametrize("arch, preset", [("eyeriss", "mdarts-table3"), ("diannao", "mdarts-table4"),
                                          ("c64x", "deffarts-table2"), ("c64x", "deffarts-table3")])
def test_every_shipped_preset_declares_what_it_fitted(arch, preset):
    fit = fitted(f"{arch}:{preset}")
    assert fit and all("Table" in source for _, source in fit.values())
    default = load_arch(arch).to_dict()
    changed = [path for path, (value, _) in fit.items()       # the preset is not the default
               if default[path.split(".", 1)[0]].get(path.split(".", 1)[1]) != value]
    assert changed
    assert fitted(arch) == {} and describe(arch) == ""


def test_preset_spec_round_trips_and_is_named():
    spec = load_arch("eyeriss:mdarts-table3")
    assert spec.name == "eyeriss:mdarts-table3" and spec.presets == {}
    assert AcceleratorSpec.from_dict(spec.to_dict()) == spec
    base = load_arch("eyeriss")
    assert AcceleratorSpec.from_dict(base.to_dict()) == base and "mdarts-table3" in base.presets


@pytest.mark.parametrize("mutate, match", [
    (lambda p: p.pop("fitted"), "'fitted' must map"),
    (lambda p: p.update(fitted={"pool.compare_per_cycle": ""}), "'fitted' must map"),
    (lambda p: p.update(fitted={"pool.colour": "MDARTS Table III"}), "fitted value 'pool.colour' is not a key"),
    (lambda p: p.update(colour=1), "unknown key 'colour'"),
    (lambda p: p["pool"].update(max_model="abacus"), "max_model"),
])
def test_bad_preset_is_reported_when_the_spec_loads(mutate, match):
    d = _data("eyeriss")
    mutate(d["presets"]["mdarts-table3"])
    with pytest.raises(CostModelError, match=match):
        AcceleratorSpec.from_dict(d, source="bad.yaml")


def test_c64x_presets_need_fitted_too():
    d = _data("c64x")
    d["presets"]["deffarts-table2"].pop("fitted")
    with pytest.raises(CostModelError, match="preset 'deffarts-table2': key 'fitted'"):
        C64xSpec.from_dict(d, source="bad.yaml")


def test_unknown_preset():
    with pytest.raises(CostModelError, match="no preset 'nope'; presets: mdarts-table3"):
        load_arch("eyeriss:nope")


def test_query_on_a_preset_labels_the_fitted_values(tmp_path, capsys):
    from costmodel import cli
    args = ["query", "--op", "max_pool_3x3", "--hw", "32", "--c-in", "16", "--stride", "2", "--db", tmp_path / "l.db"]
    assert cli.main(["query", "--arch", "eyeriss:mdarts-table3", *map(str, args[1:])]) == 0
    out = capsys.readouterr().out
    assert "36,864" in out and "FITTED by preset eyeriss:mdarts-table3: pool.compare_per_cycle = 1.0 (MDARTS" in out
    assert cli.main(["query", "--arch", "eyeriss", *map(str, args[1:])]) == 0
    assert "FITTED" not in capsys.readouterr().out
