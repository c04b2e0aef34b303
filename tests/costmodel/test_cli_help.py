"""A CLI that teaches: help text and examples everywhere, --version, descriptions, did-you-mean, a table that
fits 100 columns, and a start-up that loads none of the heavy libraries."""
import argparse
import subprocess
import sys

import pytest

import costmodel
from costmodel.cli import build_parser


def subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_every_option_has_help_and_every_command_examples():
    missing = []
    for name, p in subcommands().items():
        assert p.epilog and p.epilog.startswith("examples:\n  costmodel "), f"{name}: no examples in its epilog"
        assert 1 <= p.epilog.count("\n  costmodel ") <= 3, name
        missing += [f"{name} {a.dest}" for a in p._actions if not (a.help or "").strip()]
    assert not missing, f"options without help text: {missing}"


@pytest.mark.parametrize("name", ["build-lut", "query", "table", "schedule"])
def test_help_shows_defaults_and_units(cli, name):
    out = cli(name, "--help")
    assert out.returncode == 0 and "examples:" in out.stdout
    assert "(default: exact)" in " ".join(out.stdout.split())      # --lowering's default, shown by the formatter
    assert "$COSTMODEL_LUT" in out.stdout                          # where the default LUT is


def test_query_help_names_units(cli):
    text = " ".join(cli("query", "--help").stdout.split())
    assert "input height = width [pixels]" in text and "(default: 1)" in text


def test_version(cli):
    out = cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"costmodel {costmodel.__version__}"


def test_archs_and_reproduce_list_say_what_each_item_is(cli):
    archs = cli("archs").stdout
    assert "Eyeriss-256 row-stationary" in archs and "DianNao" in archs and "TI C64x+ DSP" in archs
    listing = cli("reproduce", "--list").stdout.splitlines()
    assert listing == cli("reproduce").stdout.splitlines()
    table1 = next(line for line in listing if line.startswith("mdarts-table1 "))
    assert "MDARTS Table I" in table1
    assert all(len(line.split(None, 1)) == 2 and "(no description)" not in line for line in listing)


@pytest.mark.parametrize("args, hint", [
    (["query", "--arch", "eyerss", "--op", "sep_conv_3x3", "--hw", "8", "--c-in", "4"], "did you mean 'eyeriss'?"),
    (["query", "--arch", "c64x", "--op", "sep_conv3x3", "--hw", "8", "--c-in", "4"], "did you mean 'sep_conv_3x3'?"),
    (["schedule", "--genotype", "DARTS_v2", "--arch", "c64x", "--no-lut"], "did you mean 'DARTS_V2'?"),
    (["reproduce", "mdarts-tabel1"], "did you mean 'mdarts-table1'?"),
    (["build-lut", "--arch", "c64x", "--space", "darts-serch", "--dry-run"], "did you mean 'darts-search'?"),
    (["query", "--arch", "c64x", "--backend", "analytc", "--op", "conv_1x1", "--hw", "8", "--c-in", "4"],
     "did you mean 'analytic'?"),
])
def test_did_you_mean(cli, tmp_path, args, hint):
    out = cli(*args, env={"COSTMODEL_LUT": tmp_path / "lut.db"})
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and hint in out.stderr, out.stderr
    assert not (tmp_path / "lut.db").exists()


def test_table_fits_100_columns_and_shows_the_other_rows(cli, tmp_path):
    space = tmp_path / "space.yaml"
    space.write_text("name: custom\nnetwork: {C: 8, layers: 3, hw: 16}\nops: [sep_conv_3x3, max_pool_3x3]\n"
                     "extra:\n  - {op: conv, c_in: 3, hw: 7, c_out: 11, kernel: 5}\n")
    db = tmp_path / "lut.db"
    assert cli("build-lut", "--arch", "c64x", "--space", space, "--space", "darts-search", "--db", db).returncode == 0
    narrow = cli("table", "--arch", "c64x", "--db", db).stdout
    assert max(map(len, narrow.splitlines())) <= 100
    assert narrow.count("\nshape ") >= 2                      # the shape columns wrapped into blocks
    extra = next(line.split() for line in narrow.splitlines() if line.split()[:4] == ["conv", "1", "3", "11"])
    assert extra[4:7] == ["7", "7", "5"]                      # the space's extra entry: 7x7 input, kernel 5
    wide = cli("table", "--arch", "c64x", "--db", db, "--wide").stdout
    assert wide.count("\nshape ") == 1 and max(map(len, wide.splitlines())) > 100


def test_start_up_loads_no_heavy_library():
    """`costmodel --help` and the parser import none of pandas, SQLAlchemy, numpy, networkx, yaml, torch."""
    code = ("import sys, costmodel.cli\ncostmodel.cli.build_parser()\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'pandas', 'sqlalchemy', 'numpy', 'networkx', 'yaml', 'torch', 'scipy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr
