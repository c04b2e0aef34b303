import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def run_cli(*args, env=None, timeout=600):
    """Run the real `costmodel` entry point in a subprocess; returns CompletedProcess (text)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(["costmodel", *map(str, args)], capture_output=True, text=True, env=full_env,
                          timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def _private_default_lut(tmp_path_factory):
    """Commands run without --db write to $COSTMODEL_LUT: point it away from the shipped lut_cache.db."""
    os.environ["COSTMODEL_LUT"] = str(tmp_path_factory.mktemp("lut") / "default_lut.db")
    yield
