"""Build spaces: which ops x shapes a LUT build covers (data: the YAML files beside this module).

A space file names a DARTS macro network (``network: {C, layers, hw, stem_multiplier,
in_channels}``) and the candidate ``ops``; `macro_cells` derives every cell's shapes the way the
DARTS code does (reductions at layers//3 and 2*layers//3, channels doubled there, 1x1 ReLUConvBN
preprocessing, FactorizedReduce for c_{k-2} after a reduction). Optional ``extra`` entries add
explicit queries: ``{op, c_in, hw, c_out, stride, kernel, ...}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..arch import read_yaml
from ..errors import CostModelError, did_you_mean
from ..ops import ALL_OPS, OpQuery
from ..validate import MAX_CHANNELS, MAX_SPATIAL, integer

SPACE_DIR = Path(__file__).resolve().parent
NETWORK_KEYS = ("C", "layers", "hw", "stem_multiplier", "in_channels")
NETWORK_LIMITS = {"C": MAX_CHANNELS // 16, "layers": 100, "hw": MAX_SPATIAL, "stem_multiplier": 16,
                  "in_channels": MAX_CHANNELS}    # C doubles twice and cells output 4 C: channels stay <= MAX_CHANNELS
MAX_SPACE_ENTRIES = 10_000                        # `extra` entries of a space file


@dataclass(frozen=True)
class CellShape:
    """Shapes of cell `index` of a DARTS network. h_in: the cell's input size (from c_{k-1});
    channels C; c_pp/c_p: channels of c_{k-2}/c_{k-1}; reduction_prev: c_{k-2} is twice as large."""

    index: int
    reduction: bool
    reduction_prev: bool
    C: int
    h_in: int
    c_pp: int
    c_p: int

    @property
    def h_out(self) -> int:
        return self.h_in // 2 if self.reduction else self.h_in

    def preprocess(self, n: int = 1) -> tuple[OpQuery, OpQuery]:
        """The queries of preprocess0 (c_{k-2}) and preprocess1 (c_{k-1})."""
        if self.reduction_prev:
            pre0 = OpQuery("factorized_reduce", self.c_pp, self.h_in * 2, c_out=self.C, stride=2, n=n)
        else:
            pre0 = OpQuery("conv_1x1", self.c_pp, self.h_in, c_out=self.C, n=n)
        return pre0, OpQuery("conv_1x1", self.c_p, self.h_in, c_out=self.C, n=n)

    def edge(self, op: str, from_input: bool, n: int = 1) -> OpQuery:
        """The query of `op` on an edge leaving a cell input (from_input) or an intermediate node."""
        stride = 2 if self.reduction and from_input else 1
        h = self.h_in if from_input else self.h_out
        return OpQuery(op, self.C, h, c_out=self.C, stride=stride, n=n)


def macro_cells(C: int, layers: int, hw: int, stem_multiplier: int = 3, multiplier: int = 4) -> list[CellShape]:
    """Every cell of the DARTS macro network (model_search.py / model.py conventions); `multiplier` =
    intermediate nodes concatenated into a cell's output (its channels = multiplier x C)."""
    if C < 1 or layers < 1 or hw < 1:
        raise CostModelError(f"impossible network: C={C}, layers={layers}, hw={hw} (all must be >= 1)")
    c_pp = c_p = stem_multiplier * C
    c_cur, h, red_prev, cells = C, hw, False, []
    for i in range(layers):
        red = i in (layers // 3, 2 * layers // 3)  # as DARTS, also for layers < 3 (cell 0 / cells 0, 1 reduce)
        if red:
            c_cur *= 2
        cells.append(CellShape(i, red, red_prev, c_cur, h, c_pp, c_p))
        if red and h % 2:
            raise CostModelError(f"network input {hw}x{hw}: a reduction cell needs an even size, got {h}")
        c_pp, c_p, red_prev = c_p, multiplier * c_cur, red
        h = h // 2 if red else h
    return cells


@dataclass(frozen=True)
class Space:
    name: str
    description: str
    queries: tuple[OpQuery, ...]


def network_queries(network: dict, ops: list[str]) -> list[OpQuery]:
    """Stem, preprocessing and every op on every edge shape of a DARTS network, deduplicated, in order."""
    cells = macro_cells(network["C"], network["layers"], network["hw"], network.get("stem_multiplier", 3))
    c_stem = network.get("stem_multiplier", 3) * network["C"]
    found = [OpQuery("conv_3x3", network.get("in_channels", 3), network["hw"], c_out=c_stem)]
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
