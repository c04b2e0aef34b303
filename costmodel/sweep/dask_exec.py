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

Bounded waiting: the address is checked before any connection (`check_address`: tcp:// or tls://, a host
and a port 1..65535, no credentials); connecting gives up after `--dask-timeout` seconds (default
`TIMEOUT_S`), whatever answers on the port (nothing, silence, another protocol); and a sweep with no
worker left for that long stops with one error (the rows committed so far are kept; a rerun resumes).
"""
from __future__ import annotations

import logging
import math
import os
import re
import time

from ..errors import CostModelError

RETRIES = 2
TIMEOUT_S = 20.0                 # connect, and wait with no worker left [s] (--dask-timeout)
POLL_S = 0.5
GATHER_S = 2.0
SCHEMES = ("tcp", "tls")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?)$")


def check_address(address: str) -> None:
    """`local` or tcp://HOST:PORT / tls://HOST:PORT (no credentials, no path); `dask.distributed` importable."""
    from ..redact import has_credentials, mask_url
    shown = mask_url(address)
    example = "give 'local' (start a LocalCluster) or a scheduler address such as tcp://127.0.0.1:8786"
    if address != "local":
        scheme, sep, rest = address.partition("://")
        if not sep or scheme not in SCHEMES:
            why = ("an inproc:// scheduler lives inside one other process and cannot be reached from here"
                   if scheme == "inproc" else f"scheme {scheme + '://' if sep else '(none)'} is not tcp:// or tls://")
            raise CostModelError(f"--dask {shown!r}: {why}; {example}")
        if has_credentials(address):
            raise CostModelError(f"--dask {shown!r}: credentials do not go in a Dask address (Dask does not use "
                                 f"them; secure a scheduler with tls:// certificates); {example}")
        host, colon, port = rest.rpartition(":")
        if not colon or not _HOST.match(host) or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise CostModelError(f"--dask {shown!r}: expected {scheme}://HOST:PORT with a port 1..65535; {example}")
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


def connect(address: str, workers: int | None, timeout: float = TIMEOUT_S):
    """(client, cluster or None). `local`: a LocalCluster of worker processes bound to 127.0.0.1. A scheduler
    that does not answer as Dask does within `timeout` seconds is one CostModelError."""
    import dask
    from distributed import Client, LocalCluster
    if address != "local":
        t = f"{timeout}s"
        try:
            probe(address, timeout)
            with dask.config.set({"distributed.comm.timeouts.connect": t}):
                return Client(address, timeout=t), None
        except CostModelError:
            raise
        except Exception as e:  # noqa: BLE001 -- OSError, TimeoutError, a garbage reply's ValueError, ...
            raise CostModelError(f"--dask {address}: cannot reach the scheduler within {timeout:g} s "
                                 f"({type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else 'no reply'}); "
                                 f"is `dask scheduler` running there? (--dask-timeout S waits longer)") from None
    dash = "127.0.0.1:0" if _dashboard_served() else None
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=dash, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def probe(address: str, timeout: float) -> None:
    """Ask `address` who it is (Dask's ``identity`` call) with a hard deadline: silence, a refused port or
    another protocol is one CostModelError within `timeout` seconds."""
    import asyncio

    from distributed.comm import connect as comm_connect
    from distributed.security import Security

    async def ask():
        comm = await comm_connect(address, timeout=timeout, **Security().get_connection_args("client"))
        try:
            await comm.write({"op": "identity"})
            return await comm.read()
        finally:
            comm.abort()
    try:
        reply = asyncio.run(asyncio.wait_for(ask(), timeout))
    except Exception as e:  # noqa: BLE001 -- OSError, TimeoutError, a garbage reply's ValueError, ...
        why = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}" if str(e) else type(e).__name__
        raise CostModelError(f"--dask {address}: cannot reach the scheduler: none answered within {timeout:g} s "
                             f"({why}); is `dask scheduler` running there? (--dask-timeout S waits longer)") from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise CostModelError(f"--dask {address}: what answers there is not a Dask scheduler "
                             f"(identity {str(reply)[:80]!r})")


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

    def __init__(self, address: str, workers: int | None, timeout: float = TIMEOUT_S):
        self.address, self.timeout, t0 = address, timeout, time.perf_counter()
        self.client, self.cluster = connect(address, workers, timeout)
        try:
            self._wait_for_a_worker()
            self.client.run(_warm)          # import the cost model on every worker before the clock starts
        except BaseException:
            self.close()
            raise
        self.info = self.client.scheduler_info()
        self.n_workers = max(1, len(self.info.get("workers", {})))
        self.startup_s = time.perf_counter() - t0

    def _wait_for_a_worker(self) -> None:
        """A scheduler without workers: wait `timeout` seconds for one to join, else one error (nothing written)."""
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except Exception:  # noqa: BLE001 -- TimeoutError (dask's own class in some versions)
            raise CostModelError(f"--dask {self.address}: no Dask worker joined the scheduler within {self.timeout:g} "
                                 f"s; start `dask worker {self.address}` (--dask-timeout S waits longer)") from None

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
        committed batch. Returns the seconds spent computing. No worker for `timeout` seconds (all died, or
        none ever joined) or a lost scheduler: one CostModelError; the rows committed so far are kept."""
        from distributed import wait
        client = self.client
        tasks = batches(groups, batch, self.n_workers)
        t0 = time.perf_counter()
        futures = {client.submit(compute_batch, spec, backend, lowering, qs, pure=False, retries=RETRIES):
                   (spec, lowering) for spec, backend, lowering, qs in tasks}
        pending, done_count, idle_since = set(futures), 0, None
        while pending:
            try:
                done, pending = wait(pending, timeout=POLL_S, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            stalled_at = None           # when a finished batch's rows could not be fetched
            for fut in done:
                spec, lowering = futures[fut]
                asked = time.perf_counter()
                rows = None if stalled_at is not None else self._gather(fut)
                if rows is None:        # its rows sat on a worker that is gone: Dask computes the batch again
                    pending.add(fut)
                    stalled_at = stalled_at or asked
                    continue
                for query, cost, wall in rows:
                    write(spec, lowering, query, cost, wall)
                fut.release()
                done_count += 1
                if progress is not None:
                    progress(done_count, len(futures), client)
            if done and stalled_at is None:
                idle_since = None
                continue
            idle_since = self._check_workers(idle_since or stalled_at)
        return time.perf_counter() - t0

    @staticmethod
    def _gather(fut):
        """A finished batch's rows, or None when they cannot be fetched within GATHER_S (the worker holding them
        died after finishing: Dask reschedules the batch, so waiting on it without a bound would hang)."""
        try:
            return fut.result(timeout=GATHER_S)
        except TimeoutError:
            return None
        except Exception as e:  # noqa: BLE001 -- KilledWorker (died too often), a lost scheduler, ...
            raise CostModelError(f"a Dask batch failed ({type(e).__name__}: {str(e)[:200]}); the rows committed "
                                 f"so far are kept: rerun the sweep to compute the rest") from None

    def _check_workers(self, idle_since: float | None) -> float | None:
        """When no worker has been connected since `idle_since` for `timeout` seconds: CostModelError."""
        now = time.perf_counter()
        try:
            n = len(self.client.nthreads(callback_timeout=self.timeout))
        except Exception as e:  # noqa: BLE001 -- the scheduler itself is gone
            raise CostModelError(f"--dask {self.address}: the scheduler stopped answering ({type(e).__name__}); "
                                 f"the rows committed so far are kept: rerun the sweep to compute the rest") from None
        if n:
            return None
        idle_since = now if idle_since is None else idle_since
        if now - idle_since >= self.timeout:
            raise CostModelError(f"--dask {self.address}: no Dask worker for {self.timeout:g} s (all gone, or none "
                                 f"joined); the rows committed so far are kept: start workers and rerun the sweep "
                                 f"to compute the rest (--dask-timeout S waits longer)")
        return idle_since
