"""Formatting a document or a range of lines: whitespace only, comments kept, rules untouched.

What the formatter changes, and nothing else:

- the indentation of each line: items (rules, includes, profiles, comments) get one unit per
  enclosing block, a `{`, `}` or `else` that starts a line gets the indentation of the item
  it belongs to, and a continuation line of a rule written over several lines keeps its
  offset from the rule's first line (at least one unit);
- runs of blanks between two words on a line become one space; the blanks before a
  trailing comment are left as they are (people align comments);
- trailing blanks are removed, blank lines are emptied, and the document ends with exactly
  one newline.

It never reorders, merges or rewrites rules, never adds or removes a `,`, and never touches
text inside a quoted string, a `<...>` include path, or after a backslash (an escaped blank
or a line continuation).  Every result is checked: the formatted text must parse to the
same tree with the same tokens, comments compared without trailing blanks.  If it does not
(a corner of the grammar this module does not know), only indentation and trailing blanks
are changed, and if even that changes the parse, nothing is.  Lines inside a syntax error
keep their indentation and inner blanks.

Formatting reads the syntax tree, not the model: layout is exactly what the model forgets.
Results are `Edit`s (byte ranges of the original source), one per changed run of blanks,
so an editor keeps its cursor and marks where nothing changed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node, Query, QueryCursor

from armorsmith.diagnostics import Edit
from armorsmith.syntax import LANGUAGE, Parse, parse

__all__ = ["FormatOptions", "apply_edits", "format_document", "format_range"]


@dataclass(frozen=True, slots=True)
class FormatOptions:
    """How to indent: `tab_size` columns per level, with spaces or with tabs.

    LSP clients send these with every formatting request; the defaults are the project's
    style (two spaces).
    """

    tab_size: int = 2
    insert_spaces: bool = True

    def indentation(self, columns: int) -> str:
        """Return the text that indents by `columns` columns."""
        if self.insert_spaces:
            return " " * columns
        size = max(1, self.tab_size)
        return "\t" * (columns // size) + " " * (columns % size)

    def width(self, text: bytes) -> int:
        """Return how many columns the blanks `text` take, tabs to the next tab stop."""
        size = max(1, self.tab_size)
        columns = 0
        for byte in text:
            columns = columns + size - columns % size if byte == 0x09 else columns + 1
        return columns


_OPAQUE = Query(
    LANGUAGE,
    """
    (string) @opaque
    (magic_path) @opaque
    (if_exists) @opaque
    (comment) @comment
    (ERROR) @error
    """,
)
"""Tokens whose text may hold blanks that are not separators, and syntax errors."""

_BLANKS = re.compile(rb"[ \t]+")
_ITEM_PARENTS = frozenset({"block", "source_file"})
_BRACES = frozenset({"{", "}", "else"})


def apply_edits(source: bytes, edits: tuple[Edit, ...] | list[Edit]) -> bytes:
    """Return `source` with non-overlapping `edits` applied (they may come in any order)."""
    out, at = [], 0
    for edit in sorted(edits, key=lambda edit: (edit.start, edit.end)):
        out.append(source[at : edit.start])
        out.append(edit.new_text.encode("utf-8", "surrogateescape"))
        at = edit.end
    out.append(source[at:])
    return b"".join(out)


@dataclass(frozen=True, slots=True)
class _Layout:
    """The ranges of one parse that formatting must respect."""

    opaque: tuple[tuple[int, int], ...]
    """Sorted, disjoint ranges whose bytes are never changed (strings, include paths)."""
    comments: tuple[tuple[int, int], ...]
    """Comment ranges: their trailing blanks may go, nothing else."""
    errors: tuple[tuple[int, int], ...]
    """ERROR node ranges: lines that start inside one are left as they are."""

    @classmethod
    def of(cls, root: Node) -> _Layout:
        captures = QueryCursor(_OPAQUE).captures(root)

        def ranges(name: str) -> tuple[tuple[int, int], ...]:
            found = sorted((node.start_byte, node.end_byte) for node in captures.get(name, ()))
            merged: list[tuple[int, int]] = []
            for start, end in found:
                if merged and start < merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
                else:
                    merged.append((start, end))
            return tuple(merged)

        return cls(ranges("opaque"), ranges("comment"), ranges("error"))


def _inside(ranges: tuple[tuple[int, int], ...], offset: int) -> bool:
    """Return whether `offset` lies after the start and before the end of one of the sorted,
    disjoint `ranges`."""
    index = bisect_right(ranges, (offset,)) - 1
    return index >= 0 and offset < ranges[index][1]


def _touches(ranges: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    """Return whether [start, end) overlaps one of the sorted, disjoint `ranges`."""
    index = bisect_right(ranges, (end,)) - 1
    return index >= 0 and ranges[index][1] > start


def _last_token_end(item: Node) -> int:
    """Return the end of the last token of `item` that is neither a comment nor empty."""
    end = item.start_byte
    for child in item.children:
        if child.type != "comment" and child.end_byte > child.start_byte:
            end = child.end_byte
    return end


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the source: its range without the newline and its first non-blank byte."""

    start: int
    end: int
    text_start: int

    @property
    def blank(self) -> bool:
        return self.text_start == self.end


def _lines(source: bytes) -> list[_Line]:
    lines, start = [], 0
    for raw in source.split(b"\n"):
        end = start + len(raw)
        lines.append(_Line(start, end, start + len(raw) - len(raw.lstrip(b" \t"))))
        start = end + 1
    return lines


@dataclass(frozen=True, slots=True)
class _Start:
    """What begins a line: the innermost node starting there, and the item it belongs to.

    `item` is the child of a block or of the file that holds the node and `depth` the
    number of blocks around that item; `in_error` says an ERROR node encloses the node.
    """

    kind: str
    node: Node
    item: Node
    depth: int
    in_error: bool


def _line_starts(root: Node, wanted: set[int]) -> dict[int, _Start]:
    """Return, for each offset of `wanted` (the first non-blank byte of a line), what
    begins there; one walk over the tree."""
    found: dict[int, _Start] = {}
    cursor = root.walk()
    # The context inside each open node: its type, the item, the item's depth, the number
    # of blocks open, and whether an ERROR node is open.
    stack: list[tuple[str, Node, int, int, bool]] = []
    while True:
        node = cursor.node
        assert node is not None
        if stack:
            parent_type, item, item_depth, blocks, in_error = stack[-1]
            if parent_type in _ITEM_PARENTS and node.type not in _BRACES:
                item, item_depth = node, blocks
        else:
            item, item_depth, blocks, in_error = node, 0, 0, False
        in_error = in_error or node.type == "ERROR"
        if node.start_byte in wanted and node.end_byte > node.start_byte:
            found[node.start_byte] = _Start(node.type, node, item, item_depth, in_error)
        if cursor.goto_first_child():
            stack.append((node.type, item, item_depth, blocks + (node.type == "block"), in_error))
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return found
            stack.pop()


class _Formatter:
    """One formatting pass over one parse."""

    def __init__(self, parsed: Parse, options: FormatOptions, *, inner: bool) -> None:
        self.source = parsed.source
        self.options = options
        self.inner = inner
        self.layout = _Layout.of(parsed.root)
        self.lines = _lines(self.source)
        self.line_starts = [line.start for line in self.lines]
        self.starts = _line_starts(
            parsed.root, {line.text_start for line in self.lines if not line.blank}
        )
        first = next((child for child in parsed.root.children if child.type != "comment"), None)
        self.base = int(first is not None and self.original_columns(first.start_byte) > 0)

    def original_columns(self, offset: int) -> int:
        """Return the indentation width, in columns, of the line holding `offset`."""
        line = self.lines[bisect_right(self.line_starts, offset) - 1]
        return self.options.width(self.source[line.start : line.text_start])

    def indentation(self, line: _Line) -> str | None:
        """Return the new indentation of a line that starts outside any token, or None to
        keep the one it has."""
        at = line.text_start
        start = self.starts.get(at)
        if start is None or start.in_error:
            return None
        unit = max(1, self.options.tab_size)
        if start.kind == "comment" and start.depth == 0 and self.original_columns(at) == 0:
            return self.options.indentation(0)
        columns = (start.depth + self.base) * unit
        if start.kind in _BRACES and start.item.start_byte != at:
            return self.options.indentation(columns)
        if start.item.start_byte == at:
            return self.options.indentation(columns)
        if start.kind == "comment" and at >= _last_token_end(start.item):
            return self.options.indentation(columns)
        relative = self.original_columns(at) - self.original_columns(start.item.start_byte)
        return self.options.indentation(columns + max(unit, relative))

    def line_edits(self, line: _Line) -> Iterator[Edit]:
        """Yield the edits of one line (its newline excluded)."""
        source = self.source
        continued = line.start >= 2 and source[line.start - 2 : line.start] == b"\\\n"
        starts_inside = continued or _inside(self.layout.opaque, line.start)
        if not line.blank and not starts_inside:
            new = self.indentation(line)
            if new is not None and source[line.start : line.text_start] != new.encode():
                yield Edit(line.start, line.text_start, new)
        if self.inner and not line.blank:
            yield from self.inner_edits(line)
        content_end = line.start + len(source[line.start : line.end].rstrip(b" \t"))
        if content_end < line.end and not self.keeps_trailing(content_end, line.end):
            yield Edit(content_end, line.end, "")

    def keeps_trailing(self, start: int, end: int) -> bool:
        """Return whether the trailing blanks [start, end) belong to a token."""
        if start > 0 and self.source[start - 1 : start] == b"\\":
            return True
        return _touches(self.layout.opaque, start, end) or _inside(self.layout.opaque, start)

    def inner_edits(self, line: _Line) -> Iterator[Edit]:
        """Yield the edits that make each run of blanks between two words one space."""
        source = self.source
        for match in _BLANKS.finditer(source, line.text_start, line.end):
            start, end = match.span()
            if end == line.end or match.group() == b" ":
                continue
            if _touches(self.layout.comments, end, end + 1):
                continue  # The blanks before a trailing comment stay as written.
            if source[start - 1 : start] == b"\\":
                continue
            layout = self.layout
            if any(_touches(ranges, start, end) for ranges in (layout.opaque, layout.comments, layout.errors)):
                continue
            yield Edit(start, end, " ")

    def edits(self, first: int, last: int) -> list[Edit]:
        """Return the edits of lines `first` to `last` (inclusive), and those of the end of
        the file when the last line with content is among them."""
        found: list[Edit] = []
        last_content = max((number for number, line in enumerate(self.lines) if not line.blank), default=-1)
        for line in self.lines[first : min(last, last_content) + 1]:
            found += self.line_edits(line)
        if last_content >= 0 and first <= last_content <= last:
            end = self.lines[last_content].end
            if self.source[end:] != b"\n" and not _inside(self.layout.opaque, end):
                found.append(Edit(end, len(self.source), "\n"))
        return found


def _shape(parsed: Parse) -> list[tuple[str, bytes]]:
    """Return the tree as (type, text of a leaf) pairs in order, comments without trailing
    blanks: two sources with the same shape parse to the same model."""
    shape: list[tuple[str, bytes]] = []
    cursor = parsed.tree.walk()
    source = parsed.source
    while True:
        node = cursor.node
        assert node is not None
        text = b""
        if node.child_count == 0:
            text = source[node.start_byte : node.end_byte]
            if node.type == "comment":
                text = text.rstrip(b" \t")
        shape.append((node.type, text))
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return shape


def _format(parsed: Parse, options: FormatOptions, first: int, last: int) -> tuple[Edit, ...]:
    """Return checked edits for lines `first` to `last`: every change, or the safe subset."""
    if not parsed.source.strip():
        return ()
    shape = None
    for inner in (True, False):
        edits = _Formatter(parsed, options, inner=inner).edits(first, last)
        if not edits:
            return ()
        if shape is None:
            shape = _shape(parsed)
        if _shape(parse(apply_edits(parsed.source, edits))) == shape:
            return tuple(edits)
    return ()


def format_document(
    source: bytes, options: FormatOptions = FormatOptions(), *, parsed: Parse | None = None
) -> tuple[Edit, ...]:
    """Return the edits that format the whole document `source` (`parsed` is its parse, if known)."""
    parsed = parsed if parsed is not None else parse(source)
    return _format(parsed, options, 0, parsed.source.count(b"\n"))


def format_range(
    source: bytes,
    start: int,
    end: int,
    options: FormatOptions = FormatOptions(),
    *,
    parsed: Parse | None = None,
) -> tuple[Edit, ...]:
    """Return the edits that format the whole lines touched by the bytes [start, end).

    A range that ends at the very start of a line does not include that line, as editors
    select whole lines that way.
    """
    parsed = parsed if parsed is not None else parse(source)
    source = parsed.source
    start = max(0, min(start, len(source)))
    end = max(start, min(end, len(source)))
    first = source.count(b"\n", 0, start)
    last = source.count(b"\n", 0, end)
    if end > start and (end == 0 or source[end - 1 : end] == b"\n"):
        last -= 1
    return _format(parsed, options, first, max(first, last))
