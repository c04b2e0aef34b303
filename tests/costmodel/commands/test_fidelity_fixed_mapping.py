"""`costmodel fidelity --fixed-mapping`: each reference row on its own Timeloop mapping; `arch` may be a config path."""
import csv
import re
import shutil

from costmodel.arch import load_arch
from costmodel.loopnest.fidelity import Comparison, compare, summary_line
from costmodel.resources import reference_dir
from costmodel.timeloop import legacy
from costmodel.workload import conv

CONFIGS = reference_dir() / "timeloop-v1.0-configs"
STOCK = reference_dir() / "timeloop_v1.0_darts_ops.csv"
EQUAL = re.compile(r"^fixed mapping: equal (\d+)/(\d+) \(compute cycles (\d+)/\2, total cycles (\d+)/\2, "
                   r"energy (\d+)/\2\)$", re.M)


def _rows(src, keep):
    with open(src, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return list(rows[0]), [r for r in rows if keep(r)]


def _write(dst, fields, rows):
    with open(dst, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def test_eyeriss_1024_reference_rows_equal_timeloop_on_its_mappings():
    """The packaged reference.csv as is: `arch` = configs/<name>.cfg relative to the CSV's folder."""
    rows = compare(CONFIGS / "reference.csv", fixed_mapping=True)
    eyeriss = [r for r in rows if r.arch == "configs/eyeriss-1024.cfg"]
    assert len(eyeriss) == 10
    assert all(r.status == "ok" and r.equal for r in eyeriss), [r.label for r in eyeriss if not r.equal]
    assert {r.compute for r in eyeriss} >= {48, 114688} and any(r.total > r.compute for r in eyeriss)  # c01: bw-bound
    for r in rows:               # other configs: equal once readable, until then a "!" row saying why
        assert r.equal or r.status.startswith(("unsupported config:", "mapping:")), (r.arch, r.label, r.status)


def test_simba_chip_rows_equal_timeloop_on_its_mappings_but_the_n2_layer():
    """simba-chip: 6 levels, 8/24-bit words, clusters, DRAM `bandwidth` = read + write. c02 has N = 2, which its
    constraints fix to 1 at every level: Timeloop v1.0 maps N = 1 only (half the MACs, README); we refuse it."""
    rows = [r for r in compare(CONFIGS / "reference.csv", fixed_mapping=True) if r.arch == "configs/simba-chip.cfg"]
    assert len(rows) == 10
    assert [r.label.split()[0] for r in rows if not r.equal] == ["c02"] and rows[2].layer.N == 2
    assert "factors of N multiply to 1, the problem has N = 2" in rows[2].status
    assert any(r.total > 3 * r.compute for r in rows)               # DRAM-bandwidth bound (10 words/cycle)


def test_sample_is_refused_naming_the_mapper_chosen_bypass():
    rows = [r for r in compare(CONFIGS / "reference.csv", fixed_mapping=True) if r.arch == "configs/sample.yaml"]
    assert len(rows) == 10 and all("Registers: no keep/bypass constraint" in r.status for r in rows)


def test_cli_relative_config_path_from_the_csvs_folder_yaml_and_cfg(cli, tmp_path, monkeypatch):
    fields, rows = _rows(CONFIGS / "reference.csv", lambda r: "eyeriss-1024" in r["arch"])
    (tmp_path / "data" / "cfg").mkdir(parents=True)
    shutil.copy(CONFIGS / "configs" / "eyeriss-1024.yaml", tmp_path / "data" / "cfg")
    shutil.copy(CONFIGS / "configs" / "eyeriss-1024.cfg", tmp_path / "data" / "cfg")
    for i, r in enumerate(rows):
        r["arch"] = "cfg/eyeriss-1024.yaml" if i % 2 else "cfg/eyeriss-1024.cfg"
    _write(tmp_path / "data" / "r.csv", fields, rows)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")          # relative to the CSV, not to the working folder
    out = cli("fidelity", "--reference", tmp_path / "data" / "r.csv", "--fixed-mapping")
    assert out.returncode == 0, out.stderr
    assert EQUAL.search(out.stdout).groups() == ("10", "10", "10", "10", "10")
    assert not [ln for ln in out.stdout.splitlines() if ln.startswith(("*", "!"))]
    searched = cli("fidelity", "--reference", tmp_path / "data" / "r.csv")          # the mapper on the same rows
    assert searched.returncode == 0 and not EQUAL.search(searched.stdout)
    assert searched.stdout.strip().splitlines()[-1].endswith("; objective not worse 10/10")   # eyeriss-1024: EDP


def test_cli_stock_reference_fixed_mapping_all_equal(cli):
    out = cli("fidelity", "--reference", STOCK, "--fixed-mapping", "--only-diff")
    assert out.returncode == 0, out.stderr
    assert EQUAL.search(out.stdout).groups() == ("356",) * 5
    assert out.stdout.strip().splitlines()[-1].startswith("fidelity: compute_cycles exact 356/356, ")
    assert len(out.stdout.strip().splitlines()) == 3                # header, tally, summary: no row differs


def test_a_row_without_or_with_a_wrong_mapping_says_so(tmp_path):
    fields, rows = _rows(STOCK, lambda r: r["R"] and r["arch"] == "eyeriss")
    rows = rows[:3]
    rows[0]["mapping"] = ""
    rows[1]["mapping"] = rows[2]["mapping"].replace("DRAM", "HBM", 1)
    _write(tmp_path / "r.csv", fields, rows)
    got = compare(tmp_path / "r.csv", fixed_mapping=True)
    assert "no mapping" in got[0].status and "HBM" in got[1].status and not got[0].equal
    assert got[2].status == "ok"


def test_a_missing_config_path_is_one_clear_error(cli, tmp_path):
    fields, rows = _rows(CONFIGS / "reference.csv", lambda r: "eyeriss-1024" in r["arch"])
    _write(tmp_path / "r.csv", fields, rows[:1])                      # configs/ is not next to this CSV
    out = cli("fidelity", "--reference", tmp_path / "r.csv", "--fixed-mapping")
    assert out.returncode == 2 and out.stderr.startswith("error:") and "no such file" in out.stderr
    assert "CSV's folder" in out.stderr and out.stdout == ""


def test_load_arch_reads_a_timeloop_v1_config_path():
    cfg = CONFIGS / "configs" / "eyeriss-1024.cfg"
    spec = load_arch(str(cfg))
    assert spec == legacy.read_cfg(cfg.read_text(), name="eyeriss-1024")
    assert spec == load_arch(str(CONFIGS / "configs" / "eyeriss-1024.yaml")) and spec.name == "eyeriss-1024"


def test_objective_is_the_archs_own_mapper_metric():
    """Ours: 10 % more energy, 20 % fewer cycles than the reference -> better on EDP and delay, worse on energy."""
    layer = conv("x", 1, 4, 4, 8, 8, 3)
    rows = [Comparison("r", "a", layer, 100, 100, 10.0, 80, 80, 11.0, objective=o) for o in ("edp", "delay", "energy")]
    assert [r.objective_not_worse for r in rows] == [True, True, False]
    assert summary_line(rows).endswith("; EDP not worse 3/3; objective not worse 2/3")
    failed = Comparison("r", "a", layer, 100, 100, 10.0, status="unsupported config: x", objective="delay")
    assert not failed.objective_not_worse


def test_fixed_mapping_on_a_dsp_arch_is_one_clear_error(cli, tmp_path):
    fields, rows = _rows(STOCK, lambda r: r["R"] and r["arch"] == "eyeriss")
    rows = rows[:1]
    rows[0]["arch"] = "c64x"
    _write(tmp_path / "r.csv", fields, rows)
    out = cli("fidelity", "--reference", tmp_path / "r.csv", "--fixed-mapping")
    assert out.returncode == 2 and out.stderr.startswith("error:") and "accelerator" in out.stderr and out.stdout == ""
