"""Golden data = what the REAL tools made of our files (tests/data/timeloop/, bench/timeloop_interop.py).

Always run: the recorded outputs are checked against our spec, the in-repo reference and the embedded
backend. Marked `real_tools`: the same checks live, when timeloop-mapper (v1.0) / timeloopfe are installed
(timeloopfe via $COSTMODEL_TIMELOOPFE_PYTHON when it lives in a venv of its own); skipped otherwise.
"""
import csv
import tempfile
from pathlib import Path

import pytest
import yaml

from costmodel.arch.registry import load_arch
from costmodel.backends.analytic import AnalyticBackend
from costmodel.backends.timeloop import TimeloopBackend
from costmodel.commands.specs import write_specs
from costmodel.ops import OpQuery
from costmodel.resources import reference_dir
from costmodel.timeloop import file_data, files_for, read_stats
from costmodel.arch.formats.constraints import restricted
from costmodel.timeloop.problem import from_v04_dim, layer_from_instance, problem_dims
from costmodel.timeloop.runner import find_toolchain, timeloopfe_python
from costmodel.arch.formats.v04 import read_transpiled
from costmodel.timeloop.validate import check_timeloopfe
from costmodel.workload import Layer

DATA = Path(__file__).resolve().parents[2] / "data" / "timeloop"
INDEX = {(r["arch"], r["problem_id"]): r for r in csv.DictReader(open(reference_dir() / "timeloop-v1.0" / "index.csv"))}


def _rows(name):
    return list(csv.DictReader(open(DATA / name)))


def _layer(r) -> Layer:
    return layer_from_instance(r, r.get("problem_id", "layer"))


def test_every_emitted_v04_folder_passed_timeloopfe_and_the_matrix_is_current(tmp_path):
    rows = _rows("timeloopfe_folders.csv")
    assert len(rows) == 68 and all(r["timeloopfe"] == "ok" for r in rows)
    for arch in ("eyeriss", "diannao"):
        for op, stride, low in sorted({(r["op"], int(r["stride"]), r["lowering"]) for r in rows if r["arch"] == arch}):
            folders = [f.name for _, f, _ in write_specs(load_arch(arch), OpQuery(op, 16, 32, stride=stride).resolved(),
                                                         low, tmp_path / f"{arch}{op}{stride}{low}", ("v0.4",)) if f]
            assert folders == [r["layer"] for r in rows if (r["arch"], r["op"], int(r["stride"]), r["lowering"])
                               == (arch, op, stride, low)]


def _perm_without_unit_dims(perm, ours, problem):
    """timeloopfe completes a permutation with the dims of bound 1 (cost-neutral); drop those it added."""
    return "".join(d for d in perm if d in ours or problem.get({"K": "M"}.get(d, d), 1) != 1)


@pytest.mark.parametrize("folder", sorted(p.name for p in (DATA / "timeloopfe").iterdir()))
def test_timeloopfe_transpiled_our_files_into_the_same_hardware(folder):
    doc = yaml.safe_load((DATA / "timeloopfe" / folder / "parsed-processed-input.yaml").read_text())
    arch = folder.split("_")[0]
    spec = load_arch(arch)
    inst = {k: v for k, v in doc["problem"]["instance"].items() if k != "densities"}   # timeloopfe's default
    layer = layer_from_instance({from_v04_dim(k): v for k, v in inst.items()})
    ours = restricted(spec, problem_dims(layer))
    got = read_transpiled(doc, extras=spec.extras())
    for a, b in zip(got.levels, ours.levels):
        assert _perm_without_unit_dims(a.temporal.permutation, b.temporal.permutation, inst) == b.temporal.permutation
    assert [(lv.name, lv.entries, lv.instances, lv.mesh_x, lv.access_energy_pj, lv.keep, lv.temporal.factors,
             lv.spatial) for lv in got.levels] == \
        [(lv.name, lv.entries, lv.instances, lv.mesh_x, lv.access_energy_pj, lv.keep, lv.temporal.factors,
          lv.spatial) for lv in ours.levels]
    assert got.mac == spec.mac
    tl = {k: v for k, v in got.mapper["timeloop"].items() if not (k == "live-status" and v is False)}
    assert tl == {k: v for k, v in spec.mapper["timeloop"].items() if not (k == "live-status" and v is False)}
    emitted = file_data(layer, spec, "v0.4")
    assert inst == emitted["problem.yaml"]["problem"]["instance"]
    assert doc["ERT"] == emitted["ERT.yaml"]["ERT"]


def test_real_timeloop_v1_on_our_legacy_files_gave_the_reference_numbers():
    rows = _rows("v1.0_reference_runs.csv")
    assert len(rows) == len(INDEX) == 52
    for r in rows:
        ref = INDEX[(r["arch"], r["problem_id"])]
        assert r["status"] == "ok", r
        assert (int(r["cycles"]), int(r["compute_cycles"])) == (int(ref["total_cycles"]), int(ref["compute_cycles"]))
        assert float(r["energy_pJ"]) == pytest.approx(float(ref["energy_pJ"]), rel=1e-9)


def test_real_timeloop_on_new_shapes_equals_the_embedded_backend_or_loses_to_it():
    rows = _rows("v1.0_new_shapes.csv")
    assert len(rows) == 12
    for r in rows:
        emb = AnalyticBackend().evaluate(_layer(r), load_arch(r["arch"]))
        real = (int(r["cycles"]), int(r["compute_cycles"]), float(r["energy_pJ"]))
        if r["same_as_embedded"] == "1":
            assert (emb.cycles, emb.compute_cycles) == real[:2] and emb.energy_pj == pytest.approx(real[2], abs=0.0051)
        else:   # the stock heuristic stopped early: the exact mapper may beat it on EDP, never lose
            assert emb.energy_pj * emb.cycles < real[2] * real[0] * (1 - 1e-6)
            if r.get("exhaustive_cycles"):       # and Timeloop's own exhaustive search agrees with the embedded mapper
                assert emb.cycles == int(r["exhaustive_cycles"])
                assert emb.energy_pj == pytest.approx(float(r["exhaustive_energy_pJ"]), abs=0.0051)


needs_timeloop = pytest.mark.skipif(find_toolchain() is None, reason="timeloop-mapper is not on PATH")
needs_timeloopfe = pytest.mark.skipif(timeloopfe_python() is None,
                                      reason="timeloopfe not importable (set $COSTMODEL_TIMELOOPFE_PYTHON)")


@pytest.mark.real_tools
@needs_timeloop
@pytest.mark.parametrize("arch", ["eyeriss", "diannao"])
def test_live_timeloop_v1_reproduces_the_reference_table1_pw(arch):
    ref = INDEX[(arch, "t1_pw")]
    c = TimeloopBackend(fmt="legacy", timeout_s=900).evaluate(_layer(ref), load_arch(arch))
    assert c.status == "ok", c.message
    assert (c.cycles, c.compute_cycles) == (int(ref["total_cycles"]), int(ref["compute_cycles"]))
    assert c.energy_pj == pytest.approx(float(ref["energy_pJ"]), rel=1e-9)


@pytest.mark.real_tools
@needs_timeloopfe
def test_live_timeloopfe_accepts_an_emitted_folder():
    with tempfile.TemporaryDirectory() as tmp:
        q = OpQuery("sep_conv_3x3", 16, 32).resolved()
        written = write_specs(load_arch("diannao"), q, "exact", Path(tmp), ("v0.4",))
        assert check_timeloopfe(written[0][1] / "v0.4", timeloopfe_python()) is None


@pytest.mark.parametrize("arch", ["eyeriss", "diannao"])
def test_real_timeloop_stats_on_our_files_are_byte_identical_to_the_stock_run(arch):
    """tests/data/timeloop/v1.0_runs/<arch>_t1_pw: our legacy files (as we emit them today) and what real
    Timeloop v1.0 wrote for them; the stats equal the stock reference run's (reference/timeloop-v1.0)."""
    run = DATA / "v1.0_runs" / f"{arch}_t1_pw"
    ref = INDEX[(arch, "t1_pw")]
    for name, text in files_for(_layer(ref), load_arch(arch), "legacy").items():
        assert (run / name).read_text() == text, name
    stock = reference_dir() / "timeloop-v1.0" / "problems" / arch / "t1_pw"
    for out in ("timeloop-mapper.stats.txt", "timeloop-mapper.map.txt"):
        assert (run / out).read_bytes() == (stock / out).read_bytes(), out
    assert read_stats(run / "timeloop-mapper.stats.txt").compute_cycles == int(ref["compute_cycles"])
