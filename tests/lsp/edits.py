"""Applying what the server sends back as an editor would: text edits and workspace edits.

Edits may span lines; positions are converted with the session's encoding, independently
of the server's own conversion.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from .features import index_of
from .harness import Session


def offset_of(session: Session, text: str, position: types.Position) -> int:
    """Return the character offset in `text` of an LSP position in the session's encoding."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    return start + index_of(session, line, position.character)


def apply(session: Session, text: str, edits: Sequence[types.TextEdit]) -> str:
    """Return `text` with non-overlapping LSP text edits applied."""
    spans = [
        (offset_of(session, text, edit.range.start), offset_of(session, text, edit.range.end), edit.new_text)
        for edit in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def by_uri(edit: types.WorkspaceEdit) -> dict[str, list[types.TextEdit]]:
    """Return a workspace edit's text edits by document URI, from `changes` or `documentChanges`."""
    found: dict[str, list[types.TextEdit]] = {uri: list(edits) for uri, edits in (edit.changes or {}).items()}
    for change in edit.document_changes or ():
        if isinstance(change, types.TextDocumentEdit):
            found.setdefault(change.text_document.uri, []).extend(change.edits)  # type: ignore[arg-type]
    return found
