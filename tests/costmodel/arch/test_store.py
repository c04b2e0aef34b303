"""Registrations are exact (issue 25 item 4): `archs --add` without --force never replaces a name, even when
several processes race for it (one rename(2) puts a registration in place); --force reports what it replaced."""
from __future__ import annotations

import multiprocessing as mp
import shutil

import pytest
from conftest import run_cli

from costmodel.errors import CostModelError
from costmodel.resources import reference_dir

CONFIGS = reference_dir() / "timeloop-v1.0-configs" / "configs"
RACES = 20
RACERS = 3


def _racer(barrier, src, config_dir, queue):
    import os
    os.environ["COSTMODEL_CONFIG_DIR"] = config_dir
    from costmodel.arch.store import add
    barrier.wait()
    try:
        u, _, replaced = add(src, "r")
        queue.put(("ok", str(src), replaced))
    except CostModelError as e:
        queue.put(("refused", str(e), None))


def test_concurrent_registrations_of_one_name_never_both_succeed(tmp_path):
    """20 races, each of 3 processes registering a different file as 'r' at the same instant: exactly one wins,
    the others are refused, and the copy on disk is the winner's file."""
    ctx = mp.get_context("fork")
    sources = []
    for i, name in enumerate(("eyeriss-1024.cfg", "simba-chip.cfg", "sample.yaml")):
        sources.append(tmp_path / f"src{i}{(CONFIGS / name).suffix}")
        shutil.copy(CONFIGS / name, sources[-1])
    for race in range(RACES):
        config_dir = tmp_path / f"config{race}"
        barrier, queue = ctx.Barrier(RACERS), ctx.Queue()
        procs = [ctx.Process(target=_racer, args=(barrier, src, str(config_dir), queue)) for src in sources]
        for p in procs:
            p.start()
        results = [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=120)
        wins = [r for r in results if r[0] == "ok"]
        assert len(wins) == 1, (race, results)
        assert all("already registered" in r[1] for r in results if r[0] == "refused"), results
        assert wins[0][2] is None                                    # nothing was replaced
        copy = next((config_dir / "archs" / "r").glob("r.*"))
        assert copy.read_text() == open(wins[0][1]).read()
        assert sorted(p.name for p in (config_dir / "archs").iterdir()) == ["r"]      # no temp folder left


def test_force_reports_the_replacement_end_to_end(tmp_path):
    """The real `costmodel` entry point: a second --add of a name is refused (exit 2, one line, the first copy
    kept); with --force it replaces and says what it replaced."""
    env = {"COSTMODEL_CONFIG_DIR": str(tmp_path / "config"), "COSTMODEL_LUT": str(tmp_path / "lut.db")}
    first = run_cli("archs", "--add", CONFIGS / "eyeriss-1024.cfg", "--name", "r", env=env)
    assert first.returncode == 0 and "replaced" not in first.stdout, first.stderr
    again = run_cli("archs", "--add", CONFIGS / "simba-chip.cfg", "--name", "r", env=env)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "already registered" in again.stderr
    copy = tmp_path / "config" / "archs" / "r" / "r.cfg"
    assert copy.read_text() == (CONFIGS / "eyeriss-1024.cfg").read_text()
    forced = run_cli("archs", "--add", CONFIGS / "simba-chip.cfg", "--name", "r", "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith(f"replaced the user arch r (registered from {(CONFIGS / 'eyeriss-1024.cfg')}")
    assert copy.read_text() == (CONFIGS / "simba-chip.cfg").read_text()


def test_force_replaces_under_a_race_too(tmp_path, monkeypatch):
    """--force moves the old registration aside and renames the new one in; a name taken in between is
    moved aside again (never an error, never a mix of two registrations)."""
    monkeypatch.setenv("COSTMODEL_CONFIG_DIR", str(tmp_path / "config"))
    from costmodel.arch import store
    store.add(CONFIGS / "eyeriss-1024.cfg", "r")
    real_rename, calls = store.os.rename, []

    def rename(a, b):                  # another process registers 'r' right after ours moved the old one aside
        calls.append((a, b))
        if len(calls) == 2:
            real_rename(a, b)
            (tmp_path / "config" / "archs" / "r").mkdir()
            (tmp_path / "config" / "archs" / "r" / "x").write_text("intruder")
            return
        return real_rename(a, b)
    monkeypatch.setattr(store.os, "rename", rename)
    u, _, replaced = store.add(CONFIGS / "simba-chip.cfg", "r", force=True)
    assert replaced is not None and u.file.read_text() == (CONFIGS / "simba-chip.cfg").read_text()
    assert sorted(p.name for p in u.file.parent.iterdir()) == ["r.cfg", "registered.json"]
