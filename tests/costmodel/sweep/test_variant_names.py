"""Variant names: a spec several sweeps registered carries every sweep's name (not only the first one's),
and a sweep's variants are listed with their numbers in numeric order (8192 before 65536, 8x8 before 32x32)."""
from costmodel.lut import LUT
from costmodel.sweep import store
from costmodel.sweep.pareto import short_label, variant_points


def test_names_and_numeric_order(cli, tmp_path):
    db = str(tmp_path / "sweep.db")
    base = ["sweep", "--arch", "eyeriss", "--space", "mdarts-first-cell", "--db", db]
    assert cli(*base, "--set", "levels.GlobalBuffer.entries=65536,8192,16384").returncode == 0
    assert cli(*base, "--set", "mac.energy_pj=1.0").returncode == 0      # the stock value: the 65536 spec again
    lut = LUT(db)
    names = list(store.variants(lut, "eyeriss").variant)
    assert names[:3] == [f"eyeriss[levels.GlobalBuffer.entries={n}]" for n in (8192, 16384, 65536)]
    df = variant_points(lut, "eyeriss", mode="cell")
    assert list(df.variant) == names[:2] + [f"{names[2]} | eyeriss[mac.energy_pj=1.0]"]
    assert short_label([df.variant.iloc[2]]) == "energy_pj=1.0"          # the plot labels its latest name


def test_natural_order():
    assert sorted(["pe_array=32x32", "pe_array=8x8", "pe_array=12x14"], key=store.natural) == [
        "pe_array=8x8", "pe_array=12x14", "pe_array=32x32"]


def test_a_label_of_variants_setting_different_keys_pairs_each_value_with_its_key():
    assert short_label(["eyeriss[levels.GlobalBuffer.entries=8192]", "eyeriss[mac.energy_pj=1.0]"]) == \
        "entries=8192\nenergy_pj=1.0"
    assert short_label(["e[pe_array=8x8,levels.GlobalBuffer.entries=16384]",
                        "e[pe_array=8x8,levels.GlobalBuffer.entries=32768]"]) == "pe_array=8x8\nentries=16384|32768"
