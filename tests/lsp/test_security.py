"""End to end: the security promises of the server (see docs/SECURITY.md).

The server of this module has the cross-check on, with a fake `apparmor_parser` that
records its argv and environment (tests/test_security.py has the fake and the static
half of the checks).  Every test runs under the Neovim and the VS Code client profiles.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types

from armorsmith.lsp.convert import uri_to_path

from test_security import assert_check_only, fake_parser, hostile_log, recorded
from .features import document, eventually
from .harness import PROFILES, SERVER, RecordingClient, Session, codes, policy_tree, settings_for, start, until

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(config=SERVER, scope="module", params=PROFILES)
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A session whose cross-check runs the fake parser; `outside` is a folder beside the workspace."""
    tree = policy_tree(tmp_path_factory)
    tools = tmp_path_factory.mktemp("tools")
    program = fake_parser(tools / "bin", tools / "record.jsonl")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "shadow").write_text("root:$6$secret:19000:0:99999:7:::\n")
    (outside / "abstraction").write_text("  capability sys_admn,\n")
    lsp_client.tools = tools  # type: ignore[attr-defined]
    lsp_client.outside = outside  # type: ignore[attr-defined]
    settings = settings_for(tree, parserCrossCheck={"enabled": True, "path": str(program), "timeoutSeconds": 20})
    await start(lsp_client, request.param, tree, settings)
    yield
    await lsp_client.shutdown_session()


async def test_cross_check_runs_the_parser_only_to_check(session: Session) -> None:
    """Ensure the cross-check the settings turn on runs apparmor_parser with -Q -K, and
    hands it the document's text only as a file, never in its arguments or environment."""
    tools: Path = session.client.tools  # type: ignore[attr-defined]
    marker = tools / "marker"
    payload = f"$(touch {marker}) `touch {marker}`; touch {marker}"
    text = f"profile checked {{\n  /etc/x r, # {payload}\n}}\n"
    session.open("apparmor.d/checked", text)
    runs = await until(lambda: [run for run in recorded(tools / "record.jsonl") if run["argv"][-1].endswith("/checked")], "a run")
    for run in runs:
        assert_check_only(run["argv"])
        assert not any("touch" in arg for arg in run["argv"])
        assert not any("touch" in value for value in run["env"].values())
        assert Path(run["argv"][-1]).parent.name.startswith("armorsmith-parser-")
    assert not marker.exists()


async def test_includes_outside_the_roots_are_not_read(session: Session) -> None:
    """Ensure an include of a file outside the workspace and the include paths is not read:
    it is reported as not found, and nothing of it shows."""
    outside: Path = session.client.outside  # type: ignore[attr-defined]
    name = f"escape{session.encoding[-1]}"
    text = (
        f'include "{outside / "shadow"}"\n'
        f"profile {name} {{\n  include \"{outside / 'abstraction'}\"\n  /etc/x r,\n}}\n"
    )
    uri = session.open(f"apparmor.d/{name}", text)
    found = await session.diagnostics(uri, 1)
    assert codes([d for d in found if not str(d.code).startswith("apparmor-parser")]) == ["include-not-found", "include-not-found"]
    assert not any("secret" in d.message or "sys_admn" in d.message for d in found)


async def test_code_actions_edit_only_the_document(session: Session) -> None:
    """Ensure the actions offered for hostile records pasted into a document edit that
    document, and at most create files beside it; another open document is left alone."""
    tools: Path = session.client.tools  # type: ignore[attr-defined]
    marker = tools / "marker"
    suffix = session.encoding[-1]
    other = session.open(f"apparmor.d/bystander{suffix}", f"profile bystander{suffix} {{\n  /etc/y r,\n}}\n")
    lines = hostile_log(marker).splitlines()
    text = f"profile demo{suffix} {{\n  /etc/passwd r,\n" + "".join(f"  {line}\n" for line in lines) + "}\n"
    uri = session.open(f"apparmor.d/demo{suffix}", text)
    found = await session.diagnostics(uri, 1)
    pasted = [d for d in found if d.code == "pasted-denial"]
    assert pasted

    async def request() -> list[types.CodeAction]:
        params = types.CodeActionParams(
            text_document=document(uri),
            range=types.Range(start=types.Position(0, 0), end=types.Position(len(lines) + 3, 0)),
            context=types.CodeActionContext(diagnostics=pasted),
        )
        offered = await session.client.text_document_code_action_async(params) or []
        actions = [a for a in offered if isinstance(a, types.CodeAction)]
        return [a if a.edit is not None else await session.client.code_action_resolve_async(a) for a in actions]

    actions = await eventually(request, lambda actions: any(a.is_preferred for a in actions), "the replace action")
    folder = posixpath.dirname(uri_to_path(uri))
    for action in actions:
        if action.edit is None:
            continue
        for change in action.edit.document_changes or []:
            if isinstance(change, types.TextDocumentEdit):
                target = change.text_document.uri
                assert target != other
                assert target == uri or posixpath.dirname(uri_to_path(target)) == folder, target
            else:
                assert isinstance(change, types.CreateFile), change
                assert posixpath.dirname(uri_to_path(change.uri)) == folder, change.uri
        for target in (action.edit.changes or {}):
            assert target == uri, target
    assert not marker.exists()
