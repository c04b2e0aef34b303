"""A ShapedLayer (any problem shape) through the backends: analytic (the embedded mapper on the shape),
c64x (MAC-count formulas), and the real timeloop-mapper (legacy files with the shape inline; real_tools)."""
import pytest

from costmodel.arch import load_arch
from costmodel.backends.analytic import AnalyticBackend
from costmodel.backends.c64x import C64xBackend
from costmodel.backends.timeloop import TimeloopBackend
from costmodel.errors import CostModelError
from costmodel.loopnest.mapper import search
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.problem import Problem
from costmodel.timeloop.emit import files_for
from costmodel.timeloop.runner import find_toolchain
from costmodel.workload import ShapedLayer

QK = ShapedLayer("qk", "batched-gemm", (("H", 4), ("M", 64), ("N", 64), ("K", 16)))   # q @ k^T, 4 heads


def test_attention_scores_on_the_analytic_backend():
    spec = load_arch("diannao")
    cost = AnalyticBackend().evaluate(QK, spec)
    assert cost.status == "ok", cost.message
    assert cost.macs == QK.macs == 4 * 64 * 64 * 16 == 262_144 and QK.outputs == 4 * 64 * 64
    res = search(Problem.from_layer(QK), spec)
    assert (cost.cycles, cost.compute_cycles, cost.energy_pj) == (res.cycles, res.compute_cycles, res.energy_pj)
    again = evaluate(Problem.from_layer(QK), spec, cost.mapping)
    assert (again.cycles, again.energy_pj) == (cost.cycles, pytest.approx(cost.energy_pj, rel=1e-12))


def test_a_shaped_layer_is_checked_and_reaches_c64x():
    with pytest.raises(CostModelError, match="impossible shape"):
        ShapedLayer("bad", "gemm", (("M", 0), ("N", 2), ("K", 2)))
    with pytest.raises(CostModelError, match="no bound for dimension"):
        Problem.from_layer(ShapedLayer("bad", "gemm", (("M", 2), ("N", 2))))
    c = C64xBackend().evaluate(ShapedLayer("mm", "gemm", (("M", 8), ("N", 4), ("K", 16))), load_arch("c64x"))
    assert c.status == "ok" and c.macs == 8 * 4 * 16


def test_the_timeloop_files_carry_the_shape():
    files = files_for(QK, load_arch("diannao"), "legacy")
    assert "Batched-GEMM" in files["problem.yaml"] and "H: 4" in files["problem.yaml"]
    assert " C" not in files["constraints.yaml"].replace("Constraint", "")
    with pytest.raises(CostModelError, match="legacy"):
        files_for(QK, load_arch("diannao"), "v0.4")


@pytest.mark.real_tools
@pytest.mark.skipif(find_toolchain() is None, reason="timeloop-mapper is not on PATH")
@pytest.mark.parametrize("layer", [ShapedLayer("mm", "gemm", (("M", 24), ("N", 48), ("K", 64))),
                                   ShapedLayer("c1", "conv1d-oc", (("K", 16), ("R", 3), ("P", 30)))])
def test_live_timeloop_on_a_shape_agrees_with_the_model(layer):
    spec = load_arch("diannao")
    tl = TimeloopBackend(fmt="legacy", timeout_s=900).evaluate(layer, spec)
    assert tl.status == "ok", tl.message
    ours = evaluate(Problem.from_layer(layer), spec, tl.mapping)          # the model on Timeloop's mapping
    assert (ours.cycles, ours.compute_cycles) == (tl.cycles, tl.compute_cycles)
    assert ours.energy_pj == pytest.approx(tl.energy_pj, rel=1e-6)
    best = AnalyticBackend().evaluate(layer, spec)
    assert best.energy_pj * best.cycles <= tl.energy_pj * tl.cycles * (1 + 1e-6)
