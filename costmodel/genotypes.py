"""DARTS-convention genotypes: parsing, validation, and the published cells.

A genotype is ``Genotype(normal, normal_concat, reduce, reduce_concat)`` (the DARTS namedtuple):
each cell is a list of ``(op, input)`` edges, two per intermediate node, in node order. Node ids:
0 = c_{k-2}, 1 = c_{k-1} (the cell's two inputs), 2.. = the intermediate nodes; ``*_concat`` lists
the nodes concatenated into the cell output. Two edges of one node may leave the same input
(ENAS, NSGANet, NASNet): both are kept.

`parse_genotype(text_or_obj)` accepts a published name (``DARTS_V2``), the DARTS string form
(``Genotype(normal=[...], normal_concat=range(2, 6), ...)``), a dict (as read from JSON/YAML), a
namedtuple, or a path to a .json/.yaml/.yml/.txt/.py file holding one of those.
"""
from __future__ import annotations

import ast
import json
from collections import namedtuple
from pathlib import Path

from .errors import CostModelError, did_you_mean
from .ops import CELL_OPS

Genotype = namedtuple("Genotype", "normal normal_concat reduce reduce_concat")
CELL_KINDS = ("normal", "reduce")
GENOTYPE_OPS = tuple(op for op in CELL_OPS if op != "factorized_reduce")  # ops a genotype edge may name


def _g(normal, normal_concat, reduce, reduce_concat) -> Genotype:
    return Genotype(list(normal), list(normal_concat), list(reduce), list(reduce_concat))


# --- Published genotypes (facts copied from the public repositories named; verified against
# costmodel/data/reference/published_genotypes.md) ---------------------------------------------
# quark0/darts  cnn/genotypes.py  @ f276dd346a09ae3160f8e3aca5c7b193fda1da37
# (DARTS_V1 is named `DARTS` in the same file at 8876e793763398e3ee62ac1823fa0a3c14e8c2c5)
DARTS_V1 = _g([('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1),
               ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], [2, 3, 4, 5],
              [('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0),
               ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], [2, 3, 4, 5])
DARTS_V2 = _g([('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1),
               ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], [2, 3, 4, 5],
              [('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1),
               ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], [2, 3, 4, 5])
NASNet = _g([('sep_conv_5x5', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 0), ('sep_conv_3x3', 0), ('avg_pool_3x3', 1),
             ('skip_connect', 0), ('avg_pool_3x3', 0), ('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 1)],
            [2, 3, 4, 5, 6],
            [('sep_conv_5x5', 1), ('sep_conv_7x7', 0), ('max_pool_3x3', 1), ('sep_conv_7x7', 0), ('avg_pool_3x3', 1),
             ('sep_conv_5x5', 0), ('skip_connect', 3), ('avg_pool_3x3', 2), ('sep_conv_3x3', 2), ('max_pool_3x3', 1)],
            [4, 5, 6])
AmoebaNet = _g([('avg_pool_3x3', 0), ('max_pool_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 2), ('sep_conv_3x3', 0),
                ('avg_pool_3x3', 3), ('sep_conv_3x3', 1), ('skip_connect', 1), ('skip_connect', 0), ('avg_pool_3x3', 1)],
               [4, 5, 6],
               [('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('max_pool_3x3', 0), ('sep_conv_7x7', 2), ('sep_conv_7x7', 0),
                ('avg_pool_3x3', 1), ('max_pool_3x3', 0), ('max_pool_3x3', 1), ('conv_7x1_1x7', 0), ('sep_conv_3x3', 5)],
               [3, 4, 6])
# ianwhale/nsga-net  models/micro_genotypes.py  @ 0ee6225c4ad3afabe5f5e8fd6dcb6dfffb1faf2d
# (D-X-Y/AutoDL-Projects others/GDAS/lib/nas/genotypes.py 'ENASNet' orders the reduce edges differently)
ENAS = _g([('sep_conv_3x3', 1), ('skip_connect', 1), ('sep_conv_5x5', 1), ('skip_connect', 0), ('avg_pool_3x3', 0),
           ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('avg_pool_3x3', 0), ('sep_conv_5x5', 1), ('avg_pool_3x3', 0)],
          [2, 3, 4, 5, 6],
          [('sep_conv_5x5', 0), ('avg_pool_3x3', 1), ('sep_conv_3x3', 1), ('avg_pool_3x3', 1), ('avg_pool_3x3', 1),
           ('sep_conv_3x3', 1), ('sep_conv_5x5', 4), ('avg_pool_3x3', 1), ('sep_conv_3x3', 5), ('sep_conv_5x5', 0)],
          [2, 3, 6])
NSGANet = _g([('skip_connect', 0), ('max_pool_3x3', 0), ('dil_conv_5x5', 0), ('max_pool_3x3', 0), ('dil_conv_5x5', 1),
              ('sep_conv_3x3', 3), ('max_pool_3x3', 1), ('sep_conv_5x5', 3), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0)],
             [2, 4, 5, 6],
             [('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('dil_conv_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2),
              ('dil_conv_5x5', 1), ('skip_connect', 2), ('avg_pool_3x3', 1), ('dil_conv_5x5', 1), ('dil_conv_3x3', 1)],
             [3, 4, 5, 6])
# D-X-Y/AutoDL-Projects  xautodl/nas_infer_model/DXYs/genotypes.py  @ f46486e21b71ae6459a700be720d7648b5429569
# (GDAS_V1: the searched reduction cell, 3.4M parameters)
GDAS_V1 = _g([('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), ('sep_conv_5x5', 2), ('sep_conv_3x3', 3),
              ('skip_connect', 0), ('sep_conv_5x5', 4), ('sep_conv_3x3', 3)], [2, 3, 4, 5],
             [('sep_conv_5x5', 0), ('sep_conv_3x3', 1), ('sep_conv_5x5', 2), ('sep_conv_5x5', 1), ('dil_conv_5x5', 2),
              ('sep_conv_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_5x5', 1)], [2, 3, 4, 5])
# chenxin061/pdarts  genotypes.py  @ b880e8733010403307fe6a9bf7f02612fbc424ca
# (its README: a CIFAR-10 cell "from one run", not necessarily the paper's cell)
PDARTS = _g([('skip_connect', 0), ('dil_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1),
             ('sep_conv_3x3', 3), ('sep_conv_3x3', 0), ('dil_conv_5x5', 4)], [2, 3, 4, 5],
            [('avg_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_3x3', 0), ('dil_conv_5x5', 2), ('max_pool_3x3', 0),
             ('dil_conv_3x3', 1), ('dil_conv_3x3', 1), ('dil_conv_5x5', 3)], [2, 3, 4, 5])
# yuhuixu1993/PC-DARTS  genotypes.py  PC_DARTS_cifar  @ b74702f86c70e330ce0db35762cfade9df026bb7
PC_DARTS = _g([('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 0), ('dil_conv_3x3', 1), ('sep_conv_5x5', 0),
               ('sep_conv_3x3', 1), ('avg_pool_3x3', 0), ('dil_conv_3x3', 1)], [2, 3, 4, 5],
              [('sep_conv_5x5', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_5x5', 2), ('sep_conv_3x3', 0),
               ('sep_conv_3x3', 3), ('sep_conv_3x3', 1), ('sep_conv_3x3', 2)], [2, 3, 4, 5])

PUBLISHED = {"DARTS_V1": DARTS_V1, "DARTS_V2": DARTS_V2, "NASNet": NASNet, "AmoebaNet": AmoebaNet, "ENAS": ENAS,
             "NSGANet": NSGANet, "GDAS_V1": GDAS_V1, "PDARTS": PDARTS, "PC_DARTS": PC_DARTS}


# --- Validation ----------------------------------------------------------------------------
def n_nodes(cell: list) -> int:
    """Intermediate nodes of a cell (two edges each)."""
    return len(cell) // 2


def validate(genotype: Genotype, source: str = "genotype") -> Genotype:
    """Check op names, input indices, concat indices and reachability; return a normalised copy."""
    out = {}
    for kind in CELL_KINDS:
        cell, concat = getattr(genotype, kind), getattr(genotype, f"{kind}_concat")
        where = f"{source}: {kind}"
        if not isinstance(cell, (list, tuple)) or not cell:
            raise CostModelError(f"{where}: expected a non-empty list of (op, input) edges")
        if len(cell) % 2:
            raise CostModelError(f"{where}: {len(cell)} edges; the DARTS convention has two edges per node")
        edges = []
        for i, edge in enumerate(cell):
            if not isinstance(edge, (list, tuple)) or len(edge) != 2:
                raise CostModelError(f"{where}[{i}]: expected an (op, input) pair, got {edge!r}")
            op, inp = edge
            node = 2 + i // 2
            if op not in GENOTYPE_OPS:
                raise CostModelError(f"{where}[{i}]: unknown op {op!r}{did_you_mean(op, GENOTYPE_OPS)}; "
                                     f"known: {', '.join(GENOTYPE_OPS)}")
            if isinstance(inp, bool) or not isinstance(inp, int) or not 0 <= inp < node:
                raise CostModelError(f"{where}[{i}]: input {inp!r} of node {node} out of range (0..{node - 1})")
            edges.append((op, inp))
        concat = list(concat) if isinstance(concat, (list, tuple, range)) else concat
        last = 1 + n_nodes(edges)
        if not isinstance(concat, list) or not concat:
            raise CostModelError(f"{where}_concat: expected a non-empty list of node ids")
        for c in concat:
            if isinstance(c, bool) or not isinstance(c, int) or not 2 <= c <= last:
                raise CostModelError(f"{where}_concat: node {c!r} out of range (2..{last})")
        reachable = {0, 1}
        for i, (op, inp) in enumerate(edges):
            if op != "none" and inp in reachable:
                reachable.add(2 + i // 2)
        for node in range(2, last + 1):
            if node not in reachable:
                raise CostModelError(f"{where}: node {node} is unreachable (all its edges are 'none' or leave "
                                     f"unreachable nodes)")
        used = set(concat) | {inp for _, inp in edges}
        for node in range(2, last + 1):
            if node not in used:
                raise CostModelError(f"{where}: node {node} is computed but never used (not in {kind}_concat and "
                                     f"no edge leaves it); add it to {kind}_concat")
        out[kind], out[f"{kind}_concat"] = edges, concat
    return Genotype(**out)


# --- Parsing -------------------------------------------------------------------------------
MAX_RANGE = 64                     # bounds of ``range(a, b)`` in a genotype string (node ids are small)
MAX_TEXT = 1 << 20                 # characters of a genotype string


def _literal(node: ast.AST, where: str):
    """The value of one node of the genotype grammar: str and int constants (a leading minus allowed),
    lists and tuples of values, {str: value} mappings, and ``range(a, b)`` / ``range(b)`` with
    0 <= a <= b <= MAX_RANGE. Nothing is evaluated; anything else is one CostModelError."""
    if isinstance(node, ast.Constant) and type(node.value) in (str, int):
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int):
        return -node.operand.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e, where) for e in node.elts]
    if isinstance(node, ast.Dict) and None not in node.keys:
        keys = [_literal(k, where) for k in node.keys]
        if all(isinstance(k, str) for k in keys):
            return dict(zip(keys, (_literal(v, where) for v in node.values)))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        args = [_literal(a, where) for a in node.args]
        if node.keywords or not 1 <= len(args) <= 2 or not all(type(a) is int for a in args):
            raise CostModelError(f"{where}: {_show(node)}: give range(a, b) with whole numbers a <= b")
        lo, hi = (0, args[0]) if len(args) == 1 else args
        if not 0 <= lo <= hi <= MAX_RANGE:
            raise CostModelError(f"{where}: {_show(node)}: range bounds must satisfy 0 <= a <= b <= {MAX_RANGE}")
        return list(range(lo, hi))
    raise CostModelError(f"{where}: not a literal: {_show(node)} (a genotype holds lists of (op, node) pairs, "
                         f"lists of node ids and range(a, b))")


def _show(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):
        text = type(node).__name__
    return text[:60] + ("..." if len(text) > 60 else "")


def from_string(text: str, source: str = "genotype string") -> Genotype:
    """Parse ``Genotype(normal=[...], normal_concat=..., reduce=[...], reduce_concat=...)`` (or a {...}
    mapping) with the literal grammar of `_literal`: nothing in the text is evaluated."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise CostModelError(f"{source}: {len(text):,} characters, more than the {MAX_TEXT:,} a genotype may have")
    if "=" in text.split("(", 1)[0]:  # "NAME = Genotype(...)"
        text = text.split("=", 1)[1].strip()
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        raise CostModelError(f"{source}: not a Genotype(...) expression ({getattr(e, 'msg', None) or e})") from None
    if isinstance(tree, ast.Call):
        if not isinstance(tree.func, ast.Name) or tree.func.id != "Genotype":
            raise CostModelError(f"{source}: expected Genotype(...), got {_show(tree.func)}(...)")
        if any(kw.arg is None for kw in tree.keywords) or len(tree.args) > len(Genotype._fields):
            raise CostModelError(f"{source}: Genotype(...) takes the four fields {', '.join(Genotype._fields)}")
        data = dict(zip(Genotype._fields, (_literal(a, source) for a in tree.args)))
        for kw in tree.keywords:
            if kw.arg in data:
                raise CostModelError(f"{source}: field {kw.arg!r} given twice")
            data[kw.arg] = _literal(kw.value, source)
        return from_mapping(data, source)
    return from_mapping(_literal(tree, source), source)


def from_mapping(data, source: str = "genotype") -> Genotype:
    """From a dict (JSON/YAML) with keys normal, normal_concat, reduce, reduce_concat."""
    if not isinstance(data, dict):
        raise CostModelError(f"{source}: expected a mapping with keys {', '.join(Genotype._fields)}")
    unknown = set(data) - set(Genotype._fields)
    if unknown:
        raise CostModelError(f"{source}: unknown key {sorted(unknown)[0]!r} (keys: {', '.join(Genotype._fields)})")
    for key in Genotype._fields:
        if key not in data:
            raise CostModelError(f"{source}: missing key {key!r}")
    return validate(Genotype(*(data[k] for k in Genotype._fields)), source)


def from_file(path: str | Path) -> Genotype:
    from .validate import read_text
    path = Path(path)
    text = read_text(path, "genotype file")
    if path.suffix == ".json":
        try:
            return from_mapping(json.loads(text), str(path))
        except json.JSONDecodeError as e:
            raise CostModelError(f"{path}: malformed JSON: {e.msg} (line {e.lineno})") from None
    if path.suffix in (".yaml", ".yml"):
        import yaml
        try:
            return from_mapping(yaml.safe_load(text), str(path))
        except yaml.YAMLError as e:
            raise CostModelError(f"{path}: malformed YAML: {str(e).splitlines()[0]}") from None
    return from_string(text, str(path))


def parse_genotype(spec) -> Genotype:
    """A published name, a file path, a DARTS string, a dict, or a Genotype-like tuple."""
    if isinstance(spec, tuple) and len(spec) == 4:
        return validate(Genotype(*spec))
    if isinstance(spec, dict):
        return from_mapping(spec)
    if not isinstance(spec, str):
        raise CostModelError(f"cannot read a genotype from {type(spec).__name__}")
    if spec in PUBLISHED:
        return PUBLISHED[spec]
    if "(" in spec or "{" in spec or "[" in spec:
        return from_string(spec)
    if Path(spec).suffix in (".json", ".yaml", ".yml", ".txt", ".py") or Path(spec).exists():
        if not Path(spec).exists():
            raise CostModelError(f"genotype file {spec!r} does not exist")
        return from_file(spec)
    raise CostModelError(f"unknown genotype {spec!r}{did_you_mean(spec, PUBLISHED)}: give a published name "
                         f"({', '.join(PUBLISHED)}), a .json/.yaml file, or a DARTS 'Genotype(...)' string")


def to_dict(genotype: Genotype) -> dict:
    """JSON/YAML-ready form (edges as [op, input] lists)."""
    return {k: [list(e) for e in getattr(genotype, k)] if k in CELL_KINDS else list(getattr(genotype, k))
            for k in Genotype._fields}


def to_string(genotype: Genotype) -> str:
    """The DARTS string form (parseable by `from_string`)."""
    return (f"Genotype(normal={[tuple(e) for e in genotype.normal]}, normal_concat={list(genotype.normal_concat)}, "
            f"reduce={[tuple(e) for e in genotype.reduce]}, reduce_concat={list(genotype.reduce_concat)})")
