"""Parsing Timeloop's map.txt (file form and the reference CSV's ` | ` form)."""
import pytest

from costmodel.errors import CostModelError
from costmodel.loopnest.mapping import Loop, parse_mapping

from refdata import REF, index_rows


def test_parse_file_and_csv_forms_agree():
    row = next(r for r in index_rows() if r["arch"] == "eyeriss" and r["problem_id"] == "t1_dw3")
    from_file = parse_mapping((REF / "timeloop-v1.0" / row["folder"] / "timeloop-mapper.map.txt").read_text())
    from_csv = parse_mapping(row["mapping"])
    assert from_file == from_csv
    assert [lv.name for lv in from_csv.levels][:2] == ["DRAM", "GlobalBuffer"]
    glb = from_csv.level("GlobalBuffer")
    assert glb.temporal == (Loop("P", 32),) and glb.spatial == (Loop("Q", 16, "X"),)
    assert glb.tiles == {"Inputs": 9792, "Outputs": 8192}
    assert from_csv.level("DummyBuffer").spatial == (Loop("C", 4, "Y"), Loop("S", 3, "Y"))
    assert from_csv.factor("Q") == 32 and from_csv.factor("K") == 16


def test_text_roundtrip():
    m = parse_mapping(index_rows()[0]["mapping"])
    assert parse_mapping(m.text()) == m
    assert parse_mapping(str(m)) == m


@pytest.mark.parametrize("text", ["", "for K in [0:4)", "DRAM [ ] | | while true", "DRAM [ ] | for X in [0:2)"])
def test_bad_text_is_one_clear_error(text):
    with pytest.raises(CostModelError):
        parse_mapping(text)
