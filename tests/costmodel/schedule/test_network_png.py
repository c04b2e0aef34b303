"""`schedule --mode network --png`: the whole-network DAG wraps into bands (it used to be a 6528x480 strip)."""
import pytest

pytest.importorskip("matplotlib")
from PIL import Image  # noqa: E402  (matplotlib depends on pillow)


def test_the_network_dag_picture_is_readable(cli, tmp_path):
    png = tmp_path / "net.png"
    r = cli("schedule", "--genotype", "DARTS_V2", "--arch", "eyeriss", "--mode", "network", "--png", png,
            "--db", tmp_path / "lut.db")
    assert r.returncode == 0, r.stderr
    w, h = Image.open(png).size
    assert w <= 3000 and w / h <= 3, (w, h)
