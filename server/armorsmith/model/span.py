"""Byte ranges of model values, and a token's text together with its range.

Every value the model lowers keeps the byte range of its own token, so a diagnostic can
point at `ux` inside `/bin/* rux,` rather than at the whole rule.  Ranges are half-open
byte ranges into the UTF-8 source of one document, as in `armorsmith.diagnostics`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

__all__ = ["Span", "Word"]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """The bytes [start, end) of one document."""

    start: int
    end: int

    @classmethod
    def of(cls, node: Node) -> Span:
        """Return the range of a syntax node."""
        return cls(node.start_byte, node.end_byte)

    def contains(self, offset: int) -> bool:
        """Return whether `offset` falls inside the range, its end included (a cursor)."""
        return self.start <= offset <= self.end


@dataclass(frozen=True, slots=True)
class Word:
    """A token's text (decoded as UTF-8, invalid bytes escaped) and its range."""

    text: str
    span: Span
