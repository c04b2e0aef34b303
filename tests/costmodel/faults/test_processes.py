"""Real processes on real databases: racing builds, killed builds, resumed builds.

One trial of each here (bench/faults.py runs the full counts: 10 x 3 racing builds on SQLite and on
PostgreSQL, 5 SIGKILL trials). A PostgreSQL server comes from the `pg_url` fixture; without one
those tests are skipped with the reason (not run, never passed).
"""
import signal
import time

import pytest

from faultkit import alive, rows, start_build, tiny_space, wait_for_workers


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """(space file, rows of one uninterrupted build of it): what every other build must equal."""
    d = tmp_path_factory.mktemp("clean")
    space = tiny_space(d)
    proc = start_build(d / "lut.db", space)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return space, rows(d / "lut.db")


def _race(db, space, n=3):
    procs = [start_build(db, space) for _ in range(n)]
    results = [(p.returncode, *p.communicate(timeout=600)) for p in procs]
    return [(p.returncode, out, err) for p, (_, out, err) in zip(procs, results)]


def _assert_race_ok(results, db, clean_rows):
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err and "error" not in err, err
    got = rows(db)
    assert got == clean_rows                    # every row, equal to a clean build's, no duplicate key
    assert len({r[:15] for r in got}) == len(got)
    assert rows(db, "op_claims") == []          # no claim left behind
    added = sum(int(out.splitlines()[-1].split()[1]) for _, out, _ in results)
    assert added == len(clean_rows)             # the work was split: no row computed twice


def test_three_builds_create_one_sqlite_lut(tmp_path, clean):
    space, clean_rows = clean
    _assert_race_ok(_race(tmp_path / "lut.db", space), tmp_path / "lut.db", clean_rows)


def test_three_builds_create_one_postgresql_lut(pg_url, clean):
    space, clean_rows = clean
    _assert_race_ok(_race(pg_url, space), pg_url, clean_rows)


def _kill_mid_build(db, space, sig):
    proc = start_build(db, space, "--jobs", "2")
    family = wait_for_workers(proc, 2, db)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    deadline = time.time() + 2.0
    while time.time() < deadline and any(alive(p) for p in family):
        time.sleep(0.05)
    return proc.returncode, out, err, [p for p in family if alive(p)]


def test_sigkill_takes_the_workers_along_and_a_rerun_completes(tmp_path, clean):
    space, clean_rows = clean
    db = tmp_path / "lut.db"
    code, _, _, left = _kill_mid_build(db, space, signal.SIGKILL)
    assert code == -signal.SIGKILL and left == []       # no process of the build alive 2 s later
    kept = len(rows(db))
    assert 0 < kept < len(clean_rows)
    proc = start_build(db, space, "--jobs", "2")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert f"{len(clean_rows) - kept} rows added, {kept} reused" in out
    assert rows(db) == clean_rows and rows(db, "op_claims") == []


def test_sigterm_is_one_line_exit_143_rows_kept(tmp_path, clean):
    space, clean_rows = clean
    db = tmp_path / "lut.db"
    code, out, err, left = _kill_mid_build(db, space, signal.SIGTERM)
    assert code == 128 + signal.SIGTERM and left == []
    assert err.splitlines() == ["interrupted (SIGTERM): rows written so far are kept; rerun to resume"]
    assert set(rows(db)) <= set(clean_rows) and rows(db)
