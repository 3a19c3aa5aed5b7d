"""The analysis host a long-running front end keeps: open documents, includes, the index.

A `Workspace` owns what the language server must remember between requests:

- every open document with its current parse, kept current by incremental re-parsing
  (`open`, `edit`, `replace`, `close`), and the editor buffers laid over the file system
  (`OverlayFileSystem`) so that an unsaved abstraction is read as the user sees it;
- the include search configuration (`configure`) and the `IncludeCache` every analysis
  shares, and which files changed on disk (`files_changed`);
- the analysis of each open document: its diagnostics, linted incrementally
  (`lint_steps`, `lint`: see `armorsmith.ide.incremental`), and its `DocumentContext`
  (parse, model and resolution) for hover, navigation and the other features, built once
  per document version (`context`);
- the workspace index (`WorkspaceIndex`): every policy file and fragment under the
  workspace folders and the include search directories, with the policy their profiles
  make up, read in the background (`scan_steps`) and kept current as files change, and
  handed to features as a `Project` (`project`).

Everything is in byte offsets; converting editor positions is the front end's job, through
`OpenDocument.index`.  Long work is offered as generators (`lint_steps`, `scan_steps`)
that do one piece per step, so that the front end decides when to run the next piece and
can stop for newer work.  The workspace never touches the disk itself: every read goes
through the `FileSystem` it is given.  It is not thread-safe: one caller drives it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field

from armorsmith.diagnostics import Diagnostic, Edit
from armorsmith.engine import EngineProfile, PolicySet, engine_profile
from armorsmith.model import lower
from armorsmith.resolve import (
    Document,
    FileKind,
    FileSystem,
    IncludeCache,
    OverlayFileSystem,
    Resolution,
    ResolveConfig,
    is_skipped_name,
    load_document,
    resolve,
)
from armorsmith.syntax import FileRole, LineIndex, Parse, guess_role, is_feature_file, parse, reparse

from .context import DocumentContext, Project
from .incremental import IncrementalLint

__all__ = [
    "DEFAULT_SEARCH_DIRS",
    "IndexedFile",
    "OpenDocument",
    "ScanProgress",
    "Workspace",
    "WorkspaceIndex",
]

DEFAULT_SEARCH_DIRS = ("/etc/apparmor.d",)
"""Where `include <x>` is looked up when nothing else is configured, as apparmor_parser does."""

MAX_INDEXED_BYTES = 1 << 20
"""Files larger than this are not indexed: policy files are far smaller."""


@dataclass(frozen=True, slots=True)
class OpenDocument:
    """One open document at one version: its path, its parse and its line index.

    `path` is the document's file-system path, or for a document that has none (an
    unsaved editor buffer) any stable key the front end chose that is not absolute.
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


@dataclass(frozen=True, slots=True)
class IndexedFile:
    """One file of the workspace index: its document, and for a policy file its profiles."""

    path: str
    role: FileRole
    document: Document
    resolution: Resolution | None
    profiles: tuple[EngineProfile, ...]


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """How far a workspace scan is: files read so far out of those found."""

    done: int
    total: int
    path: str | None
    """The file just read, None while files are still being looked for."""


def _analyse(path: str, parsed: Parse, config: ResolveConfig, cache: IncludeCache) -> DocumentContext:
    """Lower and resolve one document (feature ABI files are not policy: no resolution)."""
    lowered = lower(parsed)
    if is_feature_file(path, parsed.source):
        return DocumentContext(path, parsed, lowered.file, None)
    fragment = guess_role(path, parsed.root) is FileRole.FRAGMENT
    return DocumentContext(path, parsed, lowered.file, resolve(path, parsed, lowered, config, cache=cache, fragment=fragment))


class WorkspaceIndex:
    """Every policy file and fragment found under some directories, and their policy.

    A file is indexed when it is a fragment by its place (`abstractions/`, `tunables/` ...)
    or when it defines at least one profile; anything else found in the directories
    (READMEs, scripts) is read once and left out.  `policy` is built from the profiles of
    every indexed policy file, later files (in path order) replacing earlier ones of the
    same name, and rebuilt only after a change.
    """

    def __init__(self) -> None:
        self._files: dict[str, IndexedFile] = {}
        self._policy: PolicySet | None = None

    def __len__(self) -> int:
        return len(self._files)

    def get(self, path: str) -> IndexedFile | None:
        """Return the indexed file `path`, or None."""
        return self._files.get(path)

    def files(self) -> tuple[IndexedFile, ...]:
        """Return every indexed file, in path order."""
        return tuple(self._files[path] for path in sorted(self._files))

    @property
    def documents(self) -> Mapping[str, Document]:
        """Every indexed document, by path."""
        return {path: indexed.document for path, indexed in self._files.items()}

    @property
    def policy(self) -> PolicySet:
        """The policy made of every indexed policy file's profiles."""
        if self._policy is None:
            self._policy = PolicySet(profile for indexed in self.files() for profile in indexed.profiles)
        return self._policy

    def add(self, path: str, source: bytes, config: ResolveConfig, cache: IncludeCache) -> IndexedFile | None:
        """Index (or re-index) the file `path` with content `source`; None when it is not policy."""
        self.remove(path)
        if is_feature_file(path, source) or b"\0" in source:
            return None
        parsed = parse(source)
        role = guess_role(path, parsed.root)
        defines = any(child.type in ("profile", "hat") for child in parsed.root.children)
        if role is not FileRole.FRAGMENT and not defines:
            return None
        document = load_document(path, source)
        resolution, profiles = None, ()
        if role is FileRole.POLICY:
            lowered = lower(parsed)
            resolution = resolve(path, parsed, lowered, config, cache=cache)
            profiles = tuple(engine_profile(resolution, resolved) for resolved in resolution.profiles)
        indexed = IndexedFile(path, role, document, resolution, profiles)
        self._files[path] = indexed
        self._policy = None
        return indexed

    def remove(self, path: str) -> None:
        """Drop the file `path` from the index, if it is there."""
        if self._files.pop(path, None) is not None:
            self._policy = None

    def clear(self) -> None:
        """Drop every file."""
        self._files.clear()
        self._policy = None


def discover(fs: FileSystem, roots: Iterable[str], limit: int) -> Generator[None, None, list[str]]:
    """Find the regular files under `roots`, in path order, at most `limit` of them.

    Names AppArmor skips in policy directories are skipped (`is_skipped_name`), which
    also leaves out hidden directories such as `.git`.  Yields after each directory, so a
    caller can interleave other work; the list of files is the generator's return value.
    """
    found: list[str] = []
    seen: set[str] = set()
    pending = sorted({posixpath.normpath(root) for root in roots}, reverse=True)
    while pending and len(found) < limit:
        directory = pending.pop()
        canonical = fs.canonical(directory)
        if canonical in seen:
            continue
        seen.add(canonical)
        subdirectories = []
        for name in fs.list_dir(directory) or ():
            if is_skipped_name(name):
                continue
            path = posixpath.join(directory, name)
            kind = fs.kind(path)
            if kind is FileKind.DIRECTORY:
                subdirectories.append(path)
            elif kind is FileKind.FILE and len(found) < limit:
                found.append(path)
        pending += reversed(subdirectories)
        yield
    return sorted(found)


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
        self._contexts: dict[str, tuple[OpenDocument, DocumentContext]] = {}
        self._search_dirs = search_dirs
        self._base_dir = base_dir
        self._fs = OverlayFileSystem(fs, {})
        self._lint = IncrementalLint()
        self.cache = IncludeCache(self._fs)
        """Parsed include files, shared by every analysis of this workspace."""
        self.index = WorkspaceIndex()
        """The policy files and fragments of the workspace (see `scan_steps`)."""
        self.roots: tuple[str, ...] = ()
        """The workspace folders, indexed with the include search directories."""

    # Section - open documents.

    def document(self, path: str) -> OpenDocument | None:
        """Return the open document `path`, or None when it is not open."""
        return self._documents.get(path)

    def documents(self) -> tuple[OpenDocument, ...]:
        """Return every open document."""
        return tuple(self._documents.values())

    def open(self, path: str, text: bytes, version: int) -> OpenDocument:
        """Open (or re-open) `path` with the editor's `text`, parsing it from scratch."""
        known = path in self._documents or self._base_fs.kind(path) is FileKind.FILE
        document = OpenDocument.of(path, version, parse(text))
        self._set(document, appeared=not known)
        return document

    def edit(self, path: str, edit: Edit, version: int) -> OpenDocument:
        """Apply one byte-range `edit` to the open document `path`, re-parsing incrementally.

        Raises KeyError when `path` is not open and ValueError when the edit falls outside
        the document: both are front-end bugs, never user input.
        """
        document = OpenDocument.of(path, version, reparse(self._documents[path].parse, edit))
        self._set(document, appeared=False)
        return document

    def replace(self, path: str, text: bytes, version: int) -> OpenDocument:
        """Replace the whole text of the open document `path` (a full-text change)."""
        if path not in self._documents:
            raise KeyError(path)
        document = OpenDocument.of(path, version, parse(text))
        self._set(document, appeared=False)
        return document

    def close(self, path: str) -> None:
        """Forget the open document `path`; includes read it from the file system again."""
        if self._documents.pop(path, None) is None:
            return
        self._contexts.pop(path, None)
        self._lint.forget(path)
        gone = self._base_fs.kind(path) is not FileKind.FILE
        self._refresh_overlay()
        self._changed((path,), appeared_or_gone=gone)

    def _set(self, document: OpenDocument, *, appeared: bool) -> None:
        self._documents[document.path] = document
        self._refresh_overlay()
        self._changed((document.path,), appeared_or_gone=appeared)

    def _refresh_overlay(self) -> None:
        """Lay the current buffers (those with a file-system path) over the file system."""
        buffers = {path: doc.source for path, doc in self._documents.items() if posixpath.isabs(path)}
        self._fs = OverlayFileSystem(self._base_fs, buffers)
        self.cache.fs = self._fs

    def _changed(self, paths: Iterable[str], *, appeared_or_gone: bool) -> None:
        """Drop what depends on the content of `paths` (absolute paths; other keys are ignored).

        A file that appeared or went away may change how any include resolves, so then
        every cached analysis is dropped; otherwise only those that read one of the files.
        """
        changed = [path for path in paths if posixpath.isabs(path)]
        if not changed:
            return
        canonical = {self._fs.canonical(path) for path in changed}
        for path in changed:
            # Answers about paths stay true for a file that neither appeared nor went away,
            # so the cache is left alone unless it holds the file's old content.
            if appeared_or_gone or self.cache.holds(path):
                self.cache.forget(path)
        if appeared_or_gone:
            self._lint.invalidate()
            self._contexts.clear()
            return
        self._lint.invalidate(canonical)
        for path, (_, context) in list(self._contexts.items()):
            if path in canonical or (context.resolution is not None and canonical & set(context.resolution.documents)):
                del self._contexts[path]

    # Section - configuration and files changed on disk.

    @property
    def config(self) -> ResolveConfig:
        """The resolution configuration: include search directories over the buffers."""
        return ResolveConfig(self._search_dirs, self._base_dir, self._fs)

    @property
    def search_dirs(self) -> tuple[str, ...]:
        """The include search directories, in the order they are tried."""
        return self._search_dirs

    def configure(self, *, search_dirs: tuple[str, ...], base_dir: str) -> bool:
        """Change where includes are looked up; return whether anything changed.

        A change drops every cached analysis; the index must then be scanned again.
        """
        if (search_dirs, base_dir) == (self._search_dirs, self._base_dir):
            return False
        self._search_dirs = search_dirs
        self._base_dir = base_dir
        self.cache.forget()
        self._lint.invalidate()
        self._contexts.clear()
        return True

    def use_file_system(self, fs: FileSystem) -> None:
        """Read files through `fs` from now on (the server's, limited to its roots).

        Every cached analysis is dropped; the index must then be scanned again.
        """
        self._base_fs = fs
        self._refresh_overlay()
        self.cache.forget()
        self._lint.invalidate()
        self._contexts.clear()

    def files_changed(
        self, changed: Iterable[str] = (), *, created: Iterable[str] = (), deleted: Iterable[str] = ()
    ) -> Generator[ScanProgress, None, None]:
        """Take note of files that changed, appeared or went away on disk.

        Cached analyses that read them are dropped at once.  The index is then brought up to
        date for those under the indexed directories, one file per step of the generator
        returned (an open document's buffer keeps hiding its file: the index reads the
        buffer).  The caller runs the steps when it has time.
        """
        changed, created, deleted = list(changed), list(created), list(deleted)
        self._changed(changed, appeared_or_gone=False)
        self._changed([*created, *deleted], appeared_or_gone=True)
        paths = [path for path in dict.fromkeys([*changed, *created, *deleted]) if self._indexed_place(path)]
        return self._reindex(paths)

    def _reindex(self, paths: list[str]) -> Generator[ScanProgress, None, None]:
        for done, path in enumerate(paths, 1):
            source = self._fs.read(path)
            if source is None or len(source) > MAX_INDEXED_BYTES:
                self.index.remove(path)
            else:
                self.index.add(path, source, self.config, self.cache)
            yield ScanProgress(done, len(paths), path)

    def _indexed_place(self, path: str) -> bool:
        """Whether `path` lies under a directory the index covers."""
        name = posixpath.basename(path)
        if is_skipped_name(name):
            return False
        return any(path.startswith(root.rstrip("/") + "/") for root in self._index_roots())

    def _index_roots(self) -> tuple[str, ...]:
        roots = [*self.roots]
        for directory in self._search_dirs:
            if not any(directory == root or directory.startswith(root.rstrip("/") + "/") for root in roots):
                roots.append(directory)
        return tuple(roots)

    # Section - analysis.

    def lint_steps(self, document: OpenDocument) -> Generator[None, None, list[Diagnostic]]:
        """Lint one version of an open document, one unit per step; see `IncrementalLint.steps`."""
        return self._lint.steps(document.path, document.parse, config=self.config, cache=self.cache)

    def lint(self, path: str) -> list[Diagnostic]:
        """Return every diagnostic of the open document `path`, includes resolved."""
        document = self._documents[path]
        return self._lint.lint(path, document.parse, config=self.config, cache=self.cache)

    def context(self, path: str) -> DocumentContext | None:
        """Return the analysed open document `path` (parse, model, resolution), or None.

        It is built on first use for each version of the document and kept until the
        document or a file it read changes.
        """
        document = self._documents.get(path)
        if document is None:
            return None
        cached = self._contexts.get(path)
        if cached is not None and cached[0] is document:
            return cached[1]
        context = _analyse(path, document.parse, self.config, self.cache)
        self._contexts[path] = (document, context)
        return context

    def project(self) -> Project:
        """Return the workspace around the open documents, as the index knows it now."""
        return Project(
            policy=self.index.policy,
            documents=self.index.documents,
            search_dirs=self._search_dirs,
            base_dir=self._base_dir,
            cache=self.cache,
            roots=self.roots,
        )

    # Section - the workspace index.

    def scan_steps(self, *, limit: int = 5000) -> Generator[ScanProgress, None, None]:
        """Index the workspace folders and include search directories, one file per step.

        The index is emptied first.  Open documents are read as their buffers; at most
        `limit` files are read.
        """
        self.index.clear()
        files = yield from _discovering(discover(self._fs, self._index_roots(), limit))
        for done, path in enumerate(files, 1):
            if posixpath.basename(path) and self._fs.kind(path) is FileKind.FILE:
                source = self._fs.read(path)
                if source is not None and len(source) <= MAX_INDEXED_BYTES:
                    self.index.add(path, source, self.config, self.cache)
            yield ScanProgress(done, len(files), path)


def _discovering(steps: Generator[None, None, list[str]]) -> Generator[ScanProgress, None, list[str]]:
    """Run `discover`, reporting progress without a total while it looks for files."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
        yield ScanProgress(0, 0, None)
