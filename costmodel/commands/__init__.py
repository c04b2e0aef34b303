"""CLI plug-ins: every module here with ``register(subparsers)`` adds a `costmodel` subcommand.

Packages outside costmodel/ (nas/, which needs torch) add theirs through the entry-point group
``costmodel.commands`` (a ``register(subparsers)`` function, torch-free at import); paper
reproductions through ``costmodel.reproduce`` (a function returning rows). costmodel never imports them.
"""
from __future__ import annotations


def plugins(group: str) -> list:
    """The installed entry points of `group`, by name (not loaded)."""
    from importlib.metadata import entry_points
    return sorted(entry_points(group=group), key=lambda ep: ep.name)
