"""CLI plug-ins: every module here with ``register(subparsers)`` adds a `costmodel` subcommand."""
