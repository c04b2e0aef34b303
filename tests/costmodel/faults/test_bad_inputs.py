"""Every bad input: exit 2, exactly one `error:` line, no traceback, and no file created or changed.

Run in-process through the entry point (`costmodel.cli.main([...])`). Each case names its arguments
(``{d}`` = a scratch folder holding the case's files) and the words the one error line must contain.
"""
import os
import sqlite3

import pytest

from faultkit import snapshot
from costmodel.cli import main
from costmodel.resources import arch_specs_dir

EYERISS = (arch_specs_dir() / "eyeriss.yaml").read_text()
C64X = (arch_specs_dir() / "c64x.yaml").read_text()
SPACE = "name: s\nnetwork: {C: 8, layers: 3, hw: 16}\nops: [sep_conv_3x3]\n"
CONV = "name: s\nextra:\n  - {op: conv, c_in: %s, hw: 8, kernel: %s}\n"
GENO = '{"normal": [["sep_conv_3x3", 0], ["sep_conv_3x3", 1]], "normal_concat": [2], ' \
       '"reduce": [["max_pool_3x3", 0], ["max_pool_3x3", 1]], "reduce_concat": [2]}'
BUILD = ["build-lut", "--db", "{d}/lut.db"]
QUERY = ["query", "--arch", "c64x", "--db", "{d}/lut.db"]
SCHED = ["schedule", "--arch", "c64x", "--genotype", "DARTS_V2", "--db", "{d}/lut.db"]


def _lut(d, rows=(), version=None, drop=None):
    """A LUT file in `d` made by the toolkit (then hand-edited: `rows` inserted, meta version, column dropped)."""
    from costmodel.evaluate import evaluate_op
    from costmodel.lut import LUT
    from costmodel.ops import OpQuery
    lut = LUT(d / "lut.db")
    evaluate_op("c64x", OpQuery("conv_1x1", 4, 8), lut=lut)
    lut.close()
    with sqlite3.connect(d / "lut.db") as conn:
        conn.execute("pragma journal_mode=delete")
        if version:
            conn.execute("update lut_meta set value = ? where name = 'schema_version'", (version,))
        if drop:
            conn.execute(f"alter table op_costs drop column {drop}")
        for cycles in rows:      # an `ok` row the toolkit would never write (the CHECK is dropped with the table copy)
            conn.execute("create table t as select * from op_costs")
            conn.execute("drop table op_costs")
            conn.execute("alter table t rename to op_costs")
            conn.execute("update op_costs set cycles = ?, compute_cycles = ? where op = 'conv_1x1'", (cycles, cycles))


def _corrupt(d):
    _lut(d)
    data = bytearray((d / "lut.db").read_bytes())
    data[4096 + 8:4096 + 200] = os.urandom(192)      # garbage over a b-tree page
    (d / "lut.db").write_bytes(bytes(data))


def _foreign(d):
    with sqlite3.connect(d / "lut.db") as conn:
        conn.execute("create table people (name text)")


def _read_only(d):
    _lut(d)
    os.chmod(d / "lut.db", 0o444)


FILES = {   # setup name -> {file name: text | bytes} or a function of the folder
    "nan-arch": {"a.yaml": EYERISS.replace("access_energy_pj: 200.0", "access_energy_pj: .nan")},
    "inf-arch": {"a.yaml": EYERISS.replace("access_energy_pj: 200.0", "access_energy_pj: .inf")},
    "neg-arch": {"a.yaml": EYERISS.replace("access_energy_pj: 200.0", "access_energy_pj: -5")},
    "nan-bw": {"a.yaml": EYERISS.replace("read_bandwidth: 16", "read_bandwidth: .nan")},
    "nan-mac": {"a.yaml": EYERISS.replace("  energy_pj: 1.0", "  energy_pj: .nan", 1)},
    "nan-pool": {"a.yaml": EYERISS.replace("compare_per_cycle: 1", "compare_per_cycle: .nan")},
    "str-arch": {"a.yaml": EYERISS.replace("word_bits: 16", "word_bits: sixteen", 1)},
    "nan-dsp": {"a.yaml": C64X.replace("mul: 4", "mul: .nan", 1)},
    "bool-dsp": {"a.yaml": C64X.replace("mul: 4", "mul: true", 1)},
    "inf-scale": {"a.yaml": C64X.replace("op_scale: {}", "op_scale: {sep_conv_3x3: .inf}")},
    "bin-arch": {"a.yaml": b"\x00\x01kind: dsp\xff"},
    "latin1-arch": {"a.yaml": "name: caf\xe9\n".encode("latin-1")},
    "big-arch": {"a.yaml": "# " + "x" * (1 << 20) + "\n"},
    "no-kind": {"a.yaml": "name: x\n"},
    "list-arch": {"a.yaml": "- 1\n- 2\n"},
    "bool-c": {"s.yaml": CONV % ("true", 3)},
    "frac-c": {"s.yaml": CONV % ("16.5", 3)},
    "kernel0": {"s.yaml": CONV % (16, 0)},
    "nan-c": {"s.yaml": CONV % (".nan", 3)},
    "huge-hw": {"s.yaml": SPACE.replace("hw: 16", "hw: 1000000000000")},
    "layers": {"s.yaml": SPACE.replace("layers: 3", "layers: 1000")},
    "net-nan": {"s.yaml": SPACE.replace("C: 8", "C: .nan")},
    "odd-hw": {"s.yaml": SPACE.replace("hw: 16", "hw: 15")},
    "big-space": {"s.yaml": SPACE + "# " + "x" * (2 << 20) + "\n"},
    "bin-space": {"s.yaml": bytes(range(256))},
    "bad-op": {"s.yaml": SPACE.replace("sep_conv_3x3", "sep_conv_4x4")},
    "bad-key": {"s.yaml": SPACE + "colour: red\n"},
    "empty": {"s.yaml": "name: s\n"},
    "extra-key": {"s.yaml": "name: s\nextra:\n  - {op: conv, c_in: 4, hw: 8, kernel: 3, colour: red}\n"},
    "many-extra": {"s.yaml": "name: s\nextra:\n" + "  - {op: conv_1x1, c_in: 4, hw: 8}\n" * 4},   # limit set to 3
    "yaml-error": {"s.yaml": "name: [unclosed\n"},
    "bin-geno": {"g.json": b"\x00\xff\xfe" * 100},
    "big-geno": {"g.json": GENO + " " * (1 << 20)},
    "bad-json": {"g.json": GENO[:-5]},
    "geno-op": {"g.json": GENO.replace("sep_conv_3x3", "sep_conv_9x9")},
    "bin-csv": {"r.csv": b"\x00\x01\x02" * 100},
    "nan-csv": {"r.csv": "arch,N,C,K,R,S,P,Q,Wstride,Hstride,Wdilation,Hdilation,cycles,cycles_bw,energy_pJ\n"
                         "eyeriss,1,4,4,1,1,8,8,1,1,1,1,nan,64,10\n"},
    "lut": _lut,
    "null-row": lambda d: _lut(d, rows=[None]),
    "neg-row": lambda d: _lut(d, rows=[-5]),
    "inf-row": lambda d: _lut(d, rows=[float("inf")]),
    "newer": lambda d: _lut(d, version="99"),
    "old-cols": lambda d: _lut(d, drop="wall_s"),
    "corrupt": _corrupt,
    "foreign": _foreign,
    "read-only": _read_only,
    "text-db": {"lut.db": "hello, not a database\n"},
    "folder-db": lambda d: (d / "lut.db").mkdir(),
}

CASES = [  # (id, setup, args, words)
    ("unknown-arch", None, [*BUILD, "--arch", "nope"], "unknown arch 'nope'"),
    ("unknown-preset", None, [*BUILD, "--arch", "c64x:nope"], "no preset 'nope'"),
    ("nan-energy", "nan-arch", [*BUILD, "--arch", "{d}/a.yaml"], "finite"),
    ("inf-energy", "inf-arch", [*BUILD, "--arch", "{d}/a.yaml"], "finite"),
    ("negative-energy", "neg-arch", [*BUILD, "--arch", "{d}/a.yaml"], ">= 0"),
    ("nan-bandwidth", "nan-bw", [*BUILD, "--arch", "{d}/a.yaml"], "read_bandwidth"),
    ("nan-mac-energy", "nan-mac", [*BUILD, "--arch", "{d}/a.yaml"], "finite"),
    ("nan-pool-rate", "nan-pool", [*BUILD, "--arch", "{d}/a.yaml"], "compare_per_cycle"),
    ("string-integer", "str-arch", [*BUILD, "--arch", "{d}/a.yaml"], "word_bits"),
    ("nan-op-cycles", "nan-dsp", [*BUILD, "--arch", "{d}/a.yaml"], "op_cycles.mul"),
    ("bool-op-cycles", "bool-dsp", [*BUILD, "--arch", "{d}/a.yaml"], "op_cycles.mul"),
    ("inf-op-scale", "inf-scale", [*BUILD, "--arch", "{d}/a.yaml"], "op_scale.sep_conv_3x3"),
    ("binary-arch", "bin-arch", [*BUILD, "--arch", "{d}/a.yaml"], "binary file"),
    ("latin1-arch", "latin1-arch", [*BUILD, "--arch", "{d}/a.yaml"], "not UTF-8"),
    ("huge-arch", "big-arch", [*BUILD, "--arch", "{d}/a.yaml"], "limit"),
    ("arch-without-kind", "no-kind", [*BUILD, "--arch", "{d}/a.yaml"], "missing key 'kind'"),
    ("arch-not-mapping", "list-arch", [*BUILD, "--arch", "{d}/a.yaml"], "mapping"),
    ("c_in-true", "bool-c", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "c_in = True (must be an integer)"),
    ("c_in-16.5", "frac-c", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "c_in = 16.5 (must be an integer)"),
    ("kernel-0", "kernel0", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "kernel size >= 1"),
    ("c_in-nan", "nan-c", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "c_in = nan"),
    ("space-hw-huge", "huge-hw", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "limit"),
    ("space-layers", "layers", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "network.layers"),
    ("space-C-nan", "net-nan", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "network.C"),
    ("space-odd-hw", "odd-hw", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "even size"),
    ("space-200MB-like", "big-space", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "limit"),
    ("space-binary", "bin-space", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "binary file"),
    ("space-unknown-op", "bad-op", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "unknown op"),
    ("space-unknown-key", "bad-key", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "unknown key"),
    ("space-empty", "empty", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "empty"),
    ("space-extra-key", "extra-key", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "extra[0]"),
    ("space-too-many", "many-extra", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "limit"),
    ("space-malformed", "yaml-error", [*BUILD, "--arch", "c64x", "--space", "{d}/s.yaml"], "malformed YAML"),
    ("space-missing", None, [*BUILD, "--arch", "c64x", "--space", "{d}/none.yaml"], "unknown space"),
    ("jobs-0", None, [*BUILD, "--arch", "c64x", "--jobs", "0"], "--jobs 0"),
    ("jobs-negative", None, [*BUILD, "--arch", "c64x", "--jobs", "-2"], "--jobs -2"),
    ("bad-lowering", None, [*BUILD, "--arch", "c64x", "--lowering", "fast"], "invalid choice"),
    ("unknown-backend", None, [*BUILD, "--arch", "c64x", "--backend", "nope"], "nope"),
    ("wrong-backend-kind", None, [*BUILD, "--arch", "eyeriss", "--backend", "c64x"], "kind"),
    ("db-folder", "folder-db", [*BUILD, "--arch", "c64x"], "is a folder"),
    ("db-missing-folder", None, ["build-lut", "--arch", "c64x", "--db", "{d}/no/lut.db"], "no such folder"),
    ("db-text-file", "text-db", [*BUILD, "--arch", "c64x"], "not a SQLite database"),
    ("db-foreign", "foreign", [*BUILD, "--arch", "c64x"], "no op_costs"),
    ("db-corrupt-build", "corrupt", [*BUILD, "--arch", "c64x"], "corrupt"),
    ("db-corrupt-export", "corrupt", ["export", "--db", "{d}/lut.db"], "corrupt"),
    ("db-read-only-build", "read-only", [*BUILD, "--arch", "c64x"], "permission denied"),
    ("db-read-only-query", "read-only", [*QUERY, "--op", "sep_conv_3x3", "--hw", "8", "--c-in", "4"],
     "permission denied"),
    ("db-newer-schema", "newer", [*BUILD, "--arch", "c64x"], "newer"),
    ("db-old-columns", "old-cols", [*BUILD, "--arch", "c64x"], "lacks wall_s"),
    ("db-unknown-dialect", None, ["build-lut", "--arch", "c64x", "--db", "foo://x"], "cannot open this LUT URL"),
    ("db-secret", None, ["build-lut", "--arch", "c64x", "--db", "postgresql+psycopg://u:s3cr3t@127.0.0.1:1/x"],
     "***"),
    ("export-missing-db", None, ["export", "--db", "{d}/none.db"], "no such LUT file"),
    ("export-out-folder", "lut", ["export", "--db", "{d}/lut.db", "--out", "{d}/no/x.csv"], "no such folder"),
    ("export-out-is-folder", "lut", ["export", "--db", "{d}/lut.db", "--out", "{d}"], "is a folder"),
    ("table-missing-db", None, ["table", "--arch", "c64x", "--db", "{d}/none.db"], "no such LUT file"),
    ("ok-row-null", "null-row", [*QUERY, "--op", "conv_1x1", "--hw", "8", "--c-in", "4"], "missing (NULL)"),
    ("ok-row-negative", "neg-row", [*QUERY, "--op", "conv_1x1", "--hw", "8", "--c-in", "4"], "-5"),
    ("ok-row-inf", "inf-row", [*QUERY, "--op", "conv_1x1", "--hw", "8", "--c-in", "4"], "inf"),
    ("query-hw-1e12", None, [*QUERY, "--op", "sep_conv_3x3", "--hw", "1000000000000", "--c-in", "4"], "limit"),
    ("query-hw-float", None, [*QUERY, "--op", "sep_conv_3x3", "--hw", "1e12", "--c-in", "4"], "invalid int"),
    ("query-hw-0", None, [*QUERY, "--op", "sep_conv_3x3", "--hw", "0", "--c-in", "4"], "impossible shape"),
    ("query-c-negative", None, [*QUERY, "--op", "sep_conv_3x3", "--hw", "8", "--c-in", "-3"], "c_in = -3"),
    ("query-kernel-0", None, [*QUERY, "--op", "conv", "--hw", "8", "--c-in", "4", "--kernel", "0"], "kernel"),
    ("query-unknown-op", None, [*QUERY, "--op", "conv9", "--hw", "8", "--c-in", "4"], "unknown op"),
    ("query-stride-0", None, [*QUERY, "--op", "conv_1x1", "--hw", "8", "--c-in", "4", "--stride", "0"], "stride"),
    ("query-batch-limit", None, [*QUERY, "--op", "conv_1x1", "--hw", "8", "--c-in", "4", "--n", "100000"], "limit"),
    ("query-mac-limit", None, [*QUERY, "--op", "conv_3x3", "--hw", "16384", "--c-in", "65536"], "MACs"),
    ("query-output-empty", None, [*QUERY, "--op", "conv", "--hw", "4", "--c-in", "4", "--kernel", "9",
                                  "--padding", "0"], "impossible shape"),
    ("schedule-png-folder", None, [*SCHED, "--png", "{d}/no/x.png"], "no such folder"),
    ("schedule-dot-folder", None, [*SCHED, "--dot", "{d}/no/x.dot"], "no such folder"),
    ("schedule-unknown-arch", None, ["schedule", "--arch", "nope", "--genotype", "DARTS_V2", "--db", "{d}/lut.db"],
     "unknown arch"),
    ("genotype-binary", "bin-geno", [*SCHED[:3], "--genotype", "{d}/g.json", "--db", "{d}/lut.db"], "binary file"),
    ("genotype-huge", "big-geno", [*SCHED[:3], "--genotype", "{d}/g.json", "--db", "{d}/lut.db"], "limit"),
    ("genotype-malformed", "bad-json", [*SCHED[:3], "--genotype", "{d}/g.json", "--db", "{d}/lut.db"], "malformed"),
    ("genotype-unknown-op", "geno-op", [*SCHED[:3], "--genotype", "{d}/g.json", "--db", "{d}/lut.db"], "sep_conv_9x9"),
    ("genotype-missing", None, [*SCHED[:3], "--genotype", "{d}/g.json", "--db", "{d}/lut.db"], "does not exist"),
    ("schedule-ok-row-null", "null-row", [*SCHED[:3], "--genotype",
                                          "Genotype(normal=[('conv_1x1', 0), ('conv_1x1', 1)], normal_concat=[2], "
                                          "reduce=[('conv_1x1', 0), ('conv_1x1', 1)], reduce_concat=[2])",
                                          "--c", "4", "--hw", "8", "--db", "{d}/lut.db"], "marked ok"),
    ("reference-binary", "bin-csv", ["fidelity", "--reference", "{d}/r.csv"], "binary file"),
    ("reference-missing", None, ["fidelity", "--reference", "{d}/r.csv"], "not found"),
    ("reference-nan", "nan-csv", ["fidelity", "--reference", "{d}/r.csv"], "'cycles' must be a number"),
    ("unknown-command", None, ["bake-lut"], "invalid choice"),
]
SEARCH = ["search", "--dataset", "digits", "--epochs", "1", "--lut", "{d}/lut.db", "--arch", "c64x"]
NAS_CASES = [
    ("search-qos-nan", None, [*SEARCH, "--qos", "nan", "1"], "finite"),
    ("search-limit-0", None, [*SEARCH, "--limit", "0"], "--limit 0"),
    ("search-lambda-bogus", None, [*SEARCH, "--loss", "rapdarts", "--lambda", "bogus=1"], "unknown metric 'bogus'"),
    ("search-lambda-nan", None, [*SEARCH, "--loss", "rapdarts", "--lambda", "params=nan"], "finite"),
    ("search-resume-missing", None, [*SEARCH, "--resume", "--checkpoint", "{d}/ck.pt"], "does not exist"),
    ("search-resume-garbage", "bin-csv", [*SEARCH, "--resume", "--checkpoint", "{d}/r.csv"],
     "not a search checkpoint"),
]


def _prepare(d, setup):
    spec = FILES[setup] if setup else {}
    if callable(spec):
        spec(d)
    else:
        for name, content in spec.items():
            (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())


def _run_case(tmp_path, capsys, setup, args):
    d = tmp_path / "case"
    d.mkdir()
    _prepare(d, setup)
    before = snapshot(tmp_path)
    capsys.readouterr()
    try:
        code = main([a.replace("{d}", str(d)) for a in args])
    except SystemExit as e:         # argparse's own errors
        code = e.code
    out = capsys.readouterr()
    os.chmod(d, 0o755)
    return code, out, before, snapshot(tmp_path)


def _check(code, out, before, after, words):
    lines = out.err.splitlines()
    assert code == 2, (code, out.err, out.out)
    assert len(lines) == 1 and lines[0].startswith("error: "), out.err
    assert "Traceback" not in out.err + out.out
    assert words in lines[0], lines[0]
    assert after == before, "files changed or created"


@pytest.mark.parametrize("setup, args, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, capsys, monkeypatch, setup, args, words):
    monkeypatch.setattr("costmodel.spaces.MAX_SPACE_ENTRIES", 3)     # (10,000 entries take seconds to parse)
    _check(*_run_case(tmp_path, capsys, setup, args), words)


@pytest.mark.parametrize("setup, args, words", [c[1:] for c in NAS_CASES], ids=[c[0] for c in NAS_CASES])
def test_bad_search_input(tmp_path, capsys, setup, args, words):
    pytest.importorskip("torch")
    _check(*_run_case(tmp_path, capsys, setup, args), words)


def test_the_table_is_large_enough():
    assert len(CASES) + len(NAS_CASES) >= 60


def test_secret_never_printed(tmp_path, capsys):
    code, out, _, _ = _run_case(tmp_path, capsys, None, ["build-lut", "--arch", "c64x", "--db",
                                                          "postgresql+psycopg://u:s3cr3t@127.0.0.1:1/x"])
    assert code == 2 and "s3cr3t" not in out.err + out.out


def test_foreign_file_keeps_its_journal_mode(tmp_path, capsys):
    code, _, before, after = _run_case(tmp_path, capsys, "foreign", [*BUILD, "--arch", "c64x"])
    with sqlite3.connect(tmp_path / "case" / "lut.db") as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert code == 2 and before == after
