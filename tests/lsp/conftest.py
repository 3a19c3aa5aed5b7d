"""Fixtures of the end-to-end tests: the real server in a subprocess, driven by pytest-lsp.

Each test module gets one server per client profile (module scope keeps the suite fast);
the `client` fixture is parametrised over the capability profiles pytest-lsp ships for
Neovim and VS Code (`harness.PROFILES`), so every scenario runs as each editor would drive
it: Neovim offers UTF-8 positions and pulls diagnostics, VS Code 1.65 counts UTF-16 and has
them pushed.  The server's workspace folder and include path is a small policy tree of the
module's own (`policy_tree`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp

from .harness import PROFILES, SERVER, TREE, RecordingClient, Session, settings_for, start, write_tree


@pytest.fixture(scope="module")
def policy_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace folder with a small policy tree; each module gets its own copy."""
    root = tmp_path_factory.mktemp("workspace")
    write_tree(root, TREE)
    return root


@pytest_lsp.fixture(config=SERVER, scope="module", params=PROFILES)
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, policy_tree: Path):
    """A session under each client profile, with the policy tree as workspace and include path."""
    await start(lsp_client, request.param, policy_tree, settings_for(policy_tree))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def session(client: RecordingClient, policy_tree: Path) -> Session:
    """The module's session, with its helpers."""
    return Session(client, policy_tree)


