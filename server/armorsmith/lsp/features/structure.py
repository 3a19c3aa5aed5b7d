"""`textDocument/foldingRange` and `textDocument/selectionRange`.

Folds and selection ranges come from `armorsmith.ide.structure` in byte offsets; folds
become line ranges (every client folds whole lines), selection ranges a linked list from
the innermost range outwards.
"""

from __future__ import annotations

from lsprotocol import types

from armorsmith.ide.structure import folding_ranges, selection_ranges

from ..server import ArmorsmithServer

__all__ = ["register"]

_KINDS = {
    "comment": types.FoldingRangeKind.Comment,
    "imports": types.FoldingRangeKind.Imports,
    "region": types.FoldingRangeKind.Region,
}


def register(server: ArmorsmithServer) -> None:
    """Register the folding and selection range handlers on `server`."""

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        ctx = server.host.context(document.path)
        found = []
        for fold in folding_ranges(document.parse, ctx.file if ctx is not None else None):
            start = document.index.position(fold.start, server.encoding).line
            end = document.index.position(fold.end, server.encoding).line
            if end > start:
                found.append(types.FoldingRange(start_line=start, end_line=end, kind=_KINDS[fold.kind]))
        return found

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    def selection_range(params: types.SelectionRangeParams) -> list[types.SelectionRange] | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        offsets = tuple(server.offset(document, position) for position in params.positions)
        found = []
        for spans in selection_ranges(document.parse, offsets):
            current: types.SelectionRange | None = None
            for span in reversed(spans):
                current = types.SelectionRange(range=server.range(document, span.start, span.end), parent=current)
            assert current is not None, "the whole document always encloses a position"
            found.append(current)
        return found
