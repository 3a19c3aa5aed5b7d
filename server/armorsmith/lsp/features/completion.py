"""`textDocument/completion`: a thin handler over `armorsmith.ide.completion`.

The environment of a document (its variables, tunables included, the profile names of the
workspace index and of the document, the include search path) comes from the analysis
host's configuration and index (`environment`, which signature help shares); the ide
decides everything else.
"""

from __future__ import annotations

from lsprotocol import types

from armorsmith.ide.completion import CompletionEnv, ItemKind, complete, document_env
from armorsmith.ide.workspace import OpenDocument

from ..server import ArmorsmithServer

__all__ = ["environment", "register"]

KINDS = {
    ItemKind.KEYWORD: types.CompletionItemKind.Keyword,
    ItemKind.ENUM_MEMBER: types.CompletionItemKind.EnumMember,
    ItemKind.PROPERTY: types.CompletionItemKind.Property,
    ItemKind.VALUE: types.CompletionItemKind.Value,
    ItemKind.VARIABLE: types.CompletionItemKind.Variable,
    ItemKind.FILE: types.CompletionItemKind.File,
    ItemKind.FOLDER: types.CompletionItemKind.Folder,
    ItemKind.PROFILE: types.CompletionItemKind.Class,
    ItemKind.OPERATOR: types.CompletionItemKind.Operator,
}

TRIGGERS = [" ", "/", "<", "=", "(", "@", "{", ">", "$", "^"]
"""Characters after which the editor asks for completion on its own."""


def environment(server: ArmorsmithServer, document: OpenDocument) -> CompletionEnv:
    """Return what completion knows about `document` beyond its text (`ide.completion.document_env`)."""
    host = server.host
    profiles = (profile.fqname for profile in host.project().policy)
    return document_env(document.path, document.parse, host.config, cache=host.cache, profiles=profiles)


def register(server: ArmorsmithServer) -> None:
    """Register the completion handler on `server`."""

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGERS))
    def completion(params: types.CompletionParams) -> types.CompletionList | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        found = complete(document.parse, server.offset(document, params.position), environment(server, document))
        if found is None:
            return None
        replaced = server.range(document, found.start, found.end)
        items = [
            types.CompletionItem(
                label=item.label,
                kind=KINDS[item.kind],
                detail=item.detail,
                documentation=(
                    types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
                    if item.documentation
                    else None
                ),
                sort_text=f"{index:04}",
                text_edit=types.TextEdit(range=replaced, new_text=item.text),
            )
            for index, item in enumerate(found.items)
        ]
        return types.CompletionList(is_incomplete=False, items=items)
