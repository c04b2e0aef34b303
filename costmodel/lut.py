"""The cost look-up table: one row per (target, spec hash, backend, lowering, op, shape).

SQLite file by default (`costmodel.paths.resolve_lut`), any SQLAlchemy URL accepted. Every write is its own
transaction (an upsert), SQLite runs in WAL mode, so a killed build loses at most the row in flight
and a rerun skips every row already there.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pandas as pd
from sqlalchemy import (Column, DateTime, Float, Integer, MetaData, String, Table, Text, UniqueConstraint,
                        create_engine, event, func, inspect, select)
from sqlalchemy.exc import ArgumentError, DatabaseError

from .arch import spec_hash
from .cost import Cost, STATUSES
from .errors import CostModelError
from .ops import OpQuery
from .paths import resolve_lut

DEFAULT_LUT = "lut_cache.db"
KEY_COLUMNS = ("arch", "spec_hash", "backend", "lowering", "op", "n", "c_in", "c_out", "h", "w", "kernel",
               "stride", "dilation", "groups", "padding")
VALUE_COLUMNS = ("cycles", "compute_cycles", "energy_pj", "utilization", "macs", "params", "mapping", "status",
                 "message", "wall_s", "created_at")

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
)


def _url(path_or_url: str) -> str:
    return path_or_url if "://" in str(path_or_url) else f"sqlite:///{Path(path_or_url)}"


def _check_sqlite_file(path: Path) -> None:
    """A file that exists must be a SQLite database (else: 'not a LUT', nothing written)."""
    if path.is_dir():
        raise CostModelError(f"{path} is a folder, not a LUT file; give a file path (e.g. {path / DEFAULT_LUT})")
    if path.exists() and path.stat().st_size > 0:
        with open(path, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise CostModelError(f"{path} is not a LUT (not a SQLite database); give another --db path")


class LUT:
    """Cost LUT over SQLAlchemy. ``LUT()`` (the default LUT, see `costmodel.paths.resolve_lut`),
    ``LUT("my_lut.db")`` or ``LUT("postgresql://...")``."""

    def __init__(self, path_or_url: str | None = None, create: bool = True):
        url = _url(resolve_lut(path_or_url))
        self.url = url
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///"):])
            _check_sqlite_file(path)
            if not path.exists() and not create:
                raise CostModelError(f"{path}: no such LUT file (build one with `costmodel build-lut`)")
        try:
            self.engine = create_engine(url)
        except (ImportError, ArgumentError) as e:    # unknown dialect, or its driver is not installed
            raise CostModelError(f"{url}: cannot open this LUT URL ({type(e).__name__}: {e}); use a SQLite "
                                 f"file path or install the database driver") from None
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._validate_or_create(create)

    def _validate_or_create(self, create: bool) -> None:
        try:
            tables = inspect(self.engine).get_table_names()
        except (DatabaseError, sqlite3.DatabaseError) as e:
            raise CostModelError(f"{self.url} is not a LUT: {str(e).splitlines()[0]}") from None
        if "op_costs" in tables:
            have = {c["name"] for c in inspect(self.engine).get_columns("op_costs")}
            missing = set(KEY_COLUMNS + VALUE_COLUMNS) - have
            if missing:
                raise CostModelError(f"{self.url} is not a LUT of this version: table op_costs lacks "
                                     f"{', '.join(sorted(missing))}; rebuild it into a new file")
        elif tables:
            raise CostModelError(f"{self.url} is not a LUT: it holds tables {', '.join(tables)} but no op_costs")
        elif create:
            metadata.create_all(self.engine)

    @staticmethod
    def key(spec, backend, lowering: str, query: OpQuery) -> dict:
        """The row key (KEY_COLUMNS) of `query` on `spec` with `backend` in `lowering`."""
        q = query.resolved()
        return {"arch": spec.name, "spec_hash": spec_hash(spec), "backend": f"{backend.name}-{backend.version}",
                "lowering": lowering, "op": q.op, "n": q.n, "c_in": q.c_in, "c_out": q.c_out, "h": q.h, "w": q.w,
                "kernel": q.kernel, "stride": q.stride, "dilation": q.dilation, "groups": q.groups,
                "padding": q.padding}

    def get(self, spec, backend, lowering: str, query: OpQuery) -> Cost | None:
        """The stored Cost of this key, or None."""
        key = self.key(spec, backend, lowering, query)
        stmt = select(costs_table).where(*[costs_table.c[k] == v for k, v in key.items()])
        with self.engine.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        return None if row is None else _row_to_cost(row)

    def put(self, spec, backend, lowering: str, query: OpQuery, cost: Cost, params: int = 0,
            wall_s: float = 0.0) -> None:
        """Insert or replace one row, atomically."""
        if cost.status not in STATUSES:
            raise CostModelError(f"unknown cost status {cost.status!r}")
        key = self.key(spec, backend, lowering, query)
        values = {**cost.to_dict(), "params": params, "wall_s": wall_s, "created_at": dt.datetime.now(dt.UTC)}
        values = {k: values[k] for k in VALUE_COLUMNS}
        with self.engine.begin() as conn:
            conn.execute(_upsert(self.engine.dialect.name, key, values))

    def has(self, spec, backend, lowering: str, query: OpQuery) -> bool:
        """Whether a row (of any status) is stored for this key."""
        return self.get(spec, backend, lowering, query) is not None

    def query(self, **filters) -> pd.DataFrame:
        """All rows matching column == value filters, as a DataFrame (e.g. ``lut.query(arch="c64x", op="sep_conv_3x3")``)."""
        unknown = set(filters) - set(KEY_COLUMNS + VALUE_COLUMNS)
        if unknown:
            raise CostModelError(f"unknown LUT column(s) {', '.join(sorted(unknown))}; columns: "
                                 f"{', '.join(KEY_COLUMNS + VALUE_COLUMNS)}")
        stmt = select(costs_table).where(*[costs_table.c[k] == v for k, v in filters.items()]).order_by(costs_table.c.id)
        with self.engine.connect() as conn:
            return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=["id", *KEY_COLUMNS, *VALUE_COLUMNS])

    def __len__(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(costs_table)).scalar_one()

    def close(self) -> None:
        self.engine.dispose()


def _upsert(dialect: str, key: dict, values: dict):
    if dialect in ("sqlite", "postgresql"):
        insert = __import__(f"sqlalchemy.dialects.{dialect}", fromlist=["insert"]).insert
        return insert(costs_table).values(**key, **values).on_conflict_do_update(
            index_elements=list(KEY_COLUMNS), set_=values)
    raise CostModelError(f"LUT upserts support sqlite and postgresql URLs, not {dialect!r}")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
    except sqlite3.DatabaseError:
        pass  # not a database: reported by _validate_or_create with the file name
    finally:
        cur.close()


def _number(v):
    """Cycle counts are stored as REAL (Timeloop's can exceed 2^63 on huge layers); give ints back as ints."""
    return int(v) if v is not None and float(v).is_integer() else (v or 0)


def _row_to_cost(row) -> Cost:
    return Cost(cycles=_number(row["cycles"]), compute_cycles=_number(row["compute_cycles"]), energy_pj=row["energy_pj"],
                utilization=row["utilization"], macs=row["macs"] or 0, mapping=row["mapping"] or "",
                status=row["status"], message=row["message"] or "")
