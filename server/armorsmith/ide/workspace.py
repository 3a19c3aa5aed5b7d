"""The analysis host a long-running front end keeps: open documents, includes and settings.

A `Workspace` owns what the language server must remember between requests: every open
document with its current parse (kept current by incremental re-parsing), the editor
buffers laid over the disk (`OverlayFileSystem`) so that an unsaved abstraction is read as
the user sees it, the include cache and the include search configuration.  Everything is
in byte offsets; converting editor positions is the front end's job, through
`OpenDocument.index`.

It never touches the disk itself: every read goes through the `FileSystem` it is given,
and it holds no LSP types.  It is not thread-safe: one caller (the server's event loop)
drives it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field

from armorsmith.diagnostics import Diagnostic, Edit
from armorsmith.resolve import FileSystem, IncludeCache, OverlayFileSystem, ResolveConfig
from armorsmith.syntax import LineIndex, Parse, parse, reparse

from .lint import lint_document

__all__ = ["DEFAULT_SEARCH_DIRS", "OpenDocument", "Workspace"]

DEFAULT_SEARCH_DIRS = ("/etc/apparmor.d",)
"""Where `include <x>` is looked up when nothing else is configured, as apparmor_parser does."""


@dataclass(frozen=True, slots=True)
class OpenDocument:
    """One open document at one version: its path, its parse and its line index.

    `path` is the document's file-system path, or for a document that has none (an
    unsaved editor buffer) any stable key the front end chose.
    """

    path: str
    version: int
    parse: Parse
    index: LineIndex = field(compare=False, repr=False)

    @property
    def source(self) -> bytes:
        """The document's bytes, always equal to the source of its parse."""
        return self.parse.source

    @classmethod
    def of(cls, path: str, version: int, parsed: Parse) -> OpenDocument:
        """Wrap a parse, building its line index."""
        return cls(path, version, parsed, LineIndex(parsed.source))


class Workspace:
    """Open documents and what analysing them needs; see the module docstring."""

    def __init__(
        self,
        fs: FileSystem,
        *,
        search_dirs: tuple[str, ...] = DEFAULT_SEARCH_DIRS,
        base_dir: str = "/",
    ) -> None:
        self._base_fs = fs
        self._documents: dict[str, OpenDocument] = {}
        self._search_dirs = search_dirs
        self._base_dir = base_dir
        self._fs = OverlayFileSystem(fs, {})
        self.cache = IncludeCache(self._fs)
        """Parsed include files, shared by every analysis of this workspace."""

    # Section - open documents.

    def document(self, path: str) -> OpenDocument | None:
        """Return the open document `path`, or None when it is not open."""
        return self._documents.get(path)

    def documents(self) -> tuple[OpenDocument, ...]:
        """Return every open document."""
        return tuple(self._documents.values())

    def open(self, path: str, text: bytes, version: int) -> OpenDocument:
        """Open (or re-open) `path` with the editor's `text`, parsing it from scratch."""
        document = OpenDocument.of(path, version, parse(text))
        self._set(document)
        return document

    def edit(self, path: str, edit: Edit, version: int) -> OpenDocument:
        """Apply one byte-range `edit` to the open document `path`, re-parsing incrementally.

        Raises KeyError when `path` is not open and ValueError when the edit falls outside
        the document: both are front-end bugs, never user input.
        """
        document = OpenDocument.of(path, version, reparse(self._documents[path].parse, edit))
        self._set(document)
        return document

    def replace(self, path: str, text: bytes, version: int) -> OpenDocument:
        """Replace the whole text of the open document `path` (a full-text change)."""
        if path not in self._documents:
            raise KeyError(path)
        return self.open(path, text, version)

    def close(self, path: str) -> None:
        """Forget the open document `path`; includes read it from the file system again."""
        if self._documents.pop(path, None) is not None:
            self._refresh_overlay((path,))

    def _set(self, document: OpenDocument) -> None:
        self._documents[document.path] = document
        self._refresh_overlay((document.path,))

    def _refresh_overlay(self, changed: Iterable[str]) -> None:
        """Lay the current buffers over the disk and drop cached answers about `changed`."""
        buffers = {path: doc.source for path, doc in self._documents.items() if posixpath.isabs(path)}
        self._fs = OverlayFileSystem(self._base_fs, buffers)
        self.cache.fs = self._fs
        for path in changed:
            if posixpath.isabs(path):
                self.cache.forget(path)

    # Section - configuration and files changed on disk.

    @property
    def config(self) -> ResolveConfig:
        """The resolution configuration: include search directories over the buffers."""
        return ResolveConfig(self._search_dirs, self._base_dir, self._fs)

    def configure(self, *, search_dirs: tuple[str, ...], base_dir: str) -> None:
        """Change where includes are looked up; every cached include answer is dropped."""
        if (search_dirs, base_dir) != (self._search_dirs, self._base_dir):
            self._search_dirs = search_dirs
            self._base_dir = base_dir
            self.cache.forget()

    def files_changed(self, paths: Iterable[str]) -> None:
        """Drop cached answers about files that changed, appeared or went away on disk."""
        for path in paths:
            self.cache.forget(path)

    # Section - analysis.

    def lint(self, path: str) -> list[Diagnostic]:
        """Return every diagnostic of the open document `path`, includes resolved."""
        document = self._documents[path]
        return lint_document(path, document.source, config=self.config, cache=self.cache)
