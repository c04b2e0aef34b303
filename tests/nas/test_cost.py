"""nas.cost: expected cost (RAPDARTS Eq. 7-9) and the expected critical path vs costmodel.schedule."""
import math
import random

import numpy as np
import pytest
import torch

from costmodel.errors import CostModelError
from costmodel.genotypes import Genotype
from costmodel.schedule import Scheduler
from costmodel.schedule.costs import CostTable
from nas.cost import DartsCost, smooth_max
from nas.genotype import alphas_from_genotype
from nas.space import darts_space, mdarts_space


def random_genotype(rng, normal_ops, reduce_ops):
    def cell(ops):
        return [(rng.choice(ops), i) for j in range(2, 6) for i in sorted(rng.sample(range(j), 2))]
    pick = lambda ops: [o for o in ops if o != "none"]
    return Genotype(cell(pick(normal_ops)), [2, 3, 4, 5], cell(pick(reduce_ops)), [2, 3, 4, 5])


def test_gradient_is_rapdarts_eq8(table1_like):
    torch.manual_seed(0)
    an = torch.randn(14, 7, dtype=torch.float64, requires_grad=True)
    ar = torch.randn(14, 3, dtype=torch.float64, requires_grad=True)
    table1_like.cost(an, ar).backward()
    for a, c in ((an, table1_like.normal_costs[0]), (ar, table1_like.reduce_costs[0])):
        p = torch.softmax(a.detach(), -1)
        # Eq. 8: dE/da_i = sum_l c_l p_l (delta_il - p_i)
        closed = torch.einsum("el,el,eil->ei", c, p, torch.eye(p.shape[1], dtype=p.dtype)[None] - p[:, :, None])
        assert torch.allclose(a.grad, closed, rtol=1e-12, atol=1e-9)


def test_expected_cost_is_the_probability_weighted_sum(table1_like):
    torch.manual_seed(1)
    an, ar = torch.randn(14, 7, dtype=torch.float64), torch.randn(14, 3, dtype=torch.float64)
    want = sum(float((torch.softmax(a, -1) * c).sum()) for a, c in
               ((an, table1_like.normal_costs[0]), (ar, table1_like.reduce_costs[0])))
    assert float(table1_like.cost(an, ar)) == pytest.approx(want, rel=1e-12)
    lo, hi = table1_like.bounds()
    assert (lo, hi) == (0.0, 14 * 86016 + 14 * 36864)


def test_counted_metrics_need_no_arch_and_follow_each_cells_shape():
    dc = DartsCost(darts_space(), metric="params")
    assert dc.normal_costs.shape == (6, 14, 8) and dc.reduce_costs.shape == (2, 14, 8)
    sep3 = darts_space().normal_ops.index("sep_conv_3x3")
    assert float(dc.normal_costs[0, 0, sep3]) == 2 * (16 * 9 + 16 * 16)      # C=16: 2 x (dw 3x3 + pw 1x1)
    assert float(dc.reduce_costs[0, 0, sep3]) == 2 * (32 * 9 + 32 * 32)      # first reduction cell: C=32
    with pytest.raises(CostModelError, match="needs an arch"):
        DartsCost(darts_space(), metric="compute_cycles")


def test_op_cost_override_deffarts_none():
    dc = DartsCost(darts_space(shapes="first-cell"), metric="macs", op_costs={"none": 10 ** 6 - 1})
    assert float(dc.normal_costs[..., 0].min()) == 10 ** 6 - 1


def test_bad_alpha_shape(table1_like):
    with pytest.raises(CostModelError, match="alphas_normal has shape"):
        table1_like.cost(torch.zeros(14, 8), torch.zeros(14, 3))


@pytest.mark.parametrize("seed", range(6))
def test_critical_path_equals_scheduler_mdarts_table3(seed):
    """One-hot alphas of a derived genotype: exactly costmodel.schedule's mdarts-table3 max cycle."""
    rng = random.Random(seed)
    space = darts_space(shapes="mdarts-table1")
    dc = DartsCost(space, arch="c64x", dtype=torch.float64)
    sched = Scheduler(costs=CostTable.from_arch("c64x"), mode="mdarts-table3")
    g = random_genotype(rng, space.normal_ops, space.reduce_ops)
    an, ar, mn, mr = alphas_from_genotype(g, space)
    got = float(dc.critical_path(an, ar, mode="pair"))      # `none` on the dropped edges: no mask needed
    assert got == sched.max_value(g)
    assert float(dc.critical_path(an, ar, mode="pair", edge_weights_normal=mn, edge_weights_reduce=mr)) == got


@pytest.mark.parametrize("seed", range(4))
def test_critical_path_equals_scheduler_cell_mode(seed):
    rng = random.Random(100 + seed)
    space = mdarts_space(shapes="first-cell")         # no `none`: the edge mask says which edges are kept
    dc = DartsCost(space, arch="c64x", dtype=torch.float64)
    costs = CostTable.from_arch("c64x")
    g = random_genotype(rng, space.normal_ops, space.reduce_ops)
    an, ar, mn, mr = alphas_from_genotype(g, space)
    ln, lr = dc.critical_path(an, ar, edge_weights_normal=mn, edge_weights_reduce=mr)
    assert float(ln[0]) == Scheduler(costs=costs, mode="cell", cell="normal").max_value(g)
    assert float(lr[0]) == Scheduler(costs=costs, mode="cell", cell="reduce").max_value(g)


def test_network_mode_chains_cells_like_the_scheduler():
    """Network wiring (c_k-2 / c_k-1) vs the scheduler's network DAG with free stem/preprocessing."""
    space = darts_space(layers=5)
    values = {"none": 0, "skip_connect": 0, "max_pool_3x3": 7, "avg_pool_3x3": 5, "sep_conv_3x3": 31,
              "sep_conv_5x5": 53, "dil_conv_3x3": 17, "dil_conv_5x5": 29, "conv_3x3": 0, "conv_1x1": 0,
              "factorized_reduce": 0}
    row = [values[o] for o in space.normal_ops]
    dc = DartsCost(space, normal=[row] * 14, reduce=[row] * 14, dtype=torch.float64)
    sched = Scheduler(costs=CostTable.from_values(values), mode="network", layers=5)
    rng = random.Random(7)
    for _ in range(5):
        g = random_genotype(rng, space.normal_ops, space.reduce_ops)
        an, ar, _, _ = alphas_from_genotype(g, space)
        assert float(dc.critical_path(an, ar, mode="network")) == sched.max_value(g)


def test_smooth_max_tends_to_the_exact_max(table1_like):
    torch.manual_seed(3)
    an, ar = torch.randn(14, 7, dtype=torch.float64), torch.randn(14, 3, dtype=torch.float64)
    hard = float(table1_like.critical_path(an, ar, mode="pair"))
    slack = sum(math.log(n) for n in (2, 3, 4, 5, 4)) * 2      # two cells of nested smooth maxima
    prev = None
    for t in (1000.0, 100.0, 10.0, 1.0, 1e-3):
        soft = float(table1_like.critical_path(an, ar, mode="pair", temperature=t))
        assert hard <= soft <= hard + t * slack
        assert prev is None or soft <= prev + 1e-6
        prev = soft
    assert prev == pytest.approx(hard, abs=0.05)


def test_critical_path_is_differentiable_and_vectorised(table1_like):
    an = torch.zeros(14, 7, dtype=torch.float64, requires_grad=True)
    ar = torch.zeros(14, 3, dtype=torch.float64, requires_grad=True)
    table1_like.critical_path(an, ar, mode="pair", temperature=100.0).backward()
    assert an.grad.abs().sum() > 0 and torch.isfinite(an.grad).all()
    # skip (cost 0) is the cheapest op: raising its logit lowers the critical path
    assert float(an.grad[:, 0].sum()) < 0


def test_float32_and_devices(table1_like):
    dc = table1_like.to(torch.float32)
    an, ar = torch.zeros(14, 7), torch.zeros(14, 3)
    assert dc.cost(an, ar).dtype == torch.float32
    if torch.cuda.is_available():
        dcc = dc.to("cuda")
        assert float(dcc.cost(an.cuda(), ar.cuda())) == pytest.approx(float(dc.cost(an, ar)))


def test_smooth_max_helper():
    x = torch.tensor([1.0, 5.0, 3.0])
    assert float(smooth_max(x, 0)) == 5.0
    assert 5.0 < float(smooth_max(x, 0.5)) <= 5.0 + 0.5 * np.log(3)


def test_modes_guard(table1_like):
    an, ar = torch.zeros(14, 7), torch.zeros(14, 3)
    with pytest.raises(CostModelError, match="needs shapes='network'"):
        table1_like.critical_path(an.double(), ar.double(), mode="network")
    with pytest.raises(CostModelError, match="unknown critical-path mode"):
        table1_like.critical_path(an.double(), ar.double(), mode="tree")


def test_tables_fill_and_reuse_the_lut(tmp_path):
    """Missing LUT rows are computed and stored; a second DartsCost reads them back (same numbers)."""
    from costmodel.lut import LUT
    lut = LUT(str(tmp_path / "lut.db"))
    space = darts_space(shapes="first-cell")
    first = DartsCost(space, lut=lut, arch="c64x")
    n = len(lut)
    assert n > 0 and set(lut.query(arch="c64x").op) <= set(space.normal_ops)
    again = DartsCost(space, lut=lut, arch="c64x")
    assert len(lut) == n
    assert torch.equal(first.normal_costs, again.normal_costs) and torch.equal(first.reduce_costs, again.reduce_costs)


def test_energy_needs_an_energy_model_and_has_no_critical_path(table1_like):
    with pytest.raises(CostModelError, match="no energy model"):
        DartsCost(darts_space(shapes="first-cell"), arch="c64x", metric="energy_pj")
    energy = DartsCost(table1_like.space, normal=table1_like.normal_costs, reduce=table1_like.reduce_costs,
                       metric="energy_pj")
    with pytest.raises(CostModelError, match="no critical path"):
        energy.critical_path(torch.zeros(14, 7), torch.zeros(14, 3), mode="pair")


@pytest.mark.parametrize("seed", range(3))
def test_network_mode_equals_the_scheduler_with_real_costs(seed):
    """Whole network at real shapes, stem and preprocessing included: costmodel.schedule mode network."""
    space = darts_space(layers=5, c=8)
    dc = DartsCost(space, arch="c64x", dtype=torch.float64)
    sched = Scheduler("c64x", mode="network", layers=5, c=8, hw=32)
    g = random_genotype(random.Random(200 + seed), space.normal_ops, space.reduce_ops)
    an, ar, _, _ = alphas_from_genotype(g, space)
    assert float(dc.critical_path(an, ar, mode="network")) == sched.max_value(g)
