"""The stats.txt parser on every real Timeloop v1.0 output in the packaged reference data (costmodel/data/reference)."""
from pathlib import Path

import pandas as pd
import pytest

from costmodel.errors import CostModelError
from costmodel.timeloop.stats import compact_map, parse_stats, read_map, read_stats
from costmodel.resources import reference_dir

REF = reference_dir()


def _index_rows():
    df = pd.read_csv(REF / "timeloop-v1.0" / "index.csv")
    return [r for _, r in df.iterrows()]


@pytest.mark.parametrize("row", _index_rows(), ids=lambda r: f"{r.arch}-{r.problem_id}")
def test_every_v10_problem_folder_parses_to_the_index_numbers(row):
    s = read_stats(REF / "timeloop-v1.0" / row.folder / "timeloop-mapper.stats.txt")
    assert compact_map(read_map(REF / "timeloop-v1.0" / row.folder / "timeloop-mapper.map.txt")) == row.mapping
    assert s.compute_cycles == row.compute_cycles
    assert s.cycles == row.total_cycles
    assert s.energy_pj == pytest.approx(row.energy_pJ, abs=0.006)
    assert s.macs == row.maccs
    assert s.utilized_macs / s.mac_instances == pytest.approx(row.spatial_utilization, abs=1e-9)
    assert s.utilization == pytest.approx(row.utilization, abs=0.005 + 1e-9)   # the summary prints 2 decimals
    # per-level data: throttled levels are the ones the index names, the total is the sum over levels
    throttled = {lv.name for lv in s.levels if lv.stats.get("Bandwidth throttling", 1) < 1}
    named = set() if pd.isna(row.bw_throttled_levels) else {x.split("=")[0].strip() for x in
                                                             str(row.bw_throttled_levels).split(";")}
    assert throttled == named
    assert sum(lv.energy_pj for lv in s.levels) == pytest.approx(s.energy_pj, rel=1e-6)
    assert max(lv.cycles for lv in s.levels) == s.cycles


def test_exact_mode_problems_parse_to_the_csv_numbers():
    df = pd.read_csv(REF / "timeloop-v1.0-exact" / "timeloop_v1.0_exact_darts_ops.csv")
    rows = df[df.problem_folder.notna() & (df.layer != "total")].drop_duplicates("problem_folder")
    assert len(rows) == 54
    for _, r in rows.iterrows():
        folder = REF / "timeloop-v1.0-exact" / r.problem_folder
        s = read_stats(folder / "timeloop-mapper.stats.txt")
        assert (s.compute_cycles, s.cycles, s.macs) == (r.cycles, r.cycles_bw, r.maccs), r.problem_folder
        assert s.energy_pj == pytest.approx(r.energy_pJ, abs=0.006)
        assert compact_map(read_map(folder / "timeloop-mapper.map.txt")) == r.mapping


def test_table1_runs_give_the_published_compute_cycles():
    # MDARTS Table I sub-layers (paper encoding): Eyeriss pw 1x1 C16 at 32x32 = 2,048 compute cycles at
    # 50 % of the PEs, 3,072 total (GlobalBuffer throttled); DianNao pw = 1,024 compute cycles.
    e = read_stats(REF / "table1-runs" / "eyeriss_pw1x1.stats.txt")
    assert (e.compute_cycles, e.cycles, e.utilized_macs) == (2048, 3072, 128)
    assert e.level("GlobalBuffer").stats["Bandwidth throttling"] == 0.67
    assert e.level("GlobalBuffer").dataspaces["Inputs"]["Scalar fills (per-instance)"] == 16384
    d = read_stats(REF / "table1-runs" / "diannao_pw1x1.stats.txt")
    assert (d.compute_cycles, d.cycles) == (1024, 2048)
    for f in sorted((REF / "table1-runs").glob("*.stats.txt")):
        s = read_stats(f)
        assert s.compute_cycles * s.utilized_macs == s.macs, f.name    # every Table I mapping is perfectly tiled
        assert read_map(f.with_name(f.name.replace(".stats.txt", ".map.txt"))).startswith("DRAM [")


def test_truncated_or_foreign_files_are_a_clear_error(tmp_path):
    text = (REF / "table1-runs" / "eyeriss_pw1x1.stats.txt").read_text()
    with pytest.raises(CostModelError, match="incomplete"):
        parse_stats(text[: text.index("Summary Stats")])
    with pytest.raises(CostModelError, match="not a Timeloop stats file"):
        parse_stats("hello")
    with pytest.raises(CostModelError, match="cannot read"):
        read_stats(tmp_path / "missing.stats.txt")
