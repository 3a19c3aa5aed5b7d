"""Tests of pivot_root rules (armorsmith.model.rules.pivot_root)."""

from __future__ import annotations

import pytest

from armorsmith.model.rules import PivotRootRule
from rulecheck import covers, merged, problems, rendered, rule


def test_lowering() -> None:
    """Ensure that the old root, new root and target are lowered."""
    found = rule("pivot_root oldroot=/mnt/old/ /mnt/new/ -> child")
    assert isinstance(found, PivotRootRule)
    assert found.old_root is not None and found.old_root.text == "/mnt/old/"
    assert found.new_root is not None and found.new_root.text == "/mnt/new/"
    assert found.target is not None and found.target.text == "child"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pivot_root", []),
        ("pivot_root /new/", []),
        ("audit deny pivot_root oldroot=/old/ /new/ -> p", []),
        ("owner pivot_root", [("qualifier-not-allowed", "owner")]),
        ("pivot_root foo=/old/ /new/", [("invalid-pivot-root-conditional", "foo=/old/")]),
        ("pivot_root peer=(label=x)", [("invalid-pivot-root-conditional", "peer=(label=x)")]),
        (
            "pivot_root oldroot=/a/ foo=/b/",
            [
                ("ignored-pivot-root-conditional", "oldroot=/a/"),
                ("invalid-pivot-root-conditional", "foo=/b/"),
            ],
        ),
        ("pivot_root foo=/b/ oldroot=/a/", [("ignored-pivot-root-conditional", "foo=/b/")]),
    ],
)
def test_validate(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that only the last conditional counts, as upstream reads it, and must be oldroot."""
    assert problems(text) == expected


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("pivot_root", "pivot_root,"),
        ("deny pivot_root  oldroot=/o/  /n/ ->  p", "deny pivot_root oldroot=/o/ /n/ -> p,"),
    ],
)
def test_render(text: str, canonical: str) -> None:
    """Ensure that render() writes the canonical text."""
    assert rendered(text) == canonical


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("pivot_root", "pivot_root oldroot=/o/ /n/ -> p", True),
        ("pivot_root /mnt/**", "pivot_root /mnt/new/", True),
        ("pivot_root /mnt/new/", "pivot_root /mnt/**", False),
        ("pivot_root oldroot=/o/", "pivot_root /n/", False),
        ("pivot_root", "deny pivot_root", False),
    ],
)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares each part as a glob, a missing part matching anything."""
    assert covers(outer, inner) is expected


def test_merge() -> None:
    """Ensure that merge() keeps the covering rule only."""
    assert merged("pivot_root /n/", "pivot_root") == "pivot_root,"
    assert merged("pivot_root /a/", "pivot_root /b/") is None


@pytest.mark.parametrize(
    ("text", "request_text", "granted"),
    [
        ("pivot_root", "pivot_root oldroot=/o/ /n/ -> p", True),
        ("pivot_root oldroot=/old/** /new/**", "pivot_root oldroot=/old/x/ /new/y/", True),
        ("pivot_root /new/", "pivot_root /other/", False),
        ("pivot_root -> p", "pivot_root /n/ -> q", False),
    ],
)
def test_grants(text: str, request_text: str, granted: bool) -> None:
    """Ensure that grants() matches each part as a glob."""
    assert bool(rule(text).grants(rule(request_text))) is granted
