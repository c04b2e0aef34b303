"""nas.mdarts_table2 (`costmodel reproduce mdarts-table2` (golden: MDARTS Table II bands, Sec. IV-A range 0.5e6..1.7e6).

Uses the embedded Eyeriss backend (analytic, mdarts lowering) for every op cost.
"""
import pytest


@pytest.mark.parametrize("arch", ["eyeriss:mdarts-table3", "eyeriss"])
def test_the_ceiling_is_every_edge_at_its_dearest_op(arch):
    """DartsCost's ceiling against op costs asked of the toolkit one by one (not from its tables): it fails if
    the tables miss an op, cost a pool at the wrong stride or an edge twice."""
    from costmodel.darts_net import mdarts_table1_query
    from costmodel.evaluate import evaluate_op
    from nas.mdarts_table2 import eyeriss_table1_cost
    from nas.space import MDARTS_NORMAL, MDARTS_REDUCE
    one = {op: evaluate_op(arch, mdarts_table1_query(op, 16, 32), lowering="mdarts").compute_cycles
           for op in MDARTS_NORMAL + MDARTS_REDUCE}
    cost = eyeriss_table1_cost(arch)
    assert cost.bounds() == (14 * min(one[o] for o in MDARTS_NORMAL) + 14 * min(one[o] for o in MDARTS_REDUCE),
                             14 * max(one[o] for o in MDARTS_NORMAL) + 14 * max(one[o] for o in MDARTS_REDUCE))
    assert max(MDARTS_NORMAL, key=one.get) == "sep_conv_5x5" and one["sep_conv_5x5"] == 86_016   # MDARTS Table I
    # the fitted serial max pool is what makes the max pool the dearest reduction op on the preset only
    assert (max(MDARTS_REDUCE, key=one.get) == "max_pool_3x3") is (arch == "eyeriss:mdarts-table3")


@pytest.mark.parametrize("band", [(0.5e6, 0.7e6), (0.9e6, 1.1e6)])   # MDARTS Table II, A and B
def test_phase2_alone_reaches_the_band(band):
    """Bands C and D take 26 and 57 rounds at the paper's lr: `costmodel reproduce mdarts-table2` prints them."""
    from nas.mdarts_table2 import derived_max_cycle, eyeriss_table1_cost, project_band
    cost = eyeriss_table1_cost()
    proj, rounds = project_band(cost, band)
    assert proj.inside and band[0] <= float(cost.cost(*proj.alphas)) <= band[1]
    geno, max_cycle = derived_max_cycle(cost, proj.alphas)
    assert 0 < max_cycle <= proj.l_co

