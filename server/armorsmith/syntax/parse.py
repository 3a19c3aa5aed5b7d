"""Parsing AppArmor source into a `Parse`: the tree, the source bytes and the syntax errors.

This module owns every call into the tree-sitter parser.
Parsing is a pure function of the text: it never reads files, never raises on user input
and always returns a tree, however broken the text. A fresh `tree_sitter.Parser` is made
per call (it is cheap), so no parser state is shared between callers or threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node, Parser, Point, Tree

from armorsmith.diagnostics import Diagnostic, Edit

from .errors import syntax_errors
from .language import LANGUAGE
from .lines import byte_point
from .recovery import recovery_errors

__all__ = ["Parse", "parse", "reparse"]

@dataclass(frozen=True, slots=True)
class Parse:
    """The result of parsing one document.

    `tree` must be treated as read-only: `reparse` edits a copy, never this tree.
    `errors` holds `syntax-error` and `missing-token` diagnostics ordered by position: those
    of tree-sitter's ERROR and MISSING nodes and those of the grammar's recovery nodes
    (`armorsmith.syntax.recovery`).  They are computed on first use and kept, so that a
    re-parse costs only the parse until someone asks for its errors.
    """

    tree: Tree
    source: bytes
    _errors: list[tuple[Diagnostic, ...]] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The syntax diagnostics, ordered by position."""
        if not self._errors:
            root = self.tree.root_node
            found = [*syntax_errors(root, self.source, LANGUAGE), *recovery_errors(root)]
            found.sort(key=lambda diagnostic: (diagnostic.start, diagnostic.end))
            self._errors.append(tuple(found))
        return self._errors[0]

    @property
    def root(self) -> Node:
        """The root node, of type `ROOT_KIND` unless the whole text is one ERROR node."""
        return self.tree.root_node


def _encode(text: bytes | str) -> bytes:
    """Return `text` as UTF-8 bytes, turning surrogate escapes back into their raw bytes."""
    if isinstance(text, bytes):
        return text
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def parse(text: bytes | str) -> Parse:
    """Parse a whole document; `str` input is encoded as UTF-8."""
    source = _encode(text)
    return Parse(Parser(LANGUAGE).parse(source), source)


def reparse(old: Parse, edit: Edit) -> Parse:
    """Apply one byte-range `edit` to the text of `old` and re-parse incrementally.

    The old tree is copied before it is edited, so `old` stays valid for its other users.
    A range outside the old text is a caller bug and raises ValueError.
    """
    if not 0 <= edit.start <= edit.end <= len(old.source):
        raise ValueError(f"edit range {edit.start}..{edit.end} outside 0..{len(old.source)}")
    inserted = _encode(edit.new_text)
    source = old.source[: edit.start] + inserted + old.source[edit.end :]
    start_row, start_column = byte_point(old.source, edit.start)
    if b"\n" in inserted:
        new_end = (start_row + inserted.count(b"\n"), len(inserted) - inserted.rfind(b"\n") - 1)
    else:
        new_end = (start_row, start_column + len(inserted))
    tree = old.tree.copy()
    tree.edit(
        start_byte=edit.start,
        old_end_byte=edit.end,
        new_end_byte=edit.start + len(inserted),
        start_point=Point(start_row, start_column),
        old_end_point=Point(*byte_point(old.source, edit.end)),
        new_end_point=Point(*new_end),
    )
    return Parse(Parser(LANGUAGE).parse(source, tree), source)
