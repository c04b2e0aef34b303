"""timeloopfe v0.4 documents (merged: architecture, variables, mapper, ERT), declared once: what `v04.read`
accepts. Nodes carry their YAML tag as the key ``"!"`` (``!Component`` -> ``{"!": "Component", ...}``,
`yamlio.load`). A component's attributes are typed by `StorageAttrs` / `MacAttrs` once its class is known
(after timeloopfe's other spellings, `ALIASES`)."""
from __future__ import annotations

from typing import Any, Optional

from pydantic import Field

from .schema import Model, NonNegInt, Num, Open, PosInt, Str, Strs, Text

ALIASES = {"memory_depth": "depth", "memory_width": "width"}       # timeloopfe's examples spell them so


class StorageAttrs(Model):
    datawidth: PosInt = 16
    width: Optional[PosInt] = None
    depth: Optional[NonNegInt] = None
    entries: Optional[NonNegInt] = None
    block_size: PosInt = 1
    cluster_size: PosInt = 1
    read_bandwidth: Optional[Num] = None
    write_bandwidth: Optional[Num] = None
    technology: Any = None
    global_cycle_seconds: Any = None
    type: Any = None
    n_banks: Any = None


class MacAttrs(Model):
    datawidth: PosInt = 16
    width: Optional[PosInt] = None
    technology: Any = None
    global_cycle_seconds: Any = None
    multiplier_width: Any = None
    adder_width: Any = None


class Constraint(Model):
    factors: Optional[Text] = None
    permutation: Optional[Text] = None
    split: Optional[NonNegInt] = None
    keep: Optional[Strs] = None
    bypass: Optional[Strs] = None
    target: Optional[Str] = None
    type: Optional[Str] = None


class Constraints(Model):
    dataspace: Optional[Constraint] = None
    temporal: Optional[Constraint] = None
    spatial: Optional[Constraint] = None


class Spatial(Model):
    meshX: PosInt = 1
    meshY: PosInt = 1


class Node(Open):
    tag: Str = Field(alias="!")
    name: Str = ""
    klass: Str = Field("", alias="class")
    attributes: Optional[dict[str, Any]] = None          # typed per class: StorageAttrs / MacAttrs
    constraints: Optional[Constraints] = None
    spatial: Optional[Spatial] = None
    nodes: Optional[list["Node"]] = None


class Architecture(Open):
    version: Any = None
    nodes: list[Node] = []


class TopAttrs(Open):
    technology: Optional[Str] = None
    global_cycle_seconds: Optional[Num] = None


class Document(Open):
    architecture: Optional[Architecture] = None
    variables: Optional[TopAttrs] = None
    mapper: Optional[dict[str, Any]] = None
    ERT: Any = None


# -- what timeloopfe makes of v0.4 files (its parsed-processed-input.yaml), read by `v04.read_transpiled`
class Placed(Open):
    """A transpiled component's attributes: the mesh it sits in (the rest is v0.4's `StorageAttrs`/`MacAttrs`)."""
    meshX: PosInt = 1


class TranspiledComponent(Open):
    name: Str                                            # 'PE[1..16]': 16 instances
    klass: Str = Field(alias="class")
    attributes: Optional[dict[str, Any]] = None


class TranspiledNode(Open):
    name: Str
    attributes: Optional[dict[str, Any]] = None
    local: list[TranspiledComponent] = []


class TranspiledConstraint(Open):
    target: Str
    type: Str


class Transpiled(Open):
    architecture: "TranspiledArch"
    architecture_constraints: Optional["TranspiledTargets"] = None
    mapper: Optional[dict[str, Any]] = None
    ERT: Any


class TranspiledArch(Open):
    subtree: list[TranspiledNode] = Field(min_length=1)


class TranspiledTargets(Open):
    targets: list[TranspiledConstraint] = []


Transpiled.model_rebuild()
