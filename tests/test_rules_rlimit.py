"""Tests of rlimit rules (armorsmith.model.rules.rlimit)."""

from __future__ import annotations

import pytest

from armorsmith.model.rules import RlimitRule
from armorsmith.model.rules.rlimit import RLIM_INFINITY
from rulecheck import covers, merged, problems, rendered, rule


def _set(text: str) -> str:
    return f"set rlimit {text}"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("nofile <= 256", 256),
        ("ofile <= 010", 8),
        ("nproc <= 08", 0),
        ("as <= 2047MB", 2047 * 1024**2),
        ("core <= 4K", 4096),
        ("stack <= 1G", 1024**3),
        ("cpu <= 1024", 1024),
        ("cpu <= 2minutes", 120),
        ("cpu <= 1500ms", 1),
        ("rttime <= 12", 12),
        ("rttime <= 60minutes", 3600 * 10**6),
        ("nice <= -10", -10),
        ("rss <= infinity", RLIM_INFINITY),
        ("nproc <= infinity KB", RLIM_INFINITY),
    ],
)
def test_amount(text: str, amount: int) -> None:
    """Ensure that values are read as upstream reads them: base-0 integers, units scaled."""
    found = rule(_set(text))
    assert isinstance(found, RlimitRule)
    assert found.amount() == amount
    assert problems(_set(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bogus <= 1", [("unknown-rlimit", "bogus")]),
        ("cpu <= forever", [("invalid-rlimit-value", "forever")]),
        ("nofile <= -1", [("invalid-rlimit-value", "-1")]),
        ("nofile <= 10 KB", [("invalid-rlimit-value", "10 KB")]),
        ("nice <= 20", [("invalid-rlimit-value", "20")]),
        ("nice <= -21", [("invalid-rlimit-value", "-21")]),
        ("nice <= 1s", [("invalid-rlimit-value", "1s")]),
        ("data <= 10kb", [("invalid-rlimit-value", "10kb")]),
        ("data <= -5", [("invalid-rlimit-value", "-5")]),
        ("cpu <= 10ms", [("invalid-rlimit-value", "10ms")]),
        ("cpu <= 0s", [("invalid-rlimit-value", "0s")]),
        ("cpu <= 5fortnights", [("invalid-rlimit-value", "5fortnights")]),
        ("rttime <= 60m", [("invalid-rlimit-value", "60m")]),
        ("rttime <= 0us", [("invalid-rlimit-value", "0us")]),
        ("cpu <= 0", []),
        ("rttime <= 0", []),
    ],
)
def test_validate(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() checks names, units and ranges per limit, as upstream does."""
    assert problems(_set(text)) == expected


def test_messages_keep_upstream_wording() -> None:
    """Ensure that the messages start with apparmor_parser's own words."""
    (minimum,) = rule(_set("cpu <= 10ms")).validate()
    assert minimum.message == "RLIMIT 'cpu 10' < minimum value of 1s"
    (unit,) = rule(_set("rttime <= 60m")).validate()
    assert unit.message.startswith("RLIMIT 'rttime' invalid value 60 m")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("nofile  <=  256", "set rlimit nofile <= 256,"),
        ("as <= 2047 MB", "set rlimit as <= 2047MB,"),
    ],
)
def test_render(text: str, canonical: str) -> None:
    """Ensure that render() writes the canonical text."""
    assert rendered(_set(text)) == canonical


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("nofile <= 512", "nofile <= 256", True),
        ("nofile <= 256", "nofile <= 512", False),
        ("ofile <= 512", "nofile <= 256", True),
        ("as <= 1GB", "as <= 1023MB", True),
        ("as <= infinity", "as <= 1GB", True),
        ("as <= 1GB", "data <= 1", False),
    ],
)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that a higher limit of the same resource covers a lower one."""
    assert covers(_set(outer), _set(inner)) is expected


def test_merge() -> None:
    """Ensure that merge() keeps the higher limit."""
    assert merged(_set("nofile <= 1"), _set("nofile <= 2")) == "set rlimit nofile <= 2,"
