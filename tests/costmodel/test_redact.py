"""costmodel.redact: one masking function for URL secrets, and every path that prints a URL uses it."""
import pytest

from costmodel.redact import has_credentials, mask_url, redact

SECRET = "hunter2"


@pytest.mark.parametrize("url, shown", [
    (f"postgresql+psycopg://me:{SECRET}@db:5432/lut", "postgresql+psycopg://me:***@db:5432/lut"),
    (f"postgresql+psycopg://me@db/lut?password={SECRET}", "postgresql+psycopg://me@db/lut?password=***"),
    (f"postgresql://db/lut?sslmode=require&sslpassword={SECRET}&application_name=x",
     "postgresql://db/lut?sslmode=require&sslpassword=***&application_name=x"),
    (f"postgresql://db/lut?PWD={SECRET}&passwd={SECRET}&api_key={SECRET}&token={SECRET}&client_secret={SECRET}",
     "postgresql://db/lut?PWD=***&passwd=***&api_key=***&token=***&client_secret=***"),
    ("sqlite:////tmp/lut.db", "sqlite:////tmp/lut.db"), ("lut.db", "lut.db"),
    (f"tcp://u:{SECRET}@127.0.0.1:8786", "tcp://u:***@127.0.0.1:8786"),
])
def test_mask_url(url, shown):
    assert mask_url(url) == shown
    assert SECRET not in mask_url(url)


def test_redact_masks_every_url_in_a_sentence():
    text = f"error: postgresql://me@h/lut?password={SECRET}: open failed; also tcp://a:{SECRET}@h:1."
    assert redact(text) == "error: postgresql://me@h/lut?password=***: open failed; also tcp://a:***@h:1."
    assert has_credentials("tcp://a@h:1") and has_credentials(f"tcp://h:1?token={SECRET}")
    assert not has_credentials("tcp://h:1")


def _tiny_space(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("name: s\nextra:\n  - {op: conv_1x1, c_in: 4, hw: 8}\n")
    return p


def test_the_db_lines_of_build_lut_and_sweep_are_masked(cli, tmp_path):
    """A SQLite URL with a secret-named query part (SQLite keeps it in the file name): every printed form masked."""
    db = f"sqlite:///{tmp_path}/lut.db?password={SECRET}"
    r = cli("build-lut", "--arch", "c64x", "--space", _tiny_space(tmp_path), "--db", db)
    assert r.returncode == 0 and "db=" in r.stdout and "password=***" in r.stdout
    r2 = cli("sweep", "--arch", "c64x", "--set", "op_cycles.mul=4,5", "--space", _tiny_space(tmp_path), "--db", db)
    assert r2.returncode == 0 and "variants registered in" in r2.stdout, r2.stderr
    for r in (r, r2):
        assert SECRET not in r.stdout + r.stderr


def test_error_lines_are_masked(cli):
    r = cli("export", "--db", f"postgresql+psycopg://me@127.0.0.1:1/lut?password={SECRET}")
    assert r.returncode == 2 and "password=***" in r.stderr and SECRET not in r.stderr + r.stdout
    r = cli("sweep", "--arch", "eyeriss", "--set", "mac.energy_pj=1,2", "--dask", f"tcp://me:{SECRET}@127.0.0.1:1")
    assert r.returncode == 2 and "me:***@" in r.stderr and SECRET not in r.stderr + r.stdout
