"""Document and range formatting: `textDocument/formatting` and `textDocument/rangeFormatting`.

Thin handlers over `armorsmith.ide.formatting`: the client's `tabSize` and `insertSpaces`
choose the indentation unit, and the byte-range edits come back as LSP text edits.
"""

from __future__ import annotations

from lsprotocol import types

from armorsmith.ide.formatting import FormatOptions, format_document, format_range

from ..convert import to_offsets, to_text_edit
from ..server import ArmorsmithServer

__all__ = ["register"]


def _options(options: types.FormattingOptions) -> FormatOptions:
    """Return the formatting options of the client's request (a bad tab size falls back to 2)."""
    size = options.tab_size if isinstance(options.tab_size, int) and 0 < options.tab_size <= 16 else 2
    return FormatOptions(size, bool(options.insert_spaces))


def register(server: ArmorsmithServer) -> None:
    """Register the formatting handlers on `server`."""

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        edits = format_document(document.source, _options(params.options), parsed=document.parse)
        return [to_text_edit(document.index, edit, server.encoding) for edit in edits]

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    def range_formatting(params: types.DocumentRangeFormattingParams) -> list[types.TextEdit] | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        start, end = to_offsets(document.index, params.range, server.encoding)
        edits = format_range(document.source, start, end, _options(params.options), parsed=document.parse)
        return [to_text_edit(document.index, edit, server.encoding) for edit in edits]
