"""The Timeloop v1.0 config document (YAML or libconfig), declared once: what `legacy.read` accepts.

Two layouts, as v1.0 reads them: v0.1 ``arch: {storage (inner -> outer), arithmetic}`` + ``mapspace:
{constraints, constraints_NAME}`` (stock eyeriss-256) and v0.2 ``architecture: {version, subtree}`` +
``mapspace: {targets}`` (stock chen-asplos2014). A storage level's and a MAC's attributes are typed by
`StorageAttrs` / `MacAttrs` once the level's class is known (after v1.0's other spellings, `ALIASES`).
Top-level keys other than the arch's (problem, model, ...) are not read.
"""
from __future__ import annotations

from typing import Any, Optional

from pydantic import Field

from .schema import Int, Model, NonNegInt, Num, Open, PosInt, Str, Strs, Text

ALIASES = {"word_width": "word-bits", "datawidth": "word-bits", "n_words": "block-size"}   # v1.0's other spellings


class StorageAttrs(Model):
    """A storage level's attributes (v1.0 buffer.cpp); num-banks/num-ports are accepted (pat ignores them),
    bandwidth (deprecated in v1.0) = read_bandwidth + write_bandwidth, network-word-bits is carried."""
    name: Str
    klass: Optional[Str] = Field(None, alias="class")
    instances: PosInt = 1
    meshX: Optional[PosInt] = None
    meshY: Optional[PosInt] = None
    word_bits: PosInt = Field(16, alias="word-bits")           # v1.0's default word size
    entries: Optional[NonNegInt] = None
    sizeKB: Optional[Num] = None
    block_size: PosInt = Field(1, alias="block-size")
    cluster_size: Optional[PosInt] = Field(None, alias="cluster-size")
    width: Optional[PosInt] = None
    read_bandwidth: Optional[Num] = None
    write_bandwidth: Optional[Num] = None
    bandwidth: Optional[Num] = None
    technology: Optional[Str] = None
    vector_access_energy: Optional[Num] = Field(None, alias="vector-access-energy")
    num_banks: Optional[Int] = Field(None, alias="num-banks")
    num_ports: Optional[Int] = Field(None, alias="num-ports")
    network_word_bits: Optional[PosInt] = Field(None, alias="network-word-bits")


class MacAttrs(Model):
    name: Str = "MACs"
    klass: Optional[Str] = Field(None, alias="class")
    instances: PosInt = 1
    meshX: Optional[PosInt] = None
    meshY: Optional[PosInt] = None
    word_bits: PosInt = Field(16, alias="word-bits")


class ConstraintAttrs(Model):
    factors: Optional[Text] = None
    permutation: Optional[Text] = None
    split: Optional[NonNegInt] = None
    keep: Optional[Strs] = None
    bypass: Optional[Strs] = None
    min: Optional[Num] = None


class Constraint(ConstraintAttrs):
    """One mapspace constraint, or (v0.2 ``targets``) a target naming its list of constraints."""
    type: Optional[Str] = None
    target: Optional[Str] = None
    name: Optional[Str] = None
    attributes: Optional[ConstraintAttrs] = None
    constraints: Optional[list["Constraint"]] = None


class Mapspace(Open):
    """``targets`` (v0.2), or ``constraints`` (a list, or the NAME of a ``constraints_NAME`` list; v0.1)."""
    __pydantic_extra__: dict[str, Any]
    version: Any = None
    template: Any = None
    targets: Optional[list[Constraint]] = None
    constraints: Optional[list[Constraint] | Str] = None


class Local(Open):
    name: Str
    klass: Str = Field("", alias="class")
    attributes: Optional[dict[str, Any]] = None          # typed per class: StorageAttrs / MacAttrs


class Node(Open):
    name: Str = ""
    attributes: Optional[dict[str, Any]] = None
    local: Optional[list[Local]] = None
    subtree: Optional[list["Node"]] = None


class Architecture(Open):
    version: Any = None
    subtree: list[Node] = Field(min_length=1)


class ArchV01(Open):
    storage: list[dict[str, Any]]                       # inner -> outer; typed by StorageAttrs
    arithmetic: dict[str, Any]                          # typed by MacAttrs


class Document(Open):
    architecture: Optional[Architecture] = None
    arch: Optional[ArchV01] = None
    mapspace: Optional[Mapspace] = None
    mapspace_constraints: Optional[Mapspace] = None
    architecture_constraints: Optional[Mapspace] = None
    mapper: Optional[dict[str, Any]] = None
    ERT: Any = None


def named_lists(ms: Mapspace) -> dict:
    """The ``constraints_NAME`` lists of a v0.1 mapspace (validated when the NAME is used)."""
    return {k: v for k, v in (ms.model_extra or {}).items() if k.startswith("constraints_")}
