"""End to end: code actions applied as an editor applies them, and the result re-checked.

- A denial log pasted into a profile is reported as `pasted-denial`; its "Replace with
  rules" action, resolved and applied, removes the lines and adds the rules to the
  profile, its hat and the peer profile of the signal (another open file), and both files
  are then clean.
- "Add rules from the system log" reads the log the `logSources` setting names.
- A quick fix travels in the diagnostic's data; source actions answer their kind.

Every test runs under the Neovim and the VS Code client profiles (see conftest.py); names
carry the encoding so the two sessions of the module do not share documents.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from .edits import apply, by_uri
from .features import document, eventually
from .harness import Session, codes, settings_for

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _suffix(session: Session) -> str:
    return session.encoding.replace("utf-", "")


def _signal(sender: str, receiver: str) -> str:
    return (
        f'[987021.379719] audit: type=1400 audit(1596533293.878:234): apparmor="DENIED" operation="signal" '
        f'profile="{sender}" pid=24036 comm="kill" requested_mask="send" denied_mask="send" signal=term peer="{receiver}"'
    )


def _open(profile: str, path: str) -> str:
    return (
        f'type=AVC msg=audit(1596533293.878:239): apparmor="DENIED" operation="open" profile="{profile}" '
        f'name="{path}" pid=24036 comm="cat" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0'
    )


async def _actions(session: Session, uri: str, range_: types.Range, diagnostics: list[types.Diagnostic], only=None):
    params = types.CodeActionParams(
        text_document=document(uri),
        range=range_,
        context=types.CodeActionContext(diagnostics=diagnostics, only=only),
    )
    return list(await session.client.text_document_code_action_async(params) or [])


async def _resolved(session: Session, action: types.CodeAction) -> types.CodeAction:
    if action.edit is None:
        action = await session.client.code_action_resolve_async(action)
    assert action.edit is not None
    return action


async def test_pasted_denial_becomes_rules_and_rechecks_clean(session: Session) -> None:
    """Ensure pasted records are replaced by rules in their profile, its hat and the peer's file."""
    suffix = _suffix(session)
    demo, peer = f"demo{suffix}", f"peer{suffix}"
    peer_text = f"include <tunables/global>\n\nprofile {peer} /usr/bin/{peer} {{\n  /usr/bin/{peer} mr,\n}}\n"
    peer_uri = session.open(f"apparmor.d/{peer}", peer_text)
    text = (
        f"include <tunables/global>\n\nprofile {demo} {{\n  /etc/passwd r,\n"
        f"  {_signal(demo, peer)}\n  {_open(demo + '//helper', '/srv/data/Téléchargements/ok')}\n}}\n"
    )
    uri = session.open(f"apparmor.d/{demo}", text)
    found = await session.diagnostics(uri, 1)
    assert codes(found) == ["pasted-denial"]
    (pasted,) = found

    def replaces_both(action: types.CodeAction) -> bool:
        return action.edit is not None and set(by_uri(action.edit)) == {uri, peer_uri}

    async def request() -> types.CodeAction | None:
        offered = await _actions(session, uri, pasted.range, [pasted])
        replace = [action for action in offered if action.kind == types.CodeActionKind.QuickFix and action.is_preferred]
        return await _resolved(session, replace[0]) if replace else None

    action = await eventually(request, lambda action: action is not None and replaces_both(action), "the replace action")
    assert action.title.startswith("Replace with 3 rules")
    edits = by_uri(action.edit)
    fixed = apply(session, text, edits[uri])
    assert fixed == (
        f"include <tunables/global>\n\nprofile {demo} {{\n  /etc/passwd r,\n"
        f"  signal send set=term peer={peer},\n  ^helper {{\n    /srv/data/Téléchargements/ok r,\n  }}\n}}\n"
    )
    peer_fixed = apply(session, peer_text, edits[peer_uri])
    assert f"  signal receive set=term peer={demo},\n" in peer_fixed
    session.change(uri, 2, text, 0, len(text), fixed)
    session.change(peer_uri, 2, peer_text, 0, len(peer_text), peer_fixed)
    assert codes(await session.diagnostics(uri, 2)) == []
    assert codes(await session.diagnostics(peer_uri, 2)) == []


async def test_quick_fix_from_diagnostic_data(session: Session) -> None:
    """Ensure a diagnostic's fix comes back as a preferred quick fix that removes the repeat."""
    text = "profile again {\n  /etc/a r,\n  /etc/a r,\n}\n"
    uri = session.open(f"apparmor.d/again{_suffix(session)}", text)
    found = await session.diagnostics(uri, 1)
    redundant = [diagnostic for diagnostic in found if diagnostic.code == "redundant-rule"]
    offered = await _actions(session, uri, redundant[0].range, redundant)
    fixes = [action for action in offered if action.kind == types.CodeActionKind.QuickFix]
    assert [action.title for action in fixes] == ["Remove the redundant rule"]
    assert fixes[0].is_preferred
    assert apply(session, text, by_uri(fixes[0].edit)[uri]) == "profile again {\n  /etc/a r,\n}\n"


async def test_source_actions_by_kind(session: Session) -> None:
    """Ensure the source actions are offered by kind and do what they say."""
    text = "profile tidy {\n  #include <abstractions/base>\n  /etc/b r,\n  /etc/a r,\n}\n"
    uri = session.open(f"apparmor.d/tidy{_suffix(session)}", text)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=5, character=0))
    (convert,) = await _actions(session, uri, whole, [], only=["source.convertIncludes"])
    assert apply(session, text, by_uri(convert.edit)[uri]).startswith("profile tidy {\n  include <abstractions/base>\n")
    (ordered,) = await _actions(session, uri, whole, [], only=["source.sortRules"])
    assert apply(session, text, by_uri(ordered.edit)[uri]).endswith("  /etc/a r,\n  /etc/b r,\n}\n")


async def test_rules_from_the_system_log(session: Session) -> None:
    """Ensure "Add rules from the system log" reads the configured log and adds the document's rules."""
    suffix = _suffix(session)
    name = f"logged{suffix}"
    log = session.tree / f"audit{suffix}.log"
    log.write_text(
        "type=SERVICE_START msg=audit(1.2:3): pid=1 comm=systemd\n"
        + _open(name, "/etc/hostname") + "\n"
        + _open("someone-else", "/etc/shadow") + "\n",
        encoding="utf-8",
    )
    settings = settings_for(session.tree, logSources=[str(log)])
    session.client.set_configuration(settings, section="armorsmith")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"armorsmith": settings}))
    text = f"profile {name} {{\n  /etc/passwd r,\n}}\n"
    uri = session.open(f"apparmor.d/{name}", text)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=3, character=0))

    async def request() -> types.CodeAction | None:
        offered = await _actions(session, uri, whole, [], only=["source.addRulesFromLog"])
        return await _resolved(session, offered[0]) if offered else None

    action = await eventually(request, lambda action: action is not None and by_uri(action.edit), "the log action")
    assert action.title == "Add 1 rule from the system log"
    assert apply(session, text, by_uri(action.edit)[uri]) == f"profile {name} {{\n  /etc/passwd r,\n  /etc/hostname r,\n}}\n"
    restored = settings_for(session.tree)
    session.client.set_configuration(restored, section="armorsmith")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"armorsmith": restored}))
