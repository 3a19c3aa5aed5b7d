"""End to end: the denial commands editors run with `workspace/executeCommand`.

`armorsmith.server.explainDenials` explains log text as `armorsmith explain --format json`
does; `armorsmith.server.rulesFromDenials` returns the edit that adds the rules log text
asks for to the profiles of an open document (VS Code's "Explain AppArmor denials" and
"Insert rules from denials").  Every test runs under the Neovim and the VS Code client
profiles (see conftest.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from armorsmith.lsp.features.denials import EXPLAIN, RULES

from .harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

DENIAL = (
    'type=AVC msg=audit(1700000000.123:42): apparmor="DENIED" operation="open" class="file" profile="viewer" '
    'name="/srv/pictures/cat.png" pid=4242 comm="viewer" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0'
)

ALLOWED = DENIAL.replace("/srv/pictures/cat.png", "/usr/bin/viewer")
"""A record of an access the profile allows."""

OTHER = DENIAL.replace("viewer", "editor")

PROFILE = "include <tunables/global>\n\nprofile viewer /usr/bin/viewer {\n  /usr/bin/viewer mr,\n}\n"

RULE = "/srv/pictures/cat.png r,"


async def run(session: Session, command: str, *arguments: Any) -> Any:
    return await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def apply(text: str, uri: str, edit: dict[str, Any]) -> str:
    """Apply the edits of `uri` in a workspace edit (as JSON) to the ASCII `text`, whose
    columns are the same in every encoding."""
    if edit.get("documentChanges") is not None:
        edits = [item for change in edit["documentChanges"] if change.get("textDocument", {}).get("uri") == uri for item in change["edits"]]
    else:
        edits = edit["changes"].get(uri, [])
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: dict[str, int]) -> int:
        return starts[position["line"]] + position["character"]

    for item in sorted(edits, key=lambda item: offset(item["range"]["start"]), reverse=True):
        text = text[: offset(item["range"]["start"])] + item["newText"] + text[offset(item["range"]["end"]) :]
    return text


def as_json(value: Any) -> Any:
    """The JSON the client received (pytest-lsp structures some results into attrs classes)."""
    from pygls.protocol import default_converter

    return json.loads(json.dumps(default_converter().unstructure(value)))


async def test_commands_are_advertised(session: Session) -> None:
    assert session.client.result is not None
    provider = session.client.result.capabilities.execute_command_provider
    assert provider is not None and {EXPLAIN, RULES} <= set(provider.commands)


async def test_explain_gives_the_objects_armorsmith_explain_prints(session: Session) -> None:
    again = DENIAL.replace(":42)", ":43)")  # the same access, logged again (another audit serial)
    result = as_json(await run(session, EXPLAIN, {"text": f"{DENIAL}\n{again}\n"}))
    assert len(result) == 1
    (found,) = result
    assert (found["profile"], found["class"], found["outcome"], found["count"]) == ("viewer", "file", "denied", 2)
    assert found["records"] == ["<text>:1", "<text>:2"]
    assert RULE in found["fix_rules"]
    cli = subprocess.run(
        [sys.executable, "-m", "armorsmith", "explain", "--format", "json", "-"],
        input=f"{DENIAL}\n{again}\n", capture_output=True, text=True, check=True,
    )
    (printed,) = json.loads(cli.stdout)
    assert set(found) == set(printed)
    assert found["summary"] == printed["summary"]


async def test_explain_of_text_without_records_is_empty(session: Session) -> None:
    assert as_json(await run(session, EXPLAIN, {"text": "profile viewer {}\nhello\n"})) == []


async def test_rules_are_added_to_the_profile_of_the_document(session: Session) -> None:
    uri = session.open("apparmor.d/usr.bin.viewer", PROFILE)
    result = as_json(await run(session, RULES, {"uri": uri, "text": DENIAL}))
    assert result["message"] == "Added 1 rule"
    changed = apply(PROFILE, uri, result["edit"])
    assert changed == PROFILE.replace("  /usr/bin/viewer mr,\n", f"  /usr/bin/viewer mr,\n  {RULE}\n")
    session.close(uri)


async def test_a_selected_pasted_run_is_replaced_by_its_rules(session: Session) -> None:
    text = PROFILE.replace("}\n", f"{DENIAL}\n}}\n")
    uri = session.open("apparmor.d/usr.bin.viewer", text)
    line = text.split("\n").index(DENIAL)
    selected = {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 10}}
    result = as_json(await run(session, RULES, {"uri": uri, "text": DENIAL, "range": selected}))
    changed = apply(text, uri, result["edit"])
    assert DENIAL not in changed and f"  {RULE}\n" in changed
    session.close(uri)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no records here", "the text holds no AppArmor log record"),
        (OTHER, "the records are for editor, which this document does not define"),
        (ALLOWED, "the policy already allows what these records ask for"),
    ],
    ids=["no-records", "other-profile", "allowed"],
)
async def test_rules_when_nothing_is_to_add(session: Session, text: str, message: str) -> None:
    uri = session.open("apparmor.d/usr.bin.viewer", PROFILE)
    result = as_json(await run(session, RULES, {"uri": uri, "text": text}))
    assert result == {"edit": None, "message": message}
    session.close(uri)


@pytest.mark.parametrize(
    ("command", "arguments", "says"),
    [
        (EXPLAIN, [], "takes one object argument with the keys text"),
        (EXPLAIN, [{"text": 3}], "'text' must be a string"),
        (RULES, [{"text": DENIAL}], "'uri' must be a string"),
        (RULES, [{"uri": "file:///x", "text": DENIAL, "range": {"start": {"line": -1}}}], "'range' must be an LSP range"),
    ],
    ids=["no-argument", "text-not-string", "no-uri", "bad-range"],
)
async def test_bad_arguments_get_invalid_params(session: Session, command: str, arguments: list[Any], says: str) -> None:
    with pytest.raises(JsonRpcInvalidParams, match=says):
        await run(session, command, *arguments)


async def test_rules_for_a_document_that_is_not_open(session: Session) -> None:
    uri = (session.tree / "apparmor.d" / "usr.bin.closed").as_uri()
    result = as_json(await run(session, RULES, {"uri": uri, "text": DENIAL}))
    assert result == {"edit": None, "message": "the document is not open in the server; open it and try again"}
