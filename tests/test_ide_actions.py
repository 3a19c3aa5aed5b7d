"""Code actions: diagnostic fixes, fix-all, redundant rules, `#include`, sorting and merging.

Sorting cases are (profile text, text after the action or None when nothing changes);
each result is checked to be stable: the action offers nothing on its own output.
"""

from __future__ import annotations

import pytest

from armorsmith.diagnostics import Applicability, Code, Diagnostic, Edit, Fix
from armorsmith.ide import lint_document
from armorsmith.ide.actions import (
    ActionKind,
    convert_includes_action,
    fix_actions,
    fix_all_action,
    remove_redundant_action,
    sort_rules_action,
)
from armorsmith.ide.formatting import apply_edits
from armorsmith.model import lower
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
