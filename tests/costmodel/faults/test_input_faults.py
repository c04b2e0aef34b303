"""Fault injection on every input surface (issues 24 and 25), generated from classes of faults:
special files, full outputs, edited rows, absent schedulers, literal bombs, oversize axes, output clobbering.

Every case: exit 2, exactly one `error:` line, no traceback, no secret printed, nothing written or changed
in its folder (the LUT byte-identical), within its time bound. The cases run in real subprocesses
under an 8 GB address-space limit (RLIMIT_AS) with a timeout: two `faultrun.py` drivers (one per core,
imports paid once) run them through `costmodel.cli.main` with redirected file descriptors, and a few run
through the installed `costmodel` entry point itself (`ENTRY`).
"""
import json
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from faultkit import snapshot

HERE = Path(__file__).resolve().parent
AS_LIMIT = 8 << 30
SECRET = "hunter2"
GENO = "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)], normal_concat={c}, " \
       "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=[2])"
SWEEP = ["sweep", "--arch", "eyeriss", "--db", "{d}/lut.db"]
DASK = [*SWEEP, "--set", "mac.energy_pj=1,2", "--dask-timeout", "2", "--dask"]

# -- class: special files, at every reader -----------------------------------------------------
READERS = {   # reader -> (file name, argv)
    "space": ("s.yaml", ["build-lut", "--arch", "c64x", "--space", "{d}/s.yaml", "--db", "{d}/lut.db"]),
    "sweep-file": ("w.yaml", ["sweep", "--file", "{d}/w.yaml", "--db", "{d}/lut.db"]),
    "arch": ("a.yaml", ["query", "--arch", "{d}/a.yaml", "--op", "conv_1x1", "--hw", "8", "--c-in", "4",
                        "--db", "{d}/lut.db"]),
    "archs-add": ("a.yaml", ["archs", "--add", "{d}/a.yaml", "--name", "x"]),
    "genotype": ("g.json", ["schedule", "--arch", "c64x", "--genotype", "{d}/g.json", "--no-lut"]),
    "reference": ("r.csv", ["fidelity", "--reference", "{d}/r.csv"]),
    "onnx": ("m.onnx", ["profile", "{d}/m.onnx", "--input", "1x3x8x8", "--arch", "c64x", "--no-lut"]),
}
SPECIAL = {"fifo": "named pipe", "zero": "character device", "folder": "folder", "big": "limit"}


def _special(kind, name):
    def setup(d):
        p = d / name
        if kind == "fifo":
            os.mkfifo(p)
        elif kind == "zero":
            p.symlink_to("/dev/zero")
        elif kind == "folder":
            p.mkdir()
        else:
            p.write_bytes(b"#" * 2048)      # over the limits the case's environment sets (1 KiB)
    return setup


SMALL_LIMITS = {f"COSTMODEL_MAX_{k}": "1024" for k in ("FILE_BYTES", "CSV_BYTES", "ONNX_BYTES")}


def special_cases():
    for reader, (name, argv) in READERS.items():
        for kind, words in SPECIAL.items():
            yield dict(id=f"special-{reader}-{kind}", argv=argv, setup=_special(kind, name), words=words,
                       env=SMALL_LIMITS if kind == "big" else {})


# -- class: full outputs ------------------------------------------------------------------------
def full_cases():
    yield dict(id="full-export-out-devfull", argv=["export", "--db", "{d}/lut.db", "--out", "/dev/full"],
               setup="lut", words="not a regular file")
    for fmt in ("csv", "json"):
        yield dict(id=f"full-export-stdout-{fmt}", argv=["export", "--db", "{d}/lut.db", "--format", fmt],
                   setup="lut", stdout="/dev/full", words="No space left")
    yield dict(id="full-table-stdout", argv=["table", "--arch", "c64x", "--db", "{d}/lut.db"], setup="lut",
               stdout="/dev/full", words="No space left")
    yield dict(id="full-archs-stdout", argv=["archs"], stdout="/dev/full", words="No space left")
    yield dict(id="full-schedule-dot", argv=["schedule", "--arch", "c64x", "--genotype", "DARTS_V2", "--no-lut",
                                             "--dot", "/dev/full"], words="not a regular file")
    yield dict(id="full-tmpfs-export", argv=["export", "--db", "{d}/lut.db", "--out", "{full}/o.csv"], setup="lut",
               words="No space left", needs="full")
    yield dict(id="full-tmpfs-dot", argv=["schedule", "--arch", "c64x", "--genotype", "DARTS_V2", "--no-lut",
                                          "--dot", "{full}/g.dot"], words="No space left", needs="full")


# -- class: rows edited by hand -----------------------------------------------------------------
EDITS = {"created_at": "'garbage'", "cycles": "'many'", "status": "'weird'", "macs": "'lots'", "c_in": "'x'"}


def edited_cases():
    for col, value in EDITS.items():
        for cmd, argv in (("export", ["export", "--db", "{d}/lut.db"]),
                          ("export-json", ["export", "--db", "{d}/lut.db", "--format", "json", "--out", "{d}/o.json"]),
                          ("table", ["table", "--arch", "c64x", "--db", "{d}/lut.db"])):
            yield dict(id=f"edited-{col}-{cmd}", argv=argv, setup=f"edit:{col}={value}", words=f"{col} =")


# -- class: absent or wrong schedulers ------------------------------------------------------------
def scheduler_cases():
    for name, addr, words in (
            ("nothing-listening", "tcp://127.0.0.1:{closed}", "cannot reach the scheduler"),
            ("silent-port", "tcp://127.0.0.1:{silent}", "cannot reach the scheduler"),
            ("garbage-port", "tcp://127.0.0.1:{garbage}", "cannot reach the scheduler"),
            ("no-workers", "tcp://127.0.0.1:{scheduler}", "no Dask worker"),
            ("inproc", "inproc://x", "inproc"),
            ("password", f"tcp://user:{SECRET}@127.0.0.1:1", "credentials"),
            ("token", f"tcp://127.0.0.1:1?token={SECRET}", "credentials"),
            ("no-port", "tcp://127.0.0.1", "port"),
            ("port-range", "tcp://127.0.0.1:99999", "port"),
            ("http", "http://127.0.0.1:8786", "scheme"),
            ("path", "tcp://127.0.0.1:8786/x", "port")):
        yield dict(id=f"dask-{name}", argv=[*DASK, addr], words=words, max_s=15,
                   needs="scheduler" if name == "no-workers" else None)
    for name, db in (("query-password", f"postgresql+psycopg://me@127.0.0.1:1/lut?password={SECRET}"),
                     ("userinfo", f"postgresql+psycopg://me:{SECRET}@127.0.0.1:1/lut"),
                     ("sslpassword", f"postgresql+psycopg://me@127.0.0.1:1/lut?sslpassword={SECRET}&sslmode=require")):
        yield dict(id=f"url-secret-{name}", argv=["export", "--db", db], words="***", max_s=30)


# -- class: literal bombs -------------------------------------------------------------------------
BOMBS = {"range-huge": "range(2, 10000000000)", "range-step0": "range(2, 3, 0)", "range-str": "range('a')",
         "range-negative": "range(-1, 3)", "range-kw": "range(2, stop=3)", "power": "[2] * 10 ** 9",
         "power-tower": "10 ** 10 ** 10", "call": "__import__('os').getcwd()", "name": "x",
         "lambda": "(lambda: 1)()", "big-int": "[" + "9" * 5000 + "]", "nested": "[" * 300 + "]" * 300,
         "float": "[2.0]", "set": "{2}", "starred": "[*range(2, 3)]", "attribute": "range.__class__"}


def bomb_cases():
    for name, concat in BOMBS.items():
        yield dict(id=f"bomb-{name}", argv=["schedule", "--arch", "c64x", "--no-lut", "--genotype",
                                            GENO.format(c=concat)], words="genotype")
    yield dict(id="bomb-kwargs", argv=["schedule", "--arch", "c64x", "--no-lut", "--genotype", "Genotype(**x)"],
               words="genotype")
    yield dict(id="bomb-file", argv=["schedule", "--arch", "c64x", "--no-lut", "--genotype", "{d}/g.txt"],
               setup={"g.txt": GENO.format(c="range(0, 10 ** 12)")}, words="genotype")


# -- class: oversize axes and unbounded work ---------------------------------------------------------
def oversize_cases():
    many = ",".join(str(i) for i in range(1, 10001))
    yield dict(id="axis-10000", argv=[*SWEEP, "--set", f"levels.GlobalBuffer.entries={many}"], words="--max-variants")
    yield dict(id="axes-100x100", argv=[*SWEEP, "--set", "mac.energy_pj=" + ",".join(map(str, range(1, 101))),
                                        "--set", "levels.GlobalBuffer.entries=" + ",".join(map(str, range(1, 101)))],
               words="10,000 variants")
    yield dict(id="axis-over-flag", argv=[*SWEEP, "--set", "mac.energy_pj=1,2,3", "--max-variants", "2"],
               words="3 variants")
    yield dict(id="axis-file-2000", argv=["sweep", "--file", "{d}/w.yaml", "--db", "{d}/lut.db"],
               setup={"w.yaml": "arch: eyeriss\naxes:\n  mac.energy_pj: [" + ", ".join(map(str, range(1, 2001)))
                      + "]\n"}, words="2,000 variants")
    yield dict(id="axis-duplicate-key", argv=["sweep", "--file", "{d}/w.yaml", "--db", "{d}/lut.db"],
               setup={"w.yaml": "arch: eyeriss\naxes:\n  mac.energy_pj: [1, 2]\n  mac.energy_pj: [3]\n"},
               words="appears twice")
    for cmd in (["build-lut", "--arch", "c64x", "--db", "{d}/lut.db"], [*SWEEP, "--set", "mac.energy_pj=1,2"]):
        yield dict(id=f"jobs-200-{cmd[0]}", argv=[*cmd, "--jobs", "200"], words="--jobs 200")
    yield dict(id="dask-timeout-0", argv=[*DASK, "local", "--dask-timeout", "0"], words="--dask-timeout")


# -- class: outputs that would overwrite inputs ---------------------------------------------------------
def clobber_cases():
    lut = ["--db", "{d}/lut.db"]
    for name, out in (("same", "{d}/lut.db"), ("dot-slash", "./lut.db"), ("symlink", "{d}/link.csv"),
                      ("hardlink", "{d}/hard.csv"), ("wal", "{d}/lut.db-wal")):
        for fmt in ("csv", "json"):
            yield dict(id=f"clobber-export-{name}-{fmt}", argv=["export", *lut, "--format", fmt, "--out", out],
                       setup="links", words="never overwrites", max_s=20)
    yield dict(id="clobber-foreign", argv=["export", *lut, "--out", "{d}/a.yaml"], setup="links", words="--force")
    yield dict(id="clobber-dot", argv=["schedule", "--arch", "c64x", "--genotype", "DARTS_V2", *lut, "--dot",
                                       "{d}/lut.db"], setup="links", words="never overwrites")
    yield dict(id="clobber-png-genotype", argv=["schedule", "--arch", "c64x", "--genotype", "{d}/g.json", "--no-lut",
                                                "--png", "{d}/g.json"], setup={"g.json": "{}"},
               words="never overwrites")
    yield dict(id="clobber-pareto-csv", argv=["sweep-pareto", "--arch", "eyeriss", *lut, "--csv", "{d}/link.csv"],
               setup="links", words="never overwrites")
    yield dict(id="clobber-profile-csv", argv=["profile", "{d}/m.onnx", "--input", "1x3x8x8", "--arch", "c64x",
                                               *lut, "--csv", "{d}/lut.db"], setup="links", words="never overwrites")
    yield dict(id="clobber-profile-twice", argv=["profile", "{d}/m.onnx", "--input", "1x3x8x8", "--arch", "c64x",
                                                 "--no-lut", "--csv", "{d}/p.csv", "--png", "{d}/p.csv"],
               words="same file")
    yield dict(id="clobber-specs-arch", argv=["specs", "--arch", "{d}/out/00_dw1/v0.4/arch.yaml", "--op",
                                              "sep_conv_3x3", "--hw", "8", "--c-in", "4", "--out", "{d}/out"],
               setup="specs", words="never overwrites")


CLASSES = {"special files": special_cases, "full outputs": full_cases, "edited rows": edited_cases,
           "absent schedulers": scheduler_cases, "literal bombs": bomb_cases, "oversize axes": oversize_cases,
           "output clobbering": clobber_cases}
CASES = [c for gen in CLASSES.values() for c in gen()]
ENTRY = ("special-space-fifo", "special-sweep-file-zero", "full-table-stdout", "clobber-export-symlink-csv",
         "bomb-range-huge", "dask-garbage-port")


# -- fixtures: the LUT, edited LUTs, servers that are not schedulers, a full filesystem ------------------
def _make_lut(d: Path):
    from costmodel.evaluate import evaluate_op
    from costmodel.lut import LUT
    from costmodel.ops import OpQuery
    lut = LUT(d / "lut.db")
    for op in ("conv_1x1", "sep_conv_3x3"):
        evaluate_op("c64x", OpQuery(op, 4, 8), lut=lut)
    lut.close()
    with sqlite3.connect(d / "lut.db") as conn:
        conn.execute("pragma journal_mode=delete")


def _edit(d: Path, col: str, value: str):
    with sqlite3.connect(d / "lut.db") as conn:       # a copy of the table without its CHECK, then the edit
        conn.execute("create table t as select * from op_costs")
        conn.execute("drop table op_costs")
        conn.execute("alter table t rename to op_costs")
        conn.execute(f"update op_costs set {col} = {value}")


def _links(d: Path):
    (d / "link.csv").symlink_to(d / "lut.db")
    os.link(d / "lut.db", d / "hard.csv")
    (d / "lut.db-wal").write_bytes(b"")
    (d / "a.yaml").write_text("name: mine\n")
    (d / "m.onnx").write_bytes(b"not read")


def _serve(kind: str) -> int:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)

    def loop():
        while True:
            conn, _ = srv.accept()
            if kind == "garbage":
                conn.sendall(b"\xff" * 64 + b"HTTP/1.1 200 OK\r\n\r\n" * 8)
            threading.Thread(target=lambda c=conn: (time.sleep(120), c.close()), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return srv.getsockname()[1]


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """{name: value} for the case templates: ports, the full filesystem (if one can be mounted)."""
    root = tmp_path_factory.mktemp("faultplaces")
    out = {"closed": _closed_port(), "silent": _serve("silent"), "garbage": _serve("garbage")}
    full = root / "full"
    full.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], capture_output=True).returncode == 0:
        subprocess.run(["dd", "if=/dev/zero", f"of={full}/fill", "bs=4k", "count=64"], capture_output=True)
        out["full"] = str(full)
    sched = None
    if shutil.which("dask"):
        port = _closed_port()
        sched = subprocess.Popen(["dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out["scheduler"] = port
    yield out
    if sched is not None:
        sched.kill()
        sched.wait()
    if "full" in out:
        subprocess.run(["umount", str(full)], capture_output=True)


def _prepare(case: dict, d: Path, lut_template: Path) -> None:
    setup = case.get("setup")
    if setup in ("lut", "links", "specs") or (isinstance(setup, str) and setup.startswith("edit:")):
        shutil.copy(lut_template, d / "lut.db")
    if setup == "links":
        _links(d)
    elif setup == "specs":
        (d / "out/00_dw1/v0.4").mkdir(parents=True)
        shutil.copy(HERE.parents[2] / "costmodel/data/arch_specs/eyeriss.yaml", d / "out/00_dw1/v0.4/arch.yaml")
    elif isinstance(setup, str) and setup.startswith("edit:"):
        _edit(d, *setup[5:].split("=", 1))
    elif isinstance(setup, dict):
        for name, text in setup.items():
            (d / name).write_text(text)
    elif callable(setup):
        setup(d)


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def _fill(case: dict, d: Path, places: dict) -> dict:
    fmt = {"d": str(d), **{k: str(v) for k, v in places.items()}}

    def fill(arg: str) -> str:
        for key, value in fmt.items():
            arg = arg.replace("{" + key + "}", value)
        return arg
    return {"id": case["id"], "argv": [fill(a) for a in case["argv"]],
            "cwd": str(d), "env": case.get("env", {}), "stdout": case.get("stdout"),
            "timeout": case.get("max_s", 30) * 2}


def _entry(case: dict) -> dict:
    """One case through the real `costmodel` entry point (its own interpreter), memory-capped, with a timeout."""
    stdout = open(case["stdout"], "w") if case["stdout"] else subprocess.PIPE
    t0 = time.perf_counter()
    try:
        p = subprocess.run(["costmodel", *case["argv"]], cwd=case["cwd"], env={**os.environ, **case["env"]},
                           stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=case["timeout"],
                           preexec_fn=_limit_memory)
    finally:
        if case["stdout"]:
            stdout.close()
    return {"code": p.returncode, "seconds": time.perf_counter() - t0, "stdout": p.stdout or "", "stderr": p.stderr}


@pytest.fixture(scope="module")
def results(tmp_path_factory, places):
    """Every case run once: (results by id, folder snapshots before and after)."""
    root = tmp_path_factory.mktemp("faults")
    template = root / "template"
    template.mkdir()
    _make_lut(template)
    runnable = [c for c in CASES if not c.get("needs") or c["needs"] in places]
    filled, before = [], {}
    for case in runnable:
        d = root / case["id"]
        d.mkdir()
        _prepare(case, d, template / "lut.db")
        before[case["id"]] = snapshot(d)
        filled.append(_fill(case, d, places))
    env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache")}
    chunks = [filled[0::2], filled[1::2]]
    procs = []
    for i, chunk in enumerate(chunks):
        (root / f"cases{i}.json").write_text(json.dumps(chunk))
        procs.append(subprocess.Popen([sys.executable, str(HERE / "faultrun.py"), str(root / f"cases{i}.json"),
                                       str(root / f"results{i}.json")], env=env, preexec_fn=_limit_memory))
    with ThreadPoolExecutor(4) as pool:
        chosen = [c for c in filled if c["id"] in ENTRY]
        entry = dict(zip([c["id"] for c in chosen], pool.map(_entry, chosen)))
    for p in procs:
        p.wait(timeout=600)
    got = {}
    for i in range(len(chunks)):
        path = root / f"results{i}.json"
        got.update(json.loads(path.read_text()) if path.exists() else {})
    after = {c["id"]: snapshot(root / c["id"]) for c in runnable}
    if os.environ.get("FAULT_TIMES"):
        print(sorted(((round(r["seconds"], 2), k) for k, r in got.items()), reverse=True)[:25])
    return got, entry, before, after


def _check(r: dict, case: dict, startup_s: float = 0) -> None:
    lines = [ln for ln in r["stderr"].splitlines() if ln.strip()]
    assert r["code"] == 2, r
    assert "Traceback" not in r["stderr"], r["stderr"]
    assert len(lines) == 1 and lines[0].startswith("error: "), r["stderr"]
    assert case["words"] in lines[0], lines[0]
    assert SECRET not in r["stderr"] + r["stdout"]
    assert r["seconds"] < case.get("max_s", 30) + startup_s, r["seconds"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fault_is_one_error_and_writes_nothing(case, results, places):
    if case.get("needs") and case["needs"] not in places:
        pytest.skip(f"needs {case['needs']} (a tmpfs mount, or the `dask` command)")
    got, _, before, after = results
    assert case["id"] in got, "the driver never reported this case (it crashed or hung before it)"
    _check(got[case["id"]], case)
    assert after[case["id"]] == before[case["id"]], "a file was written or changed"


@pytest.mark.parametrize("case_id", ENTRY)
def test_fault_through_the_entry_point(case_id, results):
    _, entry, _, _ = results
    _check(entry[case_id], next(c for c in CASES if c["id"] == case_id), startup_s=30)   # + a fresh interpreter


def test_the_classes_generate_enough_cases():
    assert len(CASES) >= 100 and all(list(gen()) for gen in CLASSES.values())
