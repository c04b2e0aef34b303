"""The `costmodel` entry point: in-process `main([...])` for most cases (the `cli` fixture), real subprocesses
for the end-to-end ones (`run_cli`: build, kill and resume, jobs); real SQLite files throughout."""
import json
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import run_cli


def rows(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from op_costs").fetchone()[0]


def test_build_then_rebuild_reuses_every_row(tmp_path):
    db = tmp_path / "lut.db"
    first = run_cli("build-lut", "--arch", "c64x", "--db", db)
    assert first.returncode == 0, first.stderr
    n = rows(db)
    assert n > 50 and f"{n} rows added, 0 reused, 0 failed" in first.stdout
    second = run_cli("build-lut", "--arch", "c64x", "--db", db)
    assert f"0 rows added, {n} reused, 0 failed" in second.stdout and rows(db) == n


def test_jobs_give_the_same_rows(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert run_cli("build-lut", "--arch", "c64x", "--db", a).returncode == 0
    assert run_cli("build-lut", "--arch", "c64x", "--db", b, "--jobs", "2").returncode == 0
    query = "select op, c_in, c_out, h, stride, cycles from op_costs order by op, c_in, c_out, h, stride"
    with sqlite3.connect(a) as ca, sqlite3.connect(b) as cb:
        assert ca.execute(query).fetchall() == cb.execute(query).fetchall()


def test_dry_run_writes_nothing(cli, tmp_path):
    db = tmp_path / "lut.db"
    out = cli("build-lut", "--arch", "c64x", "--db", db, "--dry-run")
    assert out.returncode == 0 and "would compute sep_conv_3x3" in out.stdout and not db.exists()


@pytest.mark.slow
def test_killed_build_resumes(tmp_path):
    # a space big enough that the build is still running when it is killed
    space = tmp_path / "big.yaml"
    entries = "\n".join(f"  - {{op: conv, c_in: {c}, hw: 8, c_out: 8, kernel: 3}}" for c in range(1, 801))
    space.write_text(f"name: big\nextra:\n{entries}\n")
    db = tmp_path / "lut.db"
    proc = subprocess.Popen(["costmodel", "build-lut", "--arch", "c64x", "--space", str(space), "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and (not db.exists() or _safe_rows(db) < 100):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = _safe_rows(db)
    assert 100 <= done < 800, "the build finished before it could be killed"
    again = run_cli("build-lut", "--arch", "c64x", "--space", space, "--db", db)
    assert again.returncode == 0
    assert f"{800 - done} rows added, {done} reused, 0 failed" in again.stdout
    assert rows(db) == 800


def _safe_rows(db):
    try:
        return rows(db)
    except sqlite3.Error:
        return 0


def test_query_and_export(cli, tmp_path):
    db = tmp_path / "lut.db"
    out = cli("query", "--arch", "c64x", "--op", "dil_conv_3x3", "--hw", "32", "--c-in", "3", "--db", db)
    assert out.returncode == 0 and "184,320" in out.stdout and "computed now" in out.stdout
    again = cli("query", "--arch", "c64x", "--op", "dil_conv_3x3", "--hw", "32", "--c-in", "3", "--db", db)
    assert "(LUT)" in again.stdout
    csv = cli("export", "--format", "csv", "--db", db)
    assert csv.stdout.splitlines()[0].startswith("id,arch,spec_hash") and "dil_conv_3x3" in csv.stdout
    records = json.loads(cli("export", "--format", "json", "--db", db).stdout)
    assert records[0]["cycles"] == 184320 and records[0]["status"] == "ok"


def test_table_shows_the_rows_of_the_current_spec(cli, tmp_path):
    from costmodel.evaluate import evaluate_op
    from costmodel.ops import OpQuery
    db = tmp_path / "lut.db"
    assert cli("build-lut", "--arch", "c64x", "--db", db).returncode == 0
    with sqlite3.connect(db) as conn:   # a stale row (an older spec hash), first in id order
        conn.execute("insert into op_costs (id, arch, spec_hash, backend, lowering, op, n, c_in, c_out, h, w, kernel, "
                     "stride, dilation, groups, padding, cycles, compute_cycles, macs, status) values "
                     "(0, 'c64x', '000000000000', 'c64x-1', 'exact', 'dil_conv_3x3', 1, 16, 16, 32, 32, 3, 1, 2, 16, "
                     "2, 7, 7, 7, 'ok')")
    out = cli("table", "--arch", "c64x", "--metric", "cycles", "--db", db)
    assert out.returncode == 0, out.stderr
    header = next(l for l in out.stdout.splitlines() if l.startswith("shape "))
    line = next(l for l in out.stdout.splitlines() if l.startswith("dil_conv_3x3 "))
    column = (header.split().index("C16") - 1) // 3   # after the "shape" label, each cell is "C16 32x32 s1"
    expected = evaluate_op("c64x", OpQuery("dil_conv_3x3", 16, 32)).cycles
    assert line.split()[1 + column] == f"{expected:,}"
    bad = cli("table", "--arch", "c64x", "--lowering", "mdarts", "--db", db)
    assert bad.returncode == 2 and bad.stderr.startswith("error: the LUT has no rows")


def test_archs_lists_the_targets():
    out = run_cli("archs")
    assert out.returncode == 0 and "c64x" in out.stdout and "deffarts-table2" in out.stdout


def test_reproduce_deffarts_table2_end_to_end(cli):
    out = cli("reproduce", "deffarts-table2")
    assert out.returncode == 0
    assert out.stdout.splitlines()[-1] == "deffarts-table2: 6/6 published numbers reproduced: 5/6 as printed, 1 against a corrected typo (1 with fitted presets)"
    assert "368,340" in out.stdout  # the paper's typo is flagged


@pytest.mark.parametrize("args, words", [
    (["query", "--arch", "tpu", "--op", "conv_1x1", "--hw", "8", "--c-in", "4"], "unknown arch 'tpu'"),
    (["query", "--arch", "c64x", "--op", "conv_9x9", "--hw", "8", "--c-in", "4"], "unknown op 'conv_9x9'"),
    (["query", "--arch", "c64x", "--op", "sep_conv_5x5", "--hw", "0", "--c-in", "4"], "impossible shape"),
    (["query", "--arch", "c64x", "--op", "conv", "--kernel", "3", "--groups", "3", "--hw", "8", "--c-in", "4"],
     "groups"),
    (["query", "--arch", "c64x", "--op", "sep_conv_3x3", "--kernel", "5", "--hw", "8", "--c-in", "4"],
     "fixes kernel = 3"),
    (["query", "--arch", "c64x", "--op", "conv_1x1"], "required: --hw, --c-in"),
    (["query", "--arch", "c64x", "--op", "conv_1x1", "--hw", "8", "--c-in", "4", "--lowering", "fast"],
     "invalid choice: 'fast'"),
    (["build-lut", "--arch", "c64x", "--jobs", "0"], "--jobs 0"),
    (["query", "--arch", "eyeriss", "--backend", "c64x", "--op", "conv_1x1", "--hw", "8", "--c-in", "4"],
     "models archs of kind 'dsp'"),
    (["reproduce", "no-such-table"], "unknown table"),
])
def test_bad_input_is_one_line_and_exit_2(cli, tmp_path, args, words):
    db = tmp_path / "lut.db"
    out = cli(*args, "--db", db) if args[0] == "query" else cli(*args)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and words in out.stderr
    assert not db.exists()


def test_malformed_space_and_spec(cli, tmp_path):
    space = tmp_path / "s.yaml"
    space.write_text("ops: [sep_conv_3x3\n")
    out = cli("build-lut", "--arch", "c64x", "--space", space, "--db", tmp_path / "x.db")
    assert out.returncode == 2 and "malformed YAML" in out.stderr and not (tmp_path / "x.db").exists()
    spec = tmp_path / "dsp.yaml"
    spec.write_text("name: dsp\nkind: dsp\nop_cycles: {mul: 4}\n")
    out = cli("build-lut", "--arch", spec, "--db", tmp_path / "x.db")
    assert out.returncode == 2 and "missing key 'layer_ops'" in out.stderr


def test_unusable_paths_are_one_line_errors(cli, tmp_path):
    out = cli("query", "--arch", "c64x", "--op", "conv_1x1", "--hw", "8", "--c-in", "4", "--db", tmp_path)
    assert out.returncode == 2 and out.stderr.startswith("error:") and "is a folder" in out.stderr
    db = tmp_path / "lut.db"
    assert cli("query", "--arch", "c64x", "--op", "conv_1x1", "--hw", "8", "--c-in", "4", "--db", db).returncode == 0
    out = cli("export", "--db", db, "--out", tmp_path / "no" / "such" / "dir.csv")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "cannot write" in out.stderr


def test_not_a_lut_file_is_left_alone(cli, tmp_path):
    bad = tmp_path / "data.db"
    bad.write_bytes(b"\x00not sqlite at all" * 10)
    out = cli("build-lut", "--arch", "c64x", "--db", bad)
    assert out.returncode == 2 and "not a LUT" in out.stderr
    assert bad.read_bytes() == b"\x00not sqlite at all" * 10


def test_a_timeloop_config_builds_its_lut_and_names_what_it_cannot_express(cli, tmp_path):
    """eyeriss-1024.cfg (a Timeloop v1.0 config: no pool model) on darts-search: every MAC op costed, each max
    pool stored as not expressible and said once; not a failure (exit 0)."""
    from costmodel.resources import reference_dir
    cfg = reference_dir() / "timeloop-v1.0-configs" / "configs" / "eyeriss-1024.cfg"
    db = tmp_path / "lut.db"
    out = cli("build-lut", "--arch", cfg, "--db", db)
    assert out.returncode == 0, out.stderr
    assert "74 rows added, 0 reused, 0 failed; 5 not expressible on this arch" in out.stdout
    assert out.stderr.count("not-expressible: max_pool_3x3") == 5 and "has no 'pool' section" in out.stderr
    assert rows(db) == 79
