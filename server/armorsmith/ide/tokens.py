"""Semantic tokens: the grammar's `highlights.scm` captures as editor token types.

Editors that read tree-sitter queries (nvim) highlight with `highlights.scm` directly;
every other editor gets the same highlighting through semantic tokens made here from the
same captures (`armorsmith.syntax.queries.highlights`), so the two cannot drift apart.
`CAPTURE_TOKENS` maps each capture name to an LSP standard token type and modifiers; the
model adds what a query cannot know: `declaration` on the names a profile header or a
variable assignment defines, and `deprecated` on `#include`.

Tokens never overlap and never span lines, as LSP clients require: a capture nested in
another (a variable or a glob inside a path) splits the outer one, and the inner one wins.
Punctuation gets no token, since LSP has no type for it; editors colour it themselves.
Results are byte ranges; the front end converts them to positions and encodes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.model import Include, PolicyFile, Profile, VariableAssignment, walk_items
from armorsmith.syntax import Parse
from armorsmith.syntax.queries import Capture, highlights

__all__ = ["CAPTURE_TOKENS", "TOKEN_MODIFIERS", "TOKEN_TYPES", "SemanticToken", "semantic_tokens"]

TOKEN_TYPES = (
    "comment",
    "keyword",
    "modifier",
    "operator",
    "class",
    "decorator",
    "property",
    "string",
    "variable",
    "enumMember",
    "macro",
    "number",
)
"""The token types this server uses, in legend order (all standard LSP types)."""

TOKEN_MODIFIERS = ("declaration", "defaultLibrary", "deprecated", "readonly")
"""The token modifiers this server uses, in legend order (all standard LSP modifiers)."""

CAPTURE_TOKENS: dict[str, tuple[str, tuple[str, ...]]] = {
    "comment": ("comment", ()),
    "keyword": ("keyword", ()),
    "keyword.import": ("keyword", ()),
    "keyword.directive": ("keyword", ()),
    "keyword.conditional": ("keyword", ()),
    "keyword.modifier": ("modifier", ()),
    "keyword.operator": ("operator", ()),
    "operator": ("operator", ()),
    "type": ("class", ()),
    "attribute": ("decorator", ()),
    "property": ("property", ()),
    "string": ("string", ()),
    "string.special.path": ("string", ()),
    "variable": ("variable", ()),
    "variable.builtin": ("variable", ("defaultLibrary", "readonly")),
    "constant": ("enumMember", ()),
    "constant.builtin": ("enumMember", ("defaultLibrary",)),
    "character": ("enumMember", ()),
    "character.special": ("macro", ()),
    "number": ("number", ()),
    "boolean": ("keyword", ()),
}
"""Each capture name of `highlights.scm` and the token type and modifiers it becomes.

Captures not listed (punctuation) produce no token; a test checks that every other
capture name the query uses is listed.
"""


@dataclass(frozen=True, slots=True)
class SemanticToken:
    """A token: bytes [start, end) on one line, its type and its modifiers (legend names)."""

    start: int
    end: int
    type: str
    modifiers: tuple[str, ...] = ()


def _model_modifiers(file: PolicyFile | None) -> dict[tuple[int, int], tuple[str, ...]]:
    """Return the extra modifiers of the tokens the model knows more about, by range."""
    extra: dict[tuple[int, int], tuple[str, ...]] = {}
    if file is None:
        return extra
    for item in walk_items(file.items):
        if isinstance(item, Profile) and item.name is not None:
            extra[(item.name.span.start, item.name.span.end)] = ("declaration",)
        elif isinstance(item, VariableAssignment) and item.operator.text != "+=":
            extra[(item.name_span.start, item.name_span.end)] = ("declaration",)
        elif isinstance(item, Include) and item.deprecated_hash:
            extra[(item.keyword.span.start, item.keyword.span.end)] = ("deprecated",)
    return extra


def _flatten(captures: tuple[Capture, ...]) -> list[Capture]:
    """Cut nested captures into disjoint pieces, the innermost capture owning each byte."""
    pieces: list[Capture] = []
    stack: list[Capture] = []
    position = 0

    def emit(end: int) -> None:
        if stack and end > position:
            pieces.append(Capture(position, end, stack[-1].name))

    for capture in captures:
        while stack and stack[-1].end <= capture.start:
            emit(stack[-1].end)
            position = max(position, stack.pop().end)
        emit(capture.start)
        position = max(position, capture.start)
        stack.append(capture)
    while stack:
        emit(stack[-1].end)
        position = max(position, stack.pop().end)
    return pieces


def semantic_tokens(
    parsed: Parse, file: PolicyFile | None = None, start: int = 0, end: int | None = None
) -> tuple[SemanticToken, ...]:
    """Return the semantic tokens of the document, or of those touching bytes [start, end).

    `file` is the lowered model of `parsed`; without it the tokens carry only what the
    captures say.
    """
    extra = _model_modifiers(file)
    source = parsed.source
    found: list[SemanticToken] = []
    for piece in _flatten(highlights(parsed, start, end)):
        mapped = CAPTURE_TOKENS.get(piece.name)
        if mapped is None:
            continue
        kind, modifiers = mapped
        key_modifiers = extra.get((piece.start, piece.end))
        if key_modifiers:
            modifiers = tuple(sorted({*modifiers, *key_modifiers}))
        line_start = piece.start
        while line_start < piece.end:
            newline = source.find(b"\n", line_start, piece.end)
            line_end = piece.end if newline < 0 else newline
            if line_end > line_start:
                found.append(SemanticToken(line_start, line_end, kind, modifiers))
            line_start = line_end + 1
    return tuple(found)
