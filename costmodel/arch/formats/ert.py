"""Accelergy energy / area reference tables (ERT / ART) of a spec, and reading an ERT back.

Our spec's ``access_energy_pj`` is Timeloop's *vector access energy* V: the energy charged per block access
per utilized cluster (v1.0: Energy = ceil(accesses / block_size) * V * utilized_clusters). An ERT entry is
the energy of one access of the WHOLE cluster, which Timeloop divides by cluster_size to get V:

  Timeloop v1.0     model/topology.cpp ParseAccelergyERT: V = max(action energies) / cluster_size
  Timeloop >= v3    model/buffer.cpp UpdateOpEnergyViaERT: V = max(action energies) / cluster_size
                    (v3.0.3 and HEAD; timeloopfe's v0.4 files go to these versions)

so every ERT we write says ``V * cluster_size`` for read / write / update (pat does not distinguish them)
and 0 for leak; the MAC says ``compute`` = energy per MACC. `CLUSTER_SCALED` records the convention per
format; a reader divides by the level's cluster_size accordingly. Verified with the real v1.0 binary: the
legacy ERT reproduces the pat energies of the stock runs (tests/data/timeloop/README.md).
Versions: the legacy ERT/ART say 0.3 (v1.0 accepts ERT 0.2/0.3 and ART 0.3 only); the v0.4 ones say 0.4.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from ...errors import CostModelError
from .schema import Open, Str, check

CLUSTER_SCALED = {"legacy": True, "v0.4": True}
VERSION = {"legacy": 0.3, "v0.4": 0.4}
STORAGE_ACTIONS = ("read", "write", "update", "leak")
KNOWN_ACTIONS = {"read", "write", "update", "leak", "compute", "idle", "mac_random", "mac_reused", "mac_gated",
                 "transfer", "transfer_random", "metadata_read", "metadata_write", "gated_read", "gated_write",
                 "gated_update", "skipped_read", "skipped_write", "decompression_count", "compression_count"}


def tables(spec, fmt: str) -> tuple[dict, dict]:
    """(ERT, ART) of `spec` for format `fmt` (legacy | v0.4); energies in pJ, areas 0 (not modelled)."""
    ert, art = [], []
    for lv in spec.levels:
        e = float(lv.access_energy_pj * (lv.cluster_size if CLUSTER_SCALED[fmt] else 1))
        actions = [{"name": a, "arguments": {}, "energy": e if a != "leak" else 0.0} for a in STORAGE_ACTIONS]
        ert.append({"name": f"{spec.name}.{lv.name}", "actions": actions})
        art.append({"name": f"{spec.name}.{lv.name}", "area": 0.0})
    actions = [{"name": "compute", "arguments": {}, "energy": float(spec.mac.energy_pj)},
               {"name": "leak", "arguments": {}, "energy": 0.0}]
    ert.append({"name": f"{spec.name}.{spec.mac.name}", "actions": actions})
    art.append({"name": f"{spec.name}.{spec.mac.name}", "area": 0.0})
    return {"ERT": {"version": VERSION[fmt], "tables": ert}}, {"ART": {"version": VERSION[fmt], "tables": art}}


def component_name(path: str) -> str:
    """Timeloop's component of an ERT name: the last '.'-separated part, without a ``[a..b]`` range."""
    if path.endswith("]") and ".." in path:
        path = path[:path.rindex("[")]
    return path.rsplit(".", 1)[-1]


class Action(Open):
    name: Optional[Str] = None
    energy: Any = None                                   # checked below: a number >= 0 [pJ]


class Table(Open):
    name: Str
    actions: list[Action] = []


class Ert(Open):
    """``{version, tables}``: a list of {name, actions} (0.3 / 0.4), or ``{path: {action: {energy} or
    [{arguments, energy}]}}`` (0.2)."""
    version: Any = None
    tables: list[Table] | dict[str, dict[str, Action | list[Action]]]


def read(data, fmt: str, where: str) -> dict:
    """{component: max action energy [pJ] as written (cluster-scaled per `CLUSTER_SCALED`)} of an ERT.

    Accepts ``{ERT: {...}}`` or the inner dict, version 0.3 / 0.4 list layout or the 0.2 mapping layout.
    Unknown action names, non-numeric, negative or non-finite energies -> CostModelError.
    """
    ert = data.get("ERT", data) if isinstance(data, dict) else None
    if not isinstance(ert, dict) or "tables" not in ert:
        raise CostModelError(f"{where}: ERT: expected a mapping with 'tables'")
    if fmt == "legacy" and ert.get("version") not in (0.2, 0.3, "0.2", "0.3"):
        raise CostModelError(f"{where}: ERT version {ert.get('version')!r}: Timeloop v1.0 reads 0.2 or 0.3 only")
    t = check(Ert, ert, where, path=("ERT",)).tables
    items = [(x.name, [a.model_dump() for a in x.actions]) for x in t] if isinstance(t, list) else [
        (path, [{**a.model_dump(), "name": k} for k, v in acts.items() for a in (v if isinstance(v, list) else [v])])
        for path, acts in t.items()]
    out = {}
    for path, actions in items:
        at = f"{where}: ERT {path}"
        energies = []
        for a in actions:
            if a.get("name") not in KNOWN_ACTIONS:
                raise CostModelError(f"{at}: unknown action {a.get('name')!r} (Timeloop would ignore it)")
            e = a.get("energy")
            if isinstance(e, bool) or not isinstance(e, (int, float)) or not math.isfinite(e) or e < 0:
                raise CostModelError(f"{at}: action {a.get('name')}: energy must be a number >= 0 [pJ], got {e!r}")
            energies.append(float(e))
        out[component_name(str(path))] = max(energies, default=0.0)
    return out


def check_components(ert: dict, names, where: str) -> None:
    """Every ERT table must name a level or the MACs of the arch (else Timeloop silently ignores it)."""
    absent = sorted(set(ert) - set(names))
    if absent:
        raise CostModelError(f"{where}: ERT tables for component(s) {absent} that the arch does not have "
                             f"({', '.join(names)})")
