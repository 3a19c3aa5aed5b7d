"""The denial commands editors run with `workspace/executeCommand` (VS Code's "Explain AppArmor
denials" and "Insert rules from denials").

- `armorsmith.server.explainDenials`, with one argument `{"text": str}`: the AppArmor
  records in `text` (any form the log engine reads: audit, dmesg, syslog, journald),
  explained against the workspace's policy as `armorsmith explain --format json` explains
  a log.  The result is the list that command prints, one object per group of records.
- `armorsmith.server.rulesFromDenials`, with one argument `{"uri": str, "text": str,
  "range"?: Range}`: the rules that allow the records in `text`, for the profiles of the
  open document `uri`, placed by the suggestion engine (the profile, hat or child a record
  belongs to, the peer's profile of a cross-check, in whatever file defines it).  When
  `range` covers one run of log lines pasted into the document, the rules replace those
  lines, as the `pasted-denial` quick fix does.  The result is `{"edit": WorkspaceEdit |
  null, "message": str}`; `edit` is null when nothing is to be added, and `message` says
  what was done or why nothing was.

Bad arguments get a JSON-RPC "invalid params" error that says what was expected.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from armorsmith.ide.actions import add_from_log_action, replace_pasted_action, workspace_policy
from armorsmith.ide.explain import Explanation, explain_log
from armorsmith.ide.pasted import find_pasted_logs
from armorsmith.ide.query import LoadedPolicy
from armorsmith.ide.suggest import SuggestPolicy, prepare_policy
from armorsmith.logs import LogRecord, read_records

from ..server import ArmorsmithServer
from .actions import workspace_edit

__all__ = ["EXPLAIN", "RULES", "register"]

EXPLAIN = "armorsmith.server.explainDenials"
"""The command that explains log records."""

RULES = "armorsmith.server.rulesFromDenials"
"""The command that returns the edit adding the rules log records ask for."""

SOURCE_NAME = "<text>"
"""The name explanations give the text in their `records` places (`<text>:LINE`)."""


def _argument(args: tuple[Any, ...], command: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """Return the one object argument of `command`, checking that `keys` hold strings."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise JsonRpcInvalidParams(f"{command} takes one object argument with the keys {', '.join(keys)}")
    argument = args[0]
    for key in keys:
        if not isinstance(argument.get(key), str):
            raise JsonRpcInvalidParams(f"{command}: '{key}' must be a string")
    return argument


def _position(value: Any) -> types.Position:
    if not isinstance(value, dict):
        raise JsonRpcInvalidParams(f"{RULES}: 'range' must be an LSP range")
    line, character = value.get("line"), value.get("character")
    if not all(isinstance(item, int) and not isinstance(item, bool) and item >= 0 for item in (line, character)):
        raise JsonRpcInvalidParams(f"{RULES}: 'range' must be an LSP range (lines and characters from 0)")
    return types.Position(line=line, character=character)


def _range(value: Any) -> types.Range:
    """Read an LSP range from JSON."""
    if not isinstance(value, dict):
        raise JsonRpcInvalidParams(f"{RULES}: 'range' must be an LSP range")
    return types.Range(start=_position(value.get("start")), end=_position(value.get("end")))


def _explanation_json(explanation: Explanation) -> dict[str, Any]:
    """The object of one explanation, with the keys `armorsmith explain --format json` prints."""
    data = dataclasses.asdict(explanation)
    data["class"] = data.pop("kind")
    return data


def _indexed(server: ArmorsmithServer) -> list[Any]:
    """The resolutions of the workspace index (its policy files)."""
    return [item.resolution for item in server.host.index.files() if item.resolution is not None]


def explain_text(server: ArmorsmithServer, text: str) -> list[dict[str, Any]]:
    """Explain the records of `text` against the workspace's policy."""
    resolutions = _indexed(server)
    policy: SuggestPolicy | None = None
    if resolutions:
        loaded = LoadedPolicy(server.host.index.policy, tuple(resolutions))
        policy = prepare_policy(loaded, (), server.host.config)
    result = explain_log([(SOURCE_NAME, text.splitlines())], policy)
    return [_explanation_json(item) for item in result.explanations]


def rules_for_text(server: ArmorsmithServer, uri: str, text: str, selected: types.Range | None) -> dict[str, Any]:
    """Return `{"edit", "message"}` for the records of `text` in the document `uri`."""
    document = server.document(uri)
    if document is None:
        return {"edit": None, "message": "the document is not open in the server; open it and try again"}
    records = [item for item in read_records(text.splitlines(), SOURCE_NAME) if isinstance(item, LogRecord)]
    if not records:
        return {"edit": None, "message": "the text holds no AppArmor log record"}
    loaded, config = workspace_policy(document.path, document.source, server.host.config, _indexed(server), server.host.cache)
    action = None
    if selected is not None:
        start, end = server.offset(document, selected.start), server.offset(document, selected.end)
        runs = [run for run in find_pasted_logs(document.source) if run.start < max(end, start + 1) and start < run.end]
        if len(runs) > 1:
            return {"edit": None, "message": "the selection holds several blocks of pasted log lines; select one at a time"}
        if runs:
            action = replace_pasted_action(document.path, runs[0], loaded, config)
    if action is None:
        action = add_from_log_action(document.path, records, loaded, config, title="Added {rules}")
    if action is None:
        own = {profile.fqname.split("//")[0] for profile in loaded.policy if profile.path == document.path}
        asked = sorted({(record.profile or "unconfined").split("//")[0] for record in records})
        if not own.intersection(asked):
            return {"edit": None, "message": f"the records are for {', '.join(asked)}, which this document does not define"}
        return {"edit": None, "message": "the policy already allows what these records ask for"}
    return {"edit": workspace_edit(server, action), "message": action.title}


def register(server: ArmorsmithServer) -> None:
    """Register the denial commands on `server`."""

    @server.command(EXPLAIN)
    def explain(*args: Any) -> list[dict[str, Any]]:
        argument = _argument(args, EXPLAIN, ("text",))
        return explain_text(server, argument["text"])

    @server.command(RULES)
    def rules(*args: Any) -> dict[str, Any]:
        argument = _argument(args, RULES, ("uri", "text"))
        selected = _range(argument["range"]) if argument.get("range") is not None else None
        return rules_for_text(server, argument["uri"], argument["text"], selected)
