"""End to end: completion and signature help at a few places, under both client profiles.

The profile holds a non-ASCII path before some cursors, so the range an item replaces is
checked in UTF-8 and UTF-16 columns alike.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from .features import covered, document, eventually, marked, position
from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILE = """include <tunables/global>

profile comp /usr/bin/comp {
  capability $0
  /srv/Téléchargements/** $0
  /srv/Téléchargements/@{HO$0
  signal set=(hup $0
  /usr/bin/tool Px -> $0
  include <abstractions/$0
}
"""

CASES = [
    ("capability", ["sys_admin", "chown"], ""),
    ("permissions", ["r", "Px", "ix"], ""),
    ("variable", ["@{HOME}", "@{PROC}"], "@{HO"),
    ("signal set", ["term", "usr1"], ""),
    ("profile name", ["tool"], ""),
    ("include path", ["base", "broken"], ""),
]


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=[case[0] for case in CASES])
async def test_completion(session: Session, index: int, case: tuple[str, list[str], str]) -> None:
    """Ensure the items valid at each place are offered, replacing the word being typed."""
    _, wanted, replaced = case
    text, marks = marked(PROFILE)
    uri = session.open(f"apparmor.d/usr.bin.comp{index}", text)
    params = types.CompletionParams(text_document=document(uri), position=position(session, text, marks[index]))

    def has_all(answer: types.CompletionList | list[types.CompletionItem] | None) -> bool:
        items = answer.items if isinstance(answer, types.CompletionList) else answer or []
        return all(label in {item.label for item in items} for label in wanted)

    found = await eventually(lambda: session.client.text_document_completion_async(params), has_all, f"completion {case[0]}")
    items = found.items if isinstance(found, types.CompletionList) else found
    for item in items:
        assert isinstance(item.text_edit, types.TextEdit)
        assert covered(session, text, item.text_edit.range) == replaced
    session.close(uri)


async def test_nothing_in_a_comment(session: Session) -> None:
    """Ensure a comment gets no completion."""
    text = "profile quiet {\n  # capability \n}\n"
    uri = session.open("apparmor.d/quiet", text)
    params = types.CompletionParams(text_document=document(uri), position=types.Position(line=1, character=15))
    assert await session.client.text_document_completion_async(params) is None


async def test_signature_help_in_a_list(session: Session) -> None:
    """Ensure a `( )` list shows what it takes and which values are valid."""
    text, marks = marked("profile sig {\n  signal (send, $0\n}\n")
    uri = session.open("apparmor.d/sig", text)
    params = types.SignatureHelpParams(text_document=document(uri), position=position(session, text, marks[0]))
    found = await session.client.text_document_signature_help_async(params)
    assert found is not None
    (signature,) = found.signatures
    assert signature.label == "signal (PERMISSION ...)"
    assert isinstance(signature.documentation, types.MarkupContent) and "`receive`" in signature.documentation.value
