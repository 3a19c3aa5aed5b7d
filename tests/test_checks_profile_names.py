"""Tests of the profile_names check and of label parsing (armorsmith.checks.profile_names)."""

from __future__ import annotations

import pytest

from armorsmith.checks import profile_names
from armorsmith.checks.profile_tree import parse_label
from checkcase import findings


@pytest.mark.parametrize(
    ("text", "stacked", "namespace", "name", "error"),
    [
        ("/usr/bin/foo", False, None, "/usr/bin/foo", None),
        (":ns:/usr/bin/foo", False, "ns", "/usr/bin/foo", None),
        (":ns://foo", False, "ns", "foo", None),
        ("&foo", True, None, "foo", None),
        (":ns/t", False, None, ":ns/t", "Namespace not terminated: :ns/t"),
        ("::/x", False, "", "/x", "Empty namespace: ::/x"),
        (":namespace:", False, "namespace", "", "Empty named transition profile name: :namespace:"),
        ("", False, None, "", "Empty named transition profile name: "),
    ],
)
def test_parse_label(text: str, stacked: bool, namespace: str | None, name: str, error: str | None) -> None:
    """Ensure that labels split as upstream's parse_label splits them."""
    label = parse_label(text)
    assert (label.stacked, label.namespace, label.name, label.error) == (stacked, namespace, name, error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/usr/bin/foo { }\n", []),
        (":ns:/t { }\n", []),
        (":ns:foo { }\n", []),
        ('"/ **" { }\n', []),
        ("profile foo { }\n", []),
        ("profile foo//bar { }\n", []),
        ("hat foo { }\n", []),
        ("profile p { ^h { } profile c { } }\n", []),
        (":ns/t { }\n", [("invalid-profile-name", ":ns/t")]),
        ("::/does/not/exist { }\n", [("invalid-profile-name", "::/does/not/exist")]),
        (":namespace: { }\n", [("invalid-profile-name", ":namespace:")]),
        ("&foo { }\n", [("invalid-profile-name", "&foo")]),
        ("profile &foo { }\n", [("invalid-profile-name", "&foo")]),
        ("profile :ns/t { }\n", [("invalid-profile-name", ":ns/t")]),
        ("@{X}/ { }\n", [("invalid-profile-name", "@{X}/")]),
        ("profile p { ^:ns { } }\n", [("invalid-profile-name", ":ns")]),
    ],
)
def test_names(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that malformed names are reported on the name."""
    assert findings(profile_names, text) == expected
