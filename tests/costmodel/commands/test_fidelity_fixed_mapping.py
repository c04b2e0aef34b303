"""`costmodel fidelity --fixed-mapping`: each reference row on its own Timeloop mapping; `arch` may be a config path."""
import csv
import re
import shutil

from costmodel.arch.registry import load_arch
from costmodel.loopnest.fidelity import Comparison, compare, summary_line
from costmodel.resources import reference_dir
from costmodel.arch.formats import legacy
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


def test_every_reference_row_of_the_three_configs_equals_timeloop_on_its_mapping():
    """The packaged reference.csv as is (`arch` = configs/<name>.cfg|yaml relative to the CSV's folder): compute
    cycles, total cycles and energy equal Timeloop v1.0's stats on all 30 rows (issue 12, Done when)."""
    rows = compare(CONFIGS / "reference.csv", fixed_mapping=True)
    assert len(rows) == 30 and {r.arch for r in rows} == {"configs/eyeriss-1024.cfg", "configs/simba-chip.cfg",
                                                           "configs/sample.yaml"}
    assert [(r.arch, r.label) for r in rows if not (r.status == "ok" and r.equal)] == []
    assert {r.compute for r in rows} >= {48, 114688} and any(r.total > 3 * r.compute for r in rows)  # DRAM-bound rows


def test_simba_n2_layer_is_costed_as_timeloop_maps_it_with_a_warning():
    """simba-chip c02 has N = 2, which its constraints fix to 1 at every level: Timeloop v1.0 maps (and reports)
    N = 1 only, half the MACs (reference README). We give the same numbers and say so on the row."""
    rows = [r for r in compare(CONFIGS / "reference.csv", fixed_mapping=True) if r.arch == "configs/simba-chip.cfg"]
    c02 = rows[2]
    assert c02.layer.N == 2 and c02.equal
    assert "covers N 1 of 2" in c02.note and not any(r.note for r in rows if r is not c02)
    searched = [r for r in compare(CONFIGS / "reference.csv") if r.arch == "configs/simba-chip.cfg"][2]
    assert "covers N 1 of 2" in searched.note and searched.objective_not_worse


def test_sample_rows_keep_what_timeloops_mapping_keeps_at_registers():
    """sample.yaml leaves Registers' keep/bypass to the mapper: a fixed mapping's level header says what it
    keeps (c07 also checks v1.0's two-iteration extrapolation of a sliding input window at DRAM)."""
    rows = [r for r in compare(CONFIGS / "reference.csv", fixed_mapping=True) if r.arch == "configs/sample.yaml"]
    assert len(rows) == 10 and all(r.equal for r in rows)
    assert rows[7].total == 247066 and rows[7].compute == 6400


def test_the_mapper_is_never_worse_on_each_configs_own_objective(cli):
    out = cli("fidelity", "--reference", CONFIGS / "reference.csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1].endswith("; objective not worse 30/30")
    assert not [ln for ln in out.stdout.splitlines() if ln.startswith("!")]


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
    # the reference repeats a problem for every op and shape lowering to it: 140 distinct (arch, layer) problems
    assert "\nproblems: 356 rows = 140 distinct problems (140 pass) (equal on their own mappings)\n" in out.stdout
    assert len(out.stdout.strip().splitlines()) == 4                # header, problems, tally, summary: none differs


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
    tied = [Comparison("r", "a", layer, 100, 100, 10.0, 80, 100, e, objective="delay,energy") for e in (9.0, 11.0)]
    assert [r.objective_not_worse for r in tied] == [True, False]      # a tie on delay goes to energy
    failed = Comparison("r", "a", layer, 100, 100, 10.0, status="unsupported config: x", objective="delay")
    assert not failed.objective_not_worse


def test_fixed_mapping_on_a_dsp_arch_is_one_clear_error(cli, tmp_path):
    fields, rows = _rows(STOCK, lambda r: r["R"] and r["arch"] == "eyeriss")
    rows = rows[:1]
    rows[0]["arch"] = "c64x"
    _write(tmp_path / "r.csv", fields, rows)
    out = cli("fidelity", "--reference", tmp_path / "r.csv", "--fixed-mapping")
    assert out.returncode == 2 and out.stderr.startswith("error:") and "accelerator" in out.stderr and out.stdout == ""
