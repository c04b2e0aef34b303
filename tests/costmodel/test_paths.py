"""The one default LUT (costmodel.paths.resolve_lut): --db / argument > $COSTMODEL_LUT > the per-user cache,
seeded from the shipped LUT; CLI and Python agree; the shipped file is never written."""
import hashlib
import sqlite3

import pytest

from costmodel.errors import CostModelError
from costmodel.lut import LUT
from costmodel.paths import resolve_lut, user_lut_path
from costmodel.resources import shipped_lut_path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from op_costs").fetchone()[0]


@pytest.fixture
def fresh_user(tmp_path, monkeypatch):
    """No $COSTMODEL_LUT, an empty per-user cache folder."""
    monkeypatch.delenv("COSTMODEL_LUT", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "costmodel" / "lut_cache.db"


def test_resolution_order(tmp_path, monkeypatch, fresh_user):
    assert resolve_lut() == str(fresh_user) == str(user_lut_path())
    monkeypatch.setenv("COSTMODEL_LUT", str(tmp_path / "env.db"))
    assert resolve_lut() == str(tmp_path / "env.db")
    assert resolve_lut(tmp_path / "explicit.db") == str(tmp_path / "explicit.db")
    assert resolve_lut("postgresql+psycopg://u@127.0.0.1/x") == "postgresql+psycopg://u@127.0.0.1/x"


def test_home_cache_when_xdg_is_unset(tmp_path, monkeypatch):
    monkeypatch.delenv("COSTMODEL_LUT", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_lut() == str(tmp_path / ".cache" / "costmodel" / "lut_cache.db")


def test_first_use_seeds_the_user_lut_with_the_shipped_rows(fresh_user):
    shipped = shipped_lut_path()
    before = digest(shipped)
    lut = LUT()
    assert lut.url == f"sqlite:///{fresh_user}" and len(lut) == count(shipped) > 100
    lut.close()
    assert digest(shipped) == before     # read by copying, never opened for writing


def test_the_user_lut_is_seeded_once_then_kept(fresh_user):
    resolve_lut()
    with sqlite3.connect(fresh_user) as conn:
        conn.execute("delete from op_costs where arch = 'c64x'")
    n = count(fresh_user)
    resolve_lut()
    assert count(fresh_user) == n         # the user's own LUT is never overwritten


def test_cli_and_python_use_the_same_default(cli, fresh_user):
    shipped = shipped_lut_path()
    before = digest(shipped)
    out = cli("query", "--arch", "c64x", "--op", "conv", "--kernel", "3", "--hw", "5", "--c-in", "3", "--c-out", "7")
    assert out.returncode == 0 and "computed now" in out.stdout
    assert count(fresh_user) == count(shipped) + 1
    assert LUT().query(op="conv", c_out=7).shape[0] == 1
    shipped_row = cli("query", "--arch", "c64x", "--op", "sep_conv_3x3", "--hw", "32", "--c-in", "16")
    assert "(LUT)" in shipped_row.stdout           # a shipped row, read from the seeded copy
    assert digest(shipped) == before


def test_unwritable_cache_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("COSTMODEL_LUT", raising=False)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with pytest.raises(CostModelError, match="cannot create the per-user LUT .*--db PATH"):
        resolve_lut()


def test_config_dir_resolution(tmp_path, monkeypatch):
    from costmodel.paths import config_dir
    monkeypatch.delenv("COSTMODEL_CONFIG_DIR", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config_dir() == tmp_path / "home" / ".config" / "costmodel"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_dir() == tmp_path / "xdg" / "costmodel"
    monkeypatch.setenv("COSTMODEL_CONFIG_DIR", str(tmp_path / "mine"))
    assert config_dir() == tmp_path / "mine"
    assert not (tmp_path / "mine").exists()          # resolving creates nothing
