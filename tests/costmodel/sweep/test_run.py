"""run_sweep with local processes: same rows for --jobs 1 and 2, resume computes only what is missing."""
import pandas as pd
from sqlalchemy import delete

from costmodel.lut import LUT, costs_table
from costmodel.sweep import load_sweep_file, run_sweep
from costmodel.sweep.store import content, variants
from sweep_data import write_sweep


def test_jobs_1_and_2_give_identical_rows(tmp_path, capsys):
    sw = write_sweep(tmp_path)
    assert run_sweep(load_sweep_file(sw), str(tmp_path / "j1.db"), jobs=1) == 0
    assert run_sweep(load_sweep_file(sw), str(tmp_path / "j2.db"), jobs=2) == 0
    out = capsys.readouterr().out
    assert "4 variants of eyeriss x 4 ops x shapes x 1 lowering(s) = 16 rows; 0 already" in out
    assert "sweep: 16 rows added, 0 reused, 0 failed" in out
    one, two = LUT(str(tmp_path / "j1.db")), LUT(str(tmp_path / "j2.db"))
    a, b = content(one), content(two)
    assert len(a) == 16 and a.spec_hash.nunique() == 4 and (a.status == "ok").all()
    pd.testing.assert_frame_equal(a, b)
    # the PE array changes the numbers: 8x8 and 16x16 differ on sep_conv_3x3
    sep = a[a.op == "sep_conv_3x3"].compute_cycles
    assert sep.nunique() > 1
    reg = variants(one)
    assert sorted(reg.variant) == sorted(variants(two).variant) and len(reg) == 4
    assert set(reg.spec_hash) == set(a.spec_hash)


def test_rerun_after_a_killed_sweep_computes_only_the_missing_rows(tmp_path, capsys):
    sw, db = write_sweep(tmp_path), str(tmp_path / "r.db")
    assert run_sweep(load_sweep_file(sw), db) == 0
    lut = LUT(db)
    full = content(lut)
    with lut.engine.begin() as conn:      # what a sweep killed before these rows were written leaves behind
        conn.execute(delete(costs_table).where(costs_table.c.op == "dil_conv_3x3"))
    capsys.readouterr()
    assert run_sweep(load_sweep_file(sw), db, jobs=2) == 0
    out = capsys.readouterr().out
    assert "12 already in" in out and "4 to compute" in out
    assert "sweep: 4 rows added, 12 reused, 0 failed" in out
    pd.testing.assert_frame_equal(content(lut), full)
    assert run_sweep(load_sweep_file(sw), db) == 0
    assert "sweep: 0 rows added, 16 reused" in capsys.readouterr().out


def test_a_config_sweep_counts_max_pools_apart_and_exits_0(cli, tmp_path):
    """A Timeloop config has no pool model: its max pools are stored as not expressible, as build-lut does."""
    from costmodel.resources import reference_dir
    cfg = reference_dir() / "timeloop-v1.0-configs" / "configs" / "eyeriss-1024.cfg"
    out = cli("sweep", "--arch", cfg, "--set", "levels.GlobalBuffer.entries=32768,65536", "--space", "darts-search",
              "--db", tmp_path / "sw.db")
    assert out.returncode == 0, out.stderr
    assert "sweep: 148 rows added, 0 reused, 0 failed; 10 not expressible on the arch (stored as such)" in out.stdout
