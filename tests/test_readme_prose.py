"""Numbers the README quotes in its prose and comments (outside the generated blocks, which
tests/test_readme_numbers.py re-runs): each is recomputed here and must appear in the README as written, so
a model change that moves one fails this test instead of leaving the text stale."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from costmodel import OpQuery, evaluate_op

README = Path(__file__).resolve().parents[1] / "README.md"


def text() -> str:
    """The README with every run of whitespace one space (quotes may wrap across lines)."""
    return re.sub(r"\s+", " ", README.read_text())


def cycles(arch, op, c, hw, stride=1, lowering="exact") -> int:
    return evaluate_op(arch, OpQuery(op, c_in=c, h=hw, stride=stride), lowering=lowering).compute_cycles


def quick_start():
    mdarts = cycles("eyeriss", "sep_conv_3x3", 16, 32, lowering="mdarts")
    return [f'print(evaluate_op("eyeriss", q, lowering="mdarts").compute_cycles) # {mdarts:,}: MDARTS Table I',
            f"sep_conv_3x3 at 32x32 C16 is {mdarts:,} cycles in `mdarts` but "
            f"{cycles('eyeriss', 'sep_conv_3x3', 16, 32):,} in `exact`"]


def pools():
    mp, ap = cycles("eyeriss", "max_pool_3x3", 16, 32, 2), cycles("eyeriss", "avg_pool_3x3", 16, 32, 2)
    assert mp == ap
    return [f"At C16 32x32 stride 2 it costs the same {mp:,} compute cycles as avg_pool_3x3 on Eyeriss "
            f"({cycles('diannao', 'max_pool_3x3', 16, 32, 2):,} on DianNao)",
            f"(ONE comparison per cycle for the whole array: "
            f"{cycles('eyeriss:mdarts-table3', 'max_pool_3x3', 16, 32, 2):,} cycles there)"]


def fidelity_examples():
    from costmodel.loopnest.fidelity import compare, default_reference
    from costmodel.resources import reference_dir
    r = next(r for r in compare(default_reference()) if r.arch == "eyeriss" and "dil_conv_5x5" in r.label
             and r.layer.C == 64 and r.layer.Hstride == 2)
    s = next(r for r in compare(reference_dir() / "timeloop-v1.0-configs" / "reference.csv")
             if r.arch.endswith("sample.yaml") and r.label.split()[0] == "c07")
    return [f"(e.g. Eyeriss dil_conv_5x5, C64 stride 2: {r.total:,} cycles and {r.energy / 1e6:.1f} µJ vs "
            f"Timeloop's {r.ref_total:,} cycles and {r.ref_energy / 1e6:.1f} µJ)",
            f"(sample c07: fewer total cycles too, {s.total:,} vs {s.ref_total:,})"]


def schedules(cli):
    def maximum(*args) -> int:
        out = cli("schedule", "--genotype", "DARTS_V2", *args).stdout
        return int(re.search(r"maximum cycle \(critical path\): ([\d,]+) cycles", out).group(1).replace(",", ""))
    fitted = maximum("--arch", "eyeriss:mdarts-table3", "--mode", "mdarts-table3", "--lowering", "mdarts")
    plain = maximum("--arch", "eyeriss", "--mode", "mdarts-table3", "--lowering", "mdarts")
    return [f"--mode mdarts-table3 --lowering mdarts # {fitted:,} (fitted preset)",
            f"DARTS_V2's {fitted:,} needs it (the default physical max pool gives {plain:,})"]


def heap_policy():
    from costmodel.heap import TRIM_BYTES
    return [f"The `costmodel` command keeps its freed heap for reuse (glibc's `mallopt`: up to "
            f"{TRIM_BYTES >> 20} MiB of it; `costmodel.heap`)"]


@pytest.mark.parametrize("quotes", [quick_start, pools, fidelity_examples, heap_policy])
def test_prose_numbers_are_what_the_code_computes(quotes):
    readme = text()
    for q in quotes():
        assert q in readme, f"README.md no longer says (recomputed): {q}"


def test_schedule_numbers_in_the_readme(cli):
    readme = text()
    for q in schedules(cli):
        assert q in readme, f"README.md no longer says (recomputed): {q}"


def test_reproduce_comments_in_the_readme(cli):
    def computed(table: str) -> dict:
        out = cli("reproduce", table).stdout
        return {m.group(1): m.group(2) for m in re.finditer(r"^(\S+(?: \S+)*?)\s+[\d,]+\s+([\d,]+)\s+\d", out, re.M)}
    m, d = computed("mdarts-table3"), computed("deffarts-table3")
    readme = text()
    for q in (f"# DARTS_V2 {m['DARTS_V2']}, ENAS {m['ENAS']}, NSGANet {m['NSGANet']} (counts: see Paper tables)",
              f"# DARTS {d['DARTS (Gamma=0.0)']}, NASNet {d['NASNet-A']}, AmoebaNet {d['AmoebaNet-A']} (counts: "
              f"see Paper tables)"):
        assert q in readme, f"README.md no longer says (recomputed): {q}"


def test_config_fidelity_summaries_in_the_readme(cli):
    ref = str(Path(__file__).resolve().parents[1] / "costmodel/data/reference/timeloop-v1.0-configs/reference.csv")
    readme = text()
    for args in (["--fixed-mapping"], []):
        out = cli("fidelity", "--reference", ref, *args).stdout.strip().splitlines()
        quote = out[-2] if args else out[-1]          # --fixed-mapping: the equal tally
        assert quote in readme, f"README.md no longer says (recomputed): {quote}"


def test_heldout_counts_in_the_readme():
    from costmodel.loopnest.fidelity import compare
    ref = Path(__file__).resolve().parent / "data/timeloop/v1.0-configs-heldout/reference.csv"
    fixed, searched = compare(ref, fixed_mapping=True), compare(ref)
    n = len(fixed)
    quote = (f"On {n} held-out layers of the same configs (`tests/data/timeloop/v1.0-configs-heldout/`; one model "
             f"change, the throttling order in `nest.py`, was made after held-out row h15 was one cycle off): equal "
             f"{sum(r.equal for r in fixed)}/{n} on Timeloop's mappings, objective not worse "
             f"{sum(r.objective_not_worse for r in searched)}/{n}.")
    assert quote in text(), f"README.md no longer says (recomputed): {quote}"
