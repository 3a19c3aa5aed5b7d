"""Document synchronisation: `didOpen`, `didChange` and `didClose` kept in the analysis host.

pygls applies content changes to its own copy of a document before any handler runs, so
the old text is gone by then; the server therefore keeps its own copy in
`ide.workspace.Workspace`.  Each incremental change is converted to a byte-range edit on
the text as it was before that change (through the line index of that text, in the
negotiated position encoding) and fed to tree-sitter's incremental parser; a full-text
change re-parses from scratch.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from .convert import to_edit, uri_to_path
from .server import ArmorsmithServer

__all__ = ["register"]

_LOG = logging.getLogger(__name__)


def _encode(text: str) -> bytes:
    """Return editor text as UTF-8, keeping lone surrogates instead of failing on them."""
    return text.encode("utf-8", "surrogatepass")


def register(server: ArmorsmithServer) -> None:
    """Register the document synchronisation handlers on `server`."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        server.host.open(server.remember_uri(item.uri), _encode(item.text), item.version)
        server.document_changed(item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri, version = params.text_document.uri, params.text_document.version
        path = uri_to_path(uri)
        if server.host.document(path) is None:
            _LOG.warning("didChange for a document that is not open: %s", uri)
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                document = server.host.document(path)
                assert document is not None
                edit = to_edit(document.index, change, server.encoding)
                server.host.edit(path, edit, version)
            else:
                server.host.replace(path, _encode(change.text), version)
        server.document_changed(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.host.close(server.forget_uri(uri))
        server.document_closed(uri)
