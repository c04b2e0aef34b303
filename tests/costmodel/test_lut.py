"""LUT: a real SQLite file; round trip, uniqueness (upsert), filters, files that are not a LUT."""
import sqlite3

import pytest

from costmodel.cost import Cost
from costmodel.errors import CostModelError
from costmodel.evaluate import evaluate_op, resolve
from costmodel.lut import LUT
from costmodel.ops import OpQuery


@pytest.fixture
def lut(tmp_path):
    return LUT(tmp_path / "lut.db")


def test_round_trip_and_cache_hit(lut):
    q = OpQuery("dil_conv_5x5", 8, 16, c_out=16)
    computed = evaluate_op("c64x", q, lut=lut)
    spec, be = resolve("c64x")
    stored = lut.get(spec, be, "exact", q)
    assert stored.to_dict() == computed.to_dict()
    assert evaluate_op("c64x", q, lut=lut).to_dict() == computed.to_dict() and len(lut) == 1


def test_one_row_per_key(lut):
    spec, be = resolve("c64x")
    q = OpQuery("conv_1x1", 4, 8)
    lut.put(spec, be, "exact", q, Cost(cycles=1, compute_cycles=1))
    lut.put(spec, be, "exact", q, Cost(cycles=2, compute_cycles=2))
    lut.put(spec, be, "mdarts", q, Cost(cycles=3, compute_cycles=3))
    assert len(lut) == 2 and lut.get(spec, be, "exact", q).cycles == 2
    df = lut.query(lowering="mdarts")
    assert list(df.cycles) == [3] and df.op.iloc[0] == "conv_1x1" and df.groups.iloc[0] == 1


def test_failed_rows_keep_status_and_message(lut):
    spec, be = resolve("c64x")
    lut.put(spec, be, "exact", OpQuery("conv_3x3", 4, 8), Cost(status="timeout", message="mapper ran 60 s"))
    row = lut.get(spec, be, "exact", OpQuery("conv_3x3", 4, 8))
    assert (row.status, row.message, row.ok) == ("timeout", "mapper ran 60 s", False)


def test_unknown_filter(lut):
    with pytest.raises(CostModelError, match="unknown LUT column"):
        lut.query(colour="red")


def test_file_that_is_not_a_lut(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("hello")
    with pytest.raises(CostModelError, match="not a LUT"):
        LUT(bad)
    assert bad.read_text() == "hello"
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table people (name text)")
    with pytest.raises(CostModelError, match="not a LUT"):
        LUT(other)


@pytest.mark.parametrize("where", ["foo://x", "{tmp}"])
def test_unusable_locations_are_clear_errors(tmp_path, where):
    with pytest.raises(CostModelError, match="cannot open this LUT URL|is a folder"):
        LUT(where.format(tmp=tmp_path))
