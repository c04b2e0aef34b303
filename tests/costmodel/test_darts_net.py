"""costmodel.darts_net: the one owner of the DARTS macro-network (DARTS model_search.Network rules)."""
import re
from pathlib import Path

import pytest

from costmodel.darts_net import (cell_edges, first_cell_pair, macro_cells, mdarts_table1_query, node_slices,
                                 reduction_layers)
from costmodel.errors import CostModelError
from costmodel.genotypes import PUBLISHED
from costmodel.schedule.dag import network_dag

ROOT = Path(__file__).resolve().parents[2]


def test_darts_search_network_rules():
    cells = macro_cells(16, 8, 32)
    assert reduction_layers(8) == (2, 5) and [c.index for c in cells if c.reduction] == [2, 5]
    assert [(c.C, c.h_in, c.c_pp, c.c_p, c.reduction_prev) for c in cells[1:4]] == [
        (16, 32, 48, 64, False), (32, 32, 64, 64, False), (32, 16, 64, 128, True)]
    q = cells[2].edge("sep_conv_3x3", from_input=True)
    assert (q.c_in, q.h, q.stride) == (32, 32, 2)
    assert cells[3].preprocess()[0].op == "factorized_reduce"


def test_partial_channels_and_multiplier_pair():
    cells = macro_cells(16, 8, 32, partial=4)
    assert [c.c_ops for c in cells[:3]] == [4, 4, 8]
    assert cells[0].preprocess()[1].c_out == 16                       # preprocessing keeps full C
    pair = macro_cells(16, 5, 32, multiplier=(4, 2))                   # reduce cell concatenates 2 nodes
    assert [c.reduction for c in pair] == [False, True, False, True, False]
    assert (pair[2].c_p, pair[3].c_p) == (2 * 32, 4 * 32)
    with pytest.raises(CostModelError, match="does not divide"):
        macro_cells(6, 5, 32, partial=4)


def test_edges_slices_and_mdarts_rule():
    assert len(cell_edges(4)) == 14 and node_slices(4) == [(0, 2), (2, 5), (5, 9), (9, 14)]
    assert mdarts_table1_query("max_pool_3x3", 16, 32).stride == 2
    assert mdarts_table1_query("dil_conv_3x3", 16, 32).stride == 1
    assert [c.reduction for c in first_cell_pair(16, 32)] == [False, True]


def test_scheduler_network_uses_the_same_cells():
    dag = network_dag(PUBLISHED["DARTS_V2"], c=16, hw=32, layers=8)
    pre = [t.key for t in dag.tasks if t.op in ("conv_1x1", "factorized_reduce")]
    want = [(q.op, q.c_in, q.c_out, q.h, q.stride) for c in macro_cells(16, 8, 32) for q in c.preprocess()]
    assert sorted(pre) == sorted(want)


def test_costmodel_never_imports_nas():
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "costmodel").rglob("*.py")
            for i, line in enumerate(p.read_text().splitlines(), 1) if re.search(r"import nas|from nas", line)]
    assert hits == []
