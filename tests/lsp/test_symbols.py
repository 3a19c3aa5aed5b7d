"""End to end: document symbols as a tree, and workspace symbols from the index.

Every test runs under the Neovim and the VS Code client profiles (see conftest.py).
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from .features import covered, document, eventually
from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILE = """@{APP} = /opt/app
profile app @{APP}/bin/app flags=(complain) {
  ^hat { }
  profile child { }
}
"""


async def test_document_symbols_are_a_tree(session: Session) -> None:
    """Ensure profiles hold their hats and children, with names selected precisely."""
    uri = session.open("apparmor.d/opt.app", PROFILE)
    found = await session.client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=document(uri)))
    assert found is not None
    assert [(s.name, s.kind) for s in found] == [("@{APP}", types.SymbolKind.Variable), ("app", types.SymbolKind.Class)]
    app = found[1]
    assert isinstance(app, types.DocumentSymbol)
    assert app.detail == "@{APP}/bin/app (complain)"
    assert covered(session, PROFILE, app.selection_range) == "app"
    assert [(c.name, c.kind) for c in app.children or ()] == [("^hat", types.SymbolKind.Method), ("child", types.SymbolKind.Class)]


async def test_workspace_symbols_search_the_index(session: Session) -> None:
    """Ensure a workspace symbol query finds the profile of a file that is not open."""
    params = types.WorkspaceSymbolParams(query="tool")
    found = await eventually(
        lambda: session.client.workspace_symbol_async(params),
        lambda answer: answer and any(s.name == "tool" for s in answer),
        "the tool profile in the index",
    )
    tool = next(s for s in found if s.name == "tool")
    assert tool.kind == types.SymbolKind.Class
    assert tool.location.uri == (session.tree / "apparmor.d/usr.bin.tool").as_uri()
    assert tool.location.range.start.line == 2
