"""End to end: semantic tokens, full and for a range, decoded with the server's legend.

Every test runs under the Neovim and the VS Code client profiles (see conftest.py).
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from .features import document, index_of
from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILE = """#include <tunables/global>
profile tokens /srv/Téléchargements/😀/@{HOME}/** {
  capability chown,
  /usr/bin/tool Px,
}
"""


def _legend(session: Session) -> types.SemanticTokensLegend:
    assert session.client.result is not None
    provider = session.client.result.capabilities.semantic_tokens_provider
    assert isinstance(provider, types.SemanticTokensOptions)
    assert provider.full and provider.range
    return provider.legend


def _decode(session: Session, text: str, data: list[int]) -> list[tuple[str, str, list[str]]]:
    """Return (text, type, modifiers) of each token of `data`."""
    legend = _legend(session)
    lines = text.split("\n")
    found = []
    line = column = 0
    for index in range(0, len(data), 5):
        delta_line, delta_start, length, kind, modifiers = data[index : index + 5]
        line += delta_line
        column = column + delta_start if delta_line == 0 else delta_start
        start = index_of(session, lines[line], column)
        end = index_of(session, lines[line], column + length)
        names = [name for bit, name in enumerate(legend.token_modifiers) if modifiers & (1 << bit)]
        found.append((lines[line][start:end], legend.token_types[kind], names))
    return found


async def test_full_tokens(session: Session) -> None:
    """Ensure the whole document's tokens decode to the words and types highlights.scm gives them."""
    uri = session.open("apparmor.d/tokens", PROFILE)
    result = await session.client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=document(uri))
    )
    assert result is not None
    assert _decode(session, PROFILE, list(result.data)) == [
        ("#include", "keyword", ["deprecated"]),
        ("<tunables/global>", "string", []),
        ("profile", "keyword", []),
        ("tokens", "class", ["declaration"]),
        ("/srv/Téléchargements/😀/", "string", []),
        ("@{HOME}", "variable", []),
        ("/", "string", []),
        ("**", "macro", []),
        ("capability", "keyword", []),
        ("chown", "enumMember", []),
        ("/usr/bin/tool", "string", []),
        ("Px", "macro", []),
    ]


async def test_range_tokens(session: Session) -> None:
    """Ensure a range request gives the tokens of those lines only."""
    uri = session.open("apparmor.d/tokens", PROFILE)
    result = await session.client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=document(uri),
            range=types.Range(start=types.Position(line=2, character=0), end=types.Position(line=3, character=0)),
        )
    )
    assert result is not None
    assert [word for word, _, _ in _decode(session, PROFILE, list(result.data))] == ["capability", "chown"]
