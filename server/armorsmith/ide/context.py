"""What the navigation features read: one analysed document, and the workspace around it.

Hover, definition, references, rename, links, symbols and inlay hints are pure functions
of these two values, which the analysis host builds once per document version and keeps:

- `DocumentContext`: the document's path, parse, model and resolution (None when includes
  are not resolved); features never parse or resolve anything themselves;
- `Project`: the workspace's policy (`PolicySet` built from every profile the workspace
  knows, for attachment searches and `->` targets), the indexed documents (for
  references and rename across files), the include search directories (to show paths
  the way policy writes them) and the workspace's include cache (to find abi files).

Also here: `Location`, a range in some document, and the small lookups every feature
shares (the resolved profile of a model profile, the engine profile of it, the document
text of a location).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from armorsmith.engine import EngineProfile, PolicySet, engine_profile
from armorsmith.model import PolicyFile, Profile, Rule, Span
from armorsmith.model.rules import AllRule
from armorsmith.model.rules.file import FilePerm, FileRule
from armorsmith.resolve import Document, IncludeCache, Resolution, ResolvedProfile
from armorsmith.syntax import Parse

__all__ = ["DocumentContext", "Location", "Project", "exec_relevant"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Location:
    """The bytes `span` of the document `path`."""

    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """One document as analysed: its parse, its model and, with includes, its resolution."""

    path: str
    parsed: Parse
    file: PolicyFile
    resolution: Resolution | None = None
    _memo: dict[Hashable, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def source(self) -> bytes:
        """The document's text."""
        return self.parsed.source

    def text(self, span: Span) -> str:
        """Return the text of `span` in this document."""
        return self.parsed.source[span.start : span.end].decode("utf-8", "surrogateescape")

    def resolved(self, profile: Profile) -> ResolvedProfile | None:
        """Return the resolved profile of a profile written in this document, if resolved."""
        if self.resolution is None:
            return None
        for resolved in self.resolution.walk_profiles():
            if resolved.profile is profile or (
                resolved.origin.document == self.path and not resolved.origin.via and resolved.profile.span == profile.span
            ):
                return resolved
        return None

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return what `compute` gives, computed once for `key` with this analysis.

        An analysis is one document version, so what is derived from it (an engine profile,
        an exec view of one) is kept with it and dropped with it.
        """
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    def own_profile(self, resolved: ResolvedProfile) -> EngineProfile | None:
        """Return the engine profile of `resolved` built from this document's resolution."""
        resolution = self.resolution
        if resolution is None:
            return None
        return self.memo(("profile", id(resolved)), lambda: _own_profile(resolution, resolved))

    def document(self) -> Document | None:
        """Return the resolution's view of this document, when resolved."""
        return self.resolution.main if self.resolution is not None else None


@dataclass(frozen=True, slots=True)
class Project:
    """The workspace around a document; see the module docstring."""

    policy: PolicySet = field(default_factory=PolicySet)
    documents: Mapping[str, Document] = field(default_factory=dict)
    search_dirs: tuple[str, ...] = ()
    base_dir: str = "/"
    cache: IncludeCache | None = None
    """What the file system holds (through the workspace's cache), to find abi files."""
    roots: tuple[str, ...] = ()
    """The workspace folders: a rename edits no file outside them (none given: no limit)."""

    def in_roots(self, path: str) -> bool:
        """Whether `path` lies in a workspace folder (always true without folders)."""
        return not self.roots or any(path.startswith(root.rstrip("/") + "/") for root in self.roots)

    def engine_profile(self, ctx: DocumentContext, profile: Profile) -> EngineProfile | None:
        """Return the engine's profile for a profile written in `ctx`'s document.

        The workspace policy's profile is used when it was built from this very version of
        the document; otherwise (an open document being edited, a new buffer) the profile
        is built from the document's own resolution, once per document version.
        """
        resolved = ctx.resolved(profile)
        if resolved is None or ctx.resolution is None:
            return None
        found = self.policy.get(resolved.name)
        if found is not None and found.model is resolved.profile:
            return found
        return ctx.own_profile(resolved)

    def display(self, path: str) -> str:
        """Return `path` as policy names it: relative to the search directory holding it."""
        for directory in self.search_dirs:
            prefix = directory.rstrip("/") + "/"
            if path.startswith(prefix):
                return path[len(prefix) :]
        return path

    def line_of(self, path: str, offset: int, ctx: DocumentContext | None = None) -> int | None:
        """Return the 1-based line of `offset` in the document `path`, when it is known."""
        if ctx is not None and path == ctx.path:
            return ctx.source.count(b"\n", 0, offset) + 1
        document = self.documents.get(path)
        if document is None and ctx is not None and ctx.resolution is not None:
            document = ctx.resolution.documents.get(path)
        return document.line(offset) if document is not None else None

    def where(self, location: Location, ctx: DocumentContext | None = None) -> str:
        """Return `path:line` for a location, the path shortened as `display` does."""
        line = self.line_of(location.path, location.span.start, ctx)
        shown = self.display(location.path)
        return f"{shown}:{line}" if line is not None else shown


def exec_relevant(rule: Rule) -> bool:
    """Whether `rule` can take part in an exec decision: a file rule with `x`, or `all`."""
    return isinstance(rule, AllRule) or isinstance(rule, FileRule) and FilePerm.EXEC in rule.perms


def _exec_only(resolved: ResolvedProfile) -> ResolvedProfile:
    """Return `resolved` and its children keeping only the rules exec decisions read."""
    return dataclasses.replace(
        resolved,
        rules=tuple(placed for placed in resolved.rules if exec_relevant(placed.rule)),
        children=tuple(_exec_only(child) for child in resolved.children),
    )


def _own_profile(resolution: Resolution, resolved: ResolvedProfile) -> EngineProfile | None:
    """Build the engine profile of `resolved` from its own resolution, parents included.

    Only the rules exec decisions read are compiled (`exec_relevant`): the features ask
    the engine where execs land, and for names, modes and attachments, never for other
    accesses, and expanding every rule of a long profile costs tens of milliseconds.
    """
    for top in resolution.profiles:
        if any(candidate is resolved for candidate in top.walk()):
            built = engine_profile(resolution, _exec_only(top))
            parts = resolved.name[len(top.name) + 2 :].split("//") if resolved is not top else []
            for part in parts:
                child = built.children.get(part)
                if child is None:
                    return None
                built = child
            return built
    return None
