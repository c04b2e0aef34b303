"""Timeloop v1.0 features of the stock simba-chip and sample configs: deprecated `bandwidth`, network-word-bits,
the `utilization` constraint, multi-metric objectives -- read, written back, honoured by the mapper."""
import re
from dataclasses import replace

import numpy as np
import pytest
import yaml

from costmodel.arch.registry import load_arch
from costmodel.errors import CostModelError
from costmodel.loopnest.mapper import search
from costmodel.loopnest.problem import Problem
from costmodel.resources import reference_dir
from costmodel.arch.formats import legacy, legacy_write
from costmodel.workload import conv

CONFIGS = reference_dir() / "timeloop-v1.0-configs" / "configs"


def _sample(keep_registers=True):
    data = yaml.safe_load((CONFIGS / "sample.yaml").read_text())
    if keep_registers:       # the stock file leaves Registers' keep/bypass to the mapper; some tests fix it
        data["mapspace"]["constraints"].append({"target": "Registers", "type": "datatype", "keep": ["Weights"],
                                                "bypass": ["Inputs", "Outputs"]})
    return data


def test_simba_chip_reads_the_same_from_cfg_and_yaml():
    spec = load_arch(str(CONFIGS / "simba-chip.cfg"))
    assert spec == load_arch(str(CONFIGS / "simba-chip.yaml"))
    dram = spec.level("DRAM")
    assert (dram.read_bandwidth, dram.write_bandwidth) == (10.0, 10.0)        # bandwidth 20 -> half each
    assert spec.mapper["objective"] == "delay,energy"
    assert [lv.word_bits for lv in spec.levels] == [8, 8, 8, 8, 24, 8] and spec.level("Registers").cluster_size == 64
    assert spec.level("GlobalBuffer").entries == 64 * 8192 // 8


def test_sample_reads_with_every_feature_and_round_trips():
    stock = legacy.read(_sample(keep_registers=False), name="sample")
    regs = stock.level("Registers")
    assert regs.keep == () and regs.keep_or_bypass == ("Weights", "Inputs", "Outputs") and regs.bypass == ()
    assert stock.level("AccumulationBuffer").spatial.split is None      # no split: the mapper searches it
    files = legacy_write.files(stock, "NCKRSPQ")
    assert legacy.read({**files["arch.yaml"], **files["constraints.yaml"], **files["mapper.yaml"]}, name="sample",
                       extras=stock.extras()) == stock
    spec = legacy.read(_sample(), name="sample")
    assert spec.level("AccumulationBuffer").network_word_bits == 16
    assert spec.level("DRAM").read_bandwidth == spec.level("DRAM").write_bandwidth == 5.0
    assert spec.mapper["min_utilization"] == 0.01 and spec.mapper["objective"] == "energy,delay"
    files = legacy_write.files(spec, "NCKRSPQ")
    back = legacy.read({**files["arch.yaml"], **files["constraints.yaml"], **files["mapper.yaml"]}, name="sample",
                       extras=spec.extras())
    assert back == spec and back.to_dict() == spec.to_dict()


def test_explicit_read_write_bandwidth_win_over_bandwidth():
    data = _sample()
    data["arch"]["storage"][-1]["read_bandwidth"] = 7
    spec = legacy.read(data)
    assert (spec.level("DRAM").read_bandwidth, spec.level("DRAM").write_bandwidth) == (7.0, 5.0)


def test_utilization_only_at_the_innermost_level():
    data = _sample()
    data["mapspace"]["constraints"][-2] = {"target": "AccumulationBuffer", "type": "utilization", "min": 0.5}
    with pytest.raises(CostModelError, match="only at the innermost storage level"):
        legacy.read(data)


def _used_macs(mapping) -> int:
    return int(np.prod([lp.bound for lv in mapping.levels for lp in lv.loops if lp.spatial]))


def test_mapper_honours_the_minimum_utilization():
    """C = 3, K = 5 on DianNao's 16 x 16 MACs (C, K spatial): at most 15 of 256 MACs can be used."""
    spec = load_arch("diannao")
    problem = Problem.from_layer(conv("x", 1, 3, 5, 8, 8, 3))
    n = spec.mac.instances

    def at_least(u):
        return search(problem, replace(spec, mapper={**spec.mapper, "min_utilization": u}))
    assert _used_macs(search(problem, spec).mapping) <= 15
    assert at_least(16 / n).mapping is None and "minimum utilization" in at_least(16 / n).message
    assert _used_macs(at_least(15 / n).mapping) == 15


def test_multi_metric_objective_is_the_first_metric_then_the_next():
    spec = load_arch("diannao")
    problem = Problem.from_layer(conv("x", 1, 32, 32, 8, 8, 3))
    delay, energy = search(problem, spec, "delay"), search(problem, spec, "energy")
    both = search(problem, spec, "delay,energy")
    tol = spec.mapper["tie_tolerance"]
    assert both.cycles <= delay.cycles * (1 + tol) and both.energy_pj <= delay.energy_pj * (1 + 1e-12)
    assert search(problem, spec, "energy,delay").energy_pj <= energy.energy_pj * (1 + tol)
    with pytest.raises(CostModelError, match="mapper.objective|objective"):
        search(problem, spec, "delay,area")


def test_the_v04_writer_refuses_what_it_cannot_carry():
    from costmodel.arch.formats import v04_write
    with pytest.raises(CostModelError, match="cannot carry AccumulationBuffer: network_word_bits, "
                                             "mapper.min_utilization"):
        v04_write.files(legacy.read(_sample(), name="sample"), "NCKRSPQ")


@pytest.mark.parametrize("config,old,new,words,line_has", [
    ("eyeriss-1024.cfg", "word-bits", "word_bits", "DRAM: unsupported key 'word_bits'", "word_bits"),
    ("sample.yaml", "  cluster-size: 16", "  clustr-size: 16", "unsupported key 'clustr-size'", "clustr"),
    ("sample.yaml", "type: utilization", "type: utilisation", "unsupported constraint type 'utilisation'",
     "utilisation"),
    ("simba-chip.yaml", "{name: InputBuffer, entries: 8192, instances: 16, meshX: 16,",
     "{name: InputBuffer, entries: 8192, instances: 16, meshX: 16, meshY: 2,", "meshX x meshY = 16 x 2", "meshY"),
])
def test_an_unsupported_config_entry_is_named_with_its_line(tmp_path, config, old, new, words, line_has):
    text = (CONFIGS / config).read_text()
    assert old in text
    bad = tmp_path / config
    bad.write_text(text.replace(old, new))
    with pytest.raises(CostModelError) as e:
        load_arch(str(bad))
    msg = str(e.value)
    assert words in msg and msg.startswith(str(bad))
    line = int(re.search(r"\bline (\d+)\b", msg).group(1))      # "FILE: line N: ..." or "... (line N)"
    assert line_has in bad.read_text().splitlines()[line - 1]
