"""`costmodel sweep`, `table --variant/--by-variant`, `export --variant`, `sweep-pareto` end to end."""
import io
import contextlib

import pandas as pd
import pytest

from conftest import run_cli
from costmodel.cli import main
from sweep_data import write_space, write_sweep


def _main(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("args,msg", [
    (["--set", "levels.GlobalBufer.entries=8"], "no item 'GlobalBufer'"),
    (["--set", "levels.GlobalBuffer.entries=8,-1"], "entries=-1]: levels[1] (GlobalBuffer): key 'entries'"),
    (["--set", "mac.mesh_x=8"], "must be multiples of the innermost level's"),
    (["--set", "mac.mesh_x"], "expected PATH=VALUE"),
    (["--set", "levels.GlobalBuffer.entries=8", "--lowering", "fast"], "unknown lowering 'fast'"),
    (["--set", "levels.GlobalBuffer.entries=8", "--space", "nope"], "unknown space 'nope'"),
    (["--set", "levels.GlobalBuffer.entries=8", "--dask", "http://x"], "--dask 'http://x'"),
    (["--set", "levels.GlobalBuffer.entries=8", "--jobs", "0"], "--jobs 0"),
    (["--set", "levels.GlobalBuffer.entries=8", "--backend", "c64x"], "backend 'c64x' models archs of kind"),
    ([], "no axes"),
])
def test_bad_sweeps_print_one_error_and_write_nothing(tmp_path, args, msg):
    db = tmp_path / "never.db"
    code, out, err = _main("sweep", "--arch", "eyeriss", "--db", db, *args)
    assert code == 2 and msg in err, err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert not db.exists() and out == ""


def test_bad_sweep_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    for text, msg in [("arch: eyeriss\naxes: {x: []}\n", "axes.x"), ("axes: {mac.mesh_x: [8]}\n", "missing key 'arch'"),
                      ("arch: eyeriss\ncolour: red\naxes: {mac.mesh_x: [16]}\n", "unknown key 'colour'")]:
        bad.write_text(text)
        code, _, err = _main("sweep", "--file", bad, "--db", tmp_path / "x.db")
        assert code == 2 and msg in err, err
    code, _, err = _main("sweep", "--file", tmp_path / "absent.yaml", "--db", tmp_path / "x.db")
    assert code == 2 and "packaged sweeps: eyeriss-12" in err
    assert not (tmp_path / "x.db").exists()


def test_sweep_then_table_export_and_pareto(tmp_path):
    db = tmp_path / "s.db"
    code, out, _ = _main("sweep", "--file", write_sweep(tmp_path, sizes=(8, 16), entries=(65536,)), "--db", db,
                         "--set", "levels.GlobalBuffer.read_bandwidth=8,16")
    assert code == 0 and "4 variants of eyeriss" in out and "16 rows added" in out
    name = "eyeriss[pe_array=8x8,levels.GlobalBuffer.entries=65536,levels.GlobalBuffer.read_bandwidth=16]"
    assert name in out

    code, out, _ = _main("export", "--db", db, "--variant", "*pe_array=8x8*=16]")
    df = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(df) == 4 and set(df.variant) == {name}

    code, out, _ = _main("table", "--arch", "eyeriss", "--db", db, "--by-variant")
    assert code == 0 and "compute_cycles at C16 32x32 s1, variants x ops" in out
    legend = [line.split(" = ", 1) for line in out.splitlines() if " = eyeriss[" in line]
    assert [label.strip() for label, _ in legend] == ["v1", "v2", "v3", "v4"] and name in {n for _, n in legend}
    table = [line for line in out.splitlines()[1:] if " = eyeriss[" not in line]
    assert max(len(line) for line in table) <= 100                          # wrapped like `costmodel table`
    assert sum(line.split()[0] in ("v1", "v4") for line in out.splitlines() if line.strip()) >= 2
    code, out, _ = _main("table", "--arch", "eyeriss", "--db", db, "--variant", name)
    assert code == 0 and out.startswith(name) and "sep_conv_3x3" in out
    code, _, err = _main("table", "--arch", "eyeriss", "--db", db, "--variant", "*8x8*")
    assert code == 2 and "matches 2 variants" in err

    png = tmp_path / "p.png"
    code, out, _ = _main("sweep-pareto", "--arch", "eyeriss", "--db", db, "--mode", "cell", "--png", png)
    assert code == 0 and png.stat().st_size > 10_000
    rows = [l for l in out.splitlines()[1:] if "eyeriss[" in l]
    assert len(rows) == 4 and any(l.startswith("*") for l in rows)
    assert "area [mm^2]" in out.splitlines()[0]
    areas = {float(l[1:].split()[2]) for l in rows}        # max cycle, energy, area, PEs, name
    assert len(areas) == 2 and min(areas) > 0                # 8x8 vs 16x16 PEs; a read bandwidth adds no area
    code, _, err = _main("sweep-pareto", "--arch", "eyeriss", "--db", db, "--mode", "network")
    assert code == 2 and "the LUT has no exact row" in err      # the tiny space lacks the network's shapes


def test_sweep_subprocess_entry_point(tmp_path):
    """The installed console script runs a sweep (2 variants, the tiny space) and a rerun reuses every row."""
    db = tmp_path / "sub.db"
    args = ["sweep", "--arch", "eyeriss", "--space", write_space(tmp_path), "--set",
            "levels.GlobalBuffer.entries=16384,65536", "--db", db]
    first = run_cli(*args, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "8 rows added" in first.stdout
    assert "re-derived levels.GlobalBuffer.access_energy_pj: 29.6281 -> 10.3317 pJ (timeloop-v1.0)" in first.stdout
    from costmodel.lut import LUT
    from costmodel.sweep import store
    reg = store.variants(LUT(str(db), create=False), arch="eyeriss")
    energy = {r.variant: store.rebuild_spec(r).level("GlobalBuffer").access_energy_pj for _, r in reg.iterrows()}
    assert energy["eyeriss[levels.GlobalBuffer.entries=16384]"] < energy["eyeriss[levels.GlobalBuffer.entries=65536]"]
    again = run_cli(*args, timeout=300)
    assert again.returncode == 0 and "0 rows added, 8 reused" in again.stdout


def test_an_unreachable_dask_scheduler_is_one_error_before_any_write(tmp_path):
    pytest.importorskip("distributed")
    db = tmp_path / "never.db"
    code, out, err = _main("sweep", "--arch", "eyeriss", "--set", "levels.GlobalBuffer.entries=8192", "--db", db,
                           "--dask", "tcp://127.0.0.1:9", "--dask-timeout", "2")
    assert code == 2 and "--dask tcp://127.0.0.1:9: cannot reach the scheduler" in err, err
    assert not db.exists() and out == "sweep: 1 variants validated; connecting to Dask (tcp://127.0.0.1:9)...\n"
