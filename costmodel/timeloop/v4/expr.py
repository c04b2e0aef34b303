"""Variables and expressions of timeloopfe v4 specs: ``width: max(INPUT_WEIGHT_DATAWIDTH, 16)``.

timeloopfe evaluates a string value as a Python expression over the ``variables`` (and the attributes
of the same node seen before it); a string that is not an expression stays a string ("LPDDR4", "45nm").
We evaluate the same expressions without ``eval``: an AST walk allowing numbers, names, arithmetic,
comparisons, ``a if c else b`` and the functions below (timeloopfe's math names).
"""
from __future__ import annotations

import ast
import math
import operator

from ...errors import CostModelError

FUNCS = {"max": max, "min": min, "abs": abs, "round": round, "int": int, "float": float, "ceil": math.ceil,
         "floor": math.floor, "log2": math.log2, "log": math.log, "log10": math.log10, "sqrt": math.sqrt,
         "pow": pow, "len": len, "sum": sum}
_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_CMP = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
        ast.Eq: operator.eq, ast.NotEq: operator.ne}
_CONST = {"True": True, "False": False, "None": None, "true": True, "false": False}


class _NotExpr(Exception):
    pass


def _eval(node, names):
    if isinstance(node, ast.Expression):
        return _eval(node.body, names)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        if node.id in _CONST:
            return _CONST[node.id]
        raise _NotExpr(node.id)
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        a, b = _eval(node.left, names), _eval(node.right, names)
        if not all(isinstance(x, (int, float)) for x in (a, b)):
            raise TypeError(f"arithmetic on {type(a).__name__} and {type(b).__name__}")
        if isinstance(node.op, ast.Pow) and abs(b) > 64:
            raise ValueError(f"exponent {b} too large")
        return _BIN[type(node.op)](a, b)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        v = _eval(node.operand, names)
        return -v if isinstance(node.op, ast.USub) else (+v if isinstance(node.op, ast.UAdd) else not v)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMP:
        return _CMP[type(node.ops[0])](_eval(node.left, names), _eval(node.comparators[0], names))
    if isinstance(node, ast.BoolOp):
        vals = [_eval(v, names) for v in node.values]
        return all(vals) if isinstance(node.op, ast.And) else any(vals)
    if isinstance(node, ast.IfExp):
        return _eval(node.body, names) if _eval(node.test, names) else _eval(node.orelse, names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCS and not node.keywords:
        return FUNCS[node.func.id](*[_eval(a, names) for a in node.args])
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(e, names) for e in node.elts]
    raise _NotExpr(type(node).__name__)


def value(v, names: dict, where: str):
    """`v` evaluated: a string that parses as an expression over `names` gives its value; a string that does
    not (a plain word such as LPDDR4) stays itself; an expression that fails (1/0) is an error naming `where`."""
    if not isinstance(v, str):
        return v
    s = v.strip()
    try:
        tree = ast.parse(s, mode="eval")
    except SyntaxError:
        return v
    try:
        return _eval(tree, names)
    except _NotExpr:
        return v
    except (ArithmeticError, TypeError, ValueError) as e:
        raise CostModelError(f"{where}: cannot evaluate {s!r}: {e}") from None


def attributes(attrs: dict, names: dict, where) -> dict:
    """Every attribute evaluated in order; each may use the variables and the attributes before it."""
    scope, out = dict(names), {}
    for k, v in (attrs or {}).items():
        out[k] = value(v, scope, where(k))
        scope[k] = out[k]
    return out


def variables(raw: dict, where) -> dict:
    """The ``variables`` block evaluated in order (a variable may use the ones before it)."""
    return attributes({k: v for k, v in (raw or {}).items() if k != "version"}, {}, where)
