"""End to end: settings and their fallback, files changed on disk, the background index.

Every test runs under the Neovim and the VS Code client profiles.  This module's servers
start with some bad settings, to check that they fall back and are reported.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
import pytest_lsp
from lsprotocol import types

from armorsmith.lsp.crosscheck import find_parser
from armorsmith.lsp.settings import CrossCheckSettings

from .harness import PROFILES, SERVER, TIMEOUT, RecordingClient, Session, codes, policy_tree, settings_for, start, until

pytestmark = pytest.mark.asyncio(loop_scope="module")

BAD = {"index": {"maxFiles": "many"}, "diagnostics": {"debounceMs": -5}, "colour": "blue"}
"""Settings that are wrong: each must fall back to its default and be reported."""


@pytest_lsp.fixture(config=SERVER, scope="module", params=PROFILES)
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A session whose settings hold mistakes besides a good include path."""
    tree = policy_tree(tmp_path_factory)
    await start(lsp_client, request.param, tree, settings_for(tree, **BAD))
    yield
    await lsp_client.shutdown_session()


async def test_bad_settings_fall_back_and_are_shown(session: Session) -> None:
    """Ensure each bad setting is named in a window/showMessage, and the server keeps working."""
    message = await until(lambda: [m for m in session.client.messages if "index.maxFiles" in m.message], "a settings message")
    text = message[0].message
    assert message[0].type == types.MessageType.Warning
    assert "diagnostics.debounceMs" in text and "colour" in text
    uri = session.open("apparmor.d/usr.bin.settings", "include <tunables/global>\nprofile s {\n  @{HOME}/x r,\n}\n")
    assert list(await session.diagnostics(uri, 1)) == []


async def test_index_reports_progress(session: Session) -> None:
    """Ensure the background scan reports begin and end through $/progress."""

    def ended() -> list[types.WorkDoneProgressEnd]:
        return [
            report
            for reports in session.client.progress_reports.values()
            for report in reports
            if isinstance(report, types.WorkDoneProgressEnd)
        ]

    end = await until(ended, "the end of the index scan")
    assert "files indexed" in (end[0].message or "")
    kinds = [type(report) for reports in session.client.progress_reports.values() for report in reports]
    assert kinds[0] is types.WorkDoneProgressBegin


async def test_watched_include_change(session: Session) -> None:
    """Ensure a changed include file, once reported, changes the diagnostics of its includers."""
    include = session.tree / "apparmor.d" / "abstractions" / "watched"
    include.write_bytes(b"  capability sys_admn,\n")
    text = "profile watcher {\n  include <abstractions/watched>\n}\n"
    uri = session.open("apparmor.d/watcher", text)
    assert codes(await session.diagnostics(uri, 1)) == ["include-has-errors"]
    include.write_bytes(b"  capability sys_admin,\n")
    before = len(session.client.published.get(uri, ()))
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=include.as_uri(), type=types.FileChangeType.Changed)])
    )
    if session.pulls:
        assert await _pull_until(session, uri, lambda items: not items) == []
    else:
        published = await until(lambda: session.client.published[uri][before:], "diagnostics after the change")
        assert list(published[-1].diagnostics) == []


async def test_watched_include_created(session: Session) -> None:
    """Ensure an include that appears on disk stops being reported as missing."""
    text = "profile creator {\n  include <abstractions/later>\n}\n"
    uri = session.open("apparmor.d/creator", text)
    assert codes(await session.diagnostics(uri, 1)) == ["include-not-found"]
    created = session.tree / "apparmor.d" / "abstractions" / "later"
    created.write_bytes(b"  /etc/later r,\n")
    before = len(session.client.published.get(uri, ()))
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=created.as_uri(), type=types.FileChangeType.Created)])
    )
    if session.pulls:
        assert await _pull_until(session, uri, lambda items: not items) == []
    else:
        published = await until(lambda: session.client.published[uri][before:], "diagnostics after the creation")
        assert list(published[-1].diagnostics) == []


async def test_open_buffer_overlays_include(session: Session) -> None:
    """Ensure an unsaved buffer of an included file is what its includers read."""
    (session.tree / "apparmor.d" / "abstractions" / "buffered").write_bytes(b"  /etc/ok r,\n")
    main = session.open("apparmor.d/overlaid", "profile overlaid {\n  include <abstractions/buffered>\n}\n")
    assert list(await session.diagnostics(main, 1)) == []
    session.open("apparmor.d/abstractions/buffered", "  capability sys_admn,\n")
    session.change(main, 2, "profile overlaid {\n  include <abstractions/buffered>\n}\n", 0, 0, "")
    assert codes(await session.diagnostics(main, 2)) == ["include-has-errors"]


async def test_settings_change_is_applied(session: Session) -> None:
    """Ensure a changed include path takes effect after workspace/didChangeConfiguration."""
    uri = session.open("apparmor.d/reconfigured", "include <tunables/global>\nprofile r {\n  @{HOME}/y r,\n}\n")
    assert list(await session.diagnostics(uri, 1)) == []
    session.client.set_configuration({"includePaths": [str(session.tree / "nowhere")]}, section="armorsmith")
    before = len(session.client.published.get(uri, ()))
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    if session.pulls:
        found = await _pull_until(session, uri, lambda items: "include-not-found" in codes(items))
    else:
        published = await until(lambda: session.client.published[uri][before:], "diagnostics after the new settings")
        found = published[-1].diagnostics
    assert "include-not-found" in codes(found)
    session.client.set_configuration(settings_for(session.tree, **BAD), section="armorsmith")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


async def _pull_until(
    session: Session, uri: str, condition: Callable[[list[types.Diagnostic]], bool]
) -> list[types.Diagnostic]:
    """Pull until the items satisfy `condition`: what the client sent is applied asynchronously.

    A pulling client without refresh support pulls again on its own schedule; the test does
    the same, every 20 ms.
    """
    found: list[types.Diagnostic] = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        report = await session.pull(uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        found = list(report.items)
        if condition(found):
            return found
        await asyncio.sleep(0.02)
    pytest.fail(f"pulled diagnostics never matched: {codes(found)}")


@pytest.mark.skipif(find_parser(CrossCheckSettings()) is None, reason="apparmor_parser is not installed")
async def test_parser_cross_check(session: Session) -> None:
    """Ensure apparmor_parser's own errors are reported with their code when the cross-check is on."""
    session.client.set_configuration(settings_for(session.tree, parserCrossCheck={"enabled": True}), section="armorsmith")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    text = "profile checked {\n  /etc/x r,\n  capability sys_admn,\n}\n"
    uri = session.open("apparmor.d/checked", text)

    if session.pulls:
        found = await _pull_until(session, uri, lambda items: "apparmor-parser-error" in codes(items))
    else:
        published = await until(
            lambda: [p for p in session.client.published.get(uri, ()) if "apparmor-parser-error" in codes(p.diagnostics)],
            "apparmor_parser's diagnostics",
        )
        found = published[-1].diagnostics
    parser = [d for d in found if d.code == "apparmor-parser-error"]
    assert parser[0].range.start.line == 2
    assert "sys_admn" in parser[0].message
    assert "unknown-capability" in codes(found)
    session.client.set_configuration(settings_for(session.tree, **BAD), section="armorsmith")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
