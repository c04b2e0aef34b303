"""Golden: the estimator's Timeloop v1.0 model equals real Timeloop v1.0's built-in numbers on every level of
every packaged config -- the printed SPECS of every packaged stats file (vector access energy, MAC energy per
op, area 0) and the exact per-access energies recovered in reference/timeloop-v1.0/ert_*.yaml."""
import re
from pathlib import Path

import pytest
import yaml

from costmodel.arch import load_arch
from costmodel.estimate.levels import V1, level_costs
from costmodel.resources import reference_dir

REF = reference_dir()
EXACT = {"eyeriss": REF / "timeloop-v1.0-exact/configs/eyeriss-256.exact.arch.yaml",
         "diannao": REF / "timeloop-v1.0-exact/configs/diannao-chen-asplos2014.exact.arch.yaml"}


def arch_of(stats: Path):
    """The arch the stats file was produced with: its run folder's arch.yaml, else the config its name says."""
    if (stats.parent / "arch.yaml").exists():
        return load_arch(str(stats.parent / "arch.yaml"))
    prefix = stats.parent.name.split("_")[0] if stats.parent.name != "table1-runs" else stats.name.split("_")[0]
    if "timeloop-v1.0-configs" in stats.parts:
        return load_arch(str(REF / "timeloop-v1.0-configs/configs" / f"{stats.parent.parent.name}.yaml"))
    if "timeloop-v1.0-exact" in stats.parts:
        return load_arch(str(EXACT[prefix]))
    return load_arch(prefix)


def printed(stats: Path) -> dict:
    """{level: (vector access energy or MAC energy per op [pJ, 2 decimals], area [um^2])} of a stats file."""
    out, name = {}, None
    for line in stats.read_text().splitlines():
        m = re.match(r"=== (\S+) ===", line)
        if m:
            name = m.group(1)
        m = re.match(r"\s+(Vector access energy|Energy-per-op)\s*: ([\d.]+) pJ", line)
        if m and name:
            out[name] = [float(m.group(2)), None]
        m = re.match(r"\s+Area(?: \(total\))?\s*: ([\d.]+) um\^2", line)
        if m and name in out and out[name][1] is None:
            out[name][1] = float(m.group(1))
    return out


STATS = sorted(p for p in REF.rglob("*stats.txt") if p.name.endswith(".stats.txt"))


def test_every_packaged_stats_file_is_checked():
    assert len(STATS) >= 150, len(STATS)


@pytest.mark.parametrize("stats", STATS, ids=lambda p: str(p.relative_to(REF)))
def test_estimator_prints_what_timeloop_v1_printed(stats):
    spec = arch_of(stats)
    costs = {c.name: c for c in level_costs(spec)}
    costs["__ARITH__"] = costs[spec.mac.name]      # v1.0's name of an unnamed arithmetic level
    seen = printed(stats)
    assert seen, stats
    for level, (energy, area) in seen.items():
        c = costs[level]
        assert c.energy_source == V1, (level, c.source)
        assert abs(c.energy.read - energy) <= 0.005 + 1e-9, (level, c.energy.read, energy)
        assert area == 0.0          # v1.0's built-in model has no area; the estimator's v1 model says 0 too
    assert {n for n in costs if n != "__ARITH__"} <= set(seen) | {spec.mac.name}   # every level was compared
    assert len(seen) == len(costs) - 1


@pytest.mark.parametrize("arch", ["eyeriss", "diannao"])
def test_estimator_equals_the_exact_recovered_energies(arch):
    ert = yaml.safe_load((REF / f"timeloop-v1.0/ert_{arch}.yaml").read_text())["levels"]
    costs = {c.name: c for c in level_costs(load_arch(arch))}
    for level, rec in ert.items():
        if level.startswith("network_"):            # v1.0 charges wires 0; the estimator models no network either
            assert all(float(v[0].split()[0]) == 0.0 for k, v in rec.items() if "energy" in k), level
            continue
        exact = rec.get("vector_access_energy_pJ", rec.get("mac_energy_pJ"))
        if exact is None:                           # only a printed value (DummyBuffer: "0.00 pJ")
            exact = float(rec["vector_access_energy_printed"][0].split()[0])
        assert costs[level].energy.read == pytest.approx(exact, abs=1e-5), level
    from costmodel.estimate import estimate
    from costmodel.estimate.timeloop_v1 import storage
    assert estimate("SRAM", {"width": 16, "depth": 192}, model="timeloop-v1.0").energy.read == \
        pytest.approx(ert["WeightRegFile"]["vector_access_energy_pJ"], abs=1e-5) if arch == "eyeriss" else True
    assert storage(0, 16).energy.read == 0.0
