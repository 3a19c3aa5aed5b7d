"""`textDocument/semanticTokens/full` and `/range`: highlights.scm as semantic tokens.

The legend is `armorsmith.ide.tokens`' `TOKEN_TYPES` and `TOKEN_MODIFIERS`; each token's
byte range becomes a line, a start column and a length in the negotiated encoding, and
the list is delta-encoded as LSP wants it.
"""

from __future__ import annotations

from lsprotocol import types

from armorsmith.ide.tokens import TOKEN_MODIFIERS, TOKEN_TYPES, SemanticToken, semantic_tokens
from armorsmith.ide.workspace import OpenDocument

from ..convert import to_offsets
from ..server import ArmorsmithServer

__all__ = ["LEGEND", "encode", "register"]

LEGEND = types.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS))
"""The token types and modifiers, by index, as the server announces them."""

_TYPES = {name: index for index, name in enumerate(TOKEN_TYPES)}
_MODIFIERS = {name: 1 << index for index, name in enumerate(TOKEN_MODIFIERS)}


def encode(server: ArmorsmithServer, document: OpenDocument, tokens: tuple[SemanticToken, ...]) -> list[int]:
    """Return `tokens` in LSP's relative encoding (five integers per token)."""
    data: list[int] = []
    previous_line = previous_start = 0
    for token in tokens:
        start = document.index.position(token.start, server.encoding)
        end = document.index.position(token.end, server.encoding)
        delta_line = start.line - previous_line
        delta_start = start.character - previous_start if delta_line == 0 else start.character
        modifiers = 0
        for name in token.modifiers:
            modifiers |= _MODIFIERS[name]
        data += [delta_line, delta_start, end.character - start.character, _TYPES[token.type], modifiers]
        previous_line, previous_start = start.line, start.character
    return data


def register(server: ArmorsmithServer) -> None:
    """Register the semantic token handlers on `server`."""

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    def full(params: types.SemanticTokensParams) -> types.SemanticTokens | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        ctx = server.host.context(document.path)
        tokens = semantic_tokens(document.parse, ctx.file if ctx is not None else None)
        return types.SemanticTokens(data=encode(server, document, tokens))

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
    def in_range(params: types.SemanticTokensRangeParams) -> types.SemanticTokens | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        start, end = to_offsets(document.index, params.range, server.encoding)
        ctx = server.host.context(document.path)
        tokens = semantic_tokens(document.parse, ctx.file if ctx is not None else None, start, end)
        return types.SemanticTokens(data=encode(server, document, tokens))
