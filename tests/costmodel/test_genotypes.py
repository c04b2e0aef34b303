"""Genotypes: the published cells, parsing from every accepted form, validation errors."""
import json

import pytest
import yaml

from costmodel.errors import CostModelError
from costmodel.genotypes import (PUBLISHED, Genotype, from_file, from_string, n_nodes, parse_genotype, to_dict,
                                 to_string, validate)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_genotypes_are_valid_and_round_trip(name):
    g = PUBLISHED[name]
    assert validate(g, name) == g
    assert from_string(to_string(g)) == g
    assert parse_genotype(to_dict(g)) == g
    assert parse_genotype(name) is g


def test_published_shapes():
    # node counts: DARTS-style search (4 nodes) vs NASNet-style (5 nodes)
    assert {k: n_nodes(g.normal) for k, g in PUBLISHED.items()} == {
        "DARTS_V1": 4, "DARTS_V2": 4, "NASNet": 5, "AmoebaNet": 5, "ENAS": 5, "NSGANet": 5, "GDAS_V1": 4,
        "PDARTS": 4, "PC_DARTS": 4}
    # two edges of one node leaving the same input are both kept (ENAS node 2: sep_conv_3x3(1) and skip(1))
    assert PUBLISHED["ENAS"].normal[:2] == [("sep_conv_3x3", 1), ("skip_connect", 1)]
    assert PUBLISHED["NSGANet"].normal[2:4] == [("dil_conv_5x5", 0), ("max_pool_3x3", 0)]
    assert PUBLISHED["NASNet"].reduce_concat == [4, 5, 6]


def test_darts_string_form_with_range_and_assignment():
    text = ("DARTS_V2 = Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
            "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], "
            "normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
            "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], "
            "reduce_concat=range(2, 6))")
    assert parse_genotype(text) == PUBLISHED["DARTS_V2"]


def test_files_json_yaml_and_text(tmp_path):
    g = PUBLISHED["NSGANet"]
    (tmp_path / "g.json").write_text(json.dumps(to_dict(g)))
    (tmp_path / "g.yaml").write_text(yaml.safe_dump(to_dict(g)))
    (tmp_path / "g.txt").write_text(to_string(g))
    for f in ("g.json", "g.yaml", "g.txt"):
        assert from_file(tmp_path / f) == g
        assert parse_genotype(str(tmp_path / f)) == g


def _bad(**changes):
    d = to_dict(PUBLISHED["DARTS_V2"])
    d.update(changes)
    return d


@pytest.mark.parametrize("data, message", [
    (_bad(normal=[["sep_conv_9x9", 0], ["skip_connect", 1]]), "unknown op 'sep_conv_9x9'"),
    (_bad(normal=[["sep_conv_3x3", 0], ["skip_connect", 2]]), "input 2 of node 2 out of range"),
    (_bad(normal=[["sep_conv_3x3", 0]]), "two edges per node"),
    (_bad(normal_concat=[2, 7]), "node 7 out of range"),
    (_bad(reduce=[["none", 0], ["none", 1], ["max_pool_3x3", 2], ["max_pool_3x3", 1]], reduce_concat=[2, 3]),
     "node 2 is unreachable"),
    (_bad(normal_concat=[2, 3, 4]), "node 5 is computed but never used"),
    (_bad(normal="sep_conv_3x3"), "non-empty list"),
    ({"normal": [], "reduce": []}, "missing key 'normal_concat'"),
    (_bad(extra=1), "unknown key 'extra'"),
])
def test_validation_errors_name_the_problem(data, message):
    with pytest.raises(CostModelError, match=message.replace("(", r"\(")):
        parse_genotype(data)


def test_parse_errors(tmp_path):
    with pytest.raises(CostModelError, match="unknown genotype 'DARTS_V9'"):
        parse_genotype("DARTS_V9")
    with pytest.raises(CostModelError, match="does not exist"):
        parse_genotype(str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(CostModelError, match="malformed JSON"):
        parse_genotype(str(tmp_path / "bad.json"))
    with pytest.raises(CostModelError, match="not a Genotype"):
        from_string("Genotype(normal=[(")
    with pytest.raises(CostModelError, match="not a literal"):
        from_string("Genotype(normal=os.system('x'), normal_concat=[2], reduce=[], reduce_concat=[2])")
    assert isinstance(parse_genotype(tuple(PUBLISHED["ENAS"])), Genotype)
