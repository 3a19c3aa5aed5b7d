"""What every command of the command line shares: paths, directory walks and resolution.

This module owns how the CLI names files (`display_path`), which files a directory stands
for (`walk`, skipping what AppArmor skips), and how a run resolves includes
(`resolve_config`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from armorsmith.resolve import DiskFileSystem, ResolveConfig, is_skipped_name

__all__ = ["DEFAULT_BASE_DIR", "display_path", "resolve_config", "walk"]


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
