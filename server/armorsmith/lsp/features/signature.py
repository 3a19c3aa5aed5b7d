"""`textDocument/signatureHelp`: a thin handler over `armorsmith.ide.signature`."""

from __future__ import annotations

from lsprotocol import types

from armorsmith.ide.signature import signature_help

from ..server import ArmorsmithServer
from .completion import environment

__all__ = ["register"]


def register(server: ArmorsmithServer) -> None:
    """Register the signature help handler on `server`."""

    @server.feature(
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[" "]),
    )
    def signature(params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        found = signature_help(document.parse, server.offset(document, params.position), environment(server, document))
        if found is None:
            return None
        signature = found.signature
        return types.SignatureHelp(
            signatures=[
                types.SignatureInformation(
                    label=signature.label,
                    documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=signature.documentation),
                    parameters=[types.ParameterInformation(label=signature.parameter)],
                    active_parameter=0,
                )
            ],
            active_signature=0,
            active_parameter=0,
        )
