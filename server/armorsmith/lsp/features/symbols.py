"""`textDocument/documentSymbol` and `workspace/symbol`: profiles, hats and variables.

Document symbols are a tree (profiles holding their hats and children) for clients that
support hierarchical symbols, and a flat list with container names for the others.
Workspace symbols search the workspace index, open documents as their buffers are.
"""

from __future__ import annotations

from lsprotocol import types

from armorsmith.ide.context import Location
from armorsmith.ide.symbols import Symbol, document_symbols, workspace_symbols
from armorsmith.model import PolicyFile

from ..server import ArmorsmithServer
from .navigation import Locations, analysed

__all__ = ["register"]

KINDS = {
    "class": types.SymbolKind.Class,
    "method": types.SymbolKind.Method,
    "variable": types.SymbolKind.Variable,
    "boolean": types.SymbolKind.Boolean,
}
"""The LSP kind of each kind of symbol `armorsmith.ide.symbols` names."""


def _hierarchical(server: ArmorsmithServer) -> bool:
    capabilities = server.client_capabilities.text_document
    symbol = capabilities.document_symbol if capabilities is not None else None
    return bool(symbol and symbol.hierarchical_document_symbol_support)


def register(server: ArmorsmithServer) -> None:
    """Register the symbol handlers on `server`."""

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        params: types.DocumentSymbolParams,
    ) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
        found = analysed(server, params.text_document.uri)
        if found is None:
            return None
        document, ctx, _ = found
        symbols = document_symbols(ctx.file, ctx.source)

        def tree(symbol: Symbol) -> types.DocumentSymbol:
            return types.DocumentSymbol(
                name=symbol.name,
                kind=KINDS[symbol.kind],
                detail=symbol.detail or None,
                range=server.range(document, symbol.span.start, symbol.span.end),
                selection_range=server.range(document, symbol.selection.start, symbol.selection.end),
                children=[tree(child) for child in symbol.children] or None,
            )

        if _hierarchical(server):
            return [tree(symbol) for symbol in symbols]
        flat: list[types.SymbolInformation] = []

        def walk(symbol: Symbol, container: str | None) -> None:
            flat.append(
                types.SymbolInformation(
                    name=symbol.name,
                    kind=KINDS[symbol.kind],
                    location=types.Location(
                        uri=params.text_document.uri,
                        range=server.range(document, symbol.span.start, symbol.span.end),
                    ),
                    container_name=container,
                )
            )
            for child in symbol.children:
                walk(child, symbol.name)

        for symbol in symbols:
            walk(symbol, None)
        return flat

    @server.feature(types.WORKSPACE_SYMBOL)
    def workspace_symbol(params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
        project = server.host.project()
        files: dict[str, tuple[str, PolicyFile, bytes]] = {
            path: (path, document.file, document.source) for path, document in project.documents.items()
        }
        for open_document in server.host.documents():
            ctx = server.host.context(open_document.path)
            if ctx is not None:
                files[ctx.path] = (ctx.path, ctx.file, ctx.source)
        locations = Locations(server, project)
        result = []
        for symbol in workspace_symbols(params.query, files.values()):
            location = locations.location(Location(symbol.path, symbol.span))
            if location is not None:
                result.append(
                    types.SymbolInformation(
                        name=symbol.name, kind=KINDS[symbol.kind], location=location, container_name=symbol.container
                    )
                )
        return result
