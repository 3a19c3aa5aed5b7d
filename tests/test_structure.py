"""Tests of the file-level structure check (armorsmith.syntax.structure)."""

from __future__ import annotations

import pytest

from armorsmith.diagnostics import Code
from armorsmith.syntax import FileRole, guess_role, parse, structure_errors


def _codes(text: str, role: FileRole) -> list[tuple[Code, str]]:
    parsed = parse(text)
    return [
        (found.code, parsed.source[found.start : found.end].decode())
        for found in structure_errors(parsed.root, role)
    ]


def test_rule_outside_profile_in_policy_file() -> None:
    """Ensure that a rule at file level of a policy file is reported with its range."""
    text = "capability chown,\n/usr/bin/foo {\n}\n"
    assert _codes(text, FileRole.POLICY) == [(Code.RULE_OUTSIDE_PROFILE, "capability chown,")]


def test_fragment_may_hold_rules() -> None:
    """Ensure that abstractions and other fragments may hold rules at file level."""
    assert _codes("capability chown,\n/etc/passwd r,\n", FileRole.FRAGMENT) == []


def test_preamble_after_profile() -> None:
    """Ensure that variables, aliases and abi after the first profile are reported."""
    text = "/usr/bin/foo {\n}\n@{X}=/x\nalias /a/ -> /b/,\n"
    assert [code for code, _ in _codes(text, FileRole.POLICY)] == [
        Code.PREAMBLE_AFTER_PROFILE,
        Code.PREAMBLE_AFTER_PROFILE,
    ]


def test_includes_and_hats_are_allowed_anywhere() -> None:
    """Ensure that includes and top-level hats never count as misplaced."""
    text = "include <tunables/global>\n/usr/bin/foo {\n}\ninclude <local/foo>\n^hat {\n}\n"
    assert _codes(text, FileRole.POLICY) == []


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/etc/apparmor.d/usr.bin.foo", FileRole.POLICY),
        ("/etc/apparmor.d/abstractions/base", FileRole.FRAGMENT),
        ("/etc/apparmor.d/abstractions/ubuntu-browsers.d/java", FileRole.FRAGMENT),
        ("/etc/apparmor.d/tunables/home.d/site", FileRole.FRAGMENT),
        ("/etc/apparmor.d/local/usr.bin.foo", FileRole.FRAGMENT),
        ("/etc/apparmor.d/apache2.d/phpsysinfo", FileRole.FRAGMENT),
        ("profile.sd", FileRole.POLICY),
    ],
)
def test_guess_role_by_path(path: str, role: FileRole) -> None:
    """Ensure that the path conventions of /etc/apparmor.d decide the role of a named file."""
    assert guess_role(path, parse("capability,\n").root) is role


def test_guess_role_without_a_name() -> None:
    """Ensure that a nameless text is a policy file exactly when it defines a profile."""
    assert guess_role(None, parse("/usr/bin/foo {\n}\n").root) is FileRole.POLICY
    assert guess_role(None, parse("capability chown,\n").root) is FileRole.FRAGMENT


def test_feature_files_are_recognised_by_place_and_content() -> None:
    """Ensure that only a feature block under abi/ marks a feature file, not the folder alone."""
    from armorsmith.syntax import is_feature_file

    assert is_feature_file("/etc/apparmor.d/abi/4.0", b"capability {0xffffff\n}\n")
    assert is_feature_file("/etc/apparmor.d/abi/3.0", b"# c\nquery {label {multi_transaction {yes\n}\n")
    assert not is_feature_file("simple_tests/abi/bad_1.sd", b"#\nabi \"abi/4.19\",\n/does/not/exist {\n}\n")
    assert not is_feature_file("/etc/apparmor.d/usr.bin.foo", b"capability {0xffffff\n}\n")
