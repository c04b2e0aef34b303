"""Small sweep inputs for the tests: a 4-op space at the DARTS_V2 normal-cell shapes, PE-array axes."""
from pathlib import Path

SPACE = """name: tiny
extra:
  - {op: sep_conv_3x3, c_in: 16, hw: 32}
  - {op: dil_conv_3x3, c_in: 16, hw: 32}
  - {op: skip_connect, c_in: 16, hw: 32}
  - {op: conv_1x1, c_in: 16, hw: 16}
"""


def pe_array(n: int) -> dict:
    """The dotted paths of an n x n PE array on Eyeriss (MACs, one DummyBuffer per column, 3 regfiles per PE)."""
    d = {"mac.instances": n * n, "mac.mesh_x": n, "levels.DummyBuffer.instances": n, "levels.DummyBuffer.mesh_x": n}
    for lv in ("InputRegFile", "WeightRegFile", "PsumRegFile"):
        d.update({f"levels.{lv}.instances": n * n, f"levels.{lv}.mesh_x": n})
    return d


def write_space(tmp_path: Path) -> str:
    path = tmp_path / "tiny_space.yaml"
    path.write_text(SPACE)
    return str(path)


def write_sweep(tmp_path: Path, sizes=(8, 16), entries=(16384, 65536)) -> str:
    """A sweep file: pe_array (named axis) x GlobalBuffer entries over the tiny space."""
    import yaml
    data = {"name": "tiny-sweep", "arch": "eyeriss", "spaces": [write_space(tmp_path)], "lowerings": ["exact"],
            "axes": {"pe_array": {f"{n}x{n}": pe_array(n) for n in sizes},
                     "levels.GlobalBuffer.entries": list(entries)}}
    path = tmp_path / "tiny_sweep.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)
