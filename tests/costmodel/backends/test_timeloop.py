"""The `timeloop` backend against fake `timeloop-mapper` executables: real subprocesses, real files.

Each fake is a script put first on PATH. It answers --version, checks that it was called the Timeloop
v1.0 way (arch, constraints, mapper, problem files in its working folder) and then crashes, hangs,
finds no mapping, or writes a real reference stats.txt/map.txt as Timeloop would.
"""
import os
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from costmodel.arch.registry import load_arch
from costmodel.backends.timeloop import TimeloopBackend
from costmodel.errors import CostModelError
from costmodel.evaluate import evaluate_op
from costmodel.ops import OpQuery, lower
from costmodel.resources import reference_dir
from costmodel.timeloop.runner import find_toolchain, run_mapper
from costmodel.workload import conv

REF = reference_dir()
PW = conv("pw", 1, 16, 16, 32, 32, 1, mode="mdarts")       # MDARTS Table I 1x1, C16, 32x32

PRELUDE = f"""#!{sys.executable}
import os, shutil, sys, time, yaml
if sys.argv[1:] == ["--version"]:
    print("timeloop-mapper fake 9.9"); sys.exit(0)
if sys.argv[1:] != ["arch.yaml", "constraints.yaml", "mapper.yaml", "problem.yaml", "ERT.yaml"]:
    print("unexpected arguments", sys.argv[1:]); sys.exit(5)
mapper = yaml.safe_load(open("mapper.yaml"))["mapper"]
problem = yaml.safe_load(open("problem.yaml"))["problem"]
"""
COPY = """
want = yaml.safe_load(open({problem!r}))["problem"]
if problem != want:
    print("problem.yaml differs from the reference run:", problem); sys.exit(3)
shutil.copy({stats!r}, "timeloop-mapper.stats.txt")
shutil.copy({map!r}, "timeloop-mapper.map.txt")
print("Mapper search done")
"""
NO_MAPPING = """
print("MESSAGE: no valid mappings found within search criteria. Some suggestions:")
"""
BEHAVIOURS = {
    "crash": "print(\"terminate called after throwing an instance of 'std::out_of_range'\"); os.abort()",
    "exit1": "print('ERROR: cannot parse arch.yaml'); sys.exit(1)",
    "hang": "time.sleep(60)",
    "no-mapping": NO_MAPPING,
    "silent": "pass",                       # exits 0 without writing any stats
    "copy": COPY.format(problem=str(REF / "table1-runs/problem_pw1x1.yaml"),
                        stats=str(REF / "table1-runs/eyeriss_pw1x1.stats.txt"),
                        map=str(REF / "table1-runs/eyeriss_pw1x1.map.txt")),
    "truncated": "open('timeloop-mapper.stats.txt', 'w').write(open({!r}).read()[:5000])".format(
        str(REF / "table1-runs/eyeriss_pw1x1.stats.txt")),
}
# the reference's fallback: no mapping with the stock search, found with timeout 20000
BEHAVIOURS["fallback"] = ("if mapper['timeout'] != 20000:\n" + textwrap.indent(NO_MAPPING.strip(), "    ") +
                          "\n    sys.exit(0)\n" + BEHAVIOURS["copy"])


@pytest.fixture
def fake(tmp_path, monkeypatch):
    def install(behaviour):
        bindir = tmp_path / f"bin-{behaviour}"
        bindir.mkdir()
        exe = bindir / "timeloop-mapper"
        exe.write_text(PRELUDE + BEHAVIOURS[behaviour] + "\n")
        exe.chmod(0o755)
        monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
        return exe
    return install


def test_reference_stats_come_back_as_the_reference_numbers(fake):
    fake("copy")
    cost = TimeloopBackend(timeout_s=60).evaluate(PW, load_arch("eyeriss"))
    assert cost.status == "ok", cost.message
    assert (cost.cycles, cost.compute_cycles, cost.macs) == (3072, 2048, 262144)   # Table I: 2,048 compute cycles
    assert cost.energy_pj == pytest.approx(8398700.06)
    assert cost.utilization == pytest.approx(1 / 3)
    assert cost.mapping.startswith("DRAM [ Weights:256 Inputs:16384 Outputs:16384 ] | | for Q in [0:4)")


def test_crash_timeout_and_no_mapping_give_statuses_never_numbers(fake):
    spec = load_arch("eyeriss")
    expected = {"crash": ("failed", "crashed (signal 6)"), "exit1": ("failed", "(exit code 1): ERROR: cannot parse"),
                "hang": ("timeout", "did not finish within 1 s"), "silent": ("failed", "without writing a stats file"),
                "no-mapping": ("failed", "no valid mappings found"), "truncated": ("failed", "incomplete Timeloop stats")}
    for behaviour, (status, words) in expected.items():
        fake(behaviour)
        cost = TimeloopBackend(timeout_s=1).evaluate(PW, spec)
        assert (cost.status, cost.cycles, cost.compute_cycles, cost.energy_pj, cost.macs) == (status, 0, 0, None, 0), behaviour
        assert words in cost.message, (behaviour, cost.message)


def test_no_mapping_is_retried_with_the_reference_fallback_setting(fake):
    fake("fallback")
    cost = TimeloopBackend(timeout_s=60).evaluate(PW, load_arch("eyeriss"))
    assert cost.ok and cost.compute_cycles == 2048 and "fallback" in cost.message
    assert TimeloopBackend(timeout_s=60, fallback=False).evaluate(PW, load_arch("eyeriss")).status == "failed"


def test_a_layer_that_is_not_the_run_is_refused(fake):
    fake("copy")   # the fake checks the problem file: a 3x3 layer is not the reference 1x1 run
    cost = TimeloopBackend(timeout_s=60).evaluate(conv("c", 1, 16, 16, 32, 32, 3, pad=1, mode="mdarts"),
                                                  load_arch("eyeriss"))
    assert cost.status == "failed" and "exit code 3" in cost.message


def test_an_op_sums_its_layers_through_evaluate_op(fake, monkeypatch):
    fake("copy")
    from costmodel.backends import _instances
    monkeypatch.setitem(_instances, "timeloop", TimeloopBackend(timeout_s=60))
    cost = evaluate_op("eyeriss", OpQuery("conv_1x1", 16, 32), lowering="mdarts", backend="timeloop")
    assert (cost.compute_cycles, cost.cycles) == (2048, 3072)


def test_pools_are_not_expressible_and_version_names_the_binary(fake, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    pool = lower(OpQuery("max_pool_3x3", 16, 32), "exact")[0]
    assert TimeloopBackend().version == "unavailable"
    for layer in (PW, pool):
        with pytest.raises(CostModelError, match="Timeloop is not installed.*--backend analytic"):
            TimeloopBackend().evaluate(layer, load_arch("eyeriss"))
    fake("hang")     # a pool never reaches the binary
    cost = TimeloopBackend(timeout_s=60).evaluate(pool, load_arch("eyeriss"))
    assert (cost.status, cost.cycles) == ("not-expressible", 0) and "pool-max" in cost.message
    assert TimeloopBackend().version == "timeloop-mapper fake 9.9"


def test_runner_keeps_the_run_folder_when_asked(fake, tmp_path):
    fake("copy")
    from costmodel.timeloop import files_for
    files = files_for(PW, load_arch("eyeriss"), "legacy")
    result = run_mapper(files, "legacy", 60, find_toolchain(), keep_dir=tmp_path / "run")
    assert result.status == "ok" and result.stats.compute_cycles == 2048
    kept = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert kept == sorted(list(files) + ["timeloop-mapper.map.txt", "timeloop-mapper.stats.txt"])
    assert yaml.safe_load((tmp_path / "run" / "problem.yaml").read_text())["problem"]["K"] == 16


FAKE_TIMELOOPFE = '''
import shutil, yaml
from pathlib import Path


class Specification(dict):
    @classmethod
    def from_yaml_files(cls, *paths):
        spec = cls()
        for p in paths:
            spec.update(yaml.load(Path(p).read_text(), Loader=yaml.BaseLoader))   # keeps !Component tags out of the way
        assert set(spec) == {"architecture", "variables", "mapper", "problem", "ERT", "ART"}, sorted(spec)
        assert spec["problem"]["version"] == "0.4" and spec["mapper"]["algorithm"] == "hybrid"
        return spec


def call_mapper(spec, output_dir):
    shutil.copy(STATS_PATH, Path(output_dir) / "timeloop-mapper.stats.txt")
    shutil.copy(MAP_PATH, Path(output_dir) / "timeloop-mapper.map.txt")
    return 0
'''


def test_v04_runs_go_through_timeloopfe_when_it_is_importable(fake, tmp_path, monkeypatch):
    fake("hang")                                 # the binary must not be called directly in v0.4 mode
    pkg = tmp_path / "site" / "timeloopfe" / "v4"
    pkg.mkdir(parents=True)
    (pkg.parent / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text(
        FAKE_TIMELOOPFE.replace("STATS_PATH", repr(str(REF / "table1-runs/diannao_pw1x1.stats.txt")))
        .replace("MAP_PATH", repr(str(REF / "table1-runs/diannao_pw1x1.map.txt"))))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    tc = find_toolchain()
    assert tc.timeloopfe and tc.default_format == "v0.4" and tc.version.endswith("+ timeloopfe")
    cost = TimeloopBackend(timeout_s=60).evaluate(PW, load_arch("diannao"))
    assert cost.status == "ok", cost.message
    assert (cost.compute_cycles, cost.cycles) == (1024, 2048)        # Table I DianNao pw 1x1: 1,024 compute cycles


def test_a_binary_without_version_flag_is_named_by_its_content(tmp_path, monkeypatch):
    exe = tmp_path / "timeloop-mapper"                 # Timeloop v1.0 has no --version: it fails on the argument
    exe.write_text("#!/bin/sh\necho 'ERROR: cannot open --version'\nexit 1\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    import hashlib
    assert TimeloopBackend().version == "timeloop-mapper sha256:" + hashlib.sha256(exe.read_bytes()).hexdigest()[:12]
