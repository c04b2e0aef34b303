"""The shipped lut_cache.db agrees with a fresh build (no drift between code, specs and the file)."""
import sqlite3
from pathlib import Path

import pytest

from costmodel.arch.registry import list_archs
from costmodel.resources import shipped_lut_path

SHIPPED = shipped_lut_path()
COLUMNS = ("arch, spec_hash, backend, lowering, op, n, c_in, c_out, h, w, kernel, stride, dilation, groups, "
           "padding, cycles, compute_cycles, energy_pj, utilization, macs, params, status")
# what the shipped file holds: (arch, lowering, spaces); see `bench/build_shipped_lut.sh`
BUILDS = [(arch, "exact", ("darts-search", "darts-eval")) for arch in list_archs()] + [
    (arch, "mdarts", ("darts-search", "mdarts-first-cell")) for arch in list_archs() if arch != "c64x"]


def rows(db: Path, arch: str, lowering: str):
    with sqlite3.connect(db) as conn:
        found = conn.execute(f"select {COLUMNS} from op_costs where arch = ? and lowering = ? "
                             f"order by op, n, c_in, c_out, h, w, stride", (arch, lowering)).fetchall()
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in found]


@pytest.mark.slow
@pytest.mark.parametrize("arch, lowering, spaces", BUILDS, ids=[f"{a}-{l}" for a, l, _ in BUILDS])
def test_shipped_lut_matches_a_fresh_build(cli, tmp_path, arch, lowering, spaces):
    fresh = tmp_path / "fresh.db"
    args = ["build-lut", "--arch", arch, "--lowering", lowering, "--db", fresh]
    for space in spaces:
        args += ["--space", space]
    out = cli(*args)
    assert out.returncode == 0, out.stdout + out.stderr
    expected = rows(fresh, arch, lowering)
    assert expected, "the fresh build wrote nothing"
    shipped = set(rows(SHIPPED, arch, lowering))  # may also hold rows cached by later queries
    stale = [row for row in expected if row not in shipped]
    assert not stale, (f"lut_cache.db disagrees with a fresh build on {len(stale)} {arch}/{lowering} rows, e.g. "
                       f"{stale[0]}: rebuild it with bench/build_shipped_lut.sh")
