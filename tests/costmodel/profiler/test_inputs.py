"""`profile` knows shapes before it runs: --input validated, tracing on tensors without data, failing forwards."""
import shutil
import subprocess
import sys
import textwrap
import time

import pytest
from hypothesis import given, settings, strategies as st

from costmodel import CostModelError
from costmodel.profiler.inputs import MAX_INPUT_ELEMENTS, MAX_INPUT_RANK, check_shape, parse_shapes

BROKEN = textwrap.dedent('''
    import torch.nn as nn

    class Broken(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)

        def forward(self, x):
            raise ValueError("boom in forward")

    def broken():
        return Broken()

    def small():
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())
''')


def test_parse_shapes():
    assert parse_shapes("1x3x224x224") == [(1, 3, 224, 224)]
    assert parse_shapes(" 1X4x64x16 , 1x4x64x16 ") == [(1, 4, 64, 16)] * 2
    assert parse_shapes("x".join(["1"] * MAX_INPUT_RANK)) == [(1,) * MAX_INPUT_RANK]
    for text, message in [("3xA", "positive integers joined by x"), ("", "positive integers"), ("1x-3", "positive"),
                          ("1x0x4", "sizes must be positive"), ("1x" * 11 + "1", "12 dims; an input has 1 to 6"),
                          ("99999999999999999999x3x32x32", "3.07e+23 elements; the limit is 2,147,483,648"),
                          ("1x²", "positive integers"), ("9" * 5000, "positive integers"),
                          (",".join(["1"] * 9), "at most 8 inputs")]:
        with pytest.raises(CostModelError, match=message.replace("+", r"\+")):
            parse_shapes(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(st.integers(-5, 10 ** 12), max_size=9).map(
    lambda v: "x".join(map(str, v)))))
def test_parse_shapes_fuzz_returns_valid_shapes_or_one_error(text):
    try:
        shapes = parse_shapes(text)
    except CostModelError as e:
        assert "\n" not in str(e)
        return
    for s in shapes:
        assert 1 <= len(s) <= MAX_INPUT_RANK and all(isinstance(d, int) and d >= 1 for d in s)
        assert check_shape(s) == s


def test_check_shape_refuses_what_is_not_a_shape():
    for bad in (5, (), (True, 3), (2.5, 3), ("3",), (1 << 16, 1 << 16)):
        with pytest.raises(CostModelError):
            check_shape(bad)
    assert MAX_INPUT_ELEMENTS == 1 << 31


torch = pytest.importorskip("torch")


def test_a_huge_input_is_traced_without_data():
    from costmodel.profiler.trace import trace
    from nas.zoo import resnet18
    t0 = time.perf_counter()
    g = trace(resnet18(), [(1, 3, 16384, 16384)])            # 3 GiB as real float32 (8 GiB at the first conv)
    assert time.perf_counter() - t0 < 60
    assert g.node("conv1").out_shape == (1, 64, 8192, 8192) and g.node("fc").out_shape == (1, 1000)


def test_a_failing_forward_is_one_error_naming_the_model(tmp_path, monkeypatch):
    from costmodel.profiler import profile
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "brokenmodels_api.py").write_text(BROKEN)
    import brokenmodels_api
    for tracer in ("auto", "hooks"):
        with pytest.raises(CostModelError, match=r"model Broken: forward failed on input 1x3x8x8 "
                                                 r"\(ValueError: boom in forward\)"):
            profile(brokenmodels_api.broken(), (1, 3, 8, 8), "c64x", tracer=tracer)
    with pytest.raises(CostModelError, match=r"torch.fx cannot trace model Broken: ValueError: boom in forward"):
        profile(brokenmodels_api.broken(), (1, 3, 8, 8), "c64x", tracer="fx")
    with pytest.raises(CostModelError, match=r"input 3x32 \(RuntimeError: Expected 3D \(unbatched\) or 4D"):
        profile(brokenmodels_api.small(), (3, 32), "c64x")


def test_a_model_that_reads_values_needs_small_inputs():
    from costmodel.profiler import profile

    class Branchy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 4, 3)

        def forward(self, x):
            y = self.conv(x)
            return y if y.sum() > -1e30 else -y
    r = profile(Branchy(), (1, 3, 8, 8), "c64x")           # run once on real zeros
    assert r.tracer == "hooks" and list(r.table.op) == ["input", "conv"]
    with pytest.raises(CostModelError, match="without data .*run on real data only up to 16,777,216 elements"):
        profile(Branchy(), (1, 3, 4096, 4096), "c64x")


MEASURE = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
           "sys.stderr.write(f'maxrss_kib={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}'); sys.exit(p.returncode)")


def run_entry_point(args, cwd, timeout=300):
    """The installed `costmodel` script (not `python -m`, which would put the folder on the path itself), run
    under a small Python parent that reports its peak memory: (CompletedProcess without that line, KiB)."""
    exe = shutil.which("costmodel")
    if exe is None:
        pytest.skip("the costmodel entry point is not installed")
    p = subprocess.run([sys.executable, "-c", MEASURE, exe, *args], cwd=cwd, capture_output=True, text=True,
                       timeout=timeout)
    err, _, rss = p.stderr.rpartition("maxrss_kib=")
    return subprocess.CompletedProcess(p.args, p.returncode, p.stdout, err), int(rss)


def test_cli_end_to_end_finds_the_working_folder_and_bounds_every_bad_input(tmp_path):
    (tmp_path / "mymodels.py").write_text(BROKEN)
    assert "mymodels" not in sys.modules
    p, _ = run_entry_point(["profile", "mymodels:small", "--input", "1x3x8x8", "--arch", "c64x", "--no-lut"], tmp_path)
    assert p.returncode == 0 and "small on c64x: 1 layers, graph from fx" in p.stdout, p.stderr
    cases = [("mymodels:broken", "1x3x8x8", "model mymodels:broken: forward failed on input 1x3x8x8 "
                                            "(ValueError: boom in forward)"),
             ("nas.zoo:resnet18", "3x32", "model nas.zoo:resnet18: forward failed on input 3x32 (RuntimeError: "),
             ("nas.zoo:vit_tiny", "1x3x64x64", "model nas.zoo:vit_tiny: forward failed on input 1x3x64x64 "),
             ("nas.zoo:vit_tiny", "1x3x16384x16384", "forward failed on input 1x3x16384x16384 without data ("),
             ("nas.zoo:resnet18", "99999999999999999999x3x32x32", "elements; the limit is 2,147,483,648 per input"),
             ("nas.zoo:resnet18", "x".join(["2"] * 12), "12 dims; an input has 1 to 6 dims")]
    for model, shape, message in cases:
        p, _ = run_entry_point(["profile", model, "--input", shape, "--arch", "c64x", "--no-lut"], tmp_path)
        err = p.stderr.strip().splitlines()
        assert p.returncode == 2 and len(err) == 1 and err[0].startswith("error: ") and message in err[0], p.stderr
        assert "Traceback" not in p.stderr and p.stdout == ""
    assert sorted(f.name for f in tmp_path.iterdir() if f.name != "__pycache__") == ["mymodels.py"]


def test_cli_huge_input_is_traced_and_costed_in_bounded_memory(tmp_path):
    t0 = time.perf_counter()
    p, rss = run_entry_point(["profile", "nas.zoo:resnet18", "--input", "1x3x16384x16384", "--arch", "c64x",
                              "--no-lut"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert "resnet18 on c64x: 23 layers" in p.stdout and "9,702,331,633,664 MACs" in p.stdout
    assert rss < 2 << 20 and time.perf_counter() - t0 < 300              # KiB; it allocated 8 GiB before
