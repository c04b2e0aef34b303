"""The cost look-up table: one row per (target, spec hash, backend, lowering, op, shape).

SQLite file by default (`costmodel.paths.resolve_lut`), any SQLAlchemy URL accepted (SQLite and PostgreSQL are
tested). Every write is its own transaction (an upsert), so a killed build loses at most the rows in
flight and a rerun skips every row already there. Opening checks the file (folder, permissions,
SQLite header, ``PRAGMA quick_check``, schema version) and writes nothing; the tables are created
at the first write, safely when several builds race to create them (see `costmodel.lutdb`).

Numbers are finite or absent: an ``ok`` cost with a missing, NaN, infinite or negative number is
stored as status ``failed`` with a message saying so, and an ``ok`` row with such a number (a
hand-edited or foreign row) raises `CostModelError` naming the row when it is read.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import socket
import time
import uuid
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from sqlalchemy import URL, create_engine, event, func, select
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from . import lutdb, lutrows
from .arch.spec import spec_hash
from .cost import Cost, STATUSES
from .errors import CostModelError
from .lutdb import KEY_COLUMNS, VALUE_COLUMNS, claims_table, costs_table, first_line, mask
from .ops import OpQuery
from .paths import resolve_lut

CLAIM_TTL_S = 3600.0            # a work claim older than this is taken over (its build is presumed dead)
COST_NUMBERS = ("cycles", "compute_cycles", "macs", "energy_pj", "utilization")   # the last two may be None


def _url(path_or_url) -> str:
    return str(path_or_url) if "://" in str(path_or_url) else f"sqlite:///{Path(path_or_url)}"


def bad_number(cost_or_row, name: str) -> str | None:
    """Why a cost number is unusable (None if it is fine): missing, not finite, or negative."""
    v = getattr(cost_or_row, name) if isinstance(cost_or_row, Cost) else cost_or_row[name]
    if v is None:
        return None if name in ("energy_pj", "utilization") else "missing (NULL)"
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return f"not a number ({v!r})"
    if not math.isfinite(v) or v < 0:
        return f"{v!r}"
    return None


class LUT:
    """Cost LUT over SQLAlchemy. ``LUT()`` (the default LUT, see `costmodel.paths.resolve_lut`),
    ``LUT("my_lut.db")`` or ``LUT("postgresql+psycopg://...")``.

    ``url`` is the location with any password masked (safe to print). ``create=False`` refuses a
    missing file; with ``create=True`` (the default) the file and tables appear at the first write.
    """

    def __init__(self, path_or_url: str | None = None, create: bool = True):
        self._real_url = _url(resolve_lut(path_or_url))
        self.url = mask(self._real_url)
        self._path = lutdb.sqlite_path(self._real_url)
        self._read_only = None
        self._version = None
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        engine_url = self._real_url
        if self._path is not None:          # a URL object: no character of the path is read as URL syntax
            engine_url = URL.create("sqlite", database=str(self._path))
            lutdb.check_file(self._path)
            if not self._path.exists() and not create:
                raise CostModelError(f"{self._path}: no such LUT file (build one with `costmodel build-lut`)")
            self._read_only = lutdb.read_only_reason(self._path)
            if self._read_only and self._path.exists():     # never written: SQLite opens it read-only
                engine_url = URL.create("sqlite", database=f"file:{quote(str(self._path.resolve()))}?mode=ro",
                                        query={"uri": "true"})
        try:
            self.engine = create_engine(engine_url)
        except (ImportError, ArgumentError) as e:    # unknown dialect, or its driver is not installed
            from .extras import from_import_error
            known = isinstance(e, ImportError) and from_import_error(e, f"the LUT URL {self.url}")
            if known:
                raise known from None
            raise CostModelError(f"{self.url}: cannot open this LUT URL ({type(e).__name__}: {e}); use a SQLite "
                                 f"file path or install the database driver") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", lutdb.sqlite_on_connect)
        if self._path is None or self._path.exists():
            with self._db("open") as conn:
                if self._path is not None:
                    lutdb.quick_check(conn, str(self._path))
                self._version = lutdb.schema_version(conn, self.url)

    # -- plumbing ------------------------------------------------------------------------------
    @contextmanager
    def _db(self, action: str, write: bool = False):
        """A connection (a committed transaction if `write`); database errors become one clear CostModelError."""
        if write and self._read_only:
            raise CostModelError(f"{self._read_only}; give a writable --db")
        try:
            with (self.engine.begin() if write else self.engine.connect()) as conn:
                yield conn
        except CostModelError:
            raise
        except SQLAlchemyError as e:
            msg = first_line(e)
            if "readonly" in msg or "read-only" in msg:
                msg = f"permission denied ({msg})"
            elif "malformed" in msg or "not a database" in msg:
                msg = f"the file is corrupt ({msg}); restore it or rebuild into a new file"
            raise CostModelError(f"{self.url}: {action} failed: {msg}") from None

    def _tables(self, write: bool) -> bool:
        """Whether the tables exist (created first if `write`)."""
        if self._version is None and write:
            self.require_writable()
            self._version = lutdb.ensure_schema(self.engine, self.url)
        elif self._version is None and (self._path is None or self._path.exists()):
            with self._db("open") as conn:
                self._version = lutdb.schema_version(conn, self.url)
        return self._version is not None

    def require_writable(self) -> None:
        """CostModelError now (before any work) if rows cannot be written to this LUT."""
        if self._read_only:
            raise CostModelError(f"{self._read_only}; give a writable --db")

    # -- rows ----------------------------------------------------------------------------------
    @staticmethod
    def key(spec, backend, lowering: str, query: OpQuery) -> dict:
        """The row key (KEY_COLUMNS) of `query` on `spec` with `backend` in `lowering`."""
        q = query.resolved()
        return {"arch": spec.name, "spec_hash": spec_hash(spec), "backend": f"{backend.name}-{backend.version}",
                "lowering": lowering, "op": q.op, "n": q.n, "c_in": q.c_in, "c_out": q.c_out, "h": q.h, "w": q.w,
                "kernel": q.kernel, "stride": q.stride, "dilation": q.dilation, "groups": q.groups,
                "padding": q.padding}

    def _row(self, key: dict, columns=None):
        if not self._tables(write=False):
            return None
        stmt = select(*lutrows.columns(columns)).where(*[costs_table.c[k] == v for k, v in key.items()])
        with self._db("read") as conn:
            row = conn.execute(stmt).mappings().first()
        return None if row is None else lutrows.check([row], self.url)[0]

    def get(self, spec, backend, lowering: str, query: OpQuery) -> Cost | None:
        """The stored Cost of this key, or None; CostModelError for an ``ok`` row without usable numbers."""
        row = self._row(self.key(spec, backend, lowering, query))
        return None if row is None else _row_to_cost(row, self.url)

    def has(self, spec, backend, lowering: str, query: OpQuery) -> bool:
        """Whether a row (of any status) is stored for this key."""
        return self._row(self.key(spec, backend, lowering, query), ["id"]) is not None

    def put(self, spec, backend, lowering: str, query: OpQuery, cost: Cost, params: int = 0,
            wall_s: float = 0.0) -> None:
        """Insert or replace one row, atomically (and drop the key's work claim)."""
        if cost.status not in STATUSES:
            raise CostModelError(f"unknown cost status {cost.status!r}")
        key = self.key(spec, backend, lowering, query)
        cost = checked(cost)
        values = {**cost.to_dict(), "params": params, "wall_s": wall_s, "created_at": dt.datetime.now(dt.UTC)}
        values = {k: values[k] for k in VALUE_COLUMNS}
        self._tables(write=True)
        with self._db("write", write=True) as conn:
            conn.execute(_upsert(self.engine.dialect.name, key, values))
            if self._version >= 2:
                conn.execute(claims_table.delete().where(claims_table.c.key_hash == key_hash(key)))

    # -- work claims (concurrent builds split the work) ----------------------------------------------
    def claim(self, spec, backend, lowering: str, query: OpQuery) -> bool:
        """Claim this key for computing: True if it was free or its owner is gone (a dead process on this
        host, or a claim older than CLAIM_TTL_S); False while another build holds it. `put` releases it."""
        self._tables(write=True)
        if self._version < 2:
            self._version = lutdb.ensure_schema(self.engine, self.url)      # migrate: claims need version 2
        key = self.key(spec, backend, lowering, query)
        h = key_hash(key)
        insert = __import__(f"sqlalchemy.dialects.{self.engine.dialect.name}", fromlist=["insert"]).insert
        stmt = insert(claims_table).values(key_hash=h, owner=self._owner, claimed_at=time.time())
        c = claims_table.c
        with self._db("claim", write=True) as conn:
            stmt = stmt.on_conflict_do_nothing(index_elements=["key_hash"]).returning(c.key_hash)
            if conn.execute(stmt).first() is not None:      # (rowcount is -1 here on psycopg)
                exists = select(costs_table.c.id).where(*[costs_table.c[k] == v for k, v in key.items()])
                if conn.execute(exists).first() is None:
                    return True
                conn.execute(claims_table.delete().where(c.key_hash == h))    # written since `has`: not ours
                return False
            held = conn.execute(select(c.owner, c.claimed_at).where(c.key_hash == h)).first()
            if held is None or held.owner == self._owner or not _owner_gone(held.owner, held.claimed_at):
                return held is not None and held.owner == self._owner
            took = conn.execute(claims_table.update().where(c.key_hash == h, c.owner == held.owner)
                                .values(owner=self._owner, claimed_at=time.time()).returning(c.key_hash))
            return took.first() is not None

    def release_claims(self) -> None:
        """Drop every claim this object still holds (rows it never wrote: another build may take them)."""
        if self._version is not None and self._version >= 2 and not self._read_only:
            with self._db("release claims", write=True) as conn:
                conn.execute(claims_table.delete().where(claims_table.c.owner == self._owner))

    # -- reading many rows ---------------------------------------------------------------------
    def query(self, skip_bad_rows: bool = False, **filters) -> pd.DataFrame:
        """All rows matching column == value filters, as a DataFrame (e.g. ``lut.query(arch="c64x", op="sep_conv_3x3")``).
        An unreadable row (`costmodel.lutrows`) is refused by id, or left out (a note on stderr) if `skip_bad_rows`."""
        unknown = set(filters) - set(KEY_COLUMNS + VALUE_COLUMNS)
        if unknown:
            raise CostModelError(f"unknown LUT column(s) {', '.join(sorted(unknown))}; columns: "
                                 f"{', '.join(KEY_COLUMNS + VALUE_COLUMNS)}")
        columns = ["id", *KEY_COLUMNS, *VALUE_COLUMNS]
        if not self._tables(write=False):
            return pd.DataFrame([], columns=columns)
        stmt = select(*lutrows.columns()).where(*[costs_table.c[k] == v for k, v in filters.items()])
        with self._db("read") as conn:
            rows = conn.execute(stmt.order_by(costs_table.c.id)).mappings().all()
        return pd.DataFrame(lutrows.check(rows, self.url, skip_bad_rows), columns=columns)

    def __len__(self) -> int:
        if not self._tables(write=False):
            return 0
        with self._db("count") as conn:
            return conn.execute(select(func.count()).select_from(costs_table)).scalar_one()

    def close(self) -> None:
        self.engine.dispose()


def _owner_gone(owner: str, claimed_at: float) -> bool:
    """Whether the build that claimed a row is gone: a dead (or zombie) process on this host, or an old claim."""
    host, _, rest = owner.partition(":")
    if time.time() - claimed_at > CLAIM_TTL_S:
        return True
    if host != socket.gethostname():
        return False
    pid = int(rest.partition(":")[0] or 0)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def key_hash(key: dict) -> str:
    return hashlib.sha1("|".join(str(key[k]) for k in KEY_COLUMNS).encode()).hexdigest()


def checked(cost: Cost) -> Cost:
    """An ``ok`` cost with a missing/NaN/inf/negative number becomes a ``failed`` one saying which (never a number)."""
    if not cost.ok:
        return cost
    bad = [f"{n} = {why}" for n in COST_NUMBERS if (why := bad_number(cost, n))]
    if not bad:
        return cost
    return replace(cost, status="failed", cycles=0, compute_cycles=0, energy_pj=None, utilization=None, macs=0,
                   message=f"the backend returned unusable numbers: {', '.join(bad)}")


def _upsert(dialect: str, key: dict, values: dict):
    if dialect in ("sqlite", "postgresql"):
        insert = __import__(f"sqlalchemy.dialects.{dialect}", fromlist=["insert"]).insert
        return insert(costs_table).values(**key, **values).on_conflict_do_update(
            index_elements=list(KEY_COLUMNS), set_=values)
    raise CostModelError(f"LUT upserts support sqlite and postgresql URLs, not {dialect!r}")


def _number(v):
    """Cycle counts are stored as REAL (Timeloop's can exceed 2^63 on huge layers); give ints back as ints."""
    return 0 if v is None else int(v) if float(v).is_integer() else v


def _row_to_cost(row, where: str) -> Cost:
    if row["status"] not in STATUSES:
        raise CostModelError(f"{where}: LUT row id {row['id']} has unknown status {row['status']!r}")
    if row["status"] == "ok":
        bad = [f"{n} = {why}" for n in COST_NUMBERS if (why := bad_number(row, n))]
        if bad:
            raise CostModelError(f"{where}: LUT row id {row['id']} ({row['arch']} {row['op']} c_in={row['c_in']} "
                                 f"c_out={row['c_out']} hw={row['h']} stride={row['stride']}) is marked ok but "
                                 f"{', '.join(bad)}; delete the row (it is recomputed) or rebuild the LUT")
    return Cost(cycles=_number(row["cycles"]), compute_cycles=_number(row["compute_cycles"]), energy_pj=row["energy_pj"],
                utilization=row["utilization"], macs=row["macs"] or 0, mapping=row["mapping"] or "",
                status=row["status"], message=row["message"] or "")
