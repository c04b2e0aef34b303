"""Build spaces: which ops x shapes a LUT build covers (data: the YAML files beside this module).

A space file names a DARTS macro network (``network: {C, layers, hw, stem_multiplier,
in_channels}``) and the candidate ``ops``; every cell's shapes come from `costmodel.darts_net`
(the one owner of the DARTS macro-network rules). Optional ``extra`` entries add explicit
queries: ``{op, c_in, hw, c_out, stride, kernel, ...}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..arch.reader import read_yaml
from ..darts_net import CellShape, macro_cells, stem_query  # noqa: F401  (CellShape, macro_cells: re-exported)
from ..errors import CostModelError, did_you_mean
from ..ops import ALL_OPS, OpQuery
from ..validate import MAX_CHANNELS, MAX_SPATIAL, integer

SPACE_DIR = Path(__file__).resolve().parent
NETWORK_KEYS = ("C", "layers", "hw", "stem_multiplier", "in_channels")
NETWORK_LIMITS = {"C": MAX_CHANNELS // 16, "layers": 100, "hw": MAX_SPATIAL, "stem_multiplier": 16,
                  "in_channels": MAX_CHANNELS}    # C doubles twice and cells output 4 C: channels stay <= MAX_CHANNELS
MAX_SPACE_ENTRIES = 10_000                        # `extra` entries of a space file


@dataclass(frozen=True)
class Space:
    name: str
    description: str
    queries: tuple[OpQuery, ...]


def network_queries(network: dict, ops: list[str]) -> list[OpQuery]:
    """Stem, preprocessing and every op on every edge shape of a DARTS network, deduplicated, in order."""
    stem_mult = network.get("stem_multiplier", 3)
    cells = macro_cells(network["C"], network["layers"], network["hw"], stem_mult)
    found = [stem_query(network["C"], network["hw"], network.get("in_channels", 3), stem_mult)]
    for cell in cells:
        found += cell.preprocess()
        for from_input in (True, False):
            found += [cell.edge(op, from_input) for op in ops]
    return list(dict.fromkeys(q.resolved() for q in found))


def _check_network(net, path) -> dict:
    """A space file's ``network`` entry: known keys only, C/layers/hw required, every value an integer >= 1."""
    if not isinstance(net, dict):
        raise CostModelError(f"{path}: network must be a mapping {{{', '.join(NETWORK_KEYS)}}}")
    for key in net:
        if key not in NETWORK_KEYS:
            raise CostModelError(f"{path}: network: unknown key {key!r} (known: {', '.join(NETWORK_KEYS)})")
    for key in NETWORK_KEYS:
        v = net.get(key, 1 if key in ("stem_multiplier", "in_channels") else None)
        integer(v, f"{path}: network.{key}", 1, NETWORK_LIMITS[key])
    return net


def load_space(name_or_path: str) -> Space:
    """A packaged space by name (``darts-search``, ``darts-eval``) or a user YAML file."""
    path = SPACE_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        path = Path(name_or_path)
        if not path.exists():
            known = [p.stem for p in sorted(SPACE_DIR.glob("*.yaml"))]
            raise CostModelError(f"unknown space {name_or_path!r}{did_you_mean(name_or_path, known)}; packaged: "
                                 f"{', '.join(known)} (or a path to a .yaml)")
    data = read_yaml(path)
    for key in data:
        if key not in ("name", "description", "network", "ops", "extra"):
            raise CostModelError(f"{path}: unknown key {key!r} (known: name, description, network, ops, extra)")
    ops = data.get("ops") or []
    if not isinstance(ops, list):
        raise CostModelError(f"{path}: ops must be a list of op names, e.g. [sep_conv_3x3, max_pool_3x3]")
    for op in ops:
        if op not in ALL_OPS:
            raise CostModelError(f"{path}: unknown op {op!r} in ops; known ops: {', '.join(ALL_OPS)}")
    queries = []
    if "network" in data:
        queries += network_queries(_check_network(data["network"], path), ops)
    extra = data.get("extra") or []
    if not isinstance(extra, list):
        raise CostModelError(f"{path}: extra must be a list of op entries, e.g. [{{op: conv, c_in: 3, hw: 32, kernel: 3}}]")
    if len(extra) > MAX_SPACE_ENTRIES:
        raise CostModelError(f"{path}: {len(extra):,} extra entries, above the limit of {MAX_SPACE_ENTRIES:,}")
    for i, entry in enumerate(extra):
        try:
            entry = dict(entry)
            entry["h"] = entry.pop("hw")
            queries.append(OpQuery(**entry).resolved())
        except CostModelError as e:
            raise CostModelError(f"{path}: extra[{i}]: {e}") from None
        except (KeyError, TypeError, ValueError) as e:
            raise CostModelError(f"{path}: extra[{i}] is not a valid op entry ({e}); "
                                 f"use keys op, c_in, hw, c_out, stride, n, kernel, dilation, groups, padding") from None
    if not queries:
        raise CostModelError(f"{path}: the space is empty (give a network and ops, or extra entries)")
    return Space(data.get("name", path.stem), data.get("description", ""), tuple(dict.fromkeys(queries)))
