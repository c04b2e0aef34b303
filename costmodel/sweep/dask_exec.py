"""The Dask executor of `costmodel sweep --dask local|tcp://HOST:PORT` (needs the `dask` extra).

Tasks are (variant, lowering, batch of op-shapes): a worker computes the batch with the same
function as `build-lut` (`costmodel.build._compute`) and RETURNS the rows; this process, the one
writer, commits each row as its batch arrives. Why one writer rather than workers writing to the DB:
  * SQLite (the default LUT) takes one writer at a time; a file on a shared disk is worse;
  * workers need no database driver, URL or password, and no network route to the database;
  * a batch computed twice (its worker died after finishing, the scheduler re-ran it) is still
    committed once: only the future's one result is written, and every write is an upsert;
  * rows land as batches finish, so a killed sweep keeps them and a rerun computes only what is
    missing (the sweep's plan reads the LUT first).
The costs are tiny (a few hundred bytes a row) next to their compute time, so returning them costs
nothing measurable. A worker that dies mid-batch: the Dask scheduler re-runs its batches elsewhere
(up to `distributed.scheduler.allowed-failures` deaths per batch); a batch that raises is retried
`RETRIES` times.
"""
from __future__ import annotations

import logging
import math
import os
import re
import time

from ..errors import CostModelError

RETRIES = 2
ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx)://[^/\s]+$")


def check_address(address: str) -> None:
    """`local` or a scheduler URL; the `dask.distributed` package importable (else the `dask` extra hint)."""
    if address != "local" and not ADDRESS.match(address):
        raise CostModelError(f"--dask {address!r}: give 'local' (start a LocalCluster) or a scheduler address "
                             f"such as tcp://127.0.0.1:8786")
    try:
        import distributed  # noqa: F401
    except ImportError:
        from ..extras import missing
        raise missing("distributed", "--dask") from None


def compute_batch(spec, backend, lowering: str, queries):
    """Worker side: [(query, Cost, wall seconds)] for every op-shape of one batch."""
    from ..build import _compute
    return [_compute((spec, backend, lowering, q)) for q in queries]


def _warm() -> None:
    import costmodel.build  # noqa: F401
    import costmodel.backends.analytic  # noqa: F401


def _dashboard_served() -> bool:
    try:
        import bokeh  # noqa: F401
        return True
    except ImportError:
        return False


def connect(address: str, workers: int | None):
    """(client, cluster or None). `local`: a LocalCluster of worker processes bound to 127.0.0.1."""
    from distributed import Client, LocalCluster
    if address != "local":
        try:
            return Client(address, timeout="10s"), None
        except OSError as e:
            raise CostModelError(f"--dask {address}: cannot reach the scheduler ({e})") from None
    dash = "127.0.0.1:0" if _dashboard_served() else None
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=dash, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def batches(groups, batch: int | None, n_workers: int) -> list:
    """Split each (spec, backend, lowering, [queries]) group into tasks of `batch` queries. batch None = auto:
    whole groups when there are at least two per worker (a variant's ops share layers, which the backend
    memoises per process), else each group cut into enough pieces to give every worker two tasks."""
    if batch is None:
        pieces = max(1, math.ceil(2 * n_workers / max(1, len(groups))))
        return [(spec, be, low, qs[k:k + math.ceil(len(qs) / pieces)]) for spec, be, low, qs in groups
                for k in range(0, len(qs), math.ceil(len(qs) / pieces))]
    return [(spec, be, low, qs[k:k + batch]) for spec, be, low, qs in groups for k in range(0, len(qs), batch)]


class Session:
    """A connected Dask client (and the LocalCluster it started, if any); connect before the first write,
    so an unreachable scheduler is one error line with nothing written. Use as a context manager."""

    def __init__(self, address: str, workers: int | None):
        self.address, t0 = address, time.perf_counter()
        self.client, self.cluster = connect(address, workers)
        try:
            self.client.run(_warm)          # import the cost model on every worker before the clock starts
        except BaseException:
            self.close()
            raise
        self.info = self.client.scheduler_info()
        self.n_workers = max(1, len(self.info.get("workers", {})))
        self.startup_s = time.perf_counter() - t0

    def dashboard(self) -> str | None:
        """The dashboard's link if the scheduler really serves one (its HTTP service answers /status: a
        scheduler without bokeh has the service but no dashboard page), else None."""
        import urllib.request
        if not (self.info.get("services") or {}).get("dashboard"):
            return None
        link = self.client.dashboard_link
        try:
            with urllib.request.urlopen(link, timeout=3) as r:
                return link if r.status == 200 else None
        except (OSError, ValueError):
            return None

    def describe(self) -> str:
        from ..extras import install_command
        dash = self.dashboard() or ("none (the scheduler serves none" + (
            f"; for one: {install_command('dask')}, which brings bokeh)" if self.cluster is not None else ")"))
        return (f"dask: scheduler {self.info.get('address', self.address)}, {len(self.info.get('workers', {}))} "
                f"workers, dashboard {dash} (up in {self.startup_s:.1f} s)")

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def run(self, groups, write, batch: int | None = None, progress=None) -> float:
        """Compute `groups` [(spec, backend, lowering, [queries])] in batches (see `batches`); `write(spec,
        lowering, query, cost, wall)` is called here for every row; `progress(done, total, client)` after each
        committed batch. Returns the seconds spent computing."""
        from distributed import as_completed
        client = self.client
        tasks = batches(groups, batch, self.n_workers)
        t0 = time.perf_counter()
        futures = {client.submit(compute_batch, spec, backend, lowering, qs, pure=False, retries=RETRIES):
                   (spec, lowering) for spec, backend, lowering, qs in tasks}
        for done, fut in enumerate(as_completed(futures), 1):
            spec, lowering = futures[fut]
            try:
                rows = fut.result()
            except Exception as e:  # noqa: BLE001 -- KilledWorker (died too often), a lost scheduler, ...
                raise CostModelError(f"a Dask batch failed ({type(e).__name__}: {str(e)[:200]}); the rows committed "
                                     f"so far are kept: rerun the sweep to compute the rest") from None
            for query, cost, wall in rows:
                write(spec, lowering, query, cost, wall)
            fut.release()
            if progress is not None:
                progress(done, len(futures), client)
        return time.perf_counter() - t0
