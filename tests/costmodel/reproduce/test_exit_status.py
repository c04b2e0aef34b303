"""`costmodel reproduce`: closing line with fitted counts, exit 0 only when every claimed row reproduces."""
import shutil

import yaml

from conftest import run_cli
from costmodel import cli
from costmodel.reproduce import Row, failures, render
from costmodel.resources import arch_specs_dir


def test_closing_line_counts_fitted_rows_and_omits_zero():
    rows = [Row("a", 1, 1, arch="x:p", fitted=True, claimed=True), Row("b", 2, 2, arch="x"), Row("c", 3, 4)]
    assert failures(rows) == []
    assert render("t", rows[1:]).splitlines()[-1] == "t: 1/2 published numbers reproduced"
    bad = Row("d", 5, 6, claimed=True)
    assert failures(rows + [bad]) == [bad]
    assert "NOT REPRODUCED (claimed reproducible)" in render("t", [bad])


def test_reproduce_exits_0_when_claimed_rows_reproduce(capsys):
    assert cli.main(["reproduce", "mdarts-table1"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "mdarts-table1: 12/12 published numbers reproduced (4 with fitted rules)"


def test_a_broken_spec_makes_reproduce_exit_1(tmp_path):
    """End to end (real subprocess): a preset constant changed -> DARTS_V2 no longer 81,456 -> exit 1."""
    specs = tmp_path / "specs"
    shutil.copytree(arch_specs_dir(), specs)
    path = specs / "eyeriss.yaml"
    data = yaml.safe_load(path.read_text())
    data["presets"]["mdarts-table3"]["pool"]["compare_per_cycle"] = 2   # issue 10: DARTS_V2 -> 63,024
    path.write_text(yaml.safe_dump(data))
    out = run_cli("reproduce", "mdarts-table3", env={"COSTMODEL_ARCH_SPECS": str(specs)})
    assert out.returncode == 1, out.stdout + out.stderr
    darts = [line.split()[:3] for line in out.stdout.splitlines() if line.startswith("DARTS_V2")]
    assert darts == [["DARTS_V2", "81,456", "63,024"]]
    assert "NOT REPRODUCED" in out.stdout and "mdarts-table3: DARTS_V2" in out.stderr
    assert out.stdout.splitlines()[-1].startswith("mdarts-table3: 2/8 published numbers reproduced")


def test_all_and_a_name_together_is_bad_input(capsys):
    assert cli.main(["reproduce", "--all", "mdarts-table1"]) == 2
    assert capsys.readouterr().err.startswith("error: give a table name or --all")


def test_all_runs_every_table_and_fails_if_any_claimed_row_fails(monkeypatch, capsys):
    import costmodel.reproduce as reproduce
    from costmodel.reproduce.deffarts_table2 import table2
    tables = {"deffarts-table2": table2, "zz-broken": lambda: [Row("claimed", 1, 2, claimed=True)]}
    monkeypatch.setattr(reproduce, "registry", lambda: tables)
    assert cli.main(["reproduce", "--all"]) == 1
    out, err = capsys.readouterr()
    assert "deffarts-table2: 6/6 published numbers reproduced: 5/6 as printed, 1 against a corrected typo (1 with fitted presets)" in out
    assert out.splitlines()[-1] == "zz-broken: 0/1 published numbers reproduced"
    assert "zz-broken: claimed" in err
    tables.pop("zz-broken")
    assert cli.main(["reproduce", "--all"]) == 0
