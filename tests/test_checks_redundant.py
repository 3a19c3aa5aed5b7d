"""Tests of the redundant-rule and shadowed-by-deny check (armorsmith.checks.redundant_rules)."""

from __future__ import annotations

from armorsmith.diagnostics import Applicability, Code
from armorsmith.ide import lint_document
from armorsmith.resolve import MemoryFileSystem, ResolveConfig

PROFILE = b"""\
@{DATA}=/srv/a/ /srv/b/
profile foo {
  include <abstractions/base>
  /etc/ld.so.cache r,
  /etc/** r,
  /etc/passwd r,
  /etc/hosts r,
  /etc/hosts r,
  deny /etc/shadow w,
  /etc/shadow w,
  capability,
  capability chown,
  @{DATA}** r,
  /srv/a/** r,
  if ${X} {
    /etc/motd r,
  }
}
"""


def _findings(source: bytes = PROFILE) -> list[tuple[str, str]]:
    fs = MemoryFileSystem({"/p/foo": source, "/p/abstractions/base": b"/etc/ld.so.cache r,\n"})
    config = ResolveConfig(("/p",), "/p", fs)
    found = lint_document("/p/foo", source, config=config)
    return [
        (d.code.value, source[d.start : d.end].decode())
        for d in found
        if d.code in (Code.REDUNDANT_RULE, Code.SHADOWED_BY_DENY)
    ]


def test_findings() -> None:
    """Ensure that covered, repeated and shadowed rules are found and nothing else."""
    assert _findings() == [
        ("redundant-rule", "/etc/ld.so.cache r,"),
        ("redundant-rule", "/etc/passwd r,"),
        ("redundant-rule", "/etc/hosts r,"),
        ("redundant-rule", "/etc/hosts r,"),
        ("shadowed-by-deny", "/etc/shadow w,"),
        ("redundant-rule", "capability chown,"),
        ("redundant-rule", "/srv/a/** r,"),
    ]


def test_rule_with_several_values_needs_every_copy_covered() -> None:
    """Ensure that a rule whose variable has two values is redundant only if both are covered."""
    source = b"@{DATA}=/srv/a/ /srv/b/\nprofile foo {\n  @{DATA}** r,\n  /srv/a/** r,\n}\n"
    assert _findings(source) == [("redundant-rule", "/srv/a/** r,")]


def test_fix_removes_the_whole_line() -> None:
    """Ensure that the fix deletes the rule's line, and is safe."""
    source = b"profile foo {\n  /etc/** r,\n  /etc/passwd r,\n}\n"
    fs = MemoryFileSystem({"/p/foo": source})
    (finding,) = [
        d for d in lint_document("/p/foo", source, config=ResolveConfig((), "/p", fs)) if d.code is Code.REDUNDANT_RULE
    ]
    (fix,) = finding.fixes
    assert fix.applicability is Applicability.SAFE
    (edit,) = fix.edits
    assert source[: edit.start] + source[edit.end :] == b"profile foo {\n  /etc/** r,\n}\n"
