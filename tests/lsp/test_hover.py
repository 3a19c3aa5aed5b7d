"""End to end: hover on exec modifiers, variables, includes and capabilities.

Every test runs under the Neovim and the VS Code client profiles (see conftest.py).
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from .features import covered, document, eventually, marked, position
from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILE = """include <tunables/global>

profile runner /usr/bin/runner {
  include <abstractions/b$0ase>
  capability sys_$0admin,
  owner /srv/Téléchargements/😀/@{HO$0ME}/** r,
  /usr/bin/tool P$0x,
  /usr/bin/t*l p$0x,
  /usr/bin/nope Pi$0x,
  /usr/bin/none P$0Ux,
  /usr/bin/helper C$0x -> helper,
  /usr/bin/env u$0x,
  /usr/bin/env U$0x,
  /usr/bin/cat i$0x,
  profile helper { }
}
"""

EXPECTED = [
    ("base", "include <abstractions/base>", ["abstractions/base`", "2 rules into `runner`"]),
    ("sys_admin", "sys_admin", ["CAP_SYS_ADMIN", "**Risk:**"]),
    ("home", "@{HOME}", ["2 values", "`/home/*/`", "`/root/`"]),
    ("Px", "Px", ["**tool**", "scrubbed (secure-exec)", "exec fails"]),
    ("px", "px", ["**tool**", "*not* scrubbed", "**Risk:**"]),
    ("Pix", "Pix", ["no profile attaches", "stays in **runner**", "`ix fallback`"]),
    ("PUx", "PUx", ["no profile attaches", "runs **unconfined**", "`ux fallback`"]),
    ("Cx", "Cx", ["**runner//helper**", "scrubbed"]),
    ("ux", "ux", ["unconfined", "complete escape"]),
    ("Ux", "Ux", ["unconfined", "scrubbed"]),
    ("ix", "ix", ["same profile", "nothing to scrub"]),
]


@pytest.mark.parametrize(("index", "case"), enumerate(EXPECTED), ids=[case[0] for case in EXPECTED])
async def test_hover(session: Session, index: int, case: tuple[str, str, list[str]]) -> None:
    """Ensure each word's hover explains it for this rule, with the range of the word, in either encoding."""
    _, word, phrases = case
    text, marks = marked(PROFILE)
    uri = session.open("apparmor.d/usr.bin.runner", text)
    params = types.HoverParams(text_document=document(uri), position=position(session, text, marks[index]))

    def complete(answer: types.Hover | None) -> bool:
        return answer is not None and all(phrase in answer.contents.value for phrase in phrases)

    found = await eventually(lambda: session.client.text_document_hover_async(params), complete, f"hover on {word}")
    assert isinstance(found.contents, types.MarkupContent)
    assert found.contents.kind == types.MarkupKind.Markdown
    assert found.range is not None and covered(session, text, found.range) == word


async def test_no_hover_on_blank(session: Session) -> None:
    """Ensure blank space gets no hover."""
    text = "profile blank {\n\n}\n"
    uri = session.open("apparmor.d/blank", text)
    params = types.HoverParams(text_document=document(uri), position=types.Position(line=1, character=0))
    assert await session.client.text_document_hover_async(params) is None
