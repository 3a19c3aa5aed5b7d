"""End to end: initialize, and diagnostics after opening and editing, pushed and pulled.

Every test runs under the Neovim and the VS Code client profiles (see conftest.py).
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from armorsmith.lsp.diagnostics import read_fixes

from .harness import Session, codes, until

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROFILE = """include <tunables/global>

profile demo /usr/bin/demo {
  include <abstractions/base>
  capability chown,
  @{HOME}/.cache/demo/** rw,
}
"""


async def test_initialize(session: Session) -> None:
    """Ensure the server negotiates UTF-8 when offered, UTF-16 otherwise, and syncs incrementally."""
    assert session.client.result is not None
    capabilities = session.client.result.capabilities
    general = session.client.capabilities.general if session.client.capabilities else None
    offered = (general.position_encodings or []) if general else []
    expected = "utf-8" if "utf-8" in offered else "utf-16"
    assert session.encoding == expected
    sync = capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close is True
    assert capabilities.diagnostic_provider is not None
    assert capabilities.diagnostic_provider.inter_file_dependencies is True
    assert session.client.result.server_info is not None
    assert session.client.result.server_info.name == "armorsmith"


async def test_clean_profile_after_open(session: Session) -> None:
    """Ensure a profile whose includes resolve in the workspace gets no diagnostics."""
    uri = session.open("apparmor.d/usr.bin.demo", PROFILE)
    assert list(await session.diagnostics(uri, 1)) == []


async def test_diagnostics_after_open(session: Session) -> None:
    """Ensure findings arrive with code, docs link, severity, precise range and source."""
    text = PROFILE.replace("capability chown,", "capability chwn,").replace("  include <abstractions/base>\n", "  include <abstractions/nothere>\n")
    uri = session.open("apparmor.d/usr.bin.broken", text)
    found = await session.diagnostics(uri, 1)
    assert codes(found) == ["include-not-found", "unknown-capability"]
    unknown = next(d for d in found if d.code == "unknown-capability")
    line = text.splitlines()[unknown.range.start.line]
    assert line[unknown.range.start.character : unknown.range.end.character] == "chwn"
    assert unknown.severity == types.DiagnosticSeverity.Error
    assert unknown.source == "armorsmith"
    assert unknown.code_description is not None
    assert unknown.code_description.href.endswith("diagnostics.md#unknown-capability")


async def test_fix_travels_in_data(session: Session) -> None:
    """Ensure a fix is serialised into Diagnostic.data and reads back as edits that repair the text."""
    text = "profile fixme {\n  /etc/a r,\n  /etc/a r,\n}\n"
    uri = session.open("apparmor.d/fixme", text)
    found = await session.diagnostics(uri, 1)
    redundant = [d for d in found if d.code == "redundant-rule"]
    assert redundant, codes(found)
    assert list(redundant[0].tags or ()) == [types.DiagnosticTag.Unnecessary]
    fixes = read_fixes(redundant[0])
    assert fixes and fixes[0].version == 1
    lines = text.split("\n")
    edit = fixes[0].edits[0]
    assert edit.range.start.line in (1, 2) and edit.new_text == ""
    removed = lines[edit.range.start.line : edit.range.end.line]
    assert removed == ["  /etc/a r,"]


async def test_related_information(session: Session) -> None:
    """Ensure a two-sided finding points at the other rule through relatedInformation."""
    text = "profile twice {\n  /etc/b r,\n  /etc/b r,\n}\n"
    uri = session.open("apparmor.d/twice", text)
    found = await session.diagnostics(uri, 1)
    redundant = next(d for d in found if d.code == "redundant-rule")
    assert redundant.related_information
    other = redundant.related_information[0].location
    assert other.uri == uri
    assert other.range.start.line in (1, 2) and other.range.start.line != redundant.range.start.line


async def test_incremental_edits_multibyte(session: Session) -> None:
    """Ensure edits after multi-byte and astral characters land where the client meant."""
    text = "profile wide {\n  /home/*/Téléchargements/😀/** r, capability chown,\n}\n"
    uri = session.open("apparmor.d/wide", text)
    assert list(await session.diagnostics(uri, 1)) == []
    start = text.index("chown")
    text = session.change(uri, 2, text, start, start + len("chown"), "chwn")
    found = await session.diagnostics(uri, 2)
    assert codes(found) == ["unknown-capability"]
    diagnostic = found[0]
    line = text.splitlines()[1]
    column = line.index("chwn")
    prefix = line[:column]
    width = len(prefix.encode("utf-8")) if session.encoding == "utf-8" else len(prefix.encode("utf-16-le")) // 2
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (1, width)
    assert diagnostic.range.end.character == width + (4 if session.encoding == "utf-8" else 4)
    # Undo it, inserting before the emoji: the server's copy must still line up.
    at = text.index("😀")
    text = session.change(uri, 3, text, at, at, "é")
    start = text.index("chwn")
    text = session.change(uri, 4, text, start, start + 4, "chown")
    assert list(await session.diagnostics(uri, 4)) == []


async def test_incremental_edits_crlf(session: Session) -> None:
    """Ensure a document with CRLF line ends is edited and reported line by line."""
    text = "profile crlf {\r\n  /etc/c r,\r\n  capability chown,\r\n}\r\n"
    uri = session.open("apparmor.d/crlf", text)
    assert list(await session.diagnostics(uri, 1)) == []
    start = text.index("chown")
    text = session.change(uri, 2, text, start, start + 5, "chwn")
    found = await session.diagnostics(uri, 2)
    assert codes(found) == ["unknown-capability"]
    assert found[0].range.start == types.Position(line=2, character=13)
    assert found[0].range.end == types.Position(line=2, character=17)
    # A new line inserted in the middle keeps later positions right.
    at = text.index("  capability")
    text = session.change(uri, 3, text, at, at, "  /etc/d r,\r\n")
    found = await session.diagnostics(uri, 3)
    assert [d.range.start.line for d in found] == [3]


async def test_latest_version_wins(session: Session) -> None:
    """Ensure rapid edits end with the diagnostics of the last version, never an older one after it."""
    text = "profile rapid {\n  capability chown,\n}\n"
    uri = session.open("apparmor.d/rapid", text)
    await session.diagnostics(uri, 1)
    for version in range(2, 12):
        start = text.index("capability ") + len("capability ")
        end = text.index(",", start)
        text = session.change(uri, version, text, start, end, "chown" if version % 2 else "chwn")
    found = await session.diagnostics(uri, 11)
    assert codes(found) == []
    if not session.pulls:
        versions = [p.version for p in session.client.published[uri]]
        assert versions == sorted(versions) and versions[-1] == 11


async def test_pull_result_ids(session: Session) -> None:
    """Ensure a pull answers unchanged for the same result id, and fully after an edit."""
    text = "profile pulled {\n  capability chwn,\n}\n"
    uri = session.open("apparmor.d/pulled", text)
    first = await session.pull(uri)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    assert codes(first.items) == ["unknown-capability"]
    again = await session.pull(uri, first.result_id)
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert again.result_id == first.result_id
    start = text.index("chwn")
    session.change(uri, 2, text, start, start + 4, "chown")
    after = await session.pull(uri, first.result_id)
    assert isinstance(after, types.RelatedFullDocumentDiagnosticReport)
    assert list(after.items) == []


async def test_pulling_client_is_not_pushed(session: Session) -> None:
    """Ensure a client that pulls gets no pushed diagnostics, and one that cannot pull does."""
    uri = session.open("apparmor.d/pushed", "profile pushed {\n  capability chwn,\n}\n")
    found = await session.diagnostics(uri, 1)
    assert codes(found) == ["unknown-capability"]
    if session.pulls:
        assert uri not in session.client.published
    else:
        assert session.client.published[uri][-1].version == 1


async def test_close_clears(session: Session) -> None:
    """Ensure closing a document clears what was pushed for it."""
    uri = session.open("apparmor.d/closed", "profile closed {\n  capability chwn,\n}\n")
    await session.diagnostics(uri, 1)
    session.close(uri)
    if not session.pulls:
        await until(lambda: list(session.client.diagnostics.get(uri, [None])) == [], "cleared diagnostics")
    else:
        report = await session.pull(uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport) and list(report.items) == []
