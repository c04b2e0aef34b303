"""Architecture variants: a base spec + dotted-path overrides -> derived, validated specs.

A dotted path names a value in the spec's dict form (``spec.to_dict()``, what the arch YAML holds):
``mac.mesh_x``, ``levels.GlobalBuffer.entries`` (an item of a list is picked by its ``name``, or by
its index: ``levels.1.entries``). Each variant applies its overrides to ``to_dict()`` and rebuilds
the spec with the spec class's ``from_dict``, so every check of the spec runs and every variant has
its own spec hash (its LUT rows never mix with the base spec's).

An axis is one path with its values (``mac.mesh_x=8,16,32``), or several paths set together, one
value each (``mac.instances:mac.mesh_x=64:8,256:16``), or (sweep files) a named axis whose values are
labelled groups of path settings. The variants are the cartesian product of the axes.
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import yaml

from ..arch import spec_hash
from ..errors import CostModelError


@dataclass(frozen=True)
class Axis:
    """One sweep axis: ``label`` (shown in variant names) and its ``choices``: (value label, {path: value})."""

    label: str
    choices: tuple


@dataclass(frozen=True)
class Variant:
    name: str            # readable: eyeriss[mac.mesh_x=8,levels.GlobalBuffer.entries=32768]
    spec: object         # the derived spec (validated)
    overrides: dict      # dotted path -> value, every path this variant sets
    energy_notes: tuple = ()   # energies re-derived from the new sizes (or kept: --keep-energies), one line each

    @property
    def spec_hash(self) -> str:
        return spec_hash(self.spec)


def _scalar(text: str):
    """A value from the command line, read as YAML (8 -> int, 1.5 -> float, null -> None, else the text)."""
    try:
        v = yaml.safe_load(text)
    except yaml.YAMLError:
        v = text
    if isinstance(v, (dict, list)):
        raise CostModelError(f"--set value {text!r}: give a single number or word, not a YAML collection")
    return text if v is None and text.strip().lower() not in ("null", "~", "none") else v


def parse_set(arg: str) -> Axis:
    """``PATH=V1,V2`` or ``PATH1:PATH2=A1:A2,B1:B2`` (paths set together) -> Axis."""
    paths, eq, values = arg.partition("=")
    paths = [p.strip() for p in paths.split(":")]
    if not eq or not all(paths) or not values.strip():
        raise CostModelError(f"--set {arg!r}: expected PATH=VALUE[,VALUE...], e.g. --set mac.mesh_x=8,16,32 "
                             f"(several paths at once: --set mac.instances:mac.mesh_x=64:8,256:16)")
    choices = []
    for token in values.split(","):
        parts = token.split(":") if len(paths) > 1 else [token]
        if len(parts) != len(paths):
            raise CostModelError(f"--set {arg!r}: value {token!r} has {len(parts)} part(s) for {len(paths)} paths "
                                 f"{':'.join(paths)} (separate the parts with ':')")
        choices.append((token.strip(), {p: _scalar(v.strip()) for p, v in zip(paths, parts)}))
    return Axis(":".join(paths), tuple(choices))


def axes_from_mapping(axes, where: str) -> list[Axis]:
    """Sweep-file ``axes:`` -- ``{path: [values]}`` or a named axis ``{name: {label: {path: value, ...}}}``."""
    if not isinstance(axes, dict) or not axes:
        raise CostModelError(f"{where}: 'axes' must map a dotted path to a list of values, or an axis name to "
                             f"labelled settings, e.g. {{levels.GlobalBuffer.entries: [32768, 65536]}}")
    out = []
    for label, spec in axes.items():
        if isinstance(spec, list) and spec:
            out.append(Axis(str(label), tuple((str(v), {str(label): v}) for v in spec)))
        elif isinstance(spec, dict) and spec and all(isinstance(s, dict) and s for s in spec.values()):
            out.append(Axis(str(label), tuple((str(k), {str(p): v for p, v in s.items()}) for k, s in spec.items())))
        else:
            raise CostModelError(f"{where}: axes.{label}: give a non-empty list of values, or a mapping of labels "
                                 f"to {{path: value}} settings")
    return out


def _step(node, seg: str, path: str):
    """The child of `node` named by one path segment (dict key; list item by `name` or index)."""
    if isinstance(node, dict):
        if seg not in node:
            raise CostModelError(f"path {path!r}: no key {seg!r} here (keys: {', '.join(map(str, node))})")
        return node[seg]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and str(item.get("name")) == seg:
                return item
        if seg.isdigit() and int(seg) < len(node):
            return node[int(seg)]
        names = [str(i.get("name")) for i in node if isinstance(i, dict) and "name" in i]
        raise CostModelError(f"path {path!r}: no item {seg!r} in this list (names: {', '.join(names) or '-'}; "
                             f"or an index 0..{len(node) - 1})")
    raise CostModelError(f"path {path!r}: {seg!r} goes below a value ({node!r}), not into a mapping or list")


def set_path(data: dict, path: str, value) -> None:
    """Set `path` in the spec dict `data` in place. Every segment but the last must exist; the last may be
    a key the dict form leaves out (the spec class then says whether it is allowed)."""
    segs = path.split(".")
    if not path or not all(segs):
        raise CostModelError(f"path {path!r}: expected dotted names, e.g. mac.mesh_x or levels.GlobalBuffer.entries")
    node = data
    for seg in segs[:-1]:
        node = _step(node, seg, path)
    last = segs[-1]
    if isinstance(node, dict):
        if isinstance(node.get(last), (dict, list)):
            raise CostModelError(f"path {path!r} names a whole section; name one value inside it")
        node[last] = value
    elif isinstance(node, list):
        raise CostModelError(f"path {path!r} names a list item; name one value inside it (e.g. {path}.entries)")
    else:
        raise CostModelError(f"path {path!r}: {segs[-2]!r} is a value, not a mapping")


def derive(base, overrides: dict, name: str, keep_energies: bool = False):
    """A new spec: `base` with `overrides` applied, rebuilt (and validated) by its class's from_dict; the
    energies of resized levels re-derived (`derive_noted`)."""
    return derive_noted(base, overrides, name, keep_energies)[0]


def derive_noted(base, overrides: dict, name: str, keep_energies: bool = False) -> tuple:
    """(spec, notes): as `derive`; an accelerator's per-access energies follow its new sizes by the model the
    base spec's numbers came from (costmodel.estimate.rederive: pinned numbers, numbers the overrides set and
    everything under `keep_energies` stay); `notes` says which changed."""
    base_data = base.to_dict()
    data = copy.deepcopy(base_data)
    try:
        for path, value in overrides.items():
            set_path(data, path, value)
    except CostModelError as e:
        raise CostModelError(f"{name}: {e}") from None
    spec = type(base).from_dict(data, source=name)     # validated first: its errors start with `name`
    if getattr(spec, "kind", None) != "accelerator":
        return spec, ()
    from ..estimate.rederive import rederive
    data = spec.to_dict()
    try:
        notes = rederive(base_data, data, overrides, keep_energies)
    except CostModelError as e:
        raise CostModelError(f"{name}: {e}") from None
    return (type(base).from_dict(data, source=name) if notes and not keep_energies else spec), tuple(notes)


def expand(base, base_name: str, axes: list[Axis], keep_energies: bool = False) -> list[Variant]:
    """The cartesian product of `axes` on `base`, every variant built and validated (CostModelError naming
    the variant and the bad key on the first failure; nothing is computed or written before this)."""
    if not axes:
        raise CostModelError("no axes: give at least one --set PATH=V1,V2 (or a sweep file with 'axes')")
    seen_paths = {}
    for ax in axes:
        for path in {p for _, o in ax.choices for p in o}:
            if path in seen_paths:
                raise CostModelError(f"path {path!r} is set by two axes ({seen_paths[path]} and {ax.label})")
            seen_paths[path] = ax.label
        labels = [c[0] for c in ax.choices]
        if len(set(labels)) != len(labels):
            raise CostModelError(f"axis {ax.label}: a value is listed twice ({', '.join(labels)})")
    variants, hashes = [], {}
    for combo in itertools.product(*(ax.choices for ax in axes)):
        name = f"{base_name}[{','.join(f'{ax.label}={label}' for ax, (label, _) in zip(axes, combo))}]"
        overrides = {p: v for _, o in combo for p, v in o.items()}
        spec, notes = derive_noted(base, overrides, name, keep_energies)
        v = Variant(name, spec, overrides, notes)
        if v.spec_hash in hashes:
            raise CostModelError(f"variants {hashes[v.spec_hash]} and {name} are the same spec (hash {v.spec_hash})")
        hashes[v.spec_hash] = name
        variants.append(v)
    return variants
