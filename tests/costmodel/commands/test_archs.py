"""`costmodel archs --add/--remove`: a user arch registered by name gives the same numbers as its file by path
in every command; bad files, duplicate and shadowing names, removal. In-process through `costmodel.cli.main`,
with a temp config folder ($COSTMODEL_CONFIG_DIR) and a temp LUT."""
import re
import shutil

import pytest
from conftest import run_cli

from costmodel.resources import reference_dir

CONFIGS = reference_dir() / "timeloop-v1.0-configs"
EYERISS_1024 = CONFIGS / "configs" / "eyeriss-1024.cfg"
QUERY = ("query", "--op", "sep_conv_3x3", "--hw", "16", "--c-in", "16")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A fresh config folder and LUT for the test; returns the config folder."""
    monkeypatch.setenv("COSTMODEL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("COSTMODEL_LUT", str(tmp_path / "lut.db"))
    return tmp_path / "config"


def numbers(text: str) -> list[str]:
    """The output without its first line (which names the arch): what must agree between name and path."""
    return text.splitlines()[1:]


def add(cli, *args):
    p = cli("archs", "--add", *map(str, args))
    assert p.returncode == 0, p.stderr
    return p


def test_registered_name_equals_the_path_everywhere(cli, env, tmp_path):
    p = add(cli, EYERISS_1024, "--name", "my-chip")
    assert p.stdout.startswith(f"registered my-chip: a copy of {EYERISS_1024.resolve()}")
    assert (env / "archs" / "my-chip" / "my-chip.cfg").read_text() == EYERISS_1024.read_text()
    listing = cli("archs").stdout
    assert re.search(rf"^my-chip +user arch, from {re.escape(str(EYERISS_1024.resolve()))}", listing, re.M)
    assert "1024 MACs" in listing and "eyeriss    Eyeriss-256" in listing      # shipped archs still listed

    by_name, by_path = cli(*QUERY, "--arch", "my-chip"), cli(*QUERY, "--arch", EYERISS_1024)
    assert by_name.returncode == by_path.returncode == 0, by_name.stderr + by_path.stderr
    assert by_name.stdout.startswith("my-chip / ") and by_path.stdout.startswith("eyeriss-1024 / ")
    assert numbers(by_name.stdout) == numbers(by_path.stdout)

    space = tmp_path / "small.yaml"
    space.write_text("name: small\nnetwork: {C: 8, layers: 3, hw: 16, stem_multiplier: 3, in_channels: 3}\n"
                     "ops: [sep_conv_3x3, dil_conv_3x3, conv_1x1, avg_pool_3x3]\n")
    for arch in ("my-chip", EYERISS_1024):
        b = cli("build-lut", "--arch", arch, "--space", space)
        assert b.returncode == 0 and ", 0 failed" in b.stdout, b.stdout + b.stderr
    from costmodel.lut import LUT
    lut = LUT()
    key = ["op", "c_in", "c_out", "h", "stride", "kernel", "groups"]
    cols = key + ["cycles", "compute_cycles", "energy_pj", "utilization", "macs", "mapping", "status"]
    mine, theirs = (lut.query(arch=a)[cols].sort_values(key).reset_index(drop=True) for a in ("my-chip", "eyeriss-1024"))
    assert len(mine) > 10 and mine.equals(theirs)          # same rows, keyed by each name + its spec hash
    assert lut.query(arch="my-chip").spec_hash.nunique() == 1

    table = cli("table", "--arch", "my-chip")
    assert table.returncode == 0 and table.stdout.startswith("my-chip (analytic-")
    assert numbers(table.stdout) == numbers(cli("table", "--arch", EYERISS_1024).stdout)

    sched = [cli("schedule", "--genotype", "DARTS_V2", "--arch", a, "--hw", "16", "--c", "8") for a in ("my-chip", EYERISS_1024)]
    assert sched[0].returncode == 0, sched[0].stderr
    value = [re.search(r"maximum cycle \(critical path\): ([\d,]+) cycles", s.stdout).group(1) for s in sched]
    assert value[0] == value[1] and "loop-nest model of my-chip" in sched[0].stdout

    specs = cli("specs", "--arch", "my-chip", "--op", "conv_1x1", "--hw", "8", "--c-in", "8",
                "--out", tmp_path / "specs", "--format", "legacy")
    assert specs.returncode == 0, specs.stderr
    assert "PsumRegFile" in next((tmp_path / "specs").rglob("arch.yaml")).read_text()


def test_fidelity_arch_column_names_a_registered_arch(cli, env, tmp_path):
    add(cli, EYERISS_1024, "--name", "my-chip")
    lines = (CONFIGS / "reference.csv").read_text().splitlines()
    rows = [line.replace("configs/eyeriss-1024.cfg", "my-chip") for line in lines[1:] if "eyeriss-1024" in line]
    csv = tmp_path / "mine.csv"
    csv.write_text("\n".join([lines[0], *rows]) + "\n")
    p = cli("fidelity", "--fixed-mapping", "--reference", csv)
    assert p.returncode == 0, p.stderr
    assert f"fixed mapping: equal {len(rows)}/{len(rows)} " in p.stdout and "  my-chip  c00" in p.stdout


def test_the_copy_is_what_counts(cli, env, tmp_path):
    """Editing the original after --add changes nothing until it is added again with --force."""
    original = tmp_path / "chip.cfg"
    shutil.copy(EYERISS_1024, original)
    add(cli, original)                                       # name = the file's stem
    before = cli(*QUERY, "--arch", "chip").stdout
    text = original.read_text()
    original.write_text(text.replace("sizeKB              =   2976;", "sizeKB              =   64;"))
    assert original.read_text() != text
    assert cli(*QUERY, "--arch", "chip").stdout == before.replace("computed now, stored in the LUT", "LUT")
    assert numbers(cli(*QUERY, "--arch", original).stdout) != numbers(before)
    add(cli, original, "--force")
    assert numbers(cli(*QUERY, "--arch", "chip").stdout) == numbers(cli(*QUERY, "--arch", original).stdout)


@pytest.mark.parametrize("text, words", [
    ("arch = { storage = ( { name = \"DRAM\"; technology = \"DRAM\"; colour = 3; } ); arithmetic = { name = \"M\"; }; };",
     "line 1: DRAM: unsupported key 'colour'"),
    ("arch = { this is not libconfig", "not valid libconfig"),
])
def test_a_bad_file_writes_nothing(cli, env, tmp_path, text, words):
    bad = tmp_path / "bad.cfg"
    bad.write_text(text)
    p = cli("archs", "--add", bad)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("error: ") and words in p.stderr and p.stderr.count("\n") == 1
    assert not env.exists()


@pytest.mark.parametrize("args, words", [
    (["--add", "nope.cfg"], "nope.cfg: no such file"),
    (["--add", "chip.txt"], "expected an arch spec .yaml or a Timeloop v1.0 config"),
    (["--add", str(EYERISS_1024), "--name", "my chip"], "use 1-64 letters, digits"),
    (["--add", str(EYERISS_1024), "--name", "eyeriss"], "'eyeriss' is a shipped arch"),
    (["--name", "x"], "--name goes with --add FILE"),
    (["--add", str(EYERISS_1024), "--remove", "x"], "not both"),
    (["--remove", "eyeriss"], "'eyeriss' is a shipped arch, not a user arch"),
    (["--remove", "ghost"], "'ghost' is not a registered user arch"),
])
def test_refusals(cli, env, args, words):
    p = cli("archs", *args)
    assert p.returncode == 2 and words in p.stderr and p.stderr.count("\n") == 1, p.stderr
    assert not env.exists()


def test_duplicate_shadow_and_remove(cli, env, tmp_path):
    add(cli, EYERISS_1024, "--name", "my-chip")
    dup = cli("archs", "--add", CONFIGS / "configs" / "simba-chip.cfg", "--name", "my-chip")
    assert dup.returncode == 2 and "'my-chip' is already registered (from" in dup.stderr
    assert "1024 MACs" in cli("archs").stdout                               # the first registration stands

    add(cli, EYERISS_1024, "--name", "eyeriss", "--force")                  # shadows the shipped eyeriss
    shadowed = cli(*QUERY, "--arch", "eyeriss")
    assert numbers(shadowed.stdout) == numbers(cli(*QUERY, "--arch", "my-chip").stdout)
    assert "(shadowed by the user arch eyeriss below)" in cli("archs").stdout

    for name in ("eyeriss", "my-chip"):
        p = cli("archs", "--remove", name)
        assert p.returncode == 0 and p.stdout.startswith(f"removed user arch {name}"), p.stderr
    assert numbers(cli(*QUERY, "--arch", "eyeriss").stdout) != numbers(shadowed.stdout)   # the shipped one again
    gone = cli(*QUERY, "--arch", "my-chip")
    assert gone.returncode == 2 and "unknown arch 'my-chip'" in gone.stderr
    assert "user archs: none" in cli("archs").stdout
    assert [p.name for p in (env / "archs").iterdir()] == []                 # no temp folders left behind


def test_a_config_gets_max_pools_through_our_yaml(cli, env, tmp_path):
    """README's route: a config has no pool model (max pool not-expressible); its spec dumped as our YAML with a
    `pool:` section registers and costs max pools."""
    from costmodel.arch.spec import dump_spec
    from costmodel.arch.registry import load_arch
    add(cli, EYERISS_1024, "--name", "my-chip")
    pool = ("query", "--op", "max_pool_3x3", "--hw", "16", "--c-in", "16", "--stride", "2")
    p = cli(*pool, "--arch", "my-chip")
    assert p.returncode == 1 and "status not-expressible" in p.stdout and "no 'pool' section" in p.stdout
    text = dump_spec(load_arch("my-chip"))
    assert "\npool: null\n" in text
    yaml_file = tmp_path / "my-chip-pools.yaml"
    yaml_file.write_text(text.replace("\npool: null\n", "\npool: {max_model: pe-array, compare_per_cycle: 1, "
                                                        "compare_energy_pj: 1.0, note: mine}\n"))
    add(cli, yaml_file)
    p = cli(*pool, "--arch", "my-chip-pools")
    assert p.returncode == 0 and p.stdout.startswith("my-chip-pools / "), p.stdout + p.stderr
    assert numbers(cli(*QUERY, "--arch", "my-chip-pools").stdout) == numbers(cli(*QUERY, "--arch", "my-chip").stdout)


def test_real_subprocess(tmp_path):
    """The installed entry point, in separate processes: register, use by name, remove."""
    env = {"COSTMODEL_CONFIG_DIR": str(tmp_path / "config"), "COSTMODEL_LUT": str(tmp_path / "lut.db")}
    assert run_cli("archs", "--add", EYERISS_1024, "--name", "my-chip", env=env).returncode == 0
    by_name, by_path = (run_cli(*QUERY, "--arch", a, env=env) for a in ("my-chip", EYERISS_1024))
    assert by_name.returncode == 0 and numbers(by_name.stdout) == numbers(by_path.stdout), by_name.stderr
    assert run_cli("archs", "--remove", "my-chip", env=env).returncode == 0
    gone = run_cli(*QUERY, "--arch", "my-chip", env=env)
    assert gone.returncode == 2 and gone.stderr.startswith("error: unknown arch 'my-chip'")
