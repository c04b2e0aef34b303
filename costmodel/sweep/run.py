"""`costmodel sweep`: every variant x every op-shape of the spaces x every lowering, into one LUT.

Order of work: read the sweep (flags and/or a sweep file), build and validate every variant, resolve
the spaces, lowerings and the executor -- any error so far prints one `error:` line, exit 2, nothing
written. Then register the variants in the LUT, read which rows it already holds (a rerun after a
killed sweep computes only what is missing) and compute the rest: local processes (`--jobs N`,
`build-lut`'s executor, one variant after another) or Dask (`--dask`, batches of every variant at once).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..arch.registry import load_arch
from ..build import row_kind
from ..errors import CostModelError
from ..evaluate import resolve
from ..spaces import load_space
from .variants import Axis, axes_from_mapping, expand, parse_set

LOWERINGS = ("exact", "mdarts")
SWEEP_DIR = Path(__file__).resolve().parent
FILE_KEYS = ("name", "arch", "spaces", "lowerings", "backend", "axes", "keep_energies")


@dataclass
class Sweep:
    """What to sweep: base arch, axes, spaces, lowerings, backend (None = the arch's default)."""
    arch: str
    axes: list = field(default_factory=list)
    spaces: list = field(default_factory=lambda: ["darts-search"])
    lowerings: list = field(default_factory=lambda: ["exact"])
    backend: str | None = None
    name: str = ""
    keep_energies: bool = False    # True: every variant keeps the base spec's per-access energies


def _as_list(v, key: str, where: str) -> list:
    v = [v] if isinstance(v, str) else v
    if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
        raise CostModelError(f"{where}: {key} must be a name or a list of names")
    return v


def load_sweep_file(path: str) -> Sweep:
    """A sweep YAML file ``{name, arch, spaces, lowerings, backend, axes}`` (see README "Sweeps"), or the name
    of a packaged one (``eyeriss-12``: the files beside this module)."""
    packaged = SWEEP_DIR / f"{path}.yaml"
    if not Path(path).exists() and packaged.exists():
        path = str(packaged)
    elif not Path(path).exists():
        known = ", ".join(p.stem for p in sorted(SWEEP_DIR.glob("*.yaml")))
        raise CostModelError(f"--file {path}: no such sweep file (packaged sweeps: {known})")
    from ..strictyaml import load
    from ..userfiles import read_text
    data = load(read_text(path, "sweep file"), path)     # a regular file, size-capped; a repeated key is an error
    if not isinstance(data, dict):
        raise CostModelError(f"{path}: expected a YAML mapping {{{', '.join(FILE_KEYS)}}} at the top level")
    for key in data:
        if key not in FILE_KEYS:
            raise CostModelError(f"{path}: unknown key {key!r} (known: {', '.join(FILE_KEYS)})")
    if "arch" not in data:
        raise CostModelError(f"{path}: missing key 'arch' (the base arch, e.g. eyeriss)")
    return Sweep(arch=str(data["arch"]), axes=axes_from_mapping(data.get("axes"), path),
                 spaces=_as_list(data.get("spaces", "darts-search"), "spaces", path),
                 lowerings=_as_list(data.get("lowerings", "exact"), "lowerings", path),
                 backend=data.get("backend"), name=str(data.get("name", Path(path).stem)),
                 keep_energies=_flag(data.get("keep_energies", False), "keep_energies", path))


def _flag(v, key: str, where: str) -> bool:
    if not isinstance(v, bool):
        raise CostModelError(f"{where}: {key} must be true or false, got {v!r}")
    return v


@dataclass
class Plan:
    """A validated sweep: variants, queries, the backend object, and per (variant, lowering) the missing queries."""
    sweep: Sweep
    variants: list
    queries: list
    backend: object
    todo: dict = field(default_factory=dict)     # (variant index, lowering) -> [queries]

    @property
    def total(self) -> int:
        return len(self.variants) * len(self.queries) * len(self.sweep.lowerings)


def plan(sweep: Sweep, max_variants: int | None = None) -> Plan:
    """Build and validate everything; write nothing. More than `max_variants` variants (default: the
    VARIANTS limit, 1,000) is refused before any variant is built."""
    for low in sweep.lowerings:
        if low not in LOWERINGS:
            raise CostModelError(f"unknown lowering {low!r} (use {' or '.join(LOWERINGS)})")
    check_count(sweep.axes, max_variants)
    base = load_arch(sweep.arch)
    base_name = base.name if Path(sweep.arch).suffix in (".yaml", ".yml") else sweep.arch
    variants = expand(base, base_name, sweep.axes, sweep.keep_energies)
    be = None
    for v in variants:
        _, be = resolve(v.spec, sweep.backend)
    queries = list(dict.fromkeys(q for name in sweep.spaces for q in load_space(name).queries))
    return Plan(sweep, variants, queries, be)


def check_count(axes, max_variants: int | None = None) -> int:
    """The number of variants `axes` make; CostModelError above the limit (before any is built)."""
    import math

    from ..userfiles import limit
    cap = limit("VARIANTS") if max_variants is None else max_variants
    n = math.prod(len(ax.choices) for ax in axes)
    if n > cap:
        sizes = " x ".join(f"{len(ax.choices)} ({ax.label})" for ax in axes)
        raise CostModelError(f"the sweep has {n:,} variants ({sizes}), more than the limit of {cap:,}; pass "
                             f"--max-variants {n} to run it anyway")
    return n


def find_missing(p: Plan, lut) -> int:
    """Fill p.todo with the queries the LUT lacks (one SELECT per variant and lowering). Returns how many are there."""
    from ..lut import KEY_COLUMNS, LUT
    backend = f"{p.backend.name}-{p.backend.version}"
    there = 0
    for i, v in enumerate(p.variants):
        for low in p.sweep.lowerings:
            rows = lut.query(arch=v.spec.name, spec_hash=v.spec_hash, backend=backend, lowering=low)
            have = set(rows[list(KEY_COLUMNS)].itertuples(index=False, name=None))
            missing = [q for q in p.queries if tuple(LUT.key(v.spec, p.backend, low, q).values()) not in have]
            there += len(p.queries) - len(missing)
            if missing:
                p.todo[i, low] = missing
    return there


def run_sweep(sweep: Sweep, db: str, jobs: int | None = None, dask: str | None = None, batch: int | None = None,
              progress=None, report: dict | None = None, dask_timeout: float | None = None,
              max_variants: int | None = None) -> int:
    """Plan, register, compute what is missing, print a summary. Returns the exit code (1 if a row failed).
    `report`, if given, receives computed (rows), compute_s (Dask cluster start-up excluded), added, failed."""
    from ..build import check_jobs
    from .dask_exec import TIMEOUT_S
    check_jobs(jobs)
    timeout = TIMEOUT_S if dask_timeout is None else dask_timeout
    if not 0 < timeout <= 86400:            # (NaN fails too)
        raise CostModelError(f"--dask-timeout {dask_timeout}: give seconds in (0, 86400]")
    if max_variants is not None and max_variants < 1:
        raise CostModelError(f"--max-variants {max_variants}: must be >= 1")
    if batch is not None and batch < 1:
        raise CostModelError(f"--batch {batch}: must be >= 1")
    if dask is not None:
        from .dask_exec import check_address
        check_address(dask)
    p = plan(sweep, max_variants)
    if dask is None:
        return _execute(p, db, jobs, None, batch, progress, report)
    from .dask_exec import Session
    print(f"sweep: {len(p.variants)} variants validated; connecting to Dask ({dask})...", flush=True)
    with Session(dask, jobs, timeout) as session:     # reach the scheduler (or start a cluster) before the first write
        return _execute(p, db, jobs, session, batch, progress, report)


def _execute(p: Plan, db: str, jobs: int | None, session, batch: int | None, progress, report: dict | None) -> int:
    from ..lut import LUT
    from ..ops import op_params
    from . import store
    sweep = p.sweep
    lut = LUT(db)                       # the first write: everything above is validated
    where = lut.url.removeprefix("sqlite:///")    # (a server URL with its password masked, where LUT masks it)
    registered = store.register(lut, p.variants[0].spec.name, p.variants)   # else once the first rows exist
    there = find_missing(p, lut)
    n_todo = sum(map(len, p.todo.values()))
    executor = f"dask {session.address}" if session else f"{jobs or 1} local process(es)"
    print(f"sweep{' ' + sweep.name if sweep.name else ''}: {len(p.variants)} variants of {sweep.arch} x "
          f"{len(p.queries)} ops x shapes x {len(sweep.lowerings)} lowering(s) = {p.total} rows; {there} already "
          f"in {where}, {n_todo} to compute on {executor}", flush=True)
    for v in p.variants:
        print(f"  {v.spec_hash}  {v.name}")
        for note in v.energy_notes:
            print(f"      {note}")
    stats = {"added": 0, "failed": 0, "not-expressible": 0}

    def write(spec, lowering, query, cost, wall):
        lut.put(spec, p.backend, lowering, query, cost, params=op_params(query, lowering), wall_s=wall)
        stats[row_kind(cost.status)] += 1
        if not cost.ok:
            print(f"  {cost.status}: {query.op} c_in={query.c_in} hw={query.h} stride={query.stride}: "
                  f"{cost.message}", file=sys.stderr)

    t0 = time.perf_counter()
    if n_todo and session:
        print(session.describe(), flush=True)
        groups = [(p.variants[i].spec, sweep.backend, low, qs) for (i, low), qs in p.todo.items()]
        from ..progress import bar
        with bar(desc=f"sweep on {session.address}", unit=" batches") as shown:   # a bar on a terminal only
            def tick(done, total, client):
                shown.total = total
                shown.update(done - shown.n)
                if progress is not None:
                    progress(done, total, client)
            wall = session.run(groups, write, batch=batch, progress=tick)   # cluster start-up not counted
    else:
        if n_todo:
            _run_local(p, lut, db, jobs or 1, stats)
        wall = time.perf_counter() - t0
    if not registered:
        store.register(lut, p.variants[0].spec.name, p.variants)
    if report is not None:
        report.update(computed=n_todo, compute_s=wall, **stats)
    rate = f", {n_todo / wall:.1f} problems/s" if n_todo and wall > 0 else ""
    apart = (f"; {stats['not-expressible']} not expressible on the arch (stored as such)"
             if stats["not-expressible"] else "")
    print(f"sweep: {stats['added']} rows added, {there} reused, {stats['failed']} failed{apart} ({wall:.2f} s{rate}; "
          f"{len(p.variants)} variants registered in {where})")
    return 1 if stats["failed"] else 0



def _run_local(p: Plan, lut, db: str, jobs: int, stats: dict) -> None:
    """`--jobs N`: build-lut's executor (worker processes, this process writes), one variant+lowering at a time."""
    import contextlib
    import io

    from ..build import build_lut
    for (i, low), qs in p.todo.items():
        v = p.variants[i]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):    # build-lut's own header/summary: one sweep line per variant instead
            build_lut(v.spec, p.sweep.spaces, db, low, p.sweep.backend, jobs)
        new = find_rows(lut, v, p.backend, low, qs)
        for s in new:
            stats[row_kind(s)] += 1
        print(f"  {v.name} {low}: {len(qs)} computed", flush=True)


def find_rows(lut, variant, backend, lowering: str, queries) -> list[str]:
    """The stored status of each of `queries` for one variant (after build-lut wrote them)."""
    return [getattr(lut.get(variant.spec, backend, lowering, q), "status", "missing") for q in queries]


def sweep_from_args(args) -> Sweep:
    """A Sweep from `costmodel sweep` flags (a --file first, then --arch/--space/--lowering/--set on top)."""
    sw = load_sweep_file(args.file) if args.file else None
    if sw is None:
        if not args.arch:
            raise CostModelError("give --arch (the base arch) and --set PATH=V1,V2..., or a sweep --file")
        sw = Sweep(arch=args.arch)
    if args.arch:
        sw.arch = args.arch
    if args.space:
        sw.spaces = args.space
    if args.lowering:
        sw.lowerings = [l.strip() for l in args.lowering.split(",")]
    if args.backend:
        sw.backend = args.backend
    sw.axes = list(sw.axes) + [parse_set(s) for s in args.set or []]
    if args.name:
        sw.name = args.name
    sw.keep_energies = sw.keep_energies or bool(getattr(args, "keep_energies", False))
    return sw


__all__ = ["Axis", "Sweep", "Plan", "plan", "run_sweep", "load_sweep_file", "sweep_from_args"]
