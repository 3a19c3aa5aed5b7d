"""Tests of the duplicate_profiles check (armorsmith.checks.duplicate_profiles)."""

from __future__ import annotations

import pytest

from armorsmith.checks import CheckContext, duplicate_profiles
from armorsmith.model import lower
from armorsmith.syntax import parse
from checkcase import findings, resolved_findings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/a { }\n/b { }\n", []),
        ("/a { }\n/b { }\n/a { }\n", [("duplicate-profile", "/a")]),
        (":ns:/t { }\nprofile :ns:/t { }\n", [("duplicate-profile", ":ns:/t")]),
        (":ns:/t { }\n:other:/t { }\n/t { }\n", []),
        (":ns:foo { }\n:ns://foo { }\n", [("duplicate-profile", ":ns://foo")]),
        ("/t { ^h { }\n ^h { } }\n", [("duplicate-profile", "h")]),
        ("/t { ^h { }\n profile h { } }\n", [("duplicate-profile", "h")]),
        ("/t { ^h { } }\n/u { ^h { } }\n", []),
        ("/t { ^h { ^x { } }\n ^x { } }\n", []),
        ("/t { if ${A} { ^h { } } else { ^h { } } }\n", []),
        ("/t { if ${A} { ^h { } }\n if not ${A} { ^h { } } }\n", []),
        ("/t { ^h { }\n if ${A} { ^h { } } }\n", []),
        ("/t { if ${A} { ^h { }\n ^h { } } }\n", [("duplicate-profile", "h")]),
        ("/t { audit { ^h { } }\n ^h { } }\n", []),
    ],
)
def test_duplicates(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that names clash only within one scope and one set of `if` branches."""
    assert findings(duplicate_profiles, text) == expected


def test_message_and_related() -> None:
    """Ensure that the message follows upstream's and points back at the first definition."""
    source = b"/t {\n  ^h { }\n  ^h { }\n}\n"
    (found,) = duplicate_profiles.run(CheckContext("t", source, lower(parse(source)).file))
    assert found.message == "Multiple definitions for hat h in profile /t exist"
    assert source[found.related[0].start : found.related[0].end].startswith(b"^h")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${A} = true\n/t { ^h { }\n if ${A} { ^h { } } }\n", [("duplicate-profile", "h")]),
        ("${A} = false\n/t { ^h { }\n if ${A} { ^h { } } }\n", []),
        ("${A} = true\n/t { if ${A} { ^h { } } else { ^h { } } }\n", []),
        ("/t { audit { ^h { } }\n ^h { } }\n", []),
        ("/t { ^h { }\n include <h> }\n", [("duplicate-profile", "include <h>")]),
    ],
)
def test_with_resolution_only_defined_profiles_clash(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that with resolution the taken `if` branches and included hats are compared."""
    assert resolved_findings(duplicate_profiles, text, {"/etc/apparmor.d/h": "^h { }\n"}) == expected
