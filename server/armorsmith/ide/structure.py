"""Folding ranges and selection ranges: the shape of a document, for the editor.

Folds come from the grammar's `folds.scm` (every brace block and every rule, through
`armorsmith.syntax.queries.folds`), plus runs of comment lines and runs of file-level
includes, which the query cannot express.  A block's fold stops before the line of its
closing brace when that brace starts its line, so the brace stays visible; anything that
fits on one line gives no fold.  Selection ranges are the ancestry of the syntax tree at
the cursor, innermost first.

Everything is in byte offsets: a `Fold` names an offset on its first and on its last line,
and the front end turns those into line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.model import Include, PolicyFile, Span
from armorsmith.syntax import Parse
from armorsmith.syntax.queries import enclosing_ranges, folds, highlights

__all__ = ["Fold", "FoldKind", "folding_ranges", "selection_ranges"]

FoldKind = str
"""`"comment"`, `"imports"` or `"region"`, as LSP's FoldingRangeKind names them."""


@dataclass(frozen=True, slots=True)
class Fold:
    """A foldable range: it starts on the line of byte `start`, ends on the line of `end`."""

    start: int
    end: int
    kind: FoldKind


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _spans_lines(source: bytes, start: int, end: int) -> bool:
    return source.find(b"\n", start, end) >= 0


def _block_fold(source: bytes, start: int, end: int) -> Fold | None:
    """Fold a block from its `{` to the line before its `}` when the `}` starts a line."""
    last = max(start, end - 1)
    line = _line_start(source, last)
    if not source[line:last].strip():
        last = max(start, line - 1)
    return Fold(start, last, "region") if _spans_lines(source, start, last) else None


def _runs(source: bytes, spans: list[tuple[int, int]], kind: FoldKind) -> list[Fold]:
    """Fold each run of two or more `spans` that stand on consecutive lines, alone on them."""
    found: list[Fold] = []
    run: list[tuple[int, int]] = []

    def close() -> None:
        if len(run) > 1:
            found.append(Fold(run[0][0], run[-1][1], kind))
        run.clear()

    for start, end in spans:
        alone = not source[_line_start(source, start) : start].strip()
        follows = bool(run) and source.count(b"\n", run[-1][1], start) == 1
        if not (alone and follows):
            close()
        if alone:
            run.append((start, end))
    close()
    return found


def folding_ranges(parsed: Parse, file: PolicyFile | None = None) -> tuple[Fold, ...]:
    """Return the folds of the document; `file` (its model) adds folds of include runs."""
    source = parsed.source
    found: list[Fold] = []
    for capture in folds(parsed):
        if source[capture.start : capture.start + 1] == b"{":
            fold = _block_fold(source, capture.start, capture.end)
            if fold is not None:
                found.append(fold)
        elif _spans_lines(source, capture.start, capture.end):
            found.append(Fold(capture.start, capture.end, "region"))
    comments = [(c.start, c.end) for c in highlights(parsed) if c.name == "comment"]
    found += _runs(source, comments, "comment")
    if file is not None:
        includes = [(item.span.start, item.span.end) for item in file.items if isinstance(item, Include)]
        found += _runs(source, includes, "imports")
    return tuple(sorted(set(found), key=lambda fold: (fold.start, -fold.end)))


def selection_ranges(parsed: Parse, offsets: tuple[int, ...]) -> tuple[tuple[Span, ...], ...]:
    """Return, for each cursor offset, the ranges of the enclosing syntax nodes, innermost first."""
    return tuple(
        tuple(Span(start, end) for start, end in enclosing_ranges(parsed, offset)) for offset in offsets
    )
