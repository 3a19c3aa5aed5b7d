"""`textDocument/codeAction` and `codeAction/resolve`: fixes and source actions from the ide.

- Quick fixes: each diagnostic the client sends back carries its fixes in `data` (see
  `armorsmith.lsp.diagnostics.fix_data`); they are offered as they are when they were
  computed for the current version.  A diagnostic without them (a client that drops
  `data`) is matched by code and range against the document's current diagnostics.
- A `pasted-denial` diagnostic offers "Replace with rules", and every document offers "Add
  rules from the system log"; both are computed when the client resolves them (placing
  rules needs the workspace policy and, for the second, reading the log), as a workspace
  edit over every file that receives rules.  Clients that cannot resolve get them computed
  at once, the log action only when asked for by kind.
- Source actions: fix all, remove covered rules, `#include` to `include`, sort and merge,
  offered when the user asks for actions (not for an automatic light-bulb request).

Reading the system log is the one I/O here, behind `SystemLog`: `journald` runs
`journalctl`, any other source is a file path (`/var/log/audit/audit.log`); the setting
`logSources` says which, in order, and the first readable one is used.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from lsprotocol import types

from armorsmith.diagnostics import Diagnostic
from armorsmith.ide import actions
from armorsmith.ide.actions import ActionKind, CodeAction
from armorsmith.ide.pasted import find_pasted_logs
from armorsmith.ide.workspace import OpenDocument
from armorsmith.logs import LogRecord, read_records
from armorsmith.syntax import LineIndex

from ..convert import path_to_uri, to_offsets, to_text_edit
from ..diagnostics import read_fixes
from ..server import ArmorsmithServer

__all__ = [
    "FileLog",
    "JournalLog",
    "SystemLog",
    "read_logs",
    "records_of",
    "register",
    "system_log",
    "workspace_edit",
]


LOG_LINES = 20000
"""How many of the newest lines of the system log are read."""

JOURNAL_SECONDS = 10.0
"""How long `journalctl` may run."""


class SystemLog(Protocol):
    """Where "Add rules from the system log" reads denials: the newest lines of one log."""

    name: str

    def lines(self) -> Iterable[str]:
        """Return the newest lines of the log (at most `LOG_LINES`); none when unreadable."""
        ...


@dataclass(frozen=True, slots=True)
class FileLog:
    """A log file: auditd's `audit.log`, `kern.log`, `syslog`."""

    name: str

    def lines(self) -> Iterable[str]:
        try:
            with open(self.name, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - LOG_LINES * 400))
                data = handle.read()
        except OSError:
            return ()
        return data.decode("utf-8", "surrogateescape").splitlines()[-LOG_LINES:]


@dataclass(frozen=True, slots=True)
class JournalLog:
    """The systemd journal of the current boot, kernel and audit messages, read with journalctl."""

    name: str = "journald"

    def lines(self) -> Iterable[str]:
        program = shutil.which("journalctl")
        if program is None:
            return ()
        command = [program, "--no-pager", "-b", "-o", "short", "-n", str(LOG_LINES), "_TRANSPORT=kernel", "+", "_TRANSPORT=audit"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=JOURNAL_SECONDS, check=False)
        except (OSError, subprocess.SubprocessError):
            return ()
        return done.stdout.decode("utf-8", "surrogateescape").splitlines()


def system_log(sources: Iterable[str]) -> Iterator[SystemLog]:
    """Yield the logs the setting `logSources` names, in order."""
    for source in sources:
        yield JournalLog() if source == "journald" else FileLog(source)


def records_of(logs: Iterable[SystemLog]) -> list[LogRecord]:
    """Return the records of the first log that has any AppArmor record."""
    for log in logs:
        found = [item for item in read_records(log.lines(), log.name) if isinstance(item, LogRecord)]
        if found:
            return found
    return []


# Section - converting the ide's actions.


def workspace_edit(server: ArmorsmithServer, action: CodeAction) -> types.WorkspaceEdit:
    """Return the LSP edit of an ide action: versioned document edits when the client takes
    them (new files only then), else a map of edits by URI.  Offsets of an open document
    are converted through its current text, those of another file through the text the
    action read."""
    capabilities = server.client_capabilities.workspace
    edit_capabilities = capabilities.workspace_edit if capabilities is not None else None
    versioned = bool(edit_capabilities and edit_capabilities.document_changes)
    creates = versioned and types.ResourceOperationKind.Create in (edit_capabilities.resource_operations or ())
    changes: dict[str, list[types.TextEdit]] = {}
    document_changes: list[Any] = []
    for change in action.changes:
        uri = path_to_uri(change.path)
        opened = server.host.document(change.path)
        if change.create:
            if not creates:
                continue
            document_changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
            index, version = LineIndex(b""), None
        elif opened is not None:
            index, version = opened.index, opened.version
        else:
            index, version = LineIndex(change.source or b""), None
        edits = [to_text_edit(index, edit, server.encoding) for edit in change.edits]
        changes[uri] = edits
        document_changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=edits,
            )
        )
    if versioned:
        return types.WorkspaceEdit(document_changes=document_changes)
    return types.WorkspaceEdit(changes=changes)


def _lsp_action(server: ArmorsmithServer, action: CodeAction, diagnostics: list[types.Diagnostic] | None = None) -> types.CodeAction:
    return types.CodeAction(
        title=action.title,
        kind=action.kind.value,
        diagnostics=diagnostics,
        is_preferred=action.preferred or None,
        edit=workspace_edit(server, action),
    )


def _same(found: Diagnostic, sent: types.Diagnostic, document: OpenDocument, server: ArmorsmithServer) -> bool:
    """Whether a current diagnostic is the one the client sent back (same code and range)."""
    return found.code.value == sent.code and (found.start, found.end) == to_offsets(document.index, sent.range, server.encoding)


def _quick_fixes(
    server: ArmorsmithServer, document: OpenDocument, sent: list[types.Diagnostic], current: list[Diagnostic]
) -> list[types.CodeAction]:
    found: list[types.CodeAction] = []
    uri = path_to_uri(document.path)
    for diagnostic in sent:
        fixes = read_fixes(diagnostic)
        if fixes and all(fix.version == document.version for fix in fixes):
            for fix in fixes:
                if fix.applicability.value == "display-only":
                    continue
                found.append(
                    types.CodeAction(
                        title=fix.title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=fix.applicability.value == "safe" or None,
                        edit=types.WorkspaceEdit(changes={uri: list(fix.edits)}),
                    )
                )
            continue
        matching = [item for item in current if _same(item, diagnostic, document, server)]
        for action in actions.fix_actions(document.path, matching):
            found.append(_lsp_action(server, action, [diagnostic]))
    return found


def _wanted(only: list[str] | None, kind: ActionKind) -> bool:
    """Whether the client asked for actions of `kind` (no `only` asks for every kind)."""
    if not only:
        return True
    return any(kind.value == want or kind.value.startswith(want + ".") for want in only)


def _deferred(title: str, kind: ActionKind, data: dict[str, Any], diagnostics: list[types.Diagnostic] | None = None) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=kind.value,
        diagnostics=diagnostics,
        is_preferred=True if kind is ActionKind.QUICKFIX else None,
        data={"armorsmith": data},
    )


def _policy(server: ArmorsmithServer, document: OpenDocument):
    """Return the workspace policy with `document` as edited, and the config reading it."""
    indexed = [item.resolution for item in server.host.index.files() if item.resolution is not None]
    return actions.workspace_policy(document.path, document.source, server.host.config, indexed, server.host.cache)


def _resolved(server: ArmorsmithServer, document: OpenDocument, data: dict[str, Any], logs: Iterable[SystemLog]) -> CodeAction | None:
    """Compute a deferred action for the current text of `document`."""
    loaded, config = _policy(server, document)
    if data.get("action") == "pasted":
        start = data.get("start")
        run = next((run for run in find_pasted_logs(document.source) if run.start == start), None)
        return actions.replace_pasted_action(document.path, run, loaded, config) if run is not None else None
    return actions.add_from_log_action(document.path, records_of(logs), loaded, config)


def register(server: ArmorsmithServer) -> None:
    """Register the code action handlers on `server`."""

    def can_resolve() -> bool:
        text = server.client_capabilities.text_document
        code_action = text.code_action if text is not None else None
        support = code_action.resolve_support if code_action is not None else None
        return support is not None and "edit" in support.properties

    kinds = sorted({kind.value for kind in ActionKind} | {types.CodeActionKind.Source.value})

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=kinds, resolve_provider=True),
    )
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        document = server.document(params.text_document.uri)
        if document is None:
            return None
        only = [str(getattr(kind, "value", kind)) for kind in params.context.only or ()]
        current = server.host.lint(document.path)
        found: list[types.CodeAction] = []
        if _wanted(only, ActionKind.QUICKFIX):
            found += _quick_fixes(server, document, list(params.context.diagnostics), current)
        lazy = can_resolve()
        start, end = to_offsets(document.index, params.range, server.encoding)
        for run in find_pasted_logs(document.source):
            if not (_wanted(only, ActionKind.QUICKFIX) and run.start <= end and start <= run.text_end):
                continue
            sent = [d for d in params.context.diagnostics if d.code == "pasted-denial"]
            data = {"action": "pasted", "uri": params.text_document.uri, "version": document.version, "start": run.start}
            if lazy:
                found.append(_deferred("Replace with the rules these records ask for", ActionKind.QUICKFIX, data, sent or None))
            else:
                await asyncio.sleep(0)
                action = _resolved(server, document, data, ())
                if action is not None:
                    found.append(_lsp_action(server, action, sent or None))
        # Source actions need the whole document analysed: computed when the user asks (the
        # menu, or a kind), not for the light bulb an editor asks about at every move.
        asked = bool(only) or params.context.trigger_kind != types.CodeActionTriggerKind.Automatic
        ctx = server.host.context(document.path) if asked else None
        if ctx is not None:
            for kind, action in (
                (ActionKind.FIX_ALL, actions.fix_all_action(document.path, current)),
                (ActionKind.REMOVE_REDUNDANT, actions.remove_redundant_action(document.path, current)),
                (ActionKind.CONVERT_INCLUDES, actions.convert_includes_action(document.path, ctx.file)),
                (ActionKind.SORT_RULES, actions.sort_rules_action(document.path, document.source, ctx.file)),
            ):
                if action is not None and _wanted(only, kind):
                    found.append(_lsp_action(server, action))
        log_wanted = asked and _wanted(only, ActionKind.ADD_FROM_LOG) and (lazy or bool(only))
        if log_wanted:
            data = {"action": "log", "uri": params.text_document.uri, "version": document.version}
            if lazy:
                found.append(_deferred("Add rules from the system log", ActionKind.ADD_FROM_LOG, data))
            else:
                action = _resolved(server, document, data, await read_logs(system_log(server.settings.log_sources)))
                if action is not None:
                    found.append(_lsp_action(server, action))
        return found

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(action: types.CodeAction) -> types.CodeAction:
        data = action.data.get("armorsmith") if isinstance(action.data, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("uri"), str):
            return action
        document = server.document(data["uri"])
        if document is None or document.version != data.get("version"):
            return action
        logs = await read_logs(system_log(server.settings.log_sources)) if data.get("action") == "log" else []
        computed = _resolved(server, document, data, logs)
        if computed is None:
            if data.get("action") == "log":
                action.title = "No rules to add: the system log has no denial of this document's profiles"
            action.edit = types.WorkspaceEdit(changes={})
            return action
        action.title = computed.title
        action.edit = workspace_edit(server, computed)
        return action


@dataclass(frozen=True, slots=True)
class _ReadLog:
    """A log whose lines were read already (off the event loop)."""

    name: str
    read: tuple[str, ...]

    def lines(self) -> Iterable[str]:
        return self.read


async def read_logs(logs: Iterable[SystemLog]) -> list[SystemLog]:
    """Read the logs' lines in a worker thread, so that the event loop goes on meanwhile."""
    wanted = list(logs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, lambda: [_ReadLog(log.name, tuple(log.lines())) for log in wanted])
