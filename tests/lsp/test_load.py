"""End to end: the server under load (many documents open, edits faster than analysis).

Edits are sent as fast as the client can write them, with requests in between: every
request gets an answer within a bound, diagnostics of an older version are never pushed
after those of a newer one, the final diagnostics are those of the final text, and the
server's resident memory does not grow with the number of edits.

`make test` runs a short variant (`EDITS` edits, a loose memory bound); set
ARMORSMITH_LOAD_EDITS (for instance to 10000) for the long one, whose figures are
printed (`pytest -s`).  Every test runs under the Neovim and the VS Code client profiles.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from lsprotocol import types

from .features import document
from .harness import Session, codes

pytestmark = pytest.mark.asyncio(loop_scope="module")

EDITS = int(os.environ.get("ARMORSMITH_LOAD_EDITS", "1000"))
"""Edits of the memory test (10,000 in the long variant)."""

LONG = EDITS >= 10_000

DOCUMENTS = 40
"""Documents open at once in the burst test."""

LATENCY = 10.0
"""Seconds within which a request sent amid a burst of edits must be answered."""

GROWTH_MB = 8.0 if LONG else 40.0
"""How much the server's resident memory may grow across the edits, in MiB."""


def _profile(name: str) -> str:
    return (
        f"include <tunables/global>\n\nprofile {name} /usr/bin/{name} {{\n"
        "  include <abstractions/base>\n  /etc/{name}/** r,\n  capability net_admin,\n"
        f"  network inet stream,\n  signal send peer={name}-peer,\n}}\n"
    )


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _server_pid(session: Session) -> int:
    process = session.client._server  # noqa: SLF001 - pygls keeps the server process there.
    assert process is not None
    return process.pid


async def _symbols(session: Session, uri: str) -> float:
    """Ask for the document symbols of `uri`; return how long the answer took."""
    started = time.monotonic()
    answer = await session.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document(uri))
    )
    assert answer, uri
    return time.monotonic() - started


def _typing(session: Session, uri: str, text: str, first_version: int, count: int) -> tuple[str, int]:
    """Type and delete a comment character `count` times in `uri`; return the text and last version."""
    anchor = text.index("capability")
    version = first_version
    for step in range(count):
        version += 1
        if step % 2 == 0:
            text = session.change(uri, version, text, anchor, anchor, "#")
        else:
            text = session.change(uri, version, text, anchor, anchor + 1, "")
    return text, version


def _assert_versions_increase(session: Session, uri: str) -> None:
    versions = [p.version for p in session.client.published.get(uri, ()) if p.version is not None]
    assert versions == sorted(versions), f"{uri}: stale diagnostics pushed after newer ones: {versions}"


async def test_edit_bursts_over_many_documents(session: Session) -> None:
    """Ensure requests amid bursts of edits to many documents are answered in time, no stale
    diagnostics are pushed, and each document ends with the diagnostics of its last text."""
    suffix = session.encoding[-1]
    texts, uris = {}, []
    for number in range(DOCUMENTS):
        name = f"load{suffix}{number}"
        uri = session.open(f"apparmor.d/{name}", _profile(name))
        texts[uri] = _profile(name)
        uris.append(uri)
    started = time.monotonic()
    latencies, versions = [], {}
    for round_ in range(5):
        for uri in uris:
            texts[uri], versions[uri] = _typing(session, uri, texts[uri], versions.get(uri, 1), 6)
        latencies.append(await _symbols(session, uris[round_ * 7 % DOCUMENTS]))
    # The last edit of every document breaks a capability, which the diagnostics must show.
    for uri in uris:
        anchor = texts[uri].index("net_admin")
        versions[uri] += 1
        texts[uri] = session.change(uri, versions[uri], texts[uri], anchor, anchor + 9, "net_admn")
    latencies.append(await _symbols(session, uris[-1]))
    for uri in uris:
        assert "unknown-capability" in codes(await session.diagnostics(uri, versions[uri])), uri
        _assert_versions_increase(session, uri)
    elapsed = time.monotonic() - started
    edits = sum(version - 1 for version in versions.values())
    print(f"\nload[{session.encoding}]: {DOCUMENTS} documents, {edits} edits, all diagnostics in {elapsed:.2f}s; "
          f"request latency amid edits max {max(latencies) * 1000:.0f} ms")
    assert max(latencies) < LATENCY
    for uri in uris:
        session.close(uri)


async def test_memory_stays_flat_across_edits(session: Session) -> None:
    """Ensure the server's resident memory does not grow with the number of edits."""
    suffix = session.encoding[-1]
    name = f"memory{suffix}"
    text = _profile(name)
    uri = session.open(f"apparmor.d/{name}", text)
    await session.diagnostics(uri, 1)
    # A first round warms the caches, so that what follows measures growth, not start-up.
    text, version = _typing(session, uri, text, 1, 200)
    await session.diagnostics(uri, version)
    pid = _server_pid(session)
    before = _rss_mib(pid)
    started = time.monotonic()
    latencies = []
    for _ in range(EDITS // 500):
        text, version = _typing(session, uri, text, version, 500)
        latencies.append(await _symbols(session, uri))
    text, version = _typing(session, uri, text, version, EDITS % 500)
    await session.diagnostics(uri, version)
    elapsed = time.monotonic() - started
    after = _rss_mib(pid)
    _assert_versions_increase(session, uri)
    print(f"\nmemory[{session.encoding}]: {EDITS} edits in {elapsed:.2f}s ({EDITS / elapsed:.0f}/s); "
          f"RSS {before:.1f} -> {after:.1f} MiB; latency max {max(latencies, default=0) * 1000:.0f} ms")
    assert after - before < GROWTH_MB
    assert max(latencies, default=0) < LATENCY
    session.close(uri)


async def test_notifications_leave_nothing_behind() -> None:
    """Ensure the server's protocol keeps no future of a handled notification (pygls 2.1
    keeps one per didOpen, didChange and didClose, which made memory grow per keystroke)."""
    from armorsmith.lsp.server import create_server

    protocol = create_server().protocol
    protocol._send_data = lambda *args, **kwargs: None  # noqa: SLF001 - no client is connected.
    uri = "file:///nowhere/leak"
    protocol._handle_notification(  # noqa: SLF001 - the method pygls calls for each notification.
        types.TEXT_DOCUMENT_DID_OPEN,
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="apparmor", version=1, text="profile p {}\n")
        ),
    )
    for version in range(2, 50):
        protocol._handle_notification(  # noqa: SLF001
            types.TEXT_DOCUMENT_DID_CHANGE,
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=f"profile p{version} {{}}\n")],
            ),
        )
    closed = types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    protocol._handle_notification(types.TEXT_DOCUMENT_DID_CLOSE, closed)  # noqa: SLF001
    assert protocol._request_futures == {}  # noqa: SLF001
