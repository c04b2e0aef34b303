"""Bounded waiting on Dask: a sweep whose workers all die stops within --dask-timeout with one error, keeps the
rows committed so far, and a rerun resumes to the rows of an uninterrupted sweep."""
import os
import shutil
import signal
import socket
import subprocess
import time

import pandas as pd
import pytest

from costmodel.errors import CostModelError
from costmodel.lut import LUT
from costmodel.sweep import load_sweep_file, run_sweep
from costmodel.sweep.store import content
from sweep_data import write_sweep

pytest.importorskip("distributed")
if not shutil.which("dask"):
    pytest.skip("the `dask` command (dask.distributed's CLI) is not installed", allow_module_level=True)


def _port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _worker(address: str) -> subprocess.Popen:
    """A worker process (no nanny: killed, it stays dead), joined before this returns."""
    from distributed import Client
    proc = subprocess.Popen(["dask", "worker", address, "--no-nanny", "--nthreads", "1", "--no-dashboard"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with Client(address, timeout="60s") as client:
        client.wait_for_workers(1, timeout=60)
    return proc


@pytest.fixture
def deadline():
    """A hang fails the test (after 180 s) instead of stopping the suite."""
    def stop(_signum, _frame):
        raise TimeoutError("the test ran past 180 s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(180)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def scheduler():
    address = f"tcp://127.0.0.1:{_port()}"
    proc = subprocess.Popen(["dask", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                             "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = []
    yield address, workers
    for p in [proc, *workers]:
        p.kill()
        p.wait()


@pytest.mark.slow
def test_all_workers_gone_is_one_error_within_the_timeout_and_a_rerun_resumes(tmp_path, scheduler, deadline):
    address, workers = scheduler
    sw = write_sweep(tmp_path)
    assert run_sweep(load_sweep_file(sw), str(tmp_path / "ref.db"), jobs=1) == 0
    ref = content(LUT(str(tmp_path / "ref.db")))
    workers.append(_worker(address))
    db = str(tmp_path / "dask.db")
    stopped = []

    def progress(done, total, client):          # after the first committed batch, the only worker dies
        if not stopped:
            os.kill(workers[0].pid, signal.SIGKILL)
            workers[0].wait()
            stopped.append(time.perf_counter())
    with pytest.raises(CostModelError, match="no Dask worker for 3 s") as e:
        run_sweep(load_sweep_file(sw), db, dask=address, batch=1, progress=progress, dask_timeout=3)
    waited = time.perf_counter() - stopped[0]
    assert "rows committed so far are kept" in str(e.value) and waited < 3 + 5, waited
    kept = content(LUT(db))
    assert 0 < len(kept) < len(ref)
    workers.append(_worker(address))
    assert run_sweep(load_sweep_file(sw), db, dask=address, batch=1, dask_timeout=3) == 0
    pd.testing.assert_frame_equal(content(LUT(db)), ref)
