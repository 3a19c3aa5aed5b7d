"""Conversions between LSP values and armorsmith's: URIs, positions, ranges and edits.

This module is the one place where a document URI becomes a path (and back) and where an
LSP position becomes a byte offset (and back).  Positions are converted through the
document's `syntax.LineIndex` in the encoding negotiated at `initialize`, so no handler
ever counts columns itself.  Feature modules call these helpers; they never compute
offsets from `Position.character` directly.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from lsprotocol import types

from armorsmith.diagnostics import Edit
from armorsmith.syntax import LineCol, LineIndex, PositionEncoding

__all__ = [
    "ENCODINGS",
    "path_to_uri",
    "to_edit",
    "to_lsp_position",
    "to_lsp_range",
    "to_offset",
    "to_offsets",
    "to_text_edit",
    "uri_to_path",
]

ENCODINGS = {
    types.PositionEncodingKind.Utf8: PositionEncoding.UTF8,
    types.PositionEncodingKind.Utf16: PositionEncoding.UTF16,
    types.PositionEncodingKind.Utf32: PositionEncoding.UTF32,
}
"""LSP's position encoding kinds and the `PositionEncoding` each one is."""


def uri_to_path(uri: str) -> str:
    """Return the file-system path of a `file:` URI, or the URI itself for any other scheme.

    Percent-escapes are decoded as UTF-8, with undecodable bytes kept as surrogate escapes
    (as Python spells non-UTF-8 file names), so every URI maps to one path.  A document with
    another scheme (an unsaved `untitled:` buffer) keeps its URI as its key: it is not a
    path, so it is never laid over the file system.
    """
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return uri
    path = unquote(parts.path, encoding="utf-8", errors="surrogateescape")
    if parts.netloc and parts.netloc != "localhost":
        return f"//{parts.netloc}{path}"
    return path or "/"


def path_to_uri(path: str) -> str:
    """Return the `file:` URI of an absolute path, or `path` itself when it is a URI key."""
    if not path.startswith("/"):
        return path
    encoded = path.encode("utf-8", "surrogateescape")
    return "file://" + quote(encoded, safe="/-._~!$&'()*+,;=:@")


def to_offset(index: LineIndex, position: types.Position, encoding: PositionEncoding) -> int:
    """Return the byte offset of an LSP position, clamped into the document."""
    return index.offset(LineCol(position.line, position.character), encoding)


def to_offsets(index: LineIndex, range_: types.Range, encoding: PositionEncoding) -> tuple[int, int]:
    """Return the byte range [start, end) of an LSP range, ordered and clamped."""
    start = to_offset(index, range_.start, encoding)
    end = to_offset(index, range_.end, encoding)
    return (start, end) if start <= end else (end, start)


def to_lsp_position(index: LineIndex, offset: int, encoding: PositionEncoding) -> types.Position:
    """Return the LSP position of a byte offset."""
    position = index.position(offset, encoding)
    return types.Position(line=position.line, character=position.character)


def to_lsp_range(index: LineIndex, start: int, end: int, encoding: PositionEncoding) -> types.Range:
    """Return the LSP range of the byte range [start, end)."""
    return types.Range(
        start=to_lsp_position(index, start, encoding),
        end=to_lsp_position(index, end, encoding),
    )


def to_edit(index: LineIndex, change: types.TextDocumentContentChangePartial, encoding: PositionEncoding) -> Edit:
    """Return the byte-range edit of one incremental content change."""
    start, end = to_offsets(index, change.range, encoding)
    return Edit(start, end, change.text)


def to_text_edit(index: LineIndex, edit: Edit, encoding: PositionEncoding) -> types.TextEdit:
    """Return the LSP text edit of a byte-range edit."""
    return types.TextEdit(range=to_lsp_range(index, edit.start, edit.end, encoding), new_text=edit.new_text)
