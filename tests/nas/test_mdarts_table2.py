"""nas.mdarts_table2 (`costmodel reproduce mdarts-table2` (golden: MDARTS Table II bands, Sec. IV-A range 0.5e6..1.7e6).

Uses the embedded Eyeriss backend (analytic, mdarts lowering) for every op cost.
"""
import pytest


def test_table1_costs_give_the_table2_ceiling():
    from nas.mdarts_table2 import eyeriss_table1_cost
    cost = eyeriss_table1_cost()
    # 14 x sep_conv_5x5 (86,016, MDARTS Table I) + 14 x max_pool_3x3 in the reduction cell (36,864)
    assert cost.bounds()[1] == 1_720_320


@pytest.mark.parametrize("band", [(0.5e6, 0.7e6), (0.9e6, 1.1e6)])   # MDARTS Table II, A and B
def test_phase2_alone_reaches_the_band(band):
    """Bands C and D take 26 and 57 rounds at the paper's lr: `costmodel reproduce mdarts-table2` prints them."""
    from nas.mdarts_table2 import derived_max_cycle, eyeriss_table1_cost, project_band
    cost = eyeriss_table1_cost()
    proj, rounds = project_band(cost, band)
    assert proj.inside and band[0] <= float(cost.cost(*proj.alphas)) <= band[1]
    geno, max_cycle = derived_max_cycle(cost, proj.alphas)
    assert 0 < max_cycle <= proj.l_co

