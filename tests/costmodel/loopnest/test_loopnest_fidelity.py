"""Fidelity against a sample of the real Timeloop reference rows (fast), through the API and the CLI."""
import csv
import re

import pytest

from costmodel.errors import CostModelError
from costmodel.loopnest.fidelity import PROBLEM_COLS, RESULT_COLS, compare, summary_line

from refdata import REF

MAIN = REF / "timeloop_v1.0_darts_ops.csv"
EXACT = REF / "timeloop-v1.0-exact" / "timeloop_v1.0_exact_darts_ops.csv"
LINE = re.compile(r"^fidelity: compute_cycles exact (\d+)/(\d+), within 5% (\d+)/\2; energy within 2% (\d+)/\2; "
                  r"EDP not worse (\d+)/\2; objective not worse (\d+)/\2$")


def _sample(src, dst, every=7):
    with open(src, newline="") as fh:
        rows = list(csv.DictReader(fh))
    keep = [r for r in rows if r["R"]][::every] + [r for r in rows if not r["R"]][:3]   # + rows without a problem
    with open(dst, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(keep)
    return len([r for r in keep if r["R"]])


def test_sample_of_the_paper_encoding_reference(tmp_path):
    n = _sample(MAIN, tmp_path / "s.csv")
    rows = compare(tmp_path / "s.csv")
    assert len(rows) == n
    assert all(r.edp_not_worse for r in rows)
    assert sum(r.compute_exact for r in rows) >= 0.9 * n
    m = LINE.match(summary_line(rows))
    assert m and int(m.group(2)) == n
    assert m.group(6) == m.group(5)              # eyeriss and diannao: the mapper's own objective is EDP


def test_exact_mode_reference_sample(tmp_path):
    n = _sample(EXACT, tmp_path / "e.csv", every=5)
    rows = compare(tmp_path / "e.csv")
    assert len(rows) == n and any(r.layer.G > 1 for r in rows)
    assert all(r.compute_exact and r.edp_not_worse for r in rows)


def test_cli_end_to_end(cli, tmp_path):
    n = _sample(MAIN, tmp_path / "s.csv", every=11)
    out = cli("fidelity", "--reference", tmp_path / "s.csv")
    assert out.returncode == 0, out.stderr
    last = out.stdout.strip().splitlines()[-1]
    assert LINE.match(last) and f"/{n}," in last
    bad = cli("fidelity", "--reference", tmp_path / "missing.csv")
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and "not found" in bad.stderr


def test_missing_columns_name_them(tmp_path):
    (tmp_path / "x.csv").write_text("arch,N,C\neyeriss,1,2\n")
    with pytest.raises(CostModelError, match="missing column"):
        compare(tmp_path / "x.csv")


@pytest.mark.parametrize("values, words", [("1,4,4,1,1,4,4,1,1,1,1,16,16,abc", "'energy_pJ' must be a number"),
                                           ("1,4,4,1,1,4,4,1,1,1,1,16,16,0", "'energy_pJ' must be > 0"),
                                           ("0,4,4,1,1,4,4,1,1,1,1,16,16,5", "x.csv:2: layer")])
def test_bad_reference_values_name_the_row(tmp_path, values, words):
    (tmp_path / "x.csv").write_text(f"arch,{','.join(PROBLEM_COLS[1:] + RESULT_COLS)}\neyeriss,{values}\n")
    with pytest.raises(CostModelError, match=words):
        compare(tmp_path / "x.csv")
