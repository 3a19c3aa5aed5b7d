"""Definition, declaration, references, rename and document links.

Thin handlers over `armorsmith.ide.navigation`: each reads the analysed document
(`Workspace.context`) and the workspace around it (`Workspace.project`), calls the pure
function, and converts byte ranges of any document, open or not, to LSP locations
(`Locations`).  A rename the ide refuses becomes a `RequestFailed` error carrying its
reason, which editors show to the user.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from armorsmith.ide import navigation
from armorsmith.ide.context import DocumentContext, Location, Project
from armorsmith.ide.workspace import OpenDocument
from armorsmith.syntax import LineIndex

from ..convert import to_lsp_range, to_text_edit
from ..server import ArmorsmithServer

__all__ = ["Locations", "analysed", "register"]


def analysed(
    server: ArmorsmithServer, uri: str
) -> tuple[OpenDocument, DocumentContext, Project] | None:
    """Return the open document `uri`, its analysis and the workspace, or None when not open."""
    document = server.document(uri)
    if document is None:
        return None
    ctx = server.host.context(document.path)
    if ctx is None:
        return None
    return document, ctx, server.host.project()


class Locations:
    """Converts byte ranges of any document to LSP locations, one line index per document.

    A document's text is its buffer when it is open, else the index's copy, else what the
    analysis `ctx` read, else the file itself.
    """

    def __init__(self, server: ArmorsmithServer, project: Project, ctx: DocumentContext | None = None) -> None:
        self._server = server
        self._project = project
        self._ctx = ctx
        self._indexes: dict[str, LineIndex | None] = {}

    def index(self, path: str) -> LineIndex | None:
        """Return the line index of the document `path`: its buffer when open, else its file."""
        if path not in self._indexes:
            self._indexes[path] = self._find(path)
        return self._indexes[path]

    def _find(self, path: str) -> LineIndex | None:
        document = self._server.host.document(path)
        if document is not None:
            return document.index
        source = None
        indexed = self._project.documents.get(path)
        if indexed is not None:
            source = indexed.source
        elif self._ctx is not None and self._ctx.resolution is not None and path in self._ctx.resolution.documents:
            source = self._ctx.resolution.documents[path].source
        else:
            source = self._server.host.config.fs.read(path)
        return LineIndex(source) if source is not None else None

    def range(self, path: str, start: int, end: int) -> types.Range | None:
        """Return the LSP range of bytes [start, end) of `path`, or None when it cannot be read."""
        if start == end == 0:
            origin = types.Position(line=0, character=0)
            return types.Range(start=origin, end=origin)
        index = self.index(path)
        if index is None:
            return None
        return to_lsp_range(index, start, end, self._server.encoding)

    def location(self, location: Location) -> types.Location | None:
        """Return the LSP location of `location`, or None when its document cannot be read."""
        found = self.range(location.path, location.span.start, location.span.end)
        return types.Location(uri=self._server.uri(location.path), range=found) if found is not None else None

    def locations(self, locations: tuple[Location, ...]) -> list[types.Location]:
        """Return the LSP locations of `locations` that can be converted, in order."""
        return [found for found in map(self.location, locations) if found is not None]


def _failed(message: str) -> JsonRpcException:
    return JsonRpcException(message, code=types.LSPErrorCodes.RequestFailed)


def register(server: ArmorsmithServer) -> None:
    """Register the navigation handlers on `server`."""

    def targets(
        params: types.TextDocumentPositionParams, *, first_only: bool
    ) -> list[types.Location] | None:
        found = analysed(server, params.text_document.uri)
        if found is None:
            return None
        document, ctx, project = found
        offset = server.offset(document, params.position)
        result = navigation.definition(ctx, project, offset, first_only=first_only)
        return Locations(server, project, ctx).locations(result) or None

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(params: types.DefinitionParams) -> list[types.Location] | None:
        return targets(params, first_only=False)

    @server.feature(types.TEXT_DOCUMENT_DECLARATION)
    def declaration(params: types.DeclarationParams) -> list[types.Location] | None:
        return targets(params, first_only=True)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(params: types.ReferenceParams) -> list[types.Location] | None:
        found = analysed(server, params.text_document.uri)
        if found is None:
            return None
        document, ctx, project = found
        offset = server.offset(document, params.position)
        result = navigation.references(
            ctx, project, offset, include_declaration=params.context.include_declaration
        )
        return Locations(server, project, ctx).locations(result)

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
        found = analysed(server, params.text_document.uri)
        if found is None:
            return None
        document, ctx, project = found
        result = navigation.prepare_rename(ctx, project, server.offset(document, params.position))
        if result.error is not None or result.span is None:
            raise _failed(result.error or "Nothing to rename here.")
        return types.PrepareRenamePlaceholder(
            range=server.range(document, result.span.start, result.span.end),
            placeholder=result.placeholder or "",
        )

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = analysed(server, params.text_document.uri)
        if found is None:
            return None
        document, ctx, project = found
        offset = server.offset(document, params.position)
        result = navigation.rename(ctx, project, offset, params.new_name)
        if result.error is not None:
            raise _failed(result.error)
        changes: dict[str, list[types.TextEdit]] = {}
        for file in result.files:
            open_document = server.host.document(file.path)
            index = open_document.index if open_document is not None else LineIndex(file.source)
            changes[server.uri(file.path)] = [to_text_edit(index, edit, server.encoding) for edit in file.edits]
        return types.WorkspaceEdit(changes=changes)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    def document_link(params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
        found = analysed(server, params.text_document.uri)
        if found is None:
            return None
        document, ctx, project = found
        return [
            types.DocumentLink(
                range=server.range(document, link.span.start, link.span.end),
                target=server.uri(link.target),
                tooltip=link.tooltip,
            )
            for link in navigation.document_links(ctx, project)
        ]

