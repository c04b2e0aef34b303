"""A throwaway PostgreSQL server on 127.0.0.1 for the tests that need a real one.

$COSTMODEL_TEST_PG_URL (a SQLAlchemy URL) is used as is when set. Otherwise, where Debian's
`postgresql` package is installed (`.ci/run` installs it), a private cluster is created in a temp
folder, started on a free loopback port and removed at the end of the session. Without either, the
tests that need it are skipped with the reason (reported as not run, never passed).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """Start with `PgServer.start()`; `.url` is a SQLAlchemy URL; `.stop()` removes everything."""

    def __init__(self, root: Path, port: int, user: str | None):
        self.root, self.port, self.user = root, port, user
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        if self.user:                                   # postgres refuses to run as root
            cmd = ("runuser", "-u", self.user, "--", *cmd)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    @classmethod
    def start(cls) -> "PgServer":
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not (initdb and pg_ctl):
            raise RuntimeError("PostgreSQL is not installed (no initdb/pg_ctl; `apt-get install postgresql`)")
        user = "postgres" if os.geteuid() == 0 else None
        root = Path(tempfile.mkdtemp(prefix="costmodel-pg-"))
        if user:
            pw = pwd.getpwnam(user)
            os.chown(root, pw.pw_uid, pw.pw_gid)
        srv = cls(root, _free_port(), user)
        out = srv._run(initdb, "-D", str(root / "data"), "-U", "postgres", "--auth=trust", "--no-sync")
        if out.returncode:
            raise RuntimeError(f"initdb failed: {out.stderr.strip()[-300:]}")
        opts = f"-h 127.0.0.1 -p {srv.port} -k {root} -c fsync=off -c max_connections=200"
        out = srv._run(pg_ctl, "-D", str(root / "data"), "-o", opts, "-l", str(root / "log"), "-w", "start")
        if out.returncode:
            raise RuntimeError(f"pg_ctl start failed: {out.stderr.strip()[-300:]}")
        srv._pg_ctl = pg_ctl
        return srv

    def stop(self) -> None:
        self._run(self._pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def fresh_database(self, name: str) -> str:
        """A new empty database on this server; returns its SQLAlchemy URL."""
        from sqlalchemy import create_engine, text
        eng = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        eng.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"


def wait_ready(url: str, seconds: float = 30) -> None:
    from sqlalchemy import create_engine, text
    eng, t0 = create_engine(url), time.monotonic()
    try:
        while True:
            try:
                with eng.connect() as conn:
                    conn.execute(text("select 1"))
                return
            except Exception:
                if time.monotonic() - t0 > seconds:
                    raise
                time.sleep(0.2)
    finally:
        eng.dispose()
