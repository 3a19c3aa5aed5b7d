"""Tests of the `all` rule (armorsmith.model.rules.all): text, problems, covers, grants."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.signal import SignalAccess
from rulecheck import covers, merged, problems, rendered, rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [("all", "all,"), ("audit deny all", "audit deny all,"), ("allow all", "allow all,")],
)
def test_render(text: str, expected: str) -> None:
    """Ensure that an `all` rule renders with its qualifiers."""
    assert rendered(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("audit deny all", []),
        ("priority=0 all", []),
        ("owner all", [("qualifier-not-allowed", "owner")]),
        ("priority=-5 all", [("qualifier-not-allowed", "priority=-5")]),
    ],
)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() rejects the owner and priority prefixes, as upstream does."""
    assert problems(text) == expected


def test_covers_merge_grants() -> None:
    """Ensure that `all` covers itself in its bucket and grants any request."""
    assert covers("all", "audit all") and not covers("deny all", "all")
    assert merged("all", "all") == "all,"
    request = rule("signal send set=term")
    assert rule("all").grants(request) == SignalAccess.SEND
