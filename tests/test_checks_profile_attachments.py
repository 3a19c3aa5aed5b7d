"""Tests of the profile_attachments check (armorsmith.checks.profile_attachments)."""

from __future__ import annotations

import pytest

from armorsmith.checks import profile_attachments
from checkcase import findings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("profile foo /usr/bin/foo { }\n", []),
        ('profile foo "/usr/bin/foo bar" { }\n', []),
        ("profile foo @{bin}/foo { }\n", []),
        ('profile foo "usr/bin/foo" { }\n', [("invalid-attachment", '"usr/bin/foo"')]),
        ('profile p { ^h "bin" { } }\n', [("invalid-attachment", '"bin"')]),
        ("/usr/bin/x xattrs=(user.foo=bar) { }\n", []),
        ("^h xattrs=(user.foo=bar) { }\n", []),
        ("/t { profile c xattrs=(a=b) { } }\n", []),
        ("/t { ^h xattrs=() { } }\n", []),
        ("/t { ^h xattrs=(a=b) { } }\n", [("xattrs-on-hat", "xattrs=(a=b)")]),
        ("/t { hat h xattrs=(a) { } }\n", [("xattrs-on-hat", "xattrs=(a)")]),
        ('profile p + identities=(foo, "/a b") { }\n', []),
        ('profile p + identities=("a a" "b") { }\n', [("invalid-identity", '"a a"')]),
    ],
)
def test_headers(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that bad attachments, hat xattrs and identities are reported on their token."""
    assert findings(profile_attachments, text) == expected
