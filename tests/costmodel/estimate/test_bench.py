"""bench/estimator_vs_tools.py runs end to end and its summary line says what the golden tests check."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_bench_prints_the_ratios():
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "estimator_vs_tools.py")], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    last = p.stdout.strip().splitlines()[-1]
    m = re.match(r"estimator_vs_tools: timeloop-v1.0 max \|d\| ([\d.]+) pJ; tables vs reruns max rel ([\d.e+-]+); "
                 r"accelergy read energy ratio ([\d.]+) \(([\d.]+)\.\.([\d.]+)\), area ratio ([\d.]+)", last)
    assert m, last
    assert float(m.group(1)) <= 0.005 and float(m.group(2)) < 1e-12
    assert float(m.group(4)) <= float(m.group(3)) <= float(m.group(5))
    assert "fpmac" in p.stdout and "no estimator" not in p.stdout         # every exercise component compared
