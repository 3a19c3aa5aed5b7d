"""Document and workspace symbols: the profiles, hats, child profiles and variables a file defines.

A document's symbols are a tree read from its model: each profile holds its hats and
child profiles (found through qualifier and `if` blocks too), and the file-level variable
assignments stand beside the profiles.  Workspace symbols flatten the trees of every
indexed file and keep those whose name matches the query the way editors filter: the
query's characters appear in the name in order, ignoring case.

Kinds are named as LSP's SymbolKind names them (`class` for profiles, as `tags.scm` calls
them class definitions, `method` for hats, `variable` and `boolean` for variables); ranges
are byte offsets into the symbol's document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from armorsmith.model import (
    Block,
    BooleanAssignment,
    IfBlock,
    Item,
    PolicyFile,
    Profile,
    QualifierBlock,
    Span,
    VariableAssignment,
)

__all__ = ["Symbol", "WorkspaceSymbol", "document_symbols", "matches_query", "workspace_symbols"]


@dataclass(frozen=True, slots=True)
class Symbol:
    """A symbol of one document: `span` is the whole definition, `selection` its name."""

    name: str
    kind: str
    detail: str
    span: Span
    selection: Span
    children: tuple[Symbol, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkspaceSymbol:
    """A symbol found in the workspace: where it is, and the profile that holds it."""

    name: str
    kind: str
    path: str
    span: Span
    selection: Span
    container: str | None


def _nested_profiles(items: tuple[Item, ...]) -> Iterator[Profile]:
    """Yield the profiles directly in `items`, looking through qualifier and `if` blocks."""
    for item in items:
        if isinstance(item, Profile):
            yield item
        elif isinstance(item, QualifierBlock):
            yield from _nested_profiles(item.body.items)
        elif isinstance(item, IfBlock):
            branch: Block | IfBlock | None = item
            while isinstance(branch, IfBlock):
                yield from _nested_profiles(branch.then.items)
                branch = branch.orelse
            if branch is not None:
                yield from _nested_profiles(branch.items)


def _profile_detail(profile: Profile) -> str:
    parts = []
    if profile.attachment is not None:
        parts.append(profile.attachment.raw)
    if profile.flags:
        parts.append("(" + ", ".join(f.name if f.value is None else f"{f.name}={f.value}" for f in profile.flags) + ")")
    return " ".join(parts)


def _profile_symbol(profile: Profile) -> Symbol:
    if profile.name is not None:
        name, selection = profile.name.text, profile.name.span
    else:
        anchor = profile.keyword.span if profile.keyword is not None else Span(profile.span.start, profile.span.start)
        name, selection = "(unnamed)", anchor
    if profile.is_hat:
        kind = "method"
        name = name if profile.keyword is None or profile.keyword.text != "^" else "^" + name
    else:
        kind = "class"
    children = tuple(_profile_symbol(child) for child in _nested_profiles(profile.body.items))
    return Symbol(name, kind, _profile_detail(profile), profile.span, selection, children)


def _variable_symbol(item: VariableAssignment | BooleanAssignment, source: bytes) -> Symbol:
    name = source[item.name_span.start : item.name_span.end].decode("utf-8", "surrogateescape")
    if isinstance(item, VariableAssignment):
        detail = f"{item.operator.text} " + " ".join(value.raw for value in item.values)
        kind = "variable"
    else:
        written = source[item.operator.span.end : item.span.end].decode("utf-8", "surrogateescape")
        detail = f"{item.operator.text} {written.strip()}"
        kind = "boolean"
    return Symbol(name, kind, detail.strip(), item.span, item.name_span)


def document_symbols(file: PolicyFile, source: bytes) -> tuple[Symbol, ...]:
    """Return the symbol tree of one document (`source` is its text, for variable names)."""
    found: list[Symbol] = []
    for item in file.items:
        if isinstance(item, (VariableAssignment, BooleanAssignment)) and item.name:
            found.append(_variable_symbol(item, source))
    found += (_profile_symbol(profile) for profile in _nested_profiles(file.items))
    return tuple(sorted(found, key=lambda symbol: symbol.span.start))


def matches_query(name: str, query: str) -> bool:
    """Return whether the characters of `query` appear in `name` in order, ignoring case."""
    position = 0
    lowered = name.lower()
    for char in query.lower():
        position = lowered.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


def _flatten(symbols: tuple[Symbol, ...], path: str, container: str | None) -> Iterator[WorkspaceSymbol]:
    for symbol in symbols:
        yield WorkspaceSymbol(symbol.name, symbol.kind, path, symbol.span, symbol.selection, container)
        inner = symbol.name if container is None else f"{container}//{symbol.name.lstrip('^')}"
        yield from _flatten(symbol.children, path, inner)


def workspace_symbols(
    query: str, files: Iterable[tuple[str, PolicyFile, bytes]], *, limit: int = 500
) -> tuple[WorkspaceSymbol, ...]:
    """Return the symbols of `files` (path, model, text) whose name matches `query`.

    Profiles come before variables, then shorter names first, so the likeliest match for
    a short query leads; at most `limit` symbols are returned.
    """
    found = [
        symbol
        for path, file, source in files
        for symbol in _flatten(document_symbols(file, source), path, None)
        if matches_query(symbol.name, query)
    ]
    found.sort(key=lambda s: (s.kind not in ("class", "method"), len(s.name), s.name, s.path, s.span.start))
    return tuple(found[:limit])
