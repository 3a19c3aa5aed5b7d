"""Conversion between byte offsets and (line, character) positions, in one place.

tree-sitter reports byte offsets and (row, byte column) points; the CLI prints columns in
characters and LSP clients count UTF-16 code units unless they negotiate otherwise.
`LineIndex` converts between all of these for one document, and `byte_point` gives the
tree-sitter point of an offset without building an index.

Known limits: lines end at b"\\n" only, exactly as tree-sitter counts rows, so a "\\r" before
it is part of the line and a lone "\\r" does not end a line. Bytes that are not valid UTF-8
count as one character (and one UTF-16 unit) each, which keeps every conversion reversible.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["LineCol", "LineIndex", "PositionEncoding", "byte_point"]

_NEWLINE = re.compile(b"\n")


class PositionEncoding(enum.Enum):
    """What a column counts, named as LSP's `PositionEncodingKind` names it."""

    UTF8 = "utf-8"
    """Bytes, which is what tree-sitter columns count."""
    UTF16 = "utf-16"
    """UTF-16 code units, the LSP default."""
    UTF32 = "utf-32"
    """Unicode code points, which is what the CLI calls characters."""


@dataclass(frozen=True, slots=True)
class LineCol:
    """A zero-based line and a zero-based column in some `PositionEncoding`."""

    line: int
    character: int


def byte_point(source: bytes, offset: int) -> tuple[int, int]:
    """Return the tree-sitter point (row, byte column) of `offset` in `source`."""
    row = source.count(b"\n", 0, offset)
    return row, offset - (source.rfind(b"\n", 0, offset) + 1)


def _decode(segment: bytes) -> str:
    return segment.decode("utf-8", "surrogateescape")


def _width(char: str, encoding: PositionEncoding) -> int:
    """Return how many columns one decoded character takes in `encoding`."""
    if encoding is PositionEncoding.UTF8:
        return len(char.encode("utf-8", "surrogateescape"))
    if encoding is PositionEncoding.UTF16:
        return 2 if ord(char) > 0xFFFF else 1
    return 1


class LineIndex:
    """The line starts of one document, for converting offsets and positions both ways.

    Building it is O(size of the document); each conversion is O(log lines + line length).
    Offsets past the end are clamped to the end, and columns past the end of a line are
    clamped to the end of that line.
    """

    __slots__ = ("_source", "_starts")

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._starts = [0, *(match.end() for match in _NEWLINE.finditer(source))]

    @property
    def line_count(self) -> int:
        """The number of lines; a final newline starts one last, empty line."""
        return len(self._starts)

    def _line_bounds(self, line: int) -> tuple[int, int]:
        """Return the byte range of `line` without its terminating newline."""
        start = self._starts[line]
        if line + 1 < len(self._starts):
            return start, self._starts[line + 1] - 1
        return start, len(self._source)

    def position(self, offset: int, encoding: PositionEncoding) -> LineCol:
        """Return the position of the byte `offset`, with the column counted in `encoding`."""
        offset = max(0, min(offset, len(self._source)))
        line = bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        segment = self._source[start:offset]
        if encoding is PositionEncoding.UTF8 or segment.isascii():
            return LineCol(line, offset - start)
        prefix = _decode(segment)
        if encoding is PositionEncoding.UTF32:
            return LineCol(line, len(prefix))
        return LineCol(line, sum(_width(char, encoding) for char in prefix))

    def offset(self, position: LineCol, encoding: PositionEncoding) -> int:
        """Return the byte offset of `position`, whose column is counted in `encoding`."""
        if position.line >= len(self._starts):
            return len(self._source)
        start, end = self._line_bounds(max(0, position.line))
        wanted = max(0, position.character)
        if encoding is PositionEncoding.UTF8 or self._source[start:end].isascii():
            return start + min(wanted, end - start)
        offset, columns = start, 0
        for char in _decode(self._source[start:end]):
            columns += _width(char, encoding)
            if columns > wanted:
                break
            offset += _width(char, PositionEncoding.UTF8)
        return offset
