"""Energies without an ERT: every component of the flat arch priced by `costmodel.estimate` from its class,
size and technology, as the ERT Accelergy would write for it ({component: {action: pJ}}).

A storage component's access is one row of ``width`` bits (else datawidth x block_size x cluster_size) and it
has ``depth`` rows (else entries / words per row); the estimator's read, write, update and leak become the
ERT actions ``read``, ``write``, ``update`` and ``leak``; a compute unit's MACC becomes ``mac``. Fan-outs
(networks) cost nothing, as in Timeloop without a network model. A class the estimator does not know (a
compound component of the user's) is one error asking for ``--ert``.
"""
from __future__ import annotations

from ...errors import CostModelError
from ...estimate import estimate

INHERITED = ("technology", "global_cycle_seconds")


def _first(a: dict, *keys) -> int | None:
    """The first of `keys` that `a` gives as a number (build.storage_level validates them), else None."""
    v = next((a[k] for k in keys if isinstance(a.get(k), (int, float)) and not isinstance(a.get(k), bool)), None)
    return None if v is None else int(v)


def _storage(a: dict) -> dict:
    """Accelergy's width (bits per row) and depth (rows) of a storage component from Timeloop's attributes."""
    word = _first(a, "datawidth", "word_bits", "word_width") or 1
    per_row = (_first(a, "block_size", "n_words") or 1) * (_first(a, "cluster_size") or 1)
    width = _first(a, "width", "memory_width", "data_storage_width") or word * per_row
    depth, entries = _first(a, "depth", "memory_depth", "data_storage_depth"), _first(a, "entries")
    if depth is None and entries is not None:
        depth = -(-entries // max(1, width // word))
    return {**a, "width": width, **({} if depth is None else {"depth": depth})}


def ert(nodes) -> tuple[dict, str]:
    """({component: {action: pJ}}, the energy source line) of the flat arch `nodes` (costmodel.timeloop.v4.arch)."""
    table, classes = {}, set()
    for n in nodes:
        if n.kind == "fanout":
            continue
        a = {**{k: v for k, v in n.inherited.items() if k in INHERITED}, **n.attributes}
        try:
            e = estimate(n.klass, a if n.kind == "compute" else _storage(a)).energy
        except CostModelError as err:
            raise CostModelError(f"{n.where}: {n.name}: {err}: give --ert FILE (an Accelergy ERT, e.g. the "
                                 f"timeloop-*.ERT.yaml Timeloop writes)") from None
        classes.add(n.klass)
        table[n.name] = ({"mac": e.read, "leak": e.leak} if n.kind == "compute" else
                         {"read": e.read, "write": e.write, "update": e.update, "leak": e.leak})
    return table, (f"estimated (costmodel.estimate: CACTI 7 / Accelergy plug-in tables by class, size and "
                   f"technology; classes {', '.join(sorted(classes))})")
