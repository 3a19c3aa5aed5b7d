"""`textDocument/inlayHint`: short variable values after each reference.

The hints of `armorsmith.ide.inlay` for the requested range, shown as `= VALUES` right
after the reference, with where the values come from as the tooltip.
"""

from __future__ import annotations

from lsprotocol import types

from armorsmith.ide.inlay import inlay_hints

from ..convert import to_lsp_position, to_offsets
from ..server import ArmorsmithServer
from .navigation import analysed

__all__ = ["register"]


def register(server: ArmorsmithServer) -> None:
    """Register the inlay hint handler on `server`."""

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    def inlay_hint(params: types.InlayHintParams) -> list[types.InlayHint] | None:
        found = analysed(server, params.text_document.uri)
        if found is None:
            return None
        document, ctx, _ = found
        start, end = to_offsets(document.index, params.range, server.encoding)
        return [
            types.InlayHint(
                position=to_lsp_position(document.index, hint.offset, server.encoding),
                label=f"= {hint.label}",
                padding_left=True,
                tooltip=hint.tooltip,
            )
            for hint in inlay_hints(ctx, start, end)
        ]
