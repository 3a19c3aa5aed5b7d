"""The editor features of the language server, one module per feature (or family of features).

Each module here exposes `register(server)`, which declares its LSP handlers on the
`armorsmith.lsp.server.ArmorsmithServer` with `@server.feature(METHOD, options)`, as
closures over `server` that take only the request params:

    def register(server: ArmorsmithServer) -> None:
        @server.feature(types.TEXT_DOCUMENT_HOVER)
        def hover(params: types.HoverParams) -> types.Hover | None:
            document = server.document(params.text_document.uri)
            if document is None:
                return None
            offset = server.offset(document, params.position)
            ...  # call a pure function of armorsmith.ide, convert with server.range(...)

A handler computes nothing itself: the analysis lives in `armorsmith.ide`, which returns
plain values in byte offsets.  `server.host` (an `ide.workspace.Workspace`) gives the open
documents, the include configuration and cache, and the workspace index.

To add a feature, import its module below and append it to `FEATURES` (a one-line edit;
others edit this list concurrently, so re-read it right before editing).  Document
synchronisation, diagnostics, settings and workspace indexing are not features: they are
the server's core (`armorsmith.lsp.documents`, `.diagnostics`, ...), registered first.
"""

from __future__ import annotations

from types import ModuleType

from . import actions, completion, denials, formatting, hover, inlay, navigation, signature, structure, symbols, tokens

FEATURES: tuple[ModuleType, ...] = (
    formatting,
    hover,
    navigation,
    symbols,
    tokens,
    structure,
    inlay,
    completion,
    signature,
    actions,
    denials,
)
"""Every feature module, registered in this order by `create_server()`."""
