"""Tests of userns rules (armorsmith.model.rules.userns): text, problems, covers, merge."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.userns import UsernsAccess
from rulecheck import covers, merged, problems, rendered, rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("userns", "userns,"),
        ("userns (create)", "userns create,"),
        ("audit deny userns create", "audit deny userns create,"),
    ],
)
def test_render(text: str, expected: str) -> None:
    """Ensure that a userns rule renders its one permission as written."""
    assert rendered(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("userns create", []), ("owner userns", [("qualifier-not-allowed", "owner")])],
)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() rejects only the owner prefix."""
    assert problems(text) == expected


def test_covers_merge_grants() -> None:
    """Ensure that `userns,` and `userns create,` are the same rule."""
    assert covers("userns", "userns create") and covers("userns create", "userns")
    assert not covers("deny userns", "userns")
    assert merged("userns create", "userns") == "userns create,"
    assert rule("userns").grants(rule("userns create")) == UsernsAccess.CREATE
