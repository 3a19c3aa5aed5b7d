"""Tests of the qualifier_blocks check (armorsmith.checks.qualifier_blocks)."""

from __future__ import annotations

import pytest

from armorsmith.checks import qualifier_blocks
from checkcase import findings


def _profile(body: str) -> str:
    return f"profile p {{\n{body}\n}}\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("audit { /a r, }", []),
        ("deny { deny /a r, }", []),
        ("deny { /a r, audit link /b -> /c, }", []),
        ("{ /a r, }", []),
        ("deny { allow /a r, }", [("conflicting-block-qualifier", "allow")]),
        ("allow { deny /a r, }", [("conflicting-block-qualifier", "deny")]),
        ("deny { prompt { /a r, } }", [("conflicting-block-qualifier", "prompt")]),
        ("deny { { allow /a r, } }", [("conflicting-block-qualifier", "allow")]),
        ("deny { change_profile -> foo, }", []),
        ("audit { change_profile -> foo, }", []),
        ("deny { change_profile /bin/x -> foo, }", []),
        ("{ deny change_profile /bin/x -> foo, }", []),
        ("audit { change_profile /bin/x -> foo, }", [("change-profile-in-block", "change_profile /bin/x -> foo,")]),
        ("deny { { change_profile /bin/x -> foo, } }", [("change-profile-in-block", "change_profile /bin/x -> foo,")]),
        ("audit { capability, }", [("rule-ignored-in-block", "capability,")]),
        ("{ mount, }", [("rule-ignored-in-block", "mount,")]),
        ("audit { if ${X} { set rlimit nofile <= 1, } }", [("rule-ignored-in-block", "set rlimit nofile <= 1,")]),
        ("audit { ^h { } }", [("rule-ignored-in-block", "^h")]),
        ("if ${X} { capability, ^h { } }", []),
    ],
)
def test_blocks(body: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that block prefixes combine as upstream combines them, and dropped items are named."""
    assert findings(qualifier_blocks, _profile(body)) == expected
