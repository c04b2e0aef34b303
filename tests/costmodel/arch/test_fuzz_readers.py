"""Every arch reader, fed thousands of generated and mutated documents (hypothesis), ends in a spec or in
`CostModelError` -- never another exception (issue 19 item 4)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costmodel.arch.formats import legacy, native, v04
from costmodel.arch.formats.libconfig import parse as parse_cfg
from costmodel.arch.formats.v04_write import files as v04_files
from costmodel.arch.reader import parse_arch
from costmodel.arch.registry import load_arch
from costmodel.arch.store import shipped_archs
from costmodel.errors import CostModelError
from costmodel.resources import reference_dir

CONFIGS = reference_dir() / "timeloop-v1.0-configs" / "configs"
TESTS_DATA = Path(__file__).resolve().parents[2] / "data" / "timeloop" / "timeloopfe"     # timeloopfe's own output
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
DEEP = settings(FUZZ, max_examples=1000, derandomize=False)      # the slow run: 1,000 fresh examples per reader


def _keys(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            out.add(k)
            _keys(v, out)
    elif isinstance(node, list):
        for v in node:
            _keys(v, out)
    return out


def _v04_docs() -> dict:
    """The v0.4 files of the shipped eyeriss, written and read back as merged documents."""
    from costmodel.arch.formats.yamlio import dump, load
    files = v04_files(load_arch("eyeriss"), "NCKRSPQ")
    merged = {}
    for part in files.values():
        merged.update(load(dump(part)))
    return merged


STOCK = {
    "legacy": [yaml.safe_load((CONFIGS / n).read_text()) for n in ("eyeriss-1024.yaml", "simba-chip.yaml",
                                                                    "sample.yaml")],
    "native": [yaml.safe_load(p.read_text()) for p in shipped_archs().values()],
    "v04": [_v04_docs()],
    "transpiled": [yaml.safe_load(p.read_text()) for p in sorted(TESTS_DATA.glob("*/parsed-processed-input.yaml"))],
}
KEYS = sorted(set().union(*(_keys(d, set()) for docs in STOCK.values() for d in docs)), key=str)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2, 2 ** 70), st.floats(allow_nan=True),
                    st.sampled_from(["", "x", "DRAM", "SRAM", "intmac", "Weights", "N1 C1", "NCKRSPQ", "K=4", "!",
                                     "Component", "Container", "legacy", "dsp", "accelerator", "conv"]),
                    st.text(max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=4)), inner,
                                                 max_size=4)), max_leaves=12)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


@st.composite
def mutated(draw, fmt):
    """A stock document of `fmt` with 1-4 random edits: a value replaced, a key deleted, a key added."""
    doc = copy.deepcopy(draw(st.sampled_from(STOCK[fmt])))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for p in path[:-1]:
            parent = parent[p]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            parent.pop(path[-1], None)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = draw(VALUES)
        else:
            parent[path[-1]] = draw(VALUES)
    return doc


def _only_costmodel_errors(read, doc):
    try:
        read(doc)
    except CostModelError as e:
        assert str(e) and "\n" not in str(e), repr(e)


READERS = {
    "legacy": lambda d: legacy.read(d, name="fuzz", where="fuzz.yaml"),
    "native": lambda d: native.read(d, where="fuzz.yaml") if isinstance(d, dict) else None,
    "v04": lambda d: v04.read(d, where="fuzz v0.4"),
    "transpiled": lambda d: v04.read_transpiled(d, where="fuzz timeloopfe output"),
}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_mutated_documents(fmt):
    @FUZZ
    @given(mutated(fmt))
    def run(doc):
        _only_costmodel_errors(READERS[fmt], doc)
    run()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(READERS))
def test_many_fresh_documents(fmt):
    @DEEP
    @given(st.one_of(mutated(fmt), st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6)))
    def run(doc):
        _only_costmodel_errors(READERS[fmt], doc)
    run()


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_generated_documents(fmt):
    @FUZZ
    @given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6))
    def run(doc):
        _only_costmodel_errors(READERS[fmt], doc)
    run()


CFG = (CONFIGS / "eyeriss-1024.cfg").read_text()
YAML = (CONFIGS / "eyeriss-1024.yaml").read_text()


@st.composite
def edited_text(draw, text):
    """`text` with 1-3 random character-level edits (a slice deleted, or random text inserted)."""
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        text = text[:i] + draw(st.text(alphabet=st.sampled_from(list('{}()[]=:;,"@#/*\n -.0123456789eExLtrue')),
                                       max_size=10)) + text[j:]
    return text


@pytest.mark.parametrize("suffix, text", [(".cfg", CFG), (".yaml", YAML)], ids=["libconfig", "yaml"])
def test_edited_text(suffix, text):
    @FUZZ
    @given(edited_text(text))
    def run(t):
        _only_costmodel_errors(lambda x: parse_arch(x, suffix, where=f"fuzz{suffix}"), t)
    run()


@FUZZ
@given(st.text(max_size=200))
def test_any_text_to_the_libconfig_parser(text):
    _only_costmodel_errors(lambda t: parse_cfg(t, "fuzz.cfg"), text)
