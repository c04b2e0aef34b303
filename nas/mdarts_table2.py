"""MDARTS Table II: phase 2 alone (projection into the QoS band) on Eyeriss Table I costs.

Every number comes from the toolkit: the per-op costs of all 28 supernet edges (14 normal +
14 reduction, MDARTS search space, one cost per op at the first cell's shape C=16, 32x32:
pools at stride 2, other ops at stride 1, as `costmodel schedule --mode mdarts-table3` costs them) are Eyeriss compute cycles
from `evaluate_op(..., lowering="mdarts")` (through `nas.DartsCost`), L_co is their expected
sum, and phase 2 is `nas.losses.project_to_band` with the paper's settings (Adam lr 3e-4,
betas (0.5, 0.999), wd 1e-3, u_max = 100 steps per round) from random DARTS-initialised alphas
(1e-3 * N(0, 1), seed 0), repeated round after round (one round per search epoch) until L_co
is inside the band. The derived genotype's maximum cycle uses the MDARTS Table III rule.

The costs are the paper's: arch preset ``eyeriss:mdarts-table3``, whose serial max-pool constant
(1 comparison/cycle for the array) is FITTED to MDARTS Table III; the default physical pool model
(arch ``eyeriss``) gives a lower ceiling, shown beside it.

Published: Table II's bands (inputs, C_L..C_H x 10^6) and the range they tile, 0.5e6..1.7e6
(Sec. IV-A). The ceiling of L_co (every normal edge sep_conv_5x5, every reduction edge its
dearest op) is compared at full precision with the published 1.7e6 -- a two-digit range bound,
so it is shown with its ratio and not claimed. The L_co reached and the derived genotypes are not
published (listed as such).
Needs torch (the `nas` extra) and the Eyeriss backend. Registered with `costmodel reproduce` through
the ``costmodel.reproduce`` entry-point group (pyproject.toml): costmodel never imports nas.
"""
from __future__ import annotations

from costmodel.errors import CostModelError
from costmodel.reproduce import Row

PRESET, DEFAULT = "eyeriss:mdarts-table3", "eyeriss"

TABLE2_BANDS = {"A": (0.5e6, 0.7e6), "B": (0.9e6, 1.1e6), "C": (1.1e6, 1.3e6), "D": (1.5e6, 1.7e6)}  # MDARTS Table II
TABLE2_CEILING = 1.7e6       # MDARTS Sec. IV-A: bounds "in the range of 0.5x10^6 to 1.7x10^6"
MAX_ROUNDS = 100             # phase-2 rounds allowed (the paper searches 50 epochs, one round each)


def eyeriss_table1_cost(arch: str = PRESET):
    """DartsCost over the 28 MDARTS supernet edges at the first cell's shapes (Eyeriss, mdarts lowering)."""
    try:
        from .cost import DartsCost
    except ImportError as e:
        from costmodel.extras import from_import_error, missing
        raise (from_import_error(e, "mdarts-table2") or missing("torch", "mdarts-table2")) from None
    from .space import mdarts_space
    return DartsCost(mdarts_space(shapes="mdarts-table1"), arch=arch, metric="compute_cycles", lowering="mdarts")


def project_band(cost, band, seed: int = 0, max_rounds: int = MAX_ROUNDS):
    """Phase 2 alone from random alphas (paper settings): (projection, rounds used)."""
    from .losses import phase2_from_random
    return phase2_from_random(cost, band, seed=seed, max_rounds=max_rounds)


def derived_max_cycle(cost, alphas) -> tuple:
    from .genotype import derive_genotype
    from .search import actual_max_cycle
    geno = derive_genotype(alphas[0], alphas[1], cost.space)
    return geno, actual_max_cycle(cost, geno)


def table2_rows():
    """MDARTS Table II: QoS bands reached by phase-2 projection alone, fitted preset eyeriss:mdarts-table3 [cycles]."""
    from costmodel.reproduce import preset_row
    cost = eyeriss_table1_cost()          # a clear error first if torch (the nas extra) is missing
    from .genotype import count_skips
    costs = {PRESET: cost}
    ceiling = preset_row("L_co ceiling [cycles]", TABLE2_CEILING,
                         lambda arch: (costs.get(arch) or eyeriss_table1_cost(arch)).bounds()[1], PRESET, DEFAULT,
                         f"a two-digit range bound in the paper, not claimed; floor {cost.bounds()[0]:,.0f}")
    rows = [ceiling]
    for name, band in TABLE2_BANDS.items():
        proj, rounds = project_band(cost, band)
        geno, mc = derived_max_cycle(cost, proj.alphas)
        inside = "inside" if proj.inside else "NOT inside"
        rows.append(Row(f"{name}: L_co reached, band [{band[0] / 1e6:.1f}, {band[1] / 1e6:.1f}]e6", None, round(proj.l_co),
                        f"{inside} after {rounds} round(s) x {proj.steps} Adam steps", arch=PRESET))
        rows.append(Row(f"{name}: derived genotype max cycle (mdarts-table3 rule)", None, mc,
                        f"{count_skips(geno, 'normal')} skips in normal cell", arch=PRESET))
    return rows


