"""End to end: definition, declaration, references, rename and document links.

Every test runs under the Neovim and the VS Code client profiles (see conftest.py).  The
policy tree's `usr.bin.tool` and `tunables/global` are read from the workspace index.
"""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .features import apply_edits, covered, document, eventually, marked, position
from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILE = """include <tunables/glo$0bal>

profile caller /usr/bin/caller {
  /usr/bin/x Px -> to$0ol,
  /usr/bin/tool P$0x,
  owner @{HO$0ME}/.caller rw,
  signal send peer=too$0l,
  /usr/bin/y Cx -> child,
  profile chi$0ld { }
}
"""


def _target_text(session: Session, uri: str, range_: types.Range) -> str:
    path = uri.removeprefix("file://")
    with open(path, encoding="utf-8") as file:
        return covered(session, file.read(), range_)


async def _definition(session: Session, uri: str, text: str, offset: int, what: str) -> list[types.Location]:
    params = types.DefinitionParams(text_document=document(uri), position=position(session, text, offset))
    return await eventually(lambda: session.client.text_document_definition_async(params), bool, what)


async def test_definition_of_a_target_in_another_file(session: Session) -> None:
    """Ensure `-> tool` and a `Px` without target go to the profile in usr.bin.tool."""
    text, marks = marked(PROFILE)
    uri = session.open("apparmor.d/usr.bin.caller", text)
    for mark in (1, 2):
        found = await _definition(session, uri, text, marks[mark], "the tool profile")
        assert [location.uri for location in found] == [(session.tree / "apparmor.d/usr.bin.tool").as_uri()]
        assert _target_text(session, found[0].uri, found[0].range) == "tool"


async def test_definition_of_includes_and_variables(session: Session) -> None:
    """Ensure an include goes to its file and a variable to its assignment in the tunable."""
    text, marks = marked(PROFILE)
    uri = session.open("apparmor.d/usr.bin.caller", text)
    tunables = (session.tree / "apparmor.d/tunables/global").as_uri()
    found = await _definition(session, uri, text, marks[0], "the include")
    assert [(location.uri, location.range.start.line) for location in found] == [(tunables, 0)]
    found = await _definition(session, uri, text, marks[3], "the variable")
    assert [location.uri for location in found] == [tunables]
    assert _target_text(session, tunables, found[0].range) == "@{HOME}"
    declared = await session.client.text_document_declaration_async(
        types.DeclarationParams(text_document=document(uri), position=position(session, text, marks[3]))
    )
    assert declared == found


async def test_references_of_a_profile(session: Session) -> None:
    """Ensure a profile's references hold its header in another file and every use here."""
    text, marks = marked(PROFILE)
    uri = session.open("apparmor.d/usr.bin.caller", text)
    params = types.ReferenceParams(
        text_document=document(uri),
        position=position(session, text, marks[4]),
        context=types.ReferenceContext(include_declaration=True),
    )
    found = await eventually(
        lambda: session.client.text_document_references_async(params),
        lambda answer: answer and len(answer) == 3,
        "references of tool",
    )
    here = sorted(covered(session, text, location.range) for location in found if location.uri == uri)
    assert here == ["tool", "tool"]
    elsewhere = [location for location in found if location.uri != uri]
    assert [location.uri for location in elsewhere] == [(session.tree / "apparmor.d/usr.bin.tool").as_uri()]


async def test_rename_a_child_profile(session: Session) -> None:
    """Ensure renaming a child edits its header and `Cx -> child`, and the result is still clean."""
    text, marks = marked(PROFILE)
    uri = session.open("apparmor.d/usr.bin.caller", text)
    at = position(session, text, marks[5])
    prepared = await session.client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=document(uri), position=at)
    )
    assert isinstance(prepared, types.PrepareRenamePlaceholder) and prepared.placeholder == "child"
    edit = await session.client.text_document_rename_async(
        types.RenameParams(text_document=document(uri), position=at, new_name="kid")
    )
    assert edit is not None and edit.changes is not None and list(edit.changes) == [uri]
    renamed = apply_edits(session, text, edit.changes[uri])
    assert "/usr/bin/y Cx -> kid," in renamed and "profile kid { }" in renamed and "child" not in renamed
    session.change(uri, 2, text, 0, len(text), renamed)
    assert [d.code for d in await session.diagnostics(uri, 2)] == []


async def test_rename_refused_with_a_reason(session: Session) -> None:
    """Ensure a name apparmor_parser defines cannot be renamed, and the client is told why."""
    text = "profile refuse /usr/bin/refuse {\n  @{exec_path} r,\n}\n"
    uri = session.open("apparmor.d/usr.bin.refuse", text)
    at = position(session, text, text.index("exec_path"))
    with pytest.raises(JsonRpcException, match="defined by apparmor_parser"):
        await session.client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=document(uri), position=at)
        )


async def test_document_links(session: Session) -> None:
    """Ensure each include that resolves is a link to its file."""
    text, _ = marked(PROFILE)
    uri = session.open("apparmor.d/usr.bin.caller", text)
    links = await session.client.text_document_document_link_async(types.DocumentLinkParams(text_document=document(uri)))
    assert [(covered(session, text, link.range), link.target) for link in links] == [
        ("tunables/global", (session.tree / "apparmor.d/tunables/global").as_uri())
    ]
