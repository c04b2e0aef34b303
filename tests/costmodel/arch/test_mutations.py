"""No silent coercion, no crash: every one-value mutation of a packaged Timeloop v1.0 config given to the v1.0
reader ends in the spec or in a `CostModelError` -- never another exception (issue 25 item 5)."""
from __future__ import annotations

import copy
import math

import pytest
import yaml

from costmodel.arch.formats import legacy
from costmodel.errors import CostModelError
from costmodel.resources import reference_dir

CONFIGS = reference_dir() / "timeloop-v1.0-configs" / "configs"
VALUES = [None, True, False, 0, -1, 3, 16.9, 0.5, "x", "", [], {}, [1], ["a"], {"a": 1}, 1e308, -1e308, 10 ** 30,
          math.inf, math.nan]


def paths(node, prefix=()):
    """Every key path of a document (containers and leaves)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*prefix, k)
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield (*prefix, i)
            yield from paths(v, (*prefix, i))


def mutated(doc, path, value):
    out = copy.deepcopy(doc)
    cur = out
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    return out


def _load(config: str) -> dict:
    text = (CONFIGS / config).read_text()
    if config.endswith(".cfg"):
        from costmodel.arch.formats.libconfig import parse
        return parse(text, config)[0]
    return yaml.safe_load(text)


def _read(doc):
    try:
        legacy.read(doc, name="m")
    except CostModelError as e:
        assert "\n" not in str(e) and "Traceback" not in str(e)
        return "error"
    return "ok"


@pytest.mark.parametrize("config", ["eyeriss-1024.yaml", "eyeriss-1024.cfg", "simba-chip.yaml", "sample.yaml"])
def test_every_one_value_mutation_is_a_spec_or_a_costmodel_error(config):
    doc = _load(config)
    assert _read(doc) == "ok"
    outcomes = {"ok": 0, "error": 0}
    for path in list(paths(doc)):
        for value in VALUES:
            outcomes[_read(mutated(doc, path, value))] += 1
    assert outcomes["error"] > outcomes["ok"] > 0           # both happen: the test can fail either way


@pytest.mark.parametrize("arch", ["eyeriss", "diannao", "c64x"])
def test_every_one_value_mutation_of_a_shipped_spec_is_a_spec_or_a_costmodel_error(arch):
    """The same for the project's own YAML reader (costmodel.arch.formats.native)."""
    from costmodel.arch.formats import native
    from costmodel.arch.store import shipped_archs
    doc = yaml.safe_load(shipped_archs()[arch].read_text())
    outcomes = {"ok": 0, "error": 0}
    for path in list(paths(doc)):
        for value in VALUES:
            try:
                native.read(mutated(doc, path, value), where=f"{arch}.yaml")
                outcomes["ok"] += 1
            except CostModelError as e:
                assert "\n" not in str(e)
                outcomes["error"] += 1
    assert outcomes["error"] > outcomes["ok"] > 0


@pytest.mark.parametrize("key, value, words", [
    ("entries", 16.9, "must be an integer, got 16.9"),
    ("word-bits", True, "must be an integer, got True"),
    ("entries", 10 ** 30, "must be at most"),
    ("read_bandwidth", math.inf, "must be a finite number"),
    ("read_bandwidth", True, "must be a number, got True"),
    ("instances", 0, "must be >= 1"),
])
def test_no_silent_coercion(key, value, words):
    doc = yaml.safe_load((CONFIGS / "eyeriss-1024.yaml").read_text())
    doc["arch"]["storage"][0][key] = value
    with pytest.raises(CostModelError, match=words):
        legacy.read(doc, name="m", where="x.yaml")
