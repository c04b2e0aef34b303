import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent

# The tests never see (nor write) the user's own registered archs: an empty per-user config folder for the
# whole session (subprocesses inherit it); a test that registers archs sets its own.
_CONFIG = tempfile.mkdtemp(prefix="costmodel-test-config-")
os.environ["COSTMODEL_CONFIG_DIR"] = _CONFIG
atexit.register(shutil.rmtree, _CONFIG, ignore_errors=True)


def run_cli(*args, env=None, timeout=600):
    """Run the real `costmodel` entry point in a subprocess; returns CompletedProcess (text)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(["costmodel", *map(str, args)], capture_output=True, text=True, env=full_env,
                          timeout=timeout)


def invoke(capsys, *args, env=None):
    """Run `costmodel.cli.main([...])` in this process (fast: no interpreter start-up); returns a
    CompletedProcess (returncode, stdout, stderr) like `run_cli`. `env` entries are set for the call only."""
    from costmodel.cli import main
    argv = [str(a) for a in args]
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update({k: str(v) for k, v in (env or {}).items()})
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as e:        # argparse: --help, --version, usage errors
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out = capsys.readouterr()
    return subprocess.CompletedProcess(["costmodel", *argv], code, out.out, out.err)


@pytest.fixture
def cli(capsys):
    """`costmodel` in-process (see `invoke`); use `run_cli` for the few true end-to-end subprocess tests."""
    return lambda *args, env=None: invoke(capsys, *args, env=env)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server on 127.0.0.1 (see tests/pgserver.py), or skip with the reason."""
    from pgserver import PgServer, wait_ready
    env = os.environ.get("COSTMODEL_TEST_PG_URL")
    if env:
        class _External:
            url = env

            @staticmethod
            def fresh_database(name):
                return env
        wait_ready(env)
        yield _External
        return
    try:
        srv = PgServer.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        pytest.skip(f"no PostgreSQL server: {e}")
    try:
        wait_ready(srv.url)
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def pg_url(pg_server, request):
    """A fresh, empty PostgreSQL database for this test (SQLAlchemy URL)."""
    import re
    return pg_server.fresh_database("t_" + re.sub(r"\W", "_", request.node.name)[:50].lower())


@pytest.fixture(autouse=True, scope="session")
def _private_default_lut(tmp_path_factory):
    """Commands run without --db write to $COSTMODEL_LUT: a private file, never the shipped LUT nor the
    user's own cache (XDG_CACHE_HOME points into the test's temp folder too)."""
    os.environ["COSTMODEL_LUT"] = str(tmp_path_factory.mktemp("lut") / "default_lut.db")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg_cache"))
    yield


# --- nas fixtures (here, not in tests/nas/conftest.py: a second conftest module would shadow this one
# for `from conftest import run_cli` whenever tests/nas is named on the command line) -------------
# Per-op costs shaped like MDARTS Table I (Eyeriss, first cell) to exercise the mechanism without a
# backend. They are test inputs, not expectations: the toolkit's own numbers come from evaluate_op.
NORMAL_ROW = [0, 28672, 86016, 15920, 53888, 12288, 40960]    # skip, sep3, sep5, dil3, dil5, dw3, dw5
REDUCE_ROW = [36864, 3072, 0]                                    # max, avg, skip


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    """2 cores shared: one intra-op thread keeps the tiny searches fast under load (only if torch is in use)."""
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    yield


@pytest.fixture
def table1_like():
    import torch
    from nas.cost import DartsCost
    from nas.space import mdarts_space
    space = mdarts_space(shapes="mdarts-table1")
    normal = torch.tensor(NORMAL_ROW, dtype=torch.float64).expand(14, 7)
    reduce = torch.tensor(REDUCE_ROW, dtype=torch.float64).expand(14, 3)
    return DartsCost(space, normal=normal, reduce=reduce, dtype=torch.float64)


@pytest.fixture
def write_batch():
    """Writes a fake CIFAR-10 python batch (random uint8 images, labels) and returns (data, labels)."""
    import pickle

    def write(path, n, seed):
        rng = np.random.default_rng(seed)
        data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n).tolist()
        with open(path, "wb") as f:
            pickle.dump({b"batch_label": b"fake", b"data": data, b"labels": labels, b"filenames": [b"x"] * n}, f)
        return data, labels
    return write
