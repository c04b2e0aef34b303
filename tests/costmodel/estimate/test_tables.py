"""The shipped tables are what the tools gave: every table carries its provenance; fresh runs of CACTI and of
the Accelergy Library plug-in at a few points (tests/data/estimate, re-run separately) equal the table and what
the estimator returns there; between points the estimator interpolates, never extrapolates to nonsense."""
import csv
import math
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from costmodel.errors import CostModelError
from costmodel.estimate import estimate, tables

DATA = Path(__file__).resolve().parents[2] / "data" / "estimate"


def rows(name):
    return list(csv.DictReader(l for l in (DATA / name).read_text().splitlines() if not l.startswith("#")))


@pytest.mark.parametrize("name,tool", [("cacti_sram.csv", "CACTI 7 (HewlettPackard/cacti commit"),
                                       ("accelergy_library.csv", "Accelergy Library plug-in"),
                                       ("accelergy_dram.csv", "Accelergy CACTI plug-in"),
                                       ("accelergy_aladdin_fpmac.csv", "Accelergy Aladdin plug-in")])
def test_every_table_names_its_tool_commit_and_date(name, tool):
    header, body = tables.load(name)
    assert header[0].startswith(tool) and "commit" in header[0] and body
    assert any("2026-" in h for h in header) or "2026-" in " ".join(header)


@pytest.mark.parametrize("r", rows("cacti_rerun.csv"),
                         ids=lambda r: f"{r['technology_nm']}nm-{r['width_bits']}x{r['depth']}-{r['n_banks']}b-{r['n_rw_ports']}p")
def test_cacti_reruns_equal_the_table_and_the_estimator(r):
    node, width, depth, banks = float(r["technology_nm"]), int(r["width_bits"]), int(r["depth"]), int(r["n_banks"])
    ports = int(r["n_rw_ports"])
    shipped = next(s for s in tables.load("cacti_sram.csv")[1] if (s["technology_nm"], s["width_bits"], s["depth"],
                                                                   s["n_banks"], s["n_rw_ports"]) ==
                   (node, width, depth, banks, ports))
    for col in ("read_pj", "write_pj", "leak_mw_per_bank", "area_mm2", "cycle_ns"):
        assert shipped[col] == float(r[col]), col
    e = estimate("SRAM", {"width": width, "depth": depth, "technology": f"{node:g}nm", "n_banks": banks,
                          "n_rdwr_ports": ports})
    assert e.energy.read == pytest.approx(float(r["read_pj"]), rel=1e-12)
    assert e.energy.write == e.energy.update == pytest.approx(float(r["write_pj"]), rel=1e-12)
    assert e.area_mm2 == pytest.approx(float(r["area_mm2"]), rel=1e-12)
    leak_pj = float(r["leak_mw_per_bank"]) * banks * 1e-9 * 1e9            # every bank, 1 ns cycle
    assert e.energy.leak == pytest.approx(leak_pj, rel=1e-12)


@pytest.mark.parametrize("r", rows("accelergy_library_rerun.csv"),
                         ids=lambda r: f"{r['component_class']}-{r['technology_nm']}-{r['width_bits']}x{r['depth']}")
def test_accelergy_reruns_equal_the_estimator(r):
    node, width = r["technology_nm"], int(r["width_bits"])
    if r["component_class"] == "regfile":
        e = estimate("regfile", {"width": width, "depth": int(r["depth"]), "technology": f"{node}nm"})
        assert e.energy.write == pytest.approx(float(r["write_pj"]), rel=1e-12)
    else:
        e = estimate("intmac", {"width": width, "technology": f"{node}nm"})
    assert e.energy.read == pytest.approx(float(r["read_pj"]), rel=1e-12)
    assert e.energy.leak == pytest.approx(float(r["leak_pj_per_cycle"]), rel=1e-12)
    assert e.area_mm2 == pytest.approx(float(r["area_um2"]) * 1e-6, rel=1e-12)


def test_bigger_sram_costs_more_per_access_and_area():
    a = [estimate("SRAM", {"width": 64, "depth": d, "technology": "65nm"}) for d in (4096, 6000, 16384, 65536)]
    assert all(x.energy.read < y.energy.read and x.area_mm2 < y.area_mm2 for x, y in zip(a, a[1:]))
    lo, hi = a[0].energy.read, a[2].energy.read
    assert lo < a[1].energy.read < hi                  # between table points: between their values


def test_banks_ports_node_and_dram_type_change_the_numbers():
    one = estimate("SRAM", {"width": 64, "depth": 16384, "technology": "45nm"})
    four = estimate("SRAM", {"width": 64, "depth": 16384, "technology": "45nm", "n_banks": 4})
    assert four.energy.read < one.energy.read and "4 " in four.source and "banks" in four.source
    two = estimate("SRAM", {"width": 64, "depth": 16384, "technology": "45nm", "n_rdwr_ports": 2})
    assert two.area_mm2 > one.area_mm2 and "CACTI's" in two.source
    four = estimate("SRAM", {"width": 64, "depth": 16384, "technology": "45nm", "n_rdwr_ports": 4, "n_banks": 4})
    assert four.area_mm2 > two.area_mm2 and "log-log" in four.source
    n22 = estimate("SRAM", {"width": 64, "depth": 16384, "technology": "22nm"})
    assert n22.energy.read < one.energy.read and n22.area_mm2 < one.area_mm2
    assert estimate("DRAM", {"width": 64, "type": "HBM2"}).energy.read == pytest.approx(3.9 * 64)
    assert estimate("DRAM", {"width": 64}).energy.read == 8 * 64          # LPDDR4 by default
    assert estimate("intmac", {"width": 8}).energy.read < estimate("intmac", {"width": 16}).energy.read


@pytest.mark.parametrize("cls,attrs,msg", [
    ("fpga", {"width": 8}, "no estimator"),
    ("SRAM", {"depth": 8}, "needs attribute 'width'"),
    ("SRAM", {"width": 8, "depth": -1}, "'depth' must be a whole number"),
    ("SRAM", {"width": 8, "depth": 8, "technology": "fast"}, "technology 'fast'"),
    ("DRAM", {"width": 8, "type": "SDRAM9"}, "DRAM type 'SDRAM9'"),
])
def test_bad_attributes_are_one_costmodel_error(cls, attrs, msg):
    with pytest.raises(CostModelError, match=msg):
        estimate(cls, attrs)


@settings(max_examples=150, deadline=None)
@given(cls=st.sampled_from(["SRAM", "regfile", "intmac", "fpmac", "DRAM"]), width=st.integers(2, 8192),
       depth=st.integers(0, 1 << 22), node=st.sampled_from(["7nm", "16nm", "22nm", "28nm", "40nm", "65nm", "130nm"]),
       banks=st.integers(1, 64))
def test_estimates_are_finite_and_non_negative(cls, width, depth, node, banks):
    e = estimate(cls, {"width": width, "depth": depth, "technology": node, "n_banks": banks})
    values = [*e.energy.as_dict().values(), e.area_mm2]
    assert all(math.isfinite(v) and v >= 0 for v in values), (e, values)
    assert e.source


def test_aladdin_fpmac_reruns_equal_the_estimator():
    for r in rows("accelergy_aladdin_rerun.csv"):
        e = estimate("fpmac", {"exponent": int(r["exponent"]), "mantissa": int(r["mantissa"]), "technology": "45nm",
                               "global_cycle_seconds": float(r["global_cycle_seconds"])})
        assert e.energy.read == pytest.approx(float(r["compute_pj"]), rel=1e-12)
        assert e.energy.leak == pytest.approx(float(r["leak_pj_per_cycle"]), rel=1e-12)
        assert e.area_mm2 == pytest.approx(float(r["area_um2"]) * 1e-6, rel=1e-12)
    assert "not scaled" in estimate("fpmac", {"width": 32, "technology": "22nm"}).source
