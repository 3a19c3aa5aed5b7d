"""The `armorsmith` command line, a front end over the `ide` layer.

This package owns argument parsing, reading files, rendering results as text or JSON, and
exit statuses.  Each command is one module with a `register(commands)` function that adds
its subparser and sets `run`; `COMMANDS` lists them.  Problems with input files are
reported, never tracebacks; bad arguments exit with status 2.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence

from armorsmith import __version__

from . import explain, lint, logs, query, serve, suggest

__all__ = ["main"]

COMMANDS = (lint, query, logs, explain, suggest, serve)
"""Every command module, in the order `--help` lists them."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="armorsmith",
        description="Language tooling for AppArmor profiles.",
    )
    parser.add_argument("--version", action="version", version=f"armorsmith {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def _tolerate_unencodable_output() -> None:
    """Make stdout and stderr replace characters their encoding cannot represent."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    _tolerate_unencodable_output()
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_usage(sys.stderr)
            names = ", ".join(command.__name__.rsplit(".", 1)[-1] for command in COMMANDS)
            print(f"armorsmith: error: a command is required (available: {names})", file=sys.stderr)
            return 2
        return args.run(args.subparser, args)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (as with `| head`); silence the error Python reports at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
