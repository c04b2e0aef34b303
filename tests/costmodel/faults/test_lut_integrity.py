"""The LUT's promises on real SQLite files and a real PostgreSQL server: numbers are finite or absent,
nothing is created before the first write, a foreign file keeps its journal mode, schema versions."""
import math
import re
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from costmodel.cost import Cost
from costmodel.errors import CostModelError
from costmodel.evaluate import resolve
from costmodel.lut import LUT
from costmodel.lutdb import SCHEMA_VERSION
from costmodel.ops import OpQuery
from costmodel.resources import shipped_lut_path

Q = OpQuery("conv_1x1", 4, 8)


@pytest.fixture
def c64x():
    return resolve("c64x")


@pytest.mark.parametrize("bad", [dict(cycles=math.nan), dict(compute_cycles=math.inf), dict(cycles=-5),
                                 dict(energy_pj=math.nan), dict(utilization=-math.inf), dict(cycles=None)])
def test_an_ok_cost_with_an_unusable_number_is_stored_as_failed(tmp_path, c64x, bad):
    lut = LUT(tmp_path / "lut.db")
    lut.put(*c64x, "exact", Q, Cost(**{"cycles": 10, "compute_cycles": 10, "energy_pj": 1.0, "macs": 3, **bad}))
    got = lut.get(*c64x, "exact", Q)
    assert got.status == "failed" and "unusable numbers" in got.message and list(bad)[0] in got.message


def test_the_table_refuses_an_ok_row_without_numbers(tmp_path, c64x):
    db = tmp_path / "lut.db"
    LUT(db).put(*c64x, "exact", Q, Cost(cycles=1, compute_cycles=1, macs=1))
    with sqlite3.connect(db) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("update op_costs set cycles = NULL")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("update op_costs set energy_pj = -1")


def _legacy_lut(db, cycles):
    """A version-1 LUT (op_costs only, no CHECK): what files written before the version table look like."""
    with sqlite3.connect(shipped_lut_path()) as src, sqlite3.connect(db) as dst:
        dst.execute(src.execute("select sql from sqlite_master where name = 'op_costs'").fetchone()[0])
    lut = LUT(db)
    key = lut.key(*resolve("c64x"), "exact", Q)
    with sqlite3.connect(db) as conn:
        conn.execute(f"insert into op_costs ({', '.join(key)}, cycles, compute_cycles, macs, status) values "
                     f"({', '.join('?' * len(key))}, ?, ?, 1, 'ok')", (*key.values(), cycles, cycles))
    return LUT(db)


@pytest.mark.parametrize("cycles, words", [(None, "missing (NULL)"), (-5.0, "-5.0"), (math.inf, "inf")])
def test_a_hand_made_ok_row_without_a_number_raises_when_read(tmp_path, c64x, cycles, words):
    lut = _legacy_lut(tmp_path / "lut.db", cycles)
    with pytest.raises(CostModelError, match=re.escape(f"marked ok but cycles = {words}")):
        lut.get(*c64x, "exact", Q)


def test_a_version_1_lut_is_read_written_and_migrated_by_a_claim(tmp_path, c64x):
    db = tmp_path / "lut.db"
    lut = _legacy_lut(db, 7.0)
    assert lut.get(*c64x, "exact", Q).cycles == 7 and lut._version == 1
    other = OpQuery("conv_1x1", 8, 8)
    assert lut.claim(*c64x, "exact", other)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select value from lut_meta").fetchall() == [(str(SCHEMA_VERSION),)]
        assert conn.execute("select count(*) from op_claims").fetchone()[0] == 1
    lut.put(*c64x, "exact", other, Cost(cycles=2, compute_cycles=2, macs=1))
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from op_claims").fetchone()[0] == 0


def test_nothing_is_created_before_the_first_write_and_new_files_get_wal(tmp_path, c64x):
    db = tmp_path / "lut.db"
    lut = LUT(db)
    assert lut.get(*c64x, "exact", Q) is None and len(lut) == 0 and lut.query().empty and not db.exists()
    lut.put(*c64x, "exact", Q, Cost(cycles=1, compute_cycles=1, macs=1))
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_an_existing_file_keeps_its_journal_mode(tmp_path, c64x):
    db = tmp_path / "lut.db"
    first = LUT(db)
    first.put(*c64x, "exact", Q, Cost(cycles=1, compute_cycles=1, macs=1))
    first.close()
    with sqlite3.connect(db) as conn:
        conn.execute("pragma journal_mode=delete")
    LUT(db).put(*c64x, "exact", OpQuery("conv_1x1", 8, 8), Cost(cycles=1, compute_cycles=1, macs=1))
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"


def test_the_shipped_lut_opens_checked_and_unchanged():
    before = shipped_lut_path().read_bytes()
    lut = LUT(shipped_lut_path(), create=False)
    assert len(lut) > 0 and lut.has(*resolve("eyeriss"), "exact", OpQuery("sep_conv_3x3", 16, 32))
    lut.close()
    assert shipped_lut_path().read_bytes() == before


def test_postgresql_refuses_nan_and_masks_the_password(pg_url, c64x):
    secret = pg_url.replace("postgres@", "postgres:s3cr3t@", 1)
    lut = LUT(secret)                    # the test server trusts loopback: the password is not checked
    assert "s3cr3t" not in lut.url and "***" in lut.url
    lut.put(*c64x, "exact", Q, Cost(cycles=math.nan, compute_cycles=1, macs=1))
    assert lut.get(*c64x, "exact", Q).status == "failed"
    eng = create_engine(pg_url)
    with pytest.raises(IntegrityError, match="ck_op_costs_ok_is_finite"):
        with eng.begin() as conn:
            conn.execute(text("update op_costs set status = 'ok', cycles = 'NaN'"))
    eng.dispose()
    assert lut.claim(*c64x, "exact", Q) is False or lut.get(*c64x, "exact", Q)   # row exists: nothing to claim
