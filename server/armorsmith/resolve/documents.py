"""Included documents and the cache that keeps them between resolutions.

An `IncludeCache` belongs to its caller (the CLI keeps one for a whole run, the language
server one per workspace): it remembers what the file system answered and every document
it parsed, so that `abstractions/base` is read and parsed once however many profiles
include it.  Nothing is cached at module level.  `forget` drops what a changed file made
stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.diagnostics import Diagnostic
from armorsmith.model import PolicyFile, lower, walk_rules
from armorsmith.syntax import Parse, parse

from .filesystem import FileKind, FileSystem

__all__ = ["Document", "IncludeCache", "load_document"]


@dataclass(frozen=True, slots=True)
class Document:
    """One policy document: its bytes, its tree, its model and the problems it has on its own.

    `problems` are what the document shows without knowing where it is included: syntax
    errors, lowering diagnostics and each rule's own `validate()` findings.
    """

    path: str
    source: bytes
    parsed: Parse
    file: PolicyFile
    problems: tuple[Diagnostic, ...]

    def line(self, offset: int) -> int:
        """Return the 1-based line of byte `offset`."""
        return self.source.count(b"\n", 0, offset) + 1


def load_document(path: str, source: bytes) -> Document:
    """Parse and lower `source`, the content of the document `path`, and validate its rules."""
    parsed = parse(source)
    lowered = lower(parsed)
    problems = [*parsed.errors, *lowered.diagnostics]
    for rule in walk_rules(lowered.file.items):
        problems += rule.validate()
    return Document(path, source, parsed, lowered.file, tuple(problems))


class IncludeCache:
    """The documents and file-system answers one caller has seen, by path."""

    def __init__(self, fs: FileSystem) -> None:
        self.fs = fs
        self._kinds: dict[str, FileKind] = {}
        self._listings: dict[str, tuple[str, ...] | None] = {}
        self._canonical: dict[str, str] = {}
        self._documents: dict[str, Document | None] = {}

    def kind(self, path: str) -> FileKind:
        """Return what `path` names."""
        kind = self._kinds.get(path)
        if kind is None:
            kind = self._kinds[path] = self.fs.kind(path)
        return kind

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        """Return the sorted names in the directory `path`, or None when it cannot be listed."""
        if path not in self._listings:
            self._listings[path] = self.fs.list_dir(path)
        return self._listings[path]

    def canonical(self, path: str) -> str:
        """Return the file system's one spelling of `path`."""
        found = self._canonical.get(path)
        if found is None:
            found = self._canonical[path] = self.fs.canonical(path)
        return found

    def document(self, path: str) -> Document | None:
        """Return the parsed document at `path`, or None when it cannot be read."""
        key = self.canonical(path)
        if key not in self._documents:
            source = self.fs.read(path)
            self._documents[key] = None if source is None else load_document(path, source)
        return self._documents[key]

    def holds(self, path: str) -> bool:
        """Whether the document at `path` has been read and is kept."""
        return self.canonical(path) in self._documents

    def forget(self, path: str | None = None) -> None:
        """Drop what is known about `path` (a file that changed), or about everything.

        Answers about paths (kinds, listings, spellings) are always dropped, since a changed
        file may have appeared or gone; parsed documents other than `path` are kept.
        """
        key = self.canonical(path) if path is not None else None
        self._kinds.clear()
        self._listings.clear()
        self._canonical.clear()
        if key is None:
            self._documents.clear()
        else:
            self._documents.pop(key, None)
