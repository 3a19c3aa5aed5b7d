"""The grammar's editor queries run over a parse: highlights, folds, and node ancestry.

The grammar ships `highlights.scm` and `folds.scm` for editors (nvim reads them directly);
this module runs the same files over a `Parse`, so the language server's semantic tokens and
folding ranges can never disagree with what an editor's own tree-sitter highlighting shows.
It also answers which syntax nodes enclose a range, for selection ranges.  Results are
byte ranges with capture names: no node types leave this module, and what a capture means
is the caller's business.

Queries are compiled on first use and kept, like the language itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import tree_sitter_apparmor
from tree_sitter import Query, QueryCursor

from .language import LANGUAGE
from .parse import Parse

__all__ = ["Capture", "enclosing_ranges", "folds", "highlights"]


@dataclass(frozen=True, slots=True, order=True)
class Capture:
    """One node a query captured: its byte range and the capture name (`keyword`, `fold` ...)."""

    start: int
    end: int
    name: str


@cache
def _query(name: str) -> Query:
    return Query(LANGUAGE, getattr(tree_sitter_apparmor, name))


def _captures(query_name: str, parsed: Parse, start: int, end: int | None) -> tuple[Capture, ...]:
    cursor = QueryCursor(_query(query_name))
    if start > 0 or end is not None:
        cursor.set_byte_range(start, end if end is not None else len(parsed.source))
    # A node captured by two patterns (or a node and its only child, which share a range)
    # keeps the capture of the later pattern, which editors draw on top.
    best: dict[tuple[int, int], tuple[int, str]] = {}
    for pattern, captured in cursor.matches(parsed.root):
        for name, nodes in captured.items():
            if name.startswith("_"):
                continue
            for node in nodes:
                key = (node.start_byte, node.end_byte)
                if key not in best or best[key][0] <= pattern:
                    best[key] = (pattern, name)
    # Outer nodes before the nodes they contain, so callers can paint inner ones on top.
    ordered = sorted(best.items(), key=lambda item: (item[0][0], -item[0][1]))
    return tuple(Capture(start, end, name) for (start, end), (_, name) in ordered)


def highlights(parsed: Parse, start: int = 0, end: int | None = None) -> tuple[Capture, ...]:
    """Return the captures of `highlights.scm` on nodes touching bytes [start, end).

    Captures nest (a path holds its variables and globs); they are ordered by start, and
    among captures starting together the longer one comes first.  Each range is captured
    once: where two patterns capture the same range, the later pattern's name is kept.
    """
    return _captures("HIGHLIGHTS_QUERY", parsed, start, end)


def folds(parsed: Parse) -> tuple[Capture, ...]:
    """Return the captures of `folds.scm`: the blocks and rules an editor may fold."""
    return _captures("FOLDS_QUERY", parsed, 0, None)


def enclosing_ranges(parsed: Parse, start: int, end: int | None = None) -> tuple[tuple[int, int], ...]:
    """Return the byte ranges of the nodes enclosing [start, end), innermost first.

    Each range appears once (a node and its only child often share one), and the last is
    the whole document.  Zero-width nodes (a missing token) are skipped.
    """
    end = start if end is None else end
    node = parsed.root.descendant_for_byte_range(start, end)
    found: list[tuple[int, int]] = []
    while node is not None:
        span = (node.start_byte, node.end_byte)
        if span[1] > span[0] and (not found or found[-1] != span):
            found.append(span)
        node = node.parent
    whole = (0, len(parsed.source))
    if not found or found[-1] != whole:
        found.append(whole)
    return tuple(found)
