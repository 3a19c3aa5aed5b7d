"""`textDocument/hover`: the ide's explanation of the word under the cursor, as Markdown."""

from __future__ import annotations

from lsprotocol import types

from armorsmith.ide.hover import hover as explain

from ..server import ArmorsmithServer
from .navigation import analysed

__all__ = ["register"]


def register(server: ArmorsmithServer) -> None:
    """Register the hover handler on `server`."""

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        found = analysed(server, params.text_document.uri)
        if found is None:
            return None
        document, ctx, project = found
        result = explain(ctx, project, server.offset(document, params.position))
        if result is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=result.markdown),
            range=server.range(document, result.span.start, result.span.end),
        )
