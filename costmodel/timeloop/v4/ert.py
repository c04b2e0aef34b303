"""An Accelergy ERT read per action, as Timeloop v3+ uses it (model/buffer.cpp, model/topology.hpp).

Timeloop v3+ charges each storage operation its own ERT action (not v1.0's one max energy): a read the first
of ``random_read, read``; a fill ``random_fill, random_write, fill, write``; an update ``random_update,
random_write, update, write``; leakage ``leak`` per instance-cycle; a compute ``mac_random, mult_random, mac,
mult, compute``. ``metadata_*``, gated and skipped actions are Sparseloop's: ignored for a dense spec.
"""
from __future__ import annotations

import math

from ...errors import CostModelError
from ..ert import KNOWN_ACTIONS, component_name
from .yamlfiles import at, load_files

PRIORITY = {"read": ("random_read", "read"), "fill": ("random_fill", "random_write", "fill", "write"),
            "update": ("random_update", "random_write", "update", "write"), "leak": ("leak",)}
COMPUTE = ("mac_random", "mult_random", "mac", "mult", "compute")
EXTRA = {"random_read", "random_fill", "random_write", "random_update", "fill", "mult", "mult_random",
         "compute_random", "metadata_update", "metadata_fill", "random_metadata_read", "random_metadata_write"}


def read(path) -> dict:
    """{component: {action: pJ}} of an ERT file (``ERT: {version, tables: [{name, actions}]}``)."""
    doc = load_files([path])
    return read_doc(doc.get("ERT", doc), str(path))


def read_doc(ert, path: str = "ERT") -> dict:
    if not isinstance(ert, dict) or not isinstance(ert.get("tables"), list):
        raise CostModelError(f"{at(ert, default=path)}: not an Accelergy ERT (expected 'ERT: {{version, tables: [...]}}')")
    out = {}
    for t in ert["tables"]:
        name = component_name(str(t.get("name", "")))
        acts = {}
        for a in t.get("actions") or []:
            n, e = a.get("name"), a.get("energy")
            if n not in KNOWN_ACTIONS and n not in EXTRA and not str(n).startswith(("metadata_", "gated_", "skipped_")):
                raise CostModelError(f"{at(a, 'name')}: unknown ERT action {n!r} of {name}")
            if isinstance(e, bool) or not isinstance(e, (int, float)) or not math.isfinite(e) or e < 0:
                raise CostModelError(f"{at(a, 'energy')}: action {n} of {name}: energy must be a number >= 0 [pJ], "
                                     f"got {e!r}")
            acts.setdefault(str(n), float(e))      # several argument sets: Timeloop takes the first
        out[name] = acts
    return out


def storage_actions(table: dict) -> dict:
    """{read, fill, update, leak: pJ} of one storage component's ERT actions (absent = 0 pJ)."""
    out = {}
    for op, names in PRIORITY.items():
        out[op] = next((table[n] for n in names if n in table), 0.0)
    return out


def compute_energy(table: dict, where: str) -> float:
    for n in COMPUTE:
        if n in table:
            return table[n]
    raise CostModelError(f"{where}: the ERT has no compute action ({', '.join(COMPUTE)}) for it")
