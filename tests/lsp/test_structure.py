"""End to end: folding ranges and selection ranges.

Every test runs under the Neovim and the VS Code client profiles (see conftest.py).
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from .features import covered, document, marked, position
from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILE = """# Folding.
# Two comment lines.
profile folds {
  dbus send
       bus=session,
  owner {
    /a r,
  }
  /usr/bin/t$0ool r,
}
"""


async def test_folding_ranges(session: Session) -> None:
    """Ensure comments, the profile body, a multi-line rule and a block fold by lines."""
    text, _ = marked(PROFILE)
    uri = session.open("apparmor.d/folds", text)
    found = await session.client.text_document_folding_range_async(types.FoldingRangeParams(text_document=document(uri)))
    assert found is not None
    assert sorted((f.start_line, f.end_line, f.kind) for f in found) == [
        (0, 1, types.FoldingRangeKind.Comment),
        (2, 8, types.FoldingRangeKind.Region),
        (3, 4, types.FoldingRangeKind.Region),
        (5, 6, types.FoldingRangeKind.Region),
    ]


async def test_selection_ranges(session: Session) -> None:
    """Ensure selection grows from the path under the cursor to its rule, the profile and the file."""
    text, marks = marked(PROFILE)
    uri = session.open("apparmor.d/folds", text)
    found = await session.client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=document(uri), positions=[position(session, text, marks[0])])
    )
    assert found is not None and len(found) == 1
    chain = []
    current: types.SelectionRange | None = found[0]
    while current is not None:
        chain.append(current.range)
        current = current.parent
    assert covered(session, text, chain[0]) == "/usr/bin/tool"
    assert covered(session, text, chain[1]) == "/usr/bin/tool r,"
    assert chain[-1].start == types.Position(line=0, character=0)
