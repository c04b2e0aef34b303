"""`costmodel schedule` and the schedule reproductions, end to end through the entry point."""
import json
import re
import subprocess
import sys

from costmodel.genotypes import PUBLISHED, to_dict


def test_schedule_prints_the_critical_path_and_writes_dot(cli, tmp_path):
    dot = tmp_path / "cell.dot"
    db = tmp_path / "lut.db"
    args = ("schedule", "--genotype", "DARTS_V2", "--arch", "c64x:deffarts-table3", "--mode", "mdarts-table3",
            "--c", "3", "--dot", dot)
    p = cli(*args, env={"COSTMODEL_LUT": str(db)})
    assert p.returncode == 0, p.stderr
    assert db.exists() and "LUT" in p.stdout  # op costs went through the LUT
    assert cli(*args, "--no-lut").stdout == p.stdout.replace(f"LUT {db}", "computed now")
    assert "maximum cycle (critical path):" in p.stdout and "compute_cycles" in p.stdout
    assert "dil_conv_3x3" in p.stdout and "max_pool_3x3" in p.stdout
    assert dot.read_text().startswith("digraph schedule {")


def test_schedule_sequential_from_a_json_file(cli, tmp_path):
    f = tmp_path / "g.json"
    f.write_text(json.dumps(to_dict(PUBLISHED["DARTS_V2"])))
    p = cli("schedule", "--genotype", f, "--arch", "c64x:deffarts-table3", "--mode", "sequential", "--c", "3", "--no-lut")
    assert p.returncode == 0, p.stderr
    assert "sequential sum: 1,244,160 cycles" in p.stdout


def test_schedule_errors_exit_2(cli):
    p = cli("schedule", "--genotype", "NOPE", "--arch", "c64x", "--no-lut")
    assert p.returncode == 2 and p.stderr.startswith("error: unknown genotype 'NOPE'")
    p = cli("schedule", "--genotype", "DARTS_V2", "--arch", "c64x", "--metric", "energy", "--no-lut")
    assert p.returncode == 2 and "no energy model" in p.stderr


def test_schedule_png(cli, tmp_path):
    png = tmp_path / "cell.png"
    p = cli("schedule", "--genotype", "DARTS_V2", "--arch", "c64x", "--png", png, "--no-lut")
    assert p.returncode == 0, p.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reproduce_deffarts_table3(cli):
    p = cli("reproduce", "deffarts-table3")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-1] == "deffarts-table3: 3/3 published numbers reproduced (3 with fitted presets)"


def test_reproduce_mdarts_table3(cli):
    p = cli("reproduce", "mdarts-table3")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    m = re.fullmatch(r"mdarts-table3: (\d)/8 published numbers reproduced \((\d) with fitted presets, (\d) with fitted rules\)",
                     lines[-1])
    assert m and int(m.group(1)) >= 3 and int(m.group(2)) >= 1 and m.group(3) == m.group(1)
    assert [line.split()[:3] for line in lines if line.split()[0] in ("DARTS_V2", "ENAS", "NSGANet")] == [
        ["DARTS_V2", "81,456", "81,456"], ["ENAS", "229,376", "229,376"], ["NSGANet", "139,904", "139,904"]]


def test_costmodel_never_imports_torch():
    """costmodel/ stays torch-free: every module (the search/reproduce plug-ins import nas lazily) and the parser."""
    code = ("import importlib, pkgutil, sys, costmodel, costmodel.cli\n"
            "costmodel.cli.build_parser()\n"
            "for m in pkgutil.walk_packages(costmodel.__path__, 'costmodel.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted(k for k in sys.modules if k.split('.')[0] == 'torch'))\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"
