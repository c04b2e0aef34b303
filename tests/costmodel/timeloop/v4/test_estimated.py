"""Issue 20 item 3: without an ERT, each component is priced by costmodel.estimate (class, size, technology).
The counts and cycles do not depend on the energy source; the energies come near Accelergy's ERTs."""
import pytest

from costmodel.errors import CostModelError
from costmodel.loopnest.model import evaluate
from costmodel.timeloop import v4

from v4devruns import RUNS, native, out


@pytest.mark.parametrize("name", sorted(RUNS))
def test_every_dev_run_evaluates_without_an_ert(name):
    est = v4.load(native(name), None, None)
    ert = v4.load(native(name), None, out(name, "ERT.yaml"))
    assert est.energy_source.startswith("estimated (costmodel.estimate") and ert.energy_source.startswith("ERT ")
    mapping = ert.mapping or v4.read_map_txt(out(name, "map.txt"), ert.spec)
    a, sa = evaluate(est.problem, est.spec, mapping, detail=True)
    b, sb = evaluate(ert.problem, ert.spec, mapping, detail=True)
    assert a.cycles == b.cycles and a.macs == b.macs
    counts = ("reads", "fills", "updates")
    assert {k: [v.get(c) for c in counts] for k, v in sa.items()} == {k: [v.get(c) for c in counts] for k, v in sb.items()}
    # measured 0.74-0.93 of Accelergy's own ERT on these runs (CACTI 7 / plug-in tables vs its plug-ins)
    assert 0.5 < a.energy_pj / b.energy_pj < 1.5, a.energy_pj / b.energy_pj


def test_v4_files_with_compound_components_are_estimated():
    files, variables = RUNS["intmac"][2], RUNS["intmac"][3]
    run = v4.load(files, variables, None)
    assert "intmac" in run.energy_source and run.spec.mac.energy_pj > 0
    assert all(lv.actions["read"] > 0 for lv in run.spec.levels if lv.keep or lv.keep_or_bypass)


def test_a_class_without_an_estimator_asks_for_an_ert(tmp_path):
    text = open(native("01-os")[0]).read()
    assert "class: regfile" in text
    bad = tmp_path / "parsed-processed-input.yaml"
    bad.write_text(text.replace("class: regfile", "class: my_crossbar"))
    with pytest.raises(CostModelError, match=r"no estimator .*: give --ert FILE") as e:
        v4.load([str(bad)], None, None)
    assert str(bad) in str(e.value) and "Buffer" in str(e.value)
