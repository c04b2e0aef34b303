"""A timeloopfe v4 / v3-native ``problem`` -> our `Problem` (the grouped CNN layer), when it is one.

A shape whose dimensions are a subset of the CNN layer's (``M`` = our K) and whose Weights / Inputs /
Outputs project exactly as the CNN layer's do with the missing dimensions at 1 (Conv1D: Weights[R],
Inputs[R+P], Outputs[P]; Conv1D+OC; ...) is that layer with unit dimensions: same counts, same loops.
Any other shape is refused naming what differs (problem shapes as data are another module's job).
"""
from __future__ import annotations

from ...errors import CostModelError
from ...loopnest.problem import Problem
from ..problem import from_v04_dim
from .yamlfiles import at

DIMS = ("N", "C", "K", "R", "S", "P", "Q", "G")
COEFFS = ("Wstride", "Hstride", "Wdilation", "Hdilation")


def _axes(projection, coeffs, where) -> list:
    out = []
    for axis in projection or []:
        terms = []
        for term in axis:
            if not isinstance(term, list) or not 1 <= len(term) <= 2:
                raise CostModelError(f"{where}: malformed projection term {term!r} (expected [dim] or [dim, coeff])")
            c = coeffs.get(term[1], term[1]) if len(term) == 2 else 1
            if isinstance(c, str):
                raise CostModelError(f"{where}: unknown coefficient {term[1]!r}")
            terms.append((from_v04_dim(str(term[0])), int(c)))
        out.append(frozenset(terms))
    return sorted(out, key=sorted)


def read(doc: dict, src: str = "problem") -> Problem:
    prob = doc.get("problem") if "problem" in doc else None
    if not isinstance(prob, dict):
        raise CostModelError(f"{src}: no 'problem' in the files")
    shape, inst = prob.get("shape") or {}, dict(prob.get("instance") or {})
    where = at(prob, default=src)
    if inst.pop("densities", None):
        raise CostModelError(f"{at(prob.get('instance'), 'densities', where)}: densities are a sparse feature "
                             f"(Sparseloop): not supported")
    dims = [from_v04_dim(str(d)) for d in shape.get("dimensions") or []]
    bad = [d for d in dims if d not in DIMS] or [d for d in dims if dims.count(d) > 1]
    if bad:
        raise CostModelError(f"{at(shape, 'dimensions', where)}: problem shape {shape.get('name')!r} has dimension "
                             f"{bad[0]!r}: not a CNN layer (problem shapes as data: not supported yet)")
    coeffs = {c["name"]: c.get("default", 1) for c in shape.get("coefficients") or []}
    for c in coeffs:
        if c not in COEFFS:
            raise CostModelError(f"{at(shape, 'coefficients', where)}: coefficient {c!r} is not one of {COEFFS}")
    values = {}
    for k, v in inst.items():
        key = from_v04_dim(str(k))
        if key in coeffs or k in coeffs:
            coeffs[k] = v
        elif key in dims:
            values[key] = v
        # other keys (timeloopfe's examples carry H, W, Hpad, ...): ignored, as Timeloop ignores them
    for d in dims:
        if not isinstance(values.get(d), int) or values[d] < 1:
            raise CostModelError(f"{at(prob.get('instance'), default=where)}: instance {d} must be an integer >= 1, "
                                 f"got {values.get(d)!r}")
    p = Problem(**{d: values.get(d, 1) for d in DIMS}, **{c: int(coeffs.get(c, 1)) for c in COEFFS})
    ours = p.dataspaces()
    spaces = shape.get("data_spaces") or []
    names = sorted(str(s.get("name")) for s in spaces)
    if names != sorted(ours):
        raise CostModelError(f"{at(shape, 'data_spaces', where)}: data spaces {names}: a CNN layer has "
                             f"{sorted(ours)} (problem shapes as data: not supported yet)")
    for s in spaces:
        got = _axes(s.get("projection"), coeffs, at(s, 'projection', where))
        want = sorted((frozenset((d, c) for d, c in ax if d in dims) for ax in ours[s["name"]]), key=sorted)
        want = [ax for ax in want if ax]
        if got != want:
            raise CostModelError(f"{at(s, 'projection', where)}: {s['name']} projects as {[sorted(a) for a in got]}, "
                                 f"not as a CNN layer's (problem shapes as data: not supported yet)")
        if bool(s.get("read_write", False)) != (s["name"] == "Outputs"):
            raise CostModelError(f"{at(s, default=where)}: only Outputs may be read_write in a CNN layer")
    return p
