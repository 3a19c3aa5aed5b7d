"""End to end: document and range formatting of a messy profile, under both client profiles."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .edits import apply
from .features import document
from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

MESSY = (
    "include   <tunables/global>\n"
    "profile  messy /usr/bin/messy   flags=(complain)  {\n"
    "      # keeps its comment   \n"
    "\t/srv/Téléchargements/**    r,\n"
    "  dbus send\n"
    "       bus=session   # aligned\n"
    "  path=/a,\n"
    "     ^hat {\n"
    "/x   rw,\n"
    "   }\n"
    "}\n\n\n"
)

TIDY = (
    "include <tunables/global>\n"
    "profile messy /usr/bin/messy flags=(complain) {\n"
    "  # keeps its comment\n"
    "  /srv/Téléchargements/** r,\n"
    "  dbus send\n"
    "       bus=session   # aligned\n"
    "    path=/a,\n"
    "  ^hat {\n"
    "    /x rw,\n"
    "  }\n"
    "}\n"
)


async def test_format_document(session: Session) -> None:
    """Ensure a messy profile formats to the tidy text, and the tidy text needs no edit."""
    uri = session.open("apparmor.d/messy", MESSY)
    options = types.FormattingOptions(tab_size=2, insert_spaces=True)
    params = types.DocumentFormattingParams(text_document=document(uri), options=options)
    edits = await session.client.text_document_formatting_async(params)
    assert edits
    assert apply(session, MESSY, edits) == TIDY
    session.change(uri, 2, MESSY, 0, len(MESSY), TIDY)
    assert list(await session.client.text_document_formatting_async(params) or []) == []


async def test_format_range_with_tabs(session: Session) -> None:
    """Ensure range formatting touches only the lines of the range, indenting as the client says."""
    uri = session.open("apparmor.d/ranged", MESSY)
    params = types.DocumentRangeFormattingParams(
        text_document=document(uri),
        range=types.Range(start=types.Position(line=7, character=0), end=types.Position(line=9, character=4)),
        options=types.FormattingOptions(tab_size=4, insert_spaces=False),
    )
    edits = await session.client.text_document_range_formatting_async(params)
    lines = apply(session, MESSY, edits).split("\n")
    assert lines[7:10] == ["\t^hat {", "\t\t/x rw,", "\t}"]
    assert lines[:7] == MESSY.split("\n")[:7]
