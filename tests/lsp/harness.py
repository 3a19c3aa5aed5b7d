"""Helpers of the end-to-end tests: the client, the server command, the policy tree, `Session`.

`Session` wraps a client with what the tests share: opening documents,
sending incremental edits in the negotiated encoding, and getting the diagnostics of a
version whether the client pulls or is pushed them.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pygls.protocol import default_converter

PROFILES = ("neovim", "visual_studio_code")
"""The client capability profiles every scenario runs under (pytest-lsp's latest of each)."""

TIMEOUT = 20.0
"""Seconds a test waits for the server before failing."""

TUNABLES = b"""@{HOME}=/home/*/ /root/
@{PROC}=/proc/
"""

BASE = b"""  /etc/ld.so.cache r,
  /usr/lib/** mr,
"""

TREE = {
    "apparmor.d/tunables/global": TUNABLES,
    "apparmor.d/abstractions/base": BASE,
    "apparmor.d/abstractions/broken": b"  capability sys_admn,\n",
    "apparmor.d/usr.bin.tool": b"include <tunables/global>\n\nprofile tool /usr/bin/tool {\n  include <abstractions/base>\n}\n",
}


def policy_tree(factory: pytest.TempPathFactory) -> Path:
    """Write a new copy of the small policy tree (`TREE`) and return its root."""
    root = factory.mktemp("workspace")
    for name, content in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping every publishDiagnostics with its version."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.registrations: list[types.Registration] = []
        """What the server registered dynamically (`client/registerCapability`)."""
        self.tree = Path()
        """The workspace folder of the session (see `start`)."""
        self.result: types.InitializeResult | None = None
        """What the server answered to `initialize`."""


def _record_publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.setdefault(params.uri, []).append(params)


def _record_registration(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations += params.registrations


def make_client() -> RecordingClient:
    """A pytest-lsp client with the default handlers and a recording publish handler."""
    client = RecordingClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_publish
    features[types.CLIENT_REGISTER_CAPABILITY] = _record_registration
    register_lsp_features(client, features)
    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "armorsmith", "serve", "--log-level", "error"],
    client_factory=make_client,
)


def settings_for(tree: Path, **extra: Any) -> dict[str, Any]:
    """Settings that make `tree/apparmor.d` the include path."""
    return {"includePaths": [str(tree / "apparmor.d")], **extra}


async def start(client: RecordingClient, profile: str, tree: Path, settings: Any) -> None:
    """Initialize a session under `profile` with `tree` as the workspace folder."""
    client.tree = tree
    client.set_configuration(settings, section="armorsmith")
    folder = tree.as_uri()
    client.result = await client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities(profile),
            root_uri=folder,
            workspace_folders=[types.WorkspaceFolder(uri=folder, name="workspace")],
            initialization_options=None,
        )
    )


async def until(condition: Any, what: str, timeout: float = TIMEOUT) -> Any:
    """Poll `condition()` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def offsets_to_position(text: str, offset: int, encoding: str) -> types.Position:
    """The LSP position of the character offset `offset` of `text`, in `encoding`.

    Written independently of the server's LineIndex: lines end at "\\n", and the column
    counts the encoded units of the line's text before the offset.
    """
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    before = text[start:offset]
    if encoding == "utf-8":
        column = len(before.encode("utf-8"))
    elif encoding == "utf-16":
        column = len(before.encode("utf-16-le")) // 2
    else:
        column = len(before)
    return types.Position(line=line, character=column)


@dataclass
class Session:
    """A client with the helpers the scenarios share."""

    client: RecordingClient

    @property
    def tree(self) -> Path:
        """The session's workspace folder."""
        return self.client.tree

    @property
    def encoding(self) -> str:
        """The position encoding the server chose at initialize."""
        assert self.client.result is not None
        chosen = self.client.result.capabilities.position_encoding or "utf-16"
        return str(getattr(chosen, "value", chosen))

    @property
    def pulls(self) -> bool:
        """Whether this client pulls diagnostics (and so is never pushed them)."""
        capabilities = self.client.capabilities
        return bool(capabilities and capabilities.text_document and capabilities.text_document.diagnostic)

    def open(self, name: str, text: str, version: int = 1) -> str:
        """Open the document `name` (relative to the tree) with `text`; return its URI."""
        uri = (self.tree / name).as_uri()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="apparmor", version=version, text=text)
            )
        )
        return uri

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def change(self, uri: str, version: int, text: str, start: int, end: int, new_text: str) -> str:
        """Replace the characters [start, end) of `text` incrementally; return the new text."""
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=offsets_to_position(text, start, self.encoding),
                end=offsets_to_position(text, end, self.encoding),
            ),
            text=new_text,
        )
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )
        return text[:start] + new_text + text[end:]

    async def pull(self, uri: str, previous: str | None = None) -> types.DocumentDiagnosticReport:
        """Pull the diagnostics of `uri`."""
        return await self.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous
            )
        )

    async def diagnostics(self, uri: str, version: int) -> Sequence[types.Diagnostic]:
        """The diagnostics of version `version` of `uri`, pulled or pushed as the client does."""
        if self.pulls:
            report = await self.pull(uri)
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
            return report.items
        published = await until(
            lambda: [p for p in self.client.published.get(uri, ()) if p.version == version],
            f"diagnostics of {uri} version {version}",
        )
        return published[-1].diagnostics


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    """The codes of `diagnostics`, sorted."""
    return sorted(str(d.code) for d in diagnostics)
