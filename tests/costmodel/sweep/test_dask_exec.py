"""The Dask executor: same rows as local processes; a worker killed mid-sweep still leaves every row once."""
import logging
import os
import signal

import pandas as pd
import pytest

from costmodel.lut import LUT
from costmodel.sweep import load_sweep_file, run_sweep
from costmodel.sweep.store import content
from sweep_data import write_sweep

distributed = pytest.importorskip("distributed")


@pytest.fixture
def reference(tmp_path):
    """(sweep file, the rows `--jobs 1` writes for it)."""
    sw = write_sweep(tmp_path)
    assert run_sweep(load_sweep_file(sw), str(tmp_path / "ref.db"), jobs=1) == 0
    return sw, content(LUT(str(tmp_path / "ref.db")))


@pytest.mark.slow
def test_dask_local_gives_the_rows_of_local_processes(tmp_path, reference, capsys):
    sw, ref = reference
    db = str(tmp_path / "dask.db")
    assert run_sweep(load_sweep_file(sw), db, jobs=2, dask="local", batch=3) == 0
    out = capsys.readouterr().out
    assert "dask: scheduler tcp://127.0.0.1:" in out and "2 workers" in out and "dashboard" in out
    pd.testing.assert_frame_equal(content(LUT(db)), ref)


@pytest.mark.slow
def test_a_killed_worker_batch_is_rerun_and_every_row_lands_once(tmp_path, reference):
    """A running scheduler (`--dask tcp://...`); SIGKILL one worker process after the first batch is committed."""
    sw, ref = reference
    db = str(tmp_path / "killed.db")
    killed = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        def progress(done, total, client):
            busy = {w: keys for w, keys in client.processing().items() if keys}
            if not killed and busy:                                # kill a worker while it holds a batch
                victim = sorted(busy)[0]
                os.kill(client.run(os.getpid)[victim], signal.SIGKILL)
                killed.append((victim, done, total, busy[victim]))

        assert run_sweep(load_sweep_file(sw), db, dask=cluster.scheduler_address, batch=1, progress=progress) == 0
    assert killed and killed[0][1] < killed[0][2] and killed[0][3]   # mid-sweep, holding a batch that had to rerun
    rows = content(LUT(db))
    assert not rows.duplicated(["spec_hash", "op", "c_in", "h", "stride"]).any()
    pd.testing.assert_frame_equal(rows, ref)                        # every row present once, same numbers


def test_batches_keep_a_variant_together_unless_workers_would_idle():
    from costmodel.sweep.dask_exec import batches
    groups = [(f"spec{i}", None, "exact", list(range(79))) for i in range(12)]
    assert [len(t[3]) for t in batches(groups, None, 2)] == [79] * 12          # 12 variants, 2 workers: whole
    few = batches(groups[:1], None, 2)                                            # 1 variant: 4 pieces, in order
    assert [len(t[3]) for t in few] == [20, 20, 20, 19] and sum((t[3] for t in few), []) == list(range(79))
    assert [len(t[3]) for t in batches(groups[:1], 30, 2)] == [30, 30, 19]
