"""Tests of the change_profile_conflicts check (armorsmith.checks.change_profile_conflicts)."""

from __future__ import annotations

import pytest

from armorsmith.checks import change_profile_conflicts
from checkcase import findings, resolved_findings


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("change_profile safe /x -> /b, change_profile /x -> /b,", []),
        ("change_profile safe /x -> /b, change_profile unsafe /x -> /c,", []),
        ("change_profile unsafe /x -> /b, change_profile unsafe /y -> /b,", []),
        ("change_profile -> /b, change_profile -> /b,", []),
        ("change_profile /x -> /b, audit change_profile unsafe /x -> /b,", []),
        ("change_profile /x -> /b, deny change_profile unsafe /x -> /b,", []),
        ("change_profile /x -> /b, priority=1 change_profile unsafe /x -> /b,", []),
        ("change_profile /x, change_profile unsafe /x,", [("conflicting-change-profile", "change_profile unsafe /x,")]),
        (
            "change_profile /x -> /b,\n change_profile unsafe /x -> /b,",
            [("conflicting-change-profile", "change_profile unsafe /x -> /b,")],
        ),
        (
            "change_profile unsafe /x -> /b,\n change_profile safe /x -> /b,",
            [("conflicting-change-profile", "change_profile safe /x -> /b,")],
        ),
        ("if ${A} { change_profile /x -> /b, } else { change_profile unsafe /x -> /b, }", []),
        ("^h { change_profile /x -> /b, } change_profile unsafe /x -> /b,", []),
    ],
)
def test_conflicts(body: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that only rules upstream merges (same exec, target and prefixes) are compared."""
    assert findings(change_profile_conflicts, f"profile p {{\n{body}\n}}\n") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "${A} = true\nprofile p {\n  change_profile /x -> /b,\n  if ${A} { change_profile unsafe /x -> /b, }\n}\n",
            [("conflicting-change-profile", "change_profile unsafe /x -> /b,")],
        ),
        ("${A} = false\nprofile p {\n  change_profile /x -> /b,\n  if ${A} { change_profile unsafe /x -> /b, }\n}\n", []),
        (
            "@{X} = /x\nprofile p {\n  change_profile /x -> /b,\n  change_profile unsafe @{X} -> /b,\n}\n",
            [("conflicting-change-profile", "change_profile unsafe @{X} -> /b,")],
        ),
        (
            "profile p {\n  change_profile /x -> /b,\n  include <cp>\n}\n",
            [("conflicting-change-profile", "include <cp>")],
        ),
    ],
)
def test_with_resolution(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that with resolution taken branches, expanded variables and includes are compared."""
    files = {"/etc/apparmor.d/cp": "change_profile unsafe /x -> /b,\n"}
    assert resolved_findings(change_profile_conflicts, text, files) == expected
