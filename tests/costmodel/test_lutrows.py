"""costmodel.lutrows: a hand-edited LUT row is refused by id, or skipped with a note -- never a traceback."""
import sqlite3

import pytest

from costmodel.errors import CostModelError
from costmodel.evaluate import evaluate_op
from costmodel.lut import LUT
from costmodel.ops import OpQuery


@pytest.fixture
def db(tmp_path):
    lut = LUT(tmp_path / "lut.db")
    for op in ("conv_1x1", "sep_conv_3x3"):
        evaluate_op("c64x", OpQuery(op, 4, 8), lut=lut)
    lut.close()
    return tmp_path / "lut.db"


def _edit(db, sql):
    with sqlite3.connect(db) as conn:
        conn.execute("create table t as select * from op_costs")
        conn.execute("drop table op_costs")
        conn.execute("alter table t rename to op_costs")
        conn.execute(sql)


@pytest.mark.parametrize("sql, words", [
    ("update op_costs set created_at = 'garbage' where op = 'conv_1x1'", "created_at = 'garbage' is not a date-time"),
    ("update op_costs set cycles = 'many' where op = 'conv_1x1'", "cycles = 'many' is not a number"),
    ("update op_costs set status = 'weird' where op = 'conv_1x1'", "status = 'weird'"),
    ("update op_costs set c_in = 'x' where op = 'conv_1x1'", "c_in = 'x' is not an integer"),
    ("update op_costs set op = NULL where op = 'conv_1x1'", "op is missing"),
])
def test_an_unreadable_row_is_refused_by_id_or_skipped(db, sql, words, capsys):
    _edit(db, sql)
    lut = LUT(db, create=False)
    with pytest.raises(CostModelError, match=f"row id 1 is unreadable: {words}"):
        lut.query()
    rows = lut.query(skip_bad_rows=True)
    assert list(rows.op) == ["sep_conv_3x3"] and "row id 1" in capsys.readouterr().err


def test_good_rows_read_as_before(db):
    df = LUT(db, create=False).query()
    assert len(df) == 2 and df.created_at.notna().all() and str(df.created_at.dtype).startswith("datetime64")


def test_export_and_table_report_the_row(db, cli):
    _edit(db, "update op_costs set created_at = 'garbage' where op = 'conv_1x1'")
    for args in (["export", "--db", db], ["table", "--arch", "c64x", "--db", db]):
        r = cli(*args)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "row id 1" in r.stderr, r.stderr
        r = cli(*args, "--skip-bad-rows")
        assert r.returncode == 0 and "row id 1" in r.stderr and "skipped" in r.stderr
    assert "garbage" not in cli("export", "--db", db, "--skip-bad-rows").stdout
