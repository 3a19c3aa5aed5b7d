"""The file-system interface resolution reads through, and its three implementations.

Resolution never opens files itself: it asks a `FileSystem` what a path is, reads its
bytes and lists directories.  Paths are plain POSIX strings.  Three implementations:

- `DiskFileSystem`, the real disk, which only front ends (the CLI, the language server)
  create; given `roots`, it refuses every path outside them, symbolic links resolved;
- `MemoryFileSystem`, files held in a mapping, for tests and for policy that is not on disk;
- `OverlayFileSystem`, editor buffers laid over another file system, so that an unsaved
  abstraction is read as the user sees it.

No method raises on a path that is missing, unreadable or refused: it answers MISSING,
None or an empty listing instead.
"""

from __future__ import annotations

import enum
import os
import posixpath
import stat
from collections.abc import Mapping
from typing import Protocol

__all__ = ["DiskFileSystem", "FileKind", "FileSystem", "MemoryFileSystem", "OverlayFileSystem"]


class FileKind(enum.Enum):
    """What a path names, following symbolic links."""

    MISSING = "missing"
    """Nothing, a dangling link, or a path the file system refuses to show."""
    FILE = "file"
    """A regular file."""
    DIRECTORY = "directory"
    """A directory."""
    OTHER = "other"
    """A socket, FIFO or device: never read, since reading could block."""


class FileSystem(Protocol):
    """What resolution needs from a file system."""

    def kind(self, path: str) -> FileKind:
        """Return what `path` names."""
        ...

    def read(self, path: str) -> bytes | None:
        """Return the bytes of the regular file `path`, or None when it cannot be read."""
        ...

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        """Return the names in directory `path`, sorted by their bytes, or None on failure."""
        ...

    def canonical(self, path: str) -> str:
        """Return one spelling of `path` shared by every path to the same file."""
        ...


def _sorted_names(names: list[str]) -> tuple[str, ...]:
    """Sort names by their bytes, as `alphasort` does in the C locale."""
    return tuple(sorted(names, key=lambda name: name.encode("utf-8", "surrogateescape")))


class DiskFileSystem:
    """The real disk; with `roots`, nothing outside those directories is visible."""

    def __init__(self, roots: tuple[str, ...] = ()) -> None:
        self._roots = tuple(os.path.realpath(root) for root in roots)

    def _allowed(self, path: str) -> bool:
        if not self._roots:
            return True
        real = os.path.realpath(path)
        return any(real == root or real.startswith(root.rstrip("/") + "/") for root in self._roots)

    def kind(self, path: str) -> FileKind:
        if not path or not self._allowed(path):
            return FileKind.MISSING
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            return FileKind.MISSING
        if stat.S_ISREG(mode):
            return FileKind.FILE
        if stat.S_ISDIR(mode):
            return FileKind.DIRECTORY
        return FileKind.OTHER

    def read(self, path: str) -> bytes | None:
        if self.kind(path) is not FileKind.FILE:
            return None
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except (OSError, ValueError):
            return None

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        if self.kind(path) is not FileKind.DIRECTORY:
            return None
        try:
            return _sorted_names(os.listdir(path))
        except (OSError, ValueError):
            return None

    def canonical(self, path: str) -> str:
        return os.path.realpath(path)


class MemoryFileSystem:
    """Files held in memory: a mapping from absolute paths to contents.

    Directories exist implicitly as the parents of files; `directories` adds empty ones.
    Paths are normalized (`a//b/../c` is `a/c`), so there are no symbolic links.
    """

    def __init__(self, files: Mapping[str, bytes], directories: tuple[str, ...] = ()) -> None:
        self._files = {posixpath.normpath(path): content for path, content in files.items()}
        self._children: dict[str, set[str]] = {}
        for path in (*self._files, *(posixpath.normpath(d) for d in directories)):
            if path not in self._files:
                self._children.setdefault(path, set())
            child, parent = path, posixpath.dirname(path)
            while parent != child:
                self._children.setdefault(parent, set()).add(posixpath.basename(child))
                child, parent = parent, posixpath.dirname(parent)

    def kind(self, path: str) -> FileKind:
        if not path:
            return FileKind.MISSING
        normal = posixpath.normpath(path)
        if normal in self._files:
            return FileKind.FILE
        return FileKind.DIRECTORY if normal in self._children else FileKind.MISSING

    def read(self, path: str) -> bytes | None:
        return self._files.get(posixpath.normpath(path)) if path else None

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        names = self._children.get(posixpath.normpath(path)) if path else None
        return None if names is None else _sorted_names(list(names))

    def canonical(self, path: str) -> str:
        return posixpath.normpath(path)


class OverlayFileSystem:
    """Open editor buffers (`buffers`, by absolute path) laid over another file system.

    A buffer is read in place of the file at its path, and shows in its directory even
    when it was never saved.
    """

    def __init__(self, base: FileSystem, buffers: Mapping[str, bytes]) -> None:
        self._base = base
        self._buffers = {base.canonical(path): content for path, content in buffers.items()}
        self._added: dict[str, set[str]] = {}
        for path in self._buffers:
            self._added.setdefault(posixpath.dirname(path), set()).add(posixpath.basename(path))

    def kind(self, path: str) -> FileKind:
        if path and self._base.canonical(path) in self._buffers:
            return FileKind.FILE
        return self._base.kind(path)

    def read(self, path: str) -> bytes | None:
        if path:
            buffer = self._buffers.get(self._base.canonical(path))
            if buffer is not None:
                return buffer
        return self._base.read(path)

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        names = self._base.list_dir(path)
        added = self._added.get(self._base.canonical(path)) if path else None
        if added is None:
            return names
        return _sorted_names(list(set(names or ()) | added))

    def canonical(self, path: str) -> str:
        return self._base.canonical(path)
