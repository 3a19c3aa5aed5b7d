"""What every command of the command line shares: paths, directory walks and resolution.

This module owns how the CLI names files (`display_path`), which files a directory stands
for (`walk`, skipping what AppArmor skips), how a run resolves includes
(`resolve_config`), how a `--policy DIR` is loaded (`load_policy_dir`, and readied for
suggestions with the abstractions of the directory by `suggest_policy_dir`), and how a log
is opened (`open_log`, standard input and gzip included) and read (`log_items`).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
from collections.abc import Iterator
from typing import IO

from armorsmith.ide.query import LoadedPolicy, load_policy
from armorsmith.ide.suggest import SuggestPolicy, prepare_policy
from armorsmith.logs import LogRecord, UnreadableLine, read_records
from armorsmith.resolve import DiskFileSystem, ResolveConfig, is_skipped_name
from armorsmith.syntax import FileRole, guess_role

__all__ = [
    "DEFAULT_BASE_DIR",
    "STDIN",
    "display_path",
    "load_policy_dir",
    "log_items",
    "open_log",
    "resolve_config",
    "suggest_policy_dir",
    "walk",
]


def display_path(path: str) -> str:
    """Return `path` printable in any encoding: undecodable bytes become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def walk(directory: str) -> Iterator[str]:
    """Yield the files under `directory` in sorted order, skipping what AppArmor skips.

    Sockets, FIFOs and devices are left out, since reading them could block; dangling
    symbolic links are kept so that they are reported as unreadable.
    """
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(name for name in dirs if not is_skipped_name(name))
        for name in sorted(files):
            full = os.path.join(root, name)
            if not is_skipped_name(name) and (os.path.isfile(full) or os.path.islink(full)):
                yield full


DEFAULT_BASE_DIR = "/etc/apparmor.d"
"""apparmor_parser's base directory, searched after the `-I` directories when it exists."""


def resolve_config(include_dirs: list[str]) -> ResolveConfig:
    """Return how the run resolves includes, the way apparmor_parser would from here.

    `include <x>` searches each `-I` directory, then /etc/apparmor.d when it exists;
    `include "x"` and `include x` are relative to the current directory.
    """
    search = list(include_dirs)
    if os.path.isdir(DEFAULT_BASE_DIR):
        search.append(DEFAULT_BASE_DIR)
    return ResolveConfig(tuple(search), os.getcwd(), DiskFileSystem())


def load_policy_dir(parser: argparse.ArgumentParser, policy: str, include_dirs: list[str]) -> LoadedPolicy:
    """Load every policy file under `policy`, resolving includes in `include_dirs` then
    `policy`; a directory that does not exist is a usage error."""
    if not os.path.isdir(policy):
        parser.error(f"policy directory is not a directory: {display_path(policy)}")
    for directory in include_dirs:
        if not os.path.isdir(directory):
            parser.error(f"include directory is not a directory: {display_path(directory)}")
    files = [path for path in walk(policy) if guess_role(path, None) is FileRole.POLICY]
    config = ResolveConfig((*include_dirs, policy), os.getcwd(), DiskFileSystem())
    return load_policy(files, config)


def _abstractions(policy: str) -> list[str]:
    """Return the include names of the abstractions directly in the policy's `abstractions/`."""
    folder = os.path.join(policy, "abstractions")
    if not os.path.isdir(folder):
        return []
    return [
        f"abstractions/{name}"
        for name in sorted(os.listdir(folder))
        if not is_skipped_name(name) and os.path.isfile(os.path.join(folder, name))
    ]


def suggest_policy_dir(parser: argparse.ArgumentParser, policy: str, include_dirs: list[str]) -> SuggestPolicy:
    """Load `policy` as `load_policy_dir` does and ready it for suggestions: the
    abstractions of its `abstractions/` may be offered, and each file's tunables used."""
    loaded = load_policy_dir(parser, policy, include_dirs)
    config = ResolveConfig((*include_dirs, policy), os.getcwd(), DiskFileSystem())
    return prepare_policy(loaded, _abstractions(policy), config)


STDIN = "-"
"""The file name that stands for standard input."""

_GZIP_MAGIC = b"\x1f\x8b"


def open_log(path: str) -> IO[bytes]:
    """Open a log for reading as bytes (`-` is standard input), decompressing gzip."""
    if path == STDIN:
        return sys.stdin.buffer
    stream = open(path, "rb")  # noqa: SIM115 - closed by the caller
    if stream.peek(2)[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
    return stream


def log_items(path: str) -> Iterator[LogRecord | UnreadableLine]:
    """Yield the records of one log (`-` is standard input), or one unreadable item naming
    the file when it cannot be opened or read to the end."""
    name = "<stdin>" if path == STDIN else display_path(path)
    try:
        stream = open_log(path)
    except OSError as error:
        yield UnreadableLine(name, 0, f"cannot read the file: {error.strerror or error}")
        return
    try:
        yield from read_records(stream, name)
    except (OSError, EOFError) as error:
        yield UnreadableLine(name, 0, f"cannot read the file: {error}")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
