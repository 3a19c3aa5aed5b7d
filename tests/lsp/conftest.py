"""Fixtures of the end-to-end tests: the real server in a subprocess, driven by pytest-lsp.

Each test module gets one server per client profile (module scope keeps the suite fast);
the `client` fixture is parametrised over the capability profiles pytest-lsp ships for
Neovim and VS Code (`harness.PROFILES`), so every scenario runs as each editor would drive
it: Neovim offers UTF-8 positions and pulls diagnostics, VS Code 1.65 counts UTF-16 and has
them pushed.  The server's workspace folder and include path is a small policy tree of the
session's own (`harness.policy_tree`).
"""

from __future__ import annotations

import pytest
import pytest_lsp

from .harness import PROFILES, SERVER, RecordingClient, Session, policy_tree, settings_for, start


@pytest_lsp.fixture(config=SERVER, scope="module", params=PROFILES)
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A session under each client profile, in a policy tree of its own (workspace and include path)."""
    tree = policy_tree(tmp_path_factory)
    await start(lsp_client, request.param, tree, settings_for(tree))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def session(client: RecordingClient) -> Session:
    """The module's session, with its helpers."""
    return Session(client)


