"""End to end: inlay hints with short variable values.

Every test runs under the Neovim and the VS Code client profiles (see conftest.py).
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from .features import document, index_of
from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILE = """include <tunables/global>
profile hints {
  owner /srv/Téléchargements/😀/@{HOME}/** r,
  @{PROC}/sys/** r,
}
"""


async def test_inlay_hints(session: Session) -> None:
    """Ensure each variable reference is followed by its values, placed right after it."""
    uri = session.open("apparmor.d/hints", PROFILE)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=5, character=0))
    found = await session.client.text_document_inlay_hint_async(types.InlayHintParams(text_document=document(uri), range=whole))
    assert found is not None
    lines = PROFILE.split("\n")
    placed = [(lines[h.position.line][: index_of(session, lines[h.position.line], h.position.character)], h.label) for h in found]
    assert placed == [
        ("  owner /srv/Téléchargements/😀/@{HOME}", "= /home/*/ /root/"),
        ("  @{PROC}", "= /proc/"),
    ]
