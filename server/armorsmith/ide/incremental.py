"""Incremental lint: one document analysed in units that are cached by their text.

Almost all the cost of linting is per profile (resolving it and running the checks over
its effective rules), and an edit almost always touches one profile.  So the semantic half
of lint (`lint.semantic_diagnostics`) runs on *units*, small documents made of the file's
preamble (every top-level item that is not a profile or hat: abi, includes, variables,
aliases, conditionals, the rules of a fragment), in file order, and at most one top-level
profile or hat:

- the preamble unit, the preamble alone, reports what is found in the preamble;
- one profile unit per top-level profile or hat, the preamble and that profile, reports
  what is found inside that profile;
- the names unit, when there are at least two top-level profiles, holds the preamble and
  every top-level profile's header with an empty body, and reports nothing itself: the
  `duplicate-profile` findings in it say which profiles share a name.  Those are put in
  one profile unit together, since checks and resolution find profiles by name and so see
  such profiles interact; every other profile stands alone.

A unit's findings depend only on its text, the document's path and the files resolution
read for it, so they are cached under its text until one of those files changes
(`invalidate`); an edit re-analyses the unit it touched, or every unit when it touched the
preamble.  Syntax errors, structure errors and the UTF-8 check are whole-document and
cheap, so they come from the whole parse every time (`lint.syntax_diagnostics`).

A unit's text is its pieces (each a top-level item's bytes) joined by newlines; every
piece remembers where it came from, and the ranges of findings (and of their related
locations in the same document and their fix edits) are mapped back.  The result equals
`lint_document`'s, which tests check over the corpus.  Known limits: top-level comments
are left out of units, since nothing reads them; ERROR and MISSING nodes at top level are
left out as lowering leaves them out; a finding located outside the profile that causes it
would be dropped (no check reports one).

This module is pure: it reads files only through the `ResolveConfig` it is given.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Generator, Iterable
from dataclasses import dataclass, replace

from armorsmith.diagnostics import Code, Diagnostic, Edit, Fix, Related
from armorsmith.resolve import IncludeCache, ResolveConfig
from armorsmith.syntax import Parse, is_feature_file, parse

from .lint import semantic_diagnostics, syntax_diagnostics
from .pasted import without_pasted_logs

__all__ = ["IncrementalLint"]

_PROFILE_KINDS = frozenset({"profile", "hat"})


@dataclass(frozen=True, slots=True)
class _Piece:
    """A top-level item's bytes and where they start in the document."""

    text: bytes
    original: int


class _Layout:
    """The preamble of one version of a document, which all its units share."""

    __slots__ = ("key", "pieces", "starts", "length")

    def __init__(self, pieces: list[_Piece]) -> None:
        self.pieces = pieces
        self.key = b"\0".join(piece.text for piece in pieces)
        """The preamble's text, part of every unit's cache key."""
        starts, offset = [], 0
        for piece in pieces:
            starts.append(offset)
            offset += len(piece.text) + 1
        self.starts = starts
        """Where each piece starts in the preamble's text (pieces joined by newlines)."""
        self.length = offset

    def original(self, offset: int) -> int:
        """Map an offset of the preamble's text to the document."""
        index = max(0, bisect_right(self.starts, offset) - 1)
        piece = self.pieces[index]
        return piece.original + min(offset - self.starts[index], len(piece.text))


class _Unit:
    """One unit: the preamble with a top-level item (or several) inserted at given places.

    `inserted` are (position, piece) pairs in file order, where position is the number
    of preamble pieces before the piece; the unit's text is every piece in file order,
    joined by newlines.  `own` says which inserted pieces the unit reports on: all of them,
    or for the names unit only the headers (the closing braces it adds are not text of
    the document and have no original place).
    """

    __slots__ = ("kind", "layout", "inserted", "own", "_starts")

    def __init__(self, kind: str, layout: _Layout, inserted: list[tuple[int, _Piece | None, bytes]]) -> None:
        self.kind = kind
        self.layout = layout
        self.inserted = inserted
        # Where each inserted piece starts in the unit's text, and the text added before it.
        starts, shift = [], 0
        for position, _, text in inserted:
            base = layout.starts[position] if position < len(layout.starts) else layout.length
            starts.append((base + shift, shift))
            shift += len(text) + 1
        self._starts = starts

    @property
    def text(self) -> bytes:
        parts: list[bytes] = []
        done = 0
        pieces = self.layout.pieces
        for position, _, text in self.inserted:
            parts += [piece.text for piece in pieces[done:position]]
            parts.append(text)
            done = position
        parts += [piece.text for piece in pieces[done:]]
        return b"\n".join(parts) + b"\n"

    def _locate(self, offset: int) -> tuple[int, int]:
        """Return (index of the inserted piece holding `offset` or -1, offset in the preamble or piece)."""
        shift = 0
        for index, (start, before) in enumerate(self._starts):
            if offset < start:
                break
            length = len(self.inserted[index][2])
            if offset <= start + length:
                return index, offset - start
            shift = before + length + 1
        return -1, offset - shift

    def inserted_at(self, offset: int) -> int | None:
        """Return the index of the inserted piece holding `offset`, None in the preamble."""
        index, _ = self._locate(offset)
        return None if index < 0 else index

    def original(self, offset: int) -> int | None:
        """Map an offset of the unit's text to the document, None inside added text."""
        index, local = self._locate(offset)
        if index < 0:
            return self.layout.original(local)
        piece = self.inserted[index][1]
        return None if piece is None else piece.original + min(local, len(piece.text))

    def keeps(self, diagnostic: Diagnostic) -> bool:
        """Whether this unit reports `diagnostic` (other units report the rest)."""
        if diagnostic.code is Code.INTERNAL_ERROR or self.kind == "preamble":
            return True
        index, _ = self._locate(diagnostic.start)
        if index < 0 or self.inserted[index][1] is None:
            return False
        if self.kind == "names":
            return diagnostic.code is Code.DUPLICATE_PROFILE
        return self._locate(max(diagnostic.start, diagnostic.end - 1))[0] == index

    def map(self, diagnostic: Diagnostic, path: str) -> Diagnostic | None:
        """Return `diagnostic` with its ranges in the document, None when one cannot be mapped."""
        if diagnostic.code is Code.INTERNAL_ERROR:
            return replace(diagnostic, start=0, end=0)
        start, end = self._span(diagnostic.start, diagnostic.end)
        if start is None or end is None:
            return None
        related = []
        for item in diagnostic.related:
            if item.path is None or item.path == path:
                r_start, r_end = self._span(item.start, item.end)
                if r_start is None or r_end is None:
                    continue
                item = Related(item.message, r_start, r_end, item.path)
            related.append(item)
        fixes = []
        for fix in diagnostic.fixes:
            edits = [self._edit(edit) for edit in fix.edits]
            if all(edit is not None for edit in edits):
                fixes.append(Fix(fix.title, tuple(e for e in edits if e is not None), fix.applicability))
        return replace(diagnostic, start=start, end=end, related=tuple(related), fixes=tuple(fixes))

    def _span(self, start: int, end: int) -> tuple[int | None, int | None]:
        mapped_start = self.original(start)
        if end <= start:
            return mapped_start, mapped_start
        # The end is mapped from the last byte in the range, so that a range ending at a
        # piece's end is not carried into the next piece.
        last = self.original(end - 1)
        return mapped_start, None if last is None else last + 1

    def _edit(self, edit: Edit) -> Edit | None:
        start, end = self._span(edit.start, edit.end)
        if start is None or end is None:
            return None
        return Edit(start, end, edit.new_text)


@dataclass(frozen=True, slots=True)
class _Entry:
    """The cached findings a unit reports, in the unit's offsets, and the files it read."""

    diagnostics: tuple[Diagnostic, ...]
    reads: frozenset[str]


def _header(node, source: bytes) -> bytes | None:  # noqa: ANN001 - a tree-sitter Node.
    """Return a profile's text up to and including the `{` that opens its body."""
    body = node.child_by_field_name("body")
    if body is None or not body.children or body.children[0].type != "{":
        return None
    return source[node.start_byte : body.children[0].end_byte]


def _split(parsed: Parse) -> tuple[_Layout, list[tuple[int, _Piece, bytes | None]]]:
    """Split a document into its preamble and its top-level profiles (with their headers).

    Each profile comes with its position (the number of preamble pieces before it).
    """
    source = parsed.source
    preamble: list[_Piece] = []
    profiles: list[tuple[int, _Piece, bytes | None]] = []
    for child in parsed.root.children:
        if child.is_error or child.is_missing or child.type == "comment":
            continue
        piece = _Piece(source[child.start_byte : child.end_byte], child.start_byte)
        if child.type in _PROFILE_KINDS:
            profiles.append((len(preamble), piece, _header(child, source)))
        else:
            preamble.append(piece)
    return _Layout(preamble), profiles


def _profile_unit(layout: _Layout, members: list[tuple[int, _Piece, bytes | None]]) -> tuple[tuple[object, ...], _Unit]:
    """The unit of one profile, or of profiles that share a name, with its cache key."""
    inserted = [(position, piece, piece.text) for position, piece, _ in members]
    key = ("profile", layout.key, tuple((position, text) for position, _, text in inserted))
    return key, _Unit("profile", layout, inserted)


def _names_unit(
    layout: _Layout, profiles: list[tuple[int, _Piece, bytes | None]]
) -> tuple[tuple[object, ...], _Unit, list[int | None]]:
    """The names unit, its key, and for each piece it inserts the profile it comes from."""
    inserted: list[tuple[int, _Piece | None, bytes]] = []
    owners: list[int | None] = []
    for number, (position, piece, header) in enumerate(profiles):
        if header is not None:
            inserted += [(position, _Piece(header, piece.original), header), (position, None, b"}")]
            owners += [number, None]
    key = ("names", layout.key, tuple((position, text) for position, _, text in inserted))
    return key, _Unit("names", layout, inserted), owners


def _groups(count: int, names: _Unit, owners: list[int | None], found: tuple[Diagnostic, ...]) -> list[list[int]]:
    """Group the profiles the names unit found to share a name; the others stand alone.

    Profiles of one name are analysed together, as checks and resolution find profiles by
    name and so see duplicates interact.
    """
    parent = list(range(count))

    def root(number: int) -> int:
        while parent[number] != number:
            number = parent[number]
        return number

    for diagnostic in found:
        if diagnostic.code is not Code.DUPLICATE_PROFILE:
            continue
        ends = [diagnostic.start, *(item.start for item in diagnostic.related if item.path is None)]
        members = {owners[index] for index in map(names.inserted_at, ends) if index is not None and owners[index] is not None}
        first, *others = sorted(number for number in members if number is not None) or [None]
        for other in others:
            parent[root(other)] = root(first)
    grouped: dict[int, list[int]] = {}
    for number in range(count):
        grouped.setdefault(root(number), []).append(number)
    return sorted(grouped.values())


class IncrementalLint:
    """`lint_document` for documents that change a little at a time; see the module docstring.

    One instance serves many documents (by path) and keeps, for each, the findings of the
    units of its last two complete lints, plus those of any lint left unfinished since.
    """

    def __init__(self) -> None:
        self._entries: dict[str, dict[tuple[object, ...], _Entry]] = {}
        self._last_used: dict[str, set[tuple[object, ...]]] = {}

    def lint(
        self, path: str, parsed: Parse, *, config: ResolveConfig | None, cache: IncludeCache | None
    ) -> list[Diagnostic]:
        """Return the diagnostics `lint_document` gives for `parsed`, the text of `path`."""
        steps = self.steps(path, parsed, config=config, cache=cache)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    def steps(
        self, path: str, parsed: Parse, *, config: ResolveConfig | None, cache: IncludeCache | None
    ) -> Generator[None, None, list[Diagnostic]]:
        """Lint as `lint` does, yielding after each unit that had to be analysed.

        The caller may stop iterating at any yield (a newer edit arrived): what was analysed
        so far stays cached.  The generator's return value is the list of diagnostics.
        """
        if is_feature_file(path, parsed.source):
            return []
        parsed, found = without_pasted_logs(parsed)
        found += syntax_diagnostics(path, parsed)
        entries = self._entries.setdefault(path, {})
        used: set[tuple[object, ...]] = set()

        def entry_of(key: tuple[object, ...], unit: _Unit) -> tuple[_Entry, bool]:
            used.add(key)
            entry = entries.get(key)
            if entry is not None:
                return entry, False
            entry = entries[key] = self._analyse(path, unit, config, cache)
            return entry, True

        layout, profiles = _split(parsed)
        groups = [[number] for number in range(len(profiles))]
        if len(profiles) >= 2:
            key, names, owners = _names_unit(layout, profiles)
            entry, analysed = entry_of(key, names)
            if analysed:
                yield
            groups = _groups(len(profiles), names, owners, entry.diagnostics)
        units = [(("preamble", layout.key), _Unit("preamble", layout, []))]
        units += [_profile_unit(layout, [profiles[number] for number in group]) for group in groups]
        for key, unit in units:
            entry, analysed = entry_of(key, unit)
            if analysed:
                yield
            for diagnostic in entry.diagnostics:
                mapped = unit.map(diagnostic, path)
                if mapped is not None:
                    found.append(mapped)
        # A complete lint keeps the units of this version and of the one before, so that
        # undoing an edit finds its units again.
        kept = used | self._last_used.get(path, set())
        self._entries[path] = {key: entries[key] for key in kept if key in entries}
        self._last_used[path] = used
        # Each unit reports a failing check once; the document reports it once.
        internal = [d for d in found if d.code is Code.INTERNAL_ERROR]
        found = [d for d in found if d.code is not Code.INTERNAL_ERROR] + list({d.message: d for d in internal}.values())
        return sorted(found, key=lambda d: (d.start, d.end, d.code.value))

    @staticmethod
    def _analyse(path: str, unit: _Unit, config: ResolveConfig | None, cache: IncludeCache | None) -> _Entry:
        diagnostics, resolution = semantic_diagnostics(path, parse(unit.text), config=config, cache=cache)
        reads: frozenset[str] = frozenset()
        if resolution is not None and config is not None:
            reads = frozenset(config.fs.canonical(read) for read in resolution.documents if read != path)
        return _Entry(tuple(d for d in diagnostics if unit.keeps(d)), reads)

    def invalidate(self, paths: Iterable[str] | None = None) -> None:
        """Forget units that read any of `paths` (canonical spellings), or every unit."""
        if paths is None:
            self._entries.clear()
            return
        changed = frozenset(paths)
        for path, entries in self._entries.items():
            self._entries[path] = {key: entry for key, entry in entries.items() if not entry.reads & changed}

    def forget(self, path: str) -> None:
        """Forget everything about the document `path` (it was closed)."""
        self._entries.pop(path, None)
        self._last_used.pop(path, None)
