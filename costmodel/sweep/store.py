"""The variant register: table ``sweep_variants`` beside ``op_costs`` in the same LUT database.

LUT rows stay keyed as always (arch name + spec hash + ...); this table names the spec hashes:
one row per (spec hash, variant name) with the base arch, the overrides (JSON) and the full spec
(YAML), so `export`, `table` and the Pareto plot can show and rebuild every variant from the DB
alone. Written once per sweep, after every variant has been validated: before any cost if the LUT
has its tables already, else (a new LUT, whose tables appear with its first row) after the costs.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, inspect, select
from sqlalchemy.exc import IntegrityError, ProgrammingError, OperationalError

from ..arch.spec import dump_spec, spec_class
from ..errors import CostModelError

metadata = MetaData()
variants_table = Table(
    "sweep_variants", metadata,
    Column("spec_hash", String(16), primary_key=True), Column("variant", Text, primary_key=True),
    Column("arch", String(64), nullable=False), Column("overrides", Text, nullable=False),
    Column("spec_yaml", Text, nullable=False), Column("created_at", DateTime),
)


def _ensure_table(engine) -> None:
    """CREATE the table if absent; a concurrent sweep creating it at the same moment is not an error."""
    try:
        metadata.create_all(engine, checkfirst=True)
    except (IntegrityError, ProgrammingError, OperationalError):
        if "sweep_variants" not in inspect(engine).get_table_names():
            raise


def register(lut, arch: str, variants) -> bool:
    """Record every variant (idempotent: a rerun of the same sweep adds nothing). Only into a LUT whose
    op_costs table exists (a database holding other tables is not a LUT); False if it does not yet."""
    if "op_costs" not in inspect(lut.engine).get_table_names():
        return False
    _ensure_table(lut.engine)
    dialect = lut.engine.dialect.name
    insert = __import__(f"sqlalchemy.dialects.{dialect}", fromlist=["insert"]).insert
    now = dt.datetime.now(dt.UTC)
    rows = [{"spec_hash": v.spec_hash, "variant": v.name, "arch": arch,
             "overrides": json.dumps(v.overrides, sort_keys=True), "spec_yaml": dump_spec(v.spec), "created_at": now}
            for v in variants]
    with lut.engine.begin() as conn:
        conn.execute(insert(variants_table).values(rows).on_conflict_do_nothing(index_elements=["spec_hash", "variant"]))
    return True


def variants(lut, arch: str | None = None, pattern: str | None = None) -> pd.DataFrame:
    """The registered variants (columns spec_hash, variant, arch, overrides, spec_yaml), optionally of one base
    arch and/or whose name matches a glob `pattern` (``'*entries=32768*'``; * and ? only), in registration
    order, a sweep's variants by `natural` name order. Empty if none."""
    cols = [c.name for c in variants_table.columns]
    if "sweep_variants" not in inspect(lut.engine).get_table_names():
        return pd.DataFrame(columns=cols)
    stmt = select(variants_table)
    if arch:
        stmt = stmt.where(variants_table.c.arch == arch)
    with lut.engine.connect() as conn:
        rows = sorted(conn.execute(stmt).mappings().all(), key=lambda r: (str(r["created_at"] or ""), natural(r["variant"])))
    df = pd.DataFrame(rows, columns=cols)
    if pattern:
        df = df[[bool(matcher(pattern).fullmatch(n)) for n in df.variant]]
    return df.reset_index(drop=True)


def natural(name: str) -> tuple:
    """Sort key that orders the numbers in a name by value: pe_array=8x8 before pe_array=32x32."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", name) if t)


def matcher(pattern: str) -> re.Pattern:
    """A name glob: only * and ? are wildcards (variant names hold [ ] literally)."""
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))


def rebuild_spec(row):
    """The spec of one registered variant, rebuilt (and validated) from its stored YAML."""
    import yaml
    data = yaml.safe_load(row["spec_yaml"])
    kind = data.get("kind", "accelerator")
    return spec_class(kind).from_dict(data, source=row["variant"])


def with_variants(lut, df: pd.DataFrame, pattern: str | None = None) -> pd.DataFrame:
    """LUT rows `df` with a ``variant`` column if the LUT holds a sweep (the names of their spec hash, ' | '-joined;
    empty for rows of no registered variant); with `pattern`, only rows of variants matching it (CostModelError if none match)."""
    reg = variants(lut, pattern=pattern)
    if pattern and reg.empty:
        raise CostModelError(f"no registered variant matches {pattern!r} (run `costmodel sweep` first, or list "
                             f"them with `costmodel export --variant '*'`)")
    if reg.empty:
        return df            # no sweep in this LUT: rows as they are
    names = reg.groupby("spec_hash")["variant"].agg(" | ".join)
    out = df.assign(variant=df.spec_hash.map(names).fillna(""))
    return out[out.variant != ""].reset_index(drop=True) if pattern else out


def content(lut) -> pd.DataFrame:
    """Every LUT row without its bookkeeping (id, wall_s, created_at), in key order: what two LUTs built by
    different executors or on different databases must agree on, row for row."""
    from ..lut import KEY_COLUMNS, VALUE_COLUMNS
    cols = list(KEY_COLUMNS) + [c for c in VALUE_COLUMNS if c not in ("wall_s", "created_at")]
    return lut.query()[cols].sort_values(list(KEY_COLUMNS)).reset_index(drop=True)
