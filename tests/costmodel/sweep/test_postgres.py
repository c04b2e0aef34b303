"""A shared LUT on a real PostgreSQL server (fixture pg_url): same rows as SQLite, concurrent sweeps, readers."""
import os
import subprocess
import threading
import time

import pandas as pd
import pytest

from costmodel.evaluate import evaluate_op
from costmodel.lut import LUT
from costmodel.ops import OpQuery
from costmodel.sweep import load_sweep_file, run_sweep
from costmodel.sweep.store import content, variants
from sweep_data import write_sweep


def _make_tables(url):
    """A LUT with its tables (made by one row of the stock spec, not of any variant) in the database `url`."""
    evaluate_op("eyeriss", OpQuery("conv_1x1", 16, 16), lut=LUT(url))


def _sqlite_reference(tmp_path, sw):
    assert run_sweep(load_sweep_file(sw), str(tmp_path / "ref.db")) == 0
    return content(LUT(str(tmp_path / "ref.db")))


def test_sweep_into_postgres_gives_the_sqlite_rows(tmp_path, pg_url):
    sw = write_sweep(tmp_path)
    ref = _sqlite_reference(tmp_path, sw)
    assert run_sweep(load_sweep_file(sw), pg_url, jobs=2) == 0
    pg = LUT(pg_url)
    pd.testing.assert_frame_equal(content(pg), ref)
    assert len(variants(pg)) == 4


@pytest.mark.slow
@pytest.mark.parametrize("start", ["existing LUT", "empty database"])
def test_concurrent_sweeps_into_one_database(tmp_path, pg_url, start):
    """Two `costmodel sweep` processes started together, overlapping in every variant: both succeed, every
    row is there once, the numbers are SQLite's."""
    sw = write_sweep(tmp_path)
    ref = _sqlite_reference(tmp_path, sw)
    if start == "existing LUT":
        _make_tables(pg_url)
    env = {**os.environ}
    cmds = [["costmodel", "sweep", "--file", sw, "--db", pg_url],
            ["costmodel", "sweep", "--file", sw, "--db", pg_url, "--set", "levels.GlobalBuffer.read_bandwidth=16"]]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for c in cmds]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    lut = LUT(pg_url)
    rows = content(lut)
    rows = rows[rows.spec_hash.isin(ref.spec_hash)].reset_index(drop=True)
    assert not rows.duplicated(["spec_hash", "op", "c_in", "h", "stride"]).any()
    # read_bandwidth=16 is the stock value: the second sweep's variants are the first's, under longer names
    pd.testing.assert_frame_equal(rows, ref)
    assert len(variants(lut)) == 8 and variants(lut).spec_hash.nunique() == 4


def test_readers_see_whole_rows_while_a_sweep_writes(tmp_path, pg_url):
    sw = write_sweep(tmp_path)
    _make_tables(pg_url)                               # the tables exist (1 row) before the reader starts
    seen, errors, stop = [], [], threading.Event()

    def reader():
        lut = LUT(pg_url, create=False)
        while not stop.is_set():
            try:
                df = lut.query()
                assert df.status.isin(["ok"]).all() and df.compute_cycles.notna().all()
                seen.append(len(df))
            except Exception as e:                     # noqa: BLE001 -- any failure of a reader is the finding
                errors.append(repr(e))
            time.sleep(0.02)

    t = threading.Thread(target=reader)
    t.start()
    try:
        assert run_sweep(load_sweep_file(sw), pg_url, batch=1) == 0
    finally:
        stop.set()
        t.join()
    assert not errors, errors[:3]
    assert seen == sorted(seen) and seen[-1] <= 16 and len(set(seen)) > 1   # grew while being read
    assert len(LUT(pg_url)) == 16   # the one stock-spec row is also a row of the 16x16, 65536-entry variant
