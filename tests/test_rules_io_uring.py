"""Tests of io_uring rules (armorsmith.model.rules.io_uring): text, problems, covers, merge."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.io_uring import IoUringAccess
from rulecheck import covers, merged, problems, rendered, rule

RENDERED = [
    ("io_uring", "io_uring,"),
    ("io_uring (sqpoll, override_creds) label=foo", "io_uring (override_creds sqpoll) label=foo,"),
    ("deny io_uring sqpoll", "deny io_uring sqpoll,"),
]


@pytest.mark.parametrize(("text", "expected"), RENDERED)
def test_render(text: str, expected: str) -> None:
    """Ensure that an io_uring rule renders its permissions and label."""
    assert rendered(text) == expected


PROBLEMS = [
    ("io_uring override_creds label=/path/to/foo", []),
    ("io_uring peer=(label=foo)", []),
    ("io_uring peer=foo", [("unknown-conditional", "peer")]),
    ("io_uring label=(a b)", [("multiple-values", "b")]),
    ("io_uring label=a label=b", [("duplicate-conditional", "label=b")]),
    ("io_uring label in (a)", [("conditional-operator", "label in (a)")]),
    ("owner io_uring", [("qualifier-not-allowed", "owner")]),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEMS)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports upstream's io_uring errors on the offending text."""
    assert problems(text) == expected


COVERS = [
    ("io_uring", "io_uring sqpoll label=foo", True),
    ("io_uring label=foo*", "io_uring override_creds label=foobar", True),
    ("io_uring sqpoll", "io_uring override_creds", False),
    ("io_uring label=foo", "io_uring", False),
]


@pytest.mark.parametrize(("outer", "inner", "expected"), COVERS)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares permissions and label globs."""
    assert covers(outer, inner) is expected


def test_merge_and_grants() -> None:
    """Ensure that merge() joins permissions and grants() applies to matching labels."""
    assert (
        merged("io_uring sqpoll", "io_uring override_creds") == "io_uring (override_creds sqpoll),"
    )
    request = rule("io_uring override_creds label=foo")
    assert rule("io_uring label=f*").grants(request) == IoUringAccess.OVERRIDE_CREDS
    assert rule("io_uring sqpoll").grants(request) == IoUringAccess(0)
