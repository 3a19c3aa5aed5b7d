"""The armorsmith language server: the pygls server class and how its parts are wired.

`ArmorsmithServer` holds the state every handler shares: the analysis host
(`ide.workspace.Workspace`, with the open documents and their parses), the settings, and
the position encoding negotiated at `initialize`.  `create_server()` builds one and
registers the core handlers (document sync, diagnostics, settings, workspace indexing)
and then every feature module listed in `armorsmith.lsp.features.FEATURES`.

How a feature module plugs in (see `armorsmith/lsp/features/__init__.py`): it exposes
`register(server: ArmorsmithServer) -> None`, which declares its handlers with
`@server.feature(METHOD, options)` as closures over `server` that take only the params.
A handler reads the document with `server.document(uri)` (None when it is not open),
converts positions with `server.offset(document, position)` and ranges with
`server.range(document, start, end)`, calls a pure function of `armorsmith.ide`, and
converts the result.  Handlers that may take long are `async def` and await
`asyncio.sleep(0)` now and then, so that `$/cancelRequest` and newer edits get in.
Also there for handlers: `server.host.context(path)` and `server.host.project()` (the
analysed document and the workspace around it), `server.settings`, `server.uri(path)` (a
document's URI as the client spells it), `server.show_problem(message)`, and
`server.on_change` / `server.on_close` to hear about document changes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import attrs
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from armorsmith import __version__
from armorsmith.ide.workspace import OpenDocument, Workspace
from armorsmith.resolve import DiskFileSystem
from armorsmith.syntax import PositionEncoding

from .convert import ENCODINGS, path_to_uri, to_lsp_range, to_offset, uri_to_path
from .settings import Settings, default_docs_url

__all__ = ["ArmorsmithServer", "create_server"]

_LOG = logging.getLogger(__name__)


def _preferred_encoding(params: types.InitializeParams) -> types.InitializeParams:
    """Narrow the client's offered position encodings to the one armorsmith picks.

    UTF-8 when the client offers it (columns are then byte columns, as tree-sitter counts),
    UTF-16 otherwise, which every client must support.  pygls picks the client's first
    supported preference, so the list it sees is narrowed to that one choice.
    """
    general = params.capabilities.general
    offered = general.position_encodings if general is not None else None
    if not offered:
        return params
    chosen = types.PositionEncodingKind.Utf8 if types.PositionEncodingKind.Utf8 in offered else types.PositionEncodingKind.Utf16
    capabilities = attrs.evolve(params.capabilities, general=attrs.evolve(general, position_encodings=[chosen]))
    return attrs.evolve(params, capabilities=capabilities)


class ArmorsmithProtocol(LanguageServerProtocol):
    """pygls' protocol with armorsmith's choice of position encoding."""

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):  # type: ignore[override]
        """Initialize as pygls does, after narrowing the offered position encodings."""
        return (yield from super().lsp_initialize(_preferred_encoding(params)))

    def _handle_notification(self, method_name: str, params: Any) -> None:
        """Handle a notification as pygls does, then forget its finished futures.

        pygls 2.1 keeps the future of every notification whose handler is a generator (as
        its didOpen, didChange and didClose are) in `_request_futures` under a fresh id,
        and never removes it: about 2 KB per keystroke.  A finished future in that table
        can only be such a one (a request's is removed when its answer is sent, one of a
        request to the client when its answer arrives), so dropping them is safe.
        """
        super()._handle_notification(method_name, params)
        finished = [key for key, future in self._request_futures.items() if future.done()]
        for key in finished:
            del self._request_futures[key]


class ArmorsmithServer(LanguageServer):
    """The language server; see the module docstring for what handlers may use."""

    def __init__(self) -> None:
        super().__init__(
            "armorsmith",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=ArmorsmithProtocol,
        )
        self.host = Workspace(DiskFileSystem(), base_dir=os.getcwd())
        """The analysis host: open documents, the include cache and the workspace index."""
        self.default_docs_url = default_docs_url()
        """Where diagnostic codes link to unless the setting `docsUrl` says otherwise."""
        self.settings = Settings(docs_url=self.default_docs_url)
        """The settings in force (see `armorsmith.lsp.settings`); the defaults until the client's are read."""
        self._uris: dict[str, str] = {}
        self._change_listeners: list[Callable[[str], None]] = []
        self._close_listeners: list[Callable[[str], None]] = []

    def uri(self, path: str) -> str:
        """Return the URI of `path`: as the client spelled it for an open document."""
        return self._uris.get(path) or path_to_uri(path)

    def remember_uri(self, uri: str) -> str:
        """Remember how the client spells the URI of a document it opened; return its path."""
        path = uri_to_path(uri)
        self._uris[path] = uri
        return path

    def forget_uri(self, uri: str) -> str:
        """Forget the spelling of a closed document's URI; return its path."""
        path = uri_to_path(uri)
        self._uris.pop(path, None)
        return path

    def show_problem(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        """Tell the user about a problem of the server's setup (`window/showMessage`), and log it."""
        _LOG.warning("%s", message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=f"armorsmith: {message}"))

    def on_change(self, listener: Callable[[str], None]) -> None:
        """Call `listener(uri)` after a document was opened or changed and re-parsed."""
        self._change_listeners.append(listener)

    def on_close(self, listener: Callable[[str], None]) -> None:
        """Call `listener(uri)` after a document was closed."""
        self._close_listeners.append(listener)

    def document_changed(self, uri: str) -> None:
        """Tell every change listener that `uri` was opened or changed."""
        for listener in self._change_listeners:
            listener(uri)

    def document_closed(self, uri: str) -> None:
        """Tell every close listener that `uri` was closed."""
        for listener in self._close_listeners:
            listener(uri)

    @property
    def encoding(self) -> PositionEncoding:
        """The position encoding negotiated with the client (UTF-16 before `initialize`)."""
        try:
            kind = self.workspace.position_encoding
        except RuntimeError:
            return PositionEncoding.UTF16
        return ENCODINGS.get(kind, PositionEncoding.UTF16)

    def document(self, uri: str) -> OpenDocument | None:
        """Return the open document `uri` as the server last parsed it, or None."""
        return self.host.document(uri_to_path(uri))

    def offset(self, document: OpenDocument, position: types.Position) -> int:
        """Return the byte offset of an LSP position in `document`."""
        return to_offset(document.index, position, self.encoding)

    def range(self, document: OpenDocument, start: int, end: int) -> types.Range:
        """Return the LSP range of the byte range [start, end) of `document`."""
        return to_lsp_range(document.index, start, end, self.encoding)


def create_server() -> ArmorsmithServer:
    """Build a server with the core handlers and every feature module registered."""
    from . import diagnostics, documents, workspace
    from .features import FEATURES

    server = ArmorsmithServer()
    documents.register(server)
    service = diagnostics.register(server)
    workspace.register(server, service)
    for feature in FEATURES:
        feature.register(server)
    return server
