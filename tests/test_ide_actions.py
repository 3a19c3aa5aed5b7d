"""Code actions: diagnostic fixes, fix-all, redundant rules, `#include`, sorting and merging.

Sorting cases are (profile text, text after the action or None when nothing changes);
each result is checked to be stable: the action offers nothing on its own output.  Rules
from log records are checked by applying the workspace edit and linting every file again.
"""

from __future__ import annotations

import pytest

from armorsmith.diagnostics import Applicability, Code, Diagnostic, Edit, Fix
from armorsmith.ide import lint_document
from armorsmith.ide.actions import (
    ActionKind,
    add_from_log_action,
    convert_includes_action,
    fix_actions,
    fix_all_action,
    remove_redundant_action,
    replace_pasted_action,
    sort_rules_action,
    workspace_policy,
)
from armorsmith.ide.formatting import apply_edits
from armorsmith.ide.pasted import find_pasted_logs
from armorsmith.ide.query import load_policy
from armorsmith.logs import read_records
from armorsmith.model import LogRecord, lower
from armorsmith.resolve import MemoryFileSystem, ResolveConfig
from armorsmith.syntax import parse

PATH = "/etc/apparmor.d/usr.bin.foo"


def _fix(title: str, applicability: Applicability, *edits: Edit) -> Fix:
    return Fix(title, tuple(edits), applicability)


def test_each_fix_becomes_a_quick_fix_preferred_only_when_safe() -> None:
    """Ensure that every applicable fix is offered, and only safe fixes are preferred."""
    diagnostic = Diagnostic.of(
        Code.MISSING_TOKEN,
        "missing ','",
        5,
        5,
        fixes=(
            _fix("safe", Applicability.SAFE, Edit(5, 5, ",")),
            _fix("unsafe", Applicability.UNSAFE, Edit(5, 5, ";")),
            _fix("shown", Applicability.DISPLAY_ONLY, Edit(5, 5, "!")),
        ),
    )
    actions = fix_actions(PATH, [diagnostic])
    assert [(action.title, action.preferred, action.kind) for action in actions] == [
        ("safe", True, ActionKind.QUICKFIX),
        ("unsafe", False, ActionKind.QUICKFIX),
    ]
    assert actions[0].diagnostics == (diagnostic,)
    assert actions[0].changes[0].path == PATH


def _apply(source: bytes, action) -> bytes:
    assert action is not None
    (change,) = action.changes
    return apply_edits(source, change.edits)


def test_fix_all_applies_every_safe_fix_that_does_not_overlap() -> None:
    """Ensure that fix-all takes safe fixes only, and skips one overlapping an earlier fix."""
    diagnostics = [
        Diagnostic.of(Code.MISSING_TOKEN, "a", 0, 1, fixes=(_fix("a", Applicability.SAFE, Edit(0, 1, "A")),)),
        Diagnostic.of(Code.MISSING_TOKEN, "b", 0, 2, fixes=(_fix("b", Applicability.SAFE, Edit(0, 2, "B")),)),
        Diagnostic.of(Code.MISSING_TOKEN, "c", 3, 3, fixes=(_fix("c", Applicability.UNSAFE, Edit(3, 3, "C")),)),
        Diagnostic.of(Code.MISSING_TOKEN, "d", 4, 4, fixes=(_fix("d", Applicability.SAFE, Edit(4, 4, "D")),)),
    ]
    assert _apply(b"abcde", fix_all_action(PATH, diagnostics)) == b"AbcdDe"
    assert fix_all_action(PATH, diagnostics[2:3]) is None


def test_remove_redundant_rules_from_lint() -> None:
    """Ensure that the redundant rules lint finds are removed by one action, whole lines."""
    source = b"profile foo {\n  /etc/** r,\n  /etc/passwd r,\n  capability,\n  capability chown,\n}\n"
    action = remove_redundant_action(PATH, lint_document(PATH, source))
    assert action is not None and action.title == "Remove 2 rules covered by others"
    fixed = _apply(source, action)
    assert fixed == b"profile foo {\n  /etc/** r,\n  capability,\n}\n"
    assert remove_redundant_action(PATH, lint_document(PATH, fixed)) is None


def test_convert_every_hash_include() -> None:
    """Ensure that every `#include`, nested ones too, is spelled `include`."""
    source = b"#include <tunables/global>\nprofile foo {\n  #include <abstractions/base>\n  include <a>\n}\n"
    action = convert_includes_action(PATH, lower(parse(source)).file)
    assert _apply(source, action) == b"include <tunables/global>\nprofile foo {\n  include <abstractions/base>\n  include <a>\n}\n"
    assert convert_includes_action(PATH, lower(parse(b"include <a>\n")).file) is None


SORT_CASES = [
    pytest.param(
        "profile x {\n  /etc/b r,\n  capability setuid,\n  /etc/a r,\n}\n",
        "profile x {\n  capability setuid,\n  /etc/a r,\n  /etc/b r,\n}\n",
        id="by-kind-then-text",
    ),
    pytest.param(
        "profile x {\n  capability setuid,\n  /etc/b r,\n  capability chown,\n  /etc/b w,\n}\n",
        "profile x {\n  capability chown setuid,\n  /etc/b rw,\n}\n",
        id="merges-what-one-rule-can-say",
    ),
    pytest.param(
        "profile x {\n  # heading\n  /b r,\n  # about a\n  /a r,  # trailing\n}\n",
        "profile x {\n  # heading\n  # about a\n  /a r,  # trailing\n  /b r,\n}\n",
        id="comments-move-with-their-rule-heading-stays",
    ),
    pytest.param(
        "profile x {\n  /b r,\n  /a r,\n\n  /d r,\n  /c r,\n}\n",
        "profile x {\n  /a r,\n  /b r,\n\n  /c r,\n  /d r,\n}\n",
        id="paragraphs-sort-separately",
    ),
    pytest.param(
        "profile x {\n  /b r,\n  include <abstractions/base>\n  /a r,\n}\n",
        None,
        id="other-items-separate-paragraphs",
    ),
    pytest.param(
        "profile x {\n  signal send set=hup,\n  signal send set=int peer=a,\n  signal send set=term,\n}\n",
        "profile x {\n  signal send set=(hup term),\n  signal send set=int peer=a,\n}\n",
        id="signal-sets-merge",
    ),
    pytest.param(
        "profile x {\n  /b r, /a r,\n  /c r,\n}\n",
        None,
        id="two-rules-on-a-line-are-left-alone",
    ),
    pytest.param(
        "profile x {\n  deny /a w,\n  /a r,\n  ^hat {\n    /z r,\n    /y r,\n  }\n}\n",
        "profile x {\n  /a r,\n  deny /a w,\n  ^hat {\n    /y r,\n    /z r,\n  }\n}\n",
        id="deny-does-not-merge-with-allow-and-hats-sort-too",
    ),
    pytest.param("profile x {\n  /a r,\n  /b r,\n}\n", None, id="already-sorted"),
]


@pytest.mark.parametrize(("text", "expected"), SORT_CASES)
def test_sort_and_merge_rules(text: str, expected: str | None) -> None:
    """Ensure that sorting and merging gives the expected text and is stable."""
    source = text.encode()
    action = sort_rules_action(PATH, source, lower(parse(source)).file)
    if expected is None:
        assert action is None
        return
    result = _apply(source, action)
    assert result.decode() == expected
    assert sort_rules_action(PATH, result, lower(parse(result)).file) is None


# Rules from log records.

SIGNAL = (
    '[987021.379719] audit: type=1400 audit(1596533293.878:234): apparmor="DENIED" operation="signal" '
    'profile="demo" pid=24036 comm="kill" requested_mask="send" denied_mask="send" signal=term peer="/usr/bin/man"'
)
HAT_OPEN = (
    'type=AVC msg=audit(1596533293.878:239): apparmor="DENIED" operation="open" profile="demo//helper" '
    'name="/etc/shadow" pid=24036 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'
)
CAPABLE = (
    'type=AVC msg=audit(1596533293.878:240): apparmor="DENIED" operation="capable" profile="demo" '
    'pid=24036 comm="kill" capability=5 capname="kill"'
)
OTHER = (
    'type=AVC msg=audit(1596533293.878:241): apparmor="DENIED" operation="capable" profile="elsewhere" '
    'pid=24037 comm="x" capability=12 capname="net_admin"'
)
DEMO = "/p/apparmor.d/demo"
MAN = "/p/apparmor.d/usr.bin.man"
MAN_TEXT = b"include <tunables/global>\n\n/usr/bin/man {\n  /usr/bin/man mr,\n}\n"


def _workspace(demo: bytes) -> tuple[dict[str, bytes], ResolveConfig]:
    files = {DEMO: demo, MAN: MAN_TEXT, "/p/apparmor.d/tunables/global": b"@{HOME}=/home/*/\n"}
    return files, ResolveConfig(("/p/apparmor.d",), "/p", MemoryFileSystem(files))


def _results(action, files: dict[str, bytes]) -> dict[str, bytes]:
    results = {}
    for change in action.changes:
        source = b"" if change.create else change.source if change.source is not None else files[change.path]
        results[change.path] = apply_edits(source, change.edits)
    return results


def test_pasted_lines_become_rules_in_every_profile_they_belong_to() -> None:
    """Ensure that a paste is replaced by rules in the profile, its hat and the peer's file, all clean."""
    demo = f"include <tunables/global>\n\nprofile demo {{\n  /etc/passwd r,\n  {SIGNAL}\n  {HAT_OPEN}\n  {CAPABLE}\n}}\n".encode()
    files, config = _workspace(demo)
    indexed = load_policy([MAN], config).resolutions
    loaded, edited = workspace_policy(DEMO, demo, config, indexed)
    (run,) = find_pasted_logs(demo)
    action = replace_pasted_action(DEMO, run, loaded, edited)
    assert action is not None and action.preferred and action.kind is ActionKind.QUICKFIX
    assert action.title == "Replace with 4 rules (also in usr.bin.man)"
    results = _results(action, files)
    assert results[DEMO].decode() == (
        "include <tunables/global>\n\nprofile demo {\n  /etc/passwd r,\n  capability kill,\n"
        "  signal send set=term peer=/usr/bin/man,\n  ^helper {\n    owner /etc/shadow r,\n  }\n}\n"
    )
    assert b"  signal receive set=term peer=demo,\n" in results[MAN]
    files.update(results)
    recheck = ResolveConfig(("/p/apparmor.d",), "/p", MemoryFileSystem(files))
    for path, text in results.items():
        assert lint_document(path, text, config=recheck) == [], path


def test_rules_from_the_system_log_only_for_the_documents_profiles() -> None:
    """Ensure that the log's records of other profiles are left out, and nothing is offered without any."""
    demo = b"include <tunables/global>\n\nprofile demo {\n  /etc/passwd r,\n}\n"
    files, config = _workspace(demo)
    loaded, edited = workspace_policy(DEMO, demo, config, load_policy([MAN], config).resolutions)
    records = [record for record in read_records([CAPABLE, OTHER], "audit.log") if isinstance(record, LogRecord)]
    action = add_from_log_action(DEMO, records, loaded, edited)
    assert action is not None and action.kind is ActionKind.ADD_FROM_LOG and not action.preferred
    assert action.title == "Add 1 rule from the system log"
    assert _results(action, files)[DEMO] == b"include <tunables/global>\n\nprofile demo {\n  /etc/passwd r,\n  capability kill,\n}\n"
    assert add_from_log_action(DEMO, records[1:], loaded, edited) is None
