"""Tests of the recovery nodes' diagnostics and of carrying them over an incremental edit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from armorsmith.diagnostics import Applicability, Code, Edit
from armorsmith.syntax import parse, reparse

TEXT = b"""profile foo {
  /etc/foo.conf r
  capability chown,
  /usr/bin/bar
  include <abstractions/base>
  /etc/last r,
}
"""


def _found(source: bytes) -> list[tuple[str, str, bytes]]:
    parsed = parse(source)
    return [(d.code.value, d.message, parsed.source[d.start : d.end]) for d in parsed.errors]


def test_missing_comma_before_a_keyword_rule() -> None:
    """Ensure that a missing ',' is reported at the end of the rule with a safe fix."""
    parsed = parse(TEXT)
    comma = [d for d in parsed.errors if d.code is Code.MISSING_TOKEN]
    assert len(comma) == 2
    first = comma[0]
    assert first.start == first.end == TEXT.index(b" r\n") + 2
    (fix,) = first.fixes
    assert fix.applicability is Applicability.SAFE and fix.edits == (Edit(first.start, first.start, ","),)


def test_path_without_permissions() -> None:
    """Ensure that a path typed without permissions is one error on the path, not more."""
    assert ("syntax-error", "file rule without permissions: write them after the path, as in '/path r,'", b"/usr/bin/bar") in _found(TEXT)


def test_rules_after_the_errors_still_parse() -> None:
    """Ensure that the rules after a half-typed line keep their own nodes."""
    parsed = parse(TEXT)
    body = parsed.root.named_children[0].child_by_field_name("body")
    kinds = [child.type for child in body.named_children]
    assert kinds == ["file_rule", "capability_rule", "file_rule", "include", "file_rule"]


def test_multi_line_rules_do_not_end_early() -> None:
    """Ensure that conditions and permissions on the next line continue the rule."""
    text = b"profile p {\n  signal set=hup\n         set=int,\n  /usr/bin/foo\n     rix,\n  mount fstype=ext4\n     /dev/sda -> /mnt/,\n}\n"
    assert parse(text).errors == ()


@settings(max_examples=200, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=len(TEXT)),
    length=st.integers(min_value=0, max_value=12),
    insert=st.sampled_from(["", ",", " r", "\n", "capability", "x", "/tmp/a", "}", " rw,\n  /b"]),
)
def test_incremental_recovery_matches_a_fresh_parse(start: int, length: int, insert: str) -> None:
    """Ensure that after any edit the errors of the re-parsed tree equal a fresh parse's."""
    end = min(len(TEXT), start + length)
    old = parse(TEXT)
    new = reparse(old, Edit(start, end, insert))
    fresh = parse(new.source)
    key = lambda d: (d.start, d.end, d.code.value, d.message)  # noqa: E731
    assert sorted(map(key, new.errors)) == sorted(map(key, fresh.errors))
