"""Golden: MDARTS (paper 000) Table I, 12/12 compute cycles exact (mdarts lowering, analytic backend)."""
from costmodel.reproduce import render, run

# MDARTS Table I ("Comparison of the first cell's cycle with two different ASICs").
PUBLISHED = {
    ("eyeriss", "dw_conv_3x3"): 12288, ("eyeriss", "dw_conv_5x5"): 40960, ("eyeriss", "sep_conv_3x3"): 28672,
    ("eyeriss", "sep_conv_5x5"): 86016, ("eyeriss", "dil_conv_3x3"): 15920, ("eyeriss", "dil_conv_5x5"): 53888,
    ("diannao", "dw_conv_3x3"): 9216, ("diannao", "dw_conv_5x5"): 25600, ("diannao", "sep_conv_3x3"): 20480,
    ("diannao", "sep_conv_5x5"): 53248, ("diannao", "dil_conv_3x3"): 11428, ("diannao", "dil_conv_5x5"): 33424,
}


def test_table1_twelve_of_twelve():
    rows = run("mdarts-table1")
    assert {tuple(r.label.split()) : r.computed for r in rows} == PUBLISHED
    assert render("mdarts-table1", rows).splitlines()[-1] == "mdarts-table1: 12/12 published numbers reproduced"


def test_table1_cli(cli):
    out = cli("reproduce", "mdarts-table1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "mdarts-table1: 12/12 published numbers reproduced"
