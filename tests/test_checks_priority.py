"""Tests of the priority check (armorsmith.checks.priority)."""

from __future__ import annotations

import pytest

from armorsmith.checks import priority
from checkcase import findings


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("priority=1000 /a r,", []),
        ("priority=-1000 capability,", []),
        ("priority=+5 /a r,", []),
        ("priority=0 { /a r, }", []),
        ("priority=1001 /a r,", [("priority-out-of-range", "priority=1001")]),
        ("priority=-1001 deny /a r,", [("priority-out-of-range", "priority=-1001")]),
        ("priority=5 { /a r, }", [("qualifier-not-allowed", "priority=5")]),
        (
            "priority=2000 audit { /a r, }",
            [("priority-out-of-range", "priority=2000"), ("qualifier-not-allowed", "priority=2000")],
        ),
        ("^h { priority=99999 /a r, }", [("priority-out-of-range", "priority=99999")]),
    ],
)
def test_priority(body: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that priorities outside -1000..1000 and on blocks are reported on the prefix."""
    assert findings(priority, f"profile p {{\n{body}\n}}\n") == expected
