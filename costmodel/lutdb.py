"""The LUT's database: checks before opening, race-safe creation, schema version and migrations.

Schema version 2 (this code):
  op_costs   one row per key (see costmodel.lut); a CHECK refuses an ``ok`` row without finite costs >= 0
  op_claims  rows a running build is computing (key_hash, owner, claimed_at): concurrent builds split the work
  lut_meta   name -> value; ``schema_version``
Version 1 is ``op_costs`` alone (files written before the version table): read and written as is, and
migrated to 2 (``lut_meta`` and ``op_claims`` added) the first time a build needs the claims.

Creation and migration run under a lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped
advisory lock), so builds that race to create one LUT all succeed. Nothing is created before the first
write. A SQLite file is switched to WAL only when this module creates its tables; a file someone else
made keeps its journal mode. An existing file is checked (``PRAGMA quick_check``) when it is opened.
"""
from __future__ import annotations

import os
import stat
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (CheckConstraint, Column, DateTime, Float, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, inspect, select, text)
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from .errors import CostModelError

SCHEMA_VERSION = 2
KEY_COLUMNS = ("arch", "spec_hash", "backend", "lowering", "op", "n", "c_in", "c_out", "h", "w", "kernel",
               "stride", "dilation", "groups", "padding")
VALUE_COLUMNS = ("cycles", "compute_cycles", "energy_pj", "utilization", "macs", "params", "mapping", "status",
                 "message", "wall_s", "created_at")
_FINITE = "{c} IS NOT NULL AND {c} >= 0 AND {c} < 1e300"          # NaN is NULL in SQLite, > 1e300 in PostgreSQL
_OK_ROW = " AND ".join(_FINITE.format(c=c) for c in ("cycles", "compute_cycles", "macs"))
_OPTIONAL = " AND ".join(f"({c} IS NULL OR ({_FINITE.format(c=c)}))" for c in ("energy_pj", "utilization"))
_LOCK_ID = 0x636F73746D6F64     # PostgreSQL advisory lock of LUT creation/migration ("costmod")

metadata = MetaData()
costs_table = Table(
    "op_costs", metadata,
    Column("id", Integer, primary_key=True),
    Column("arch", String(64), nullable=False), Column("spec_hash", String(16), nullable=False),
    Column("backend", String(64), nullable=False), Column("lowering", String(16), nullable=False),
    Column("op", String(32), nullable=False),
    *[Column(c, Integer, nullable=False) for c in KEY_COLUMNS[5:]],
    Column("cycles", Float), Column("compute_cycles", Float), Column("energy_pj", Float, nullable=True),
    Column("utilization", Float, nullable=True), Column("macs", Integer), Column("params", Integer),
    Column("mapping", Text), Column("status", String(16), nullable=False), Column("message", Text),
    Column("wall_s", Float), Column("created_at", DateTime),
    UniqueConstraint(*KEY_COLUMNS, name="uq_op_costs_key"),
    CheckConstraint(f"status <> 'ok' OR ({_OK_ROW} AND {_OPTIONAL})", name="ck_op_costs_ok_is_finite"),
)
claims_table = Table(
    "op_claims", metadata,
    Column("key_hash", String(40), primary_key=True), Column("owner", String(80), nullable=False),
    Column("claimed_at", Float, nullable=False),
)
meta_table = Table("lut_meta", metadata, Column("name", String(32), primary_key=True),
                   Column("value", String(64), nullable=False))


def mask(url: str) -> str:
    """The URL with its password and secret query values replaced by *** (`costmodel.redact.mask_url`)."""
    from .redact import mask_url
    return mask_url(url)


def sqlite_path(url: str) -> Path | None:
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


def read_only_reason(path: Path) -> str | None:
    """Why a LUT file cannot be written (a file without any write bit is never written, even by root)."""
    folder = path.resolve().parent
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        return f"{path}: permission denied (the LUT file is read-only)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{path}: permission denied (cannot write in its folder {folder})"
    return None


def check_file(path: Path) -> None:
    """Errors a user can act on, before SQLite touches the path: folder, missing folder, permissions, header."""
    if path.is_dir():
        raise CostModelError(f"{path} is a folder, not a LUT file; give a file path (e.g. {path / 'lut_cache.db'})")
    if not path.exists():
        if not path.resolve().parent.is_dir():
            raise CostModelError(f"{path}: no such folder {path.resolve().parent}")
        return
    if not stat.S_ISREG(path.stat().st_mode):
        raise CostModelError(f"{path}: not a regular file, not a LUT")
    if not os.access(path, os.R_OK):
        raise CostModelError(f"{path}: permission denied (cannot read the LUT file)")
    if path.stat().st_size > 0:
        with open(path, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise CostModelError(f"{path} is not a LUT (not a SQLite database); give another --db path")


def quick_check(conn, where: str) -> None:
    """SQLite's own integrity check of the file (cheap: no index cross-check)."""
    try:
        result = conn.exec_driver_sql("PRAGMA quick_check(1)").scalar()
    except DBAPIError as e:
        raise CostModelError(f"{where} is corrupt ({first_line(e)}); restore it or rebuild into a new file") from None
    if result != "ok":
        result = "; ".join(l for l in str(result).splitlines() if l.strip() and not l.startswith("***"))
        raise CostModelError(f"{where} is corrupt (quick_check: {result}); restore it or rebuild into a new file")


def first_line(e: Exception) -> str:
    return str(getattr(e, "orig", None) or e).strip().splitlines()[0]


def schema_version(conn, where: str) -> int | None:
    """None for an empty database; the LUT schema version; CostModelError for anything else."""
    insp = inspect(conn)
    tables = insp.get_table_names()
    if "op_costs" not in tables:
        if tables:
            raise CostModelError(f"{where} is not a LUT: it holds tables {', '.join(tables)} but no op_costs")
        return None
    missing = set(KEY_COLUMNS + VALUE_COLUMNS) - {c["name"] for c in insp.get_columns("op_costs")}
    if missing:
        raise CostModelError(f"{where} is not a LUT of this version: table op_costs lacks "
                             f"{', '.join(sorted(missing))}; rebuild it into a new file")
    if "lut_meta" not in tables:
        return 1
    value = conn.execute(select(meta_table.c.value).where(meta_table.c.name == "schema_version")).scalar()
    if value is None or not str(value).isdigit():
        raise CostModelError(f"{where}: lut_meta has no valid schema_version ({value!r}); rebuild into a new file")
    if int(value) > SCHEMA_VERSION:
        raise CostModelError(f"{where} has LUT schema version {value}, newer than this costmodel's "
                             f"{SCHEMA_VERSION}; upgrade costmodel")
    return int(value)


def _migrate_1_to_2(conn) -> None:
    """Version 1 (op_costs only) -> 2: the version table and the work claims."""
    for table in (claims_table, meta_table):
        table.create(conn, checkfirst=True)


MIGRATIONS = {1: _migrate_1_to_2}     # from version -> function(conn) bringing it to version + 1


@contextmanager
def locked(engine):
    """A transaction holding the LUT's schema lock (one creator / migrator at a time)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")       # the write lock, waited for (busy_timeout)
        elif engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
        yield conn
        conn.commit()


def ensure_schema(engine, where: str) -> int:
    """Create the tables (if the database is empty) or migrate them, safely against racing creators."""
    created = False
    try:
        with locked(engine) as conn:
            version = schema_version(conn, where)
            if version is None:
                metadata.create_all(conn, checkfirst=True)
                conn.execute(meta_table.insert().values(name="schema_version", value=str(SCHEMA_VERSION)))
                created = True
            else:
                for v in range(version, SCHEMA_VERSION):
                    MIGRATIONS[v](conn)
                    conn.execute(meta_table.delete().where(meta_table.c.name == "schema_version"))
                    conn.execute(meta_table.insert().values(name="schema_version", value=str(v + 1)))
    except SQLAlchemyError as e:
        raise CostModelError(f"{where}: cannot create or migrate the LUT tables: {first_line(e)}") from None
    if created and engine.dialect.name == "sqlite":
        _set_wal(engine)
    return SCHEMA_VERSION


def _set_wal(engine, tries: int = 50) -> None:
    """WAL on our own new file (readers run beside a build). Switching needs the file to itself and SQLite
    refuses at once (no busy wait) while a racing build holds it: retry a while, else keep the rollback
    journal -- slower readers, same rows."""
    for k in range(tries):
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            return
        except OperationalError:
            time.sleep(0.05 * (1 + k % 5))


def sqlite_on_connect(dbapi_conn, _record) -> None:
    """Per connection only (nothing persistent): wait for a busy writer instead of failing."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout=60000")
    finally:
        cur.close()
