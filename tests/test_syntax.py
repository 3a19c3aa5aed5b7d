"""Tests of armorsmith.syntax: syntax errors, their ranges and messages, and reparsing.

They rely only on behaviour any correct AppArmor grammar has (stray braces are errors,
comments and empty files are not), so they hold while the grammar evolves.
"""

from __future__ import annotations

import pytest

from armorsmith.diagnostics import Applicability, Code, Edit
from armorsmith.syntax import ROOT_KIND, parse, reparse
from armorsmith.syntax.errors import missing_message, unexpected_message

HALF_TYPED = b"""\
profile first /usr/bin/first {
  /etc/first r,
  capability
}

profile second /usr/bin/second {
  /etc/second r,
}
"""

BROKEN = [b"}\n", b"{{{\n", b"# comment\n}\n}\n", HALF_TYPED, b"profile x {\n  /etc/x r,\n"]


@pytest.mark.parametrize("text", [b"", b"# only a comment\n", "# Téléchargements\n"])
def test_clean_text_has_no_errors(text: bytes | str) -> None:
    """Ensure that empty and comment-only files parse cleanly into the root kind."""
    result = parse(text)
    assert result.errors == ()
    assert result.root.type == ROOT_KIND


def test_stray_closing_brace_is_an_error() -> None:
    """Ensure that a stray '}' is reported where it stands, naming it."""
    source = b"# comment\n}\n"
    errors = parse(source).errors
    brace = source.index(b"}")
    assert errors, "a stray '}' must be a syntax error"
    assert any(e.start <= brace < e.end or e.start == brace for e in errors)
    assert any("'}'" in e.message for e in errors)


def test_open_braces_are_an_error() -> None:
    """Ensure that '{{{' at the top of a file is a syntax error starting at its first byte."""
    errors = parse(b"{{{\n").errors
    assert errors and errors[0].start == 0
    assert errors[0].code is Code.SYNTAX_ERROR


def test_half_typed_rule_keeps_the_rest_parsed() -> None:
    """Ensure that an unfinished rule is reported and the profile after it still parses."""
    result = parse(HALF_TYPED)
    second = HALF_TYPED.index(b"profile second")
    assert result.errors, "an unfinished 'capability' rule must be reported"
    assert all(error.end <= second for error in result.errors)
    intact = [child for child in result.root.named_children if child.start_byte == second]
    assert intact and not intact[0].has_error


@pytest.mark.parametrize("text", BROKEN)
def test_error_ranges_are_well_formed(text: bytes) -> None:
    """Ensure that every syntax diagnostic has a sane range, code and message."""
    errors = parse(text).errors
    assert errors
    for error in errors:
        assert 0 <= error.start <= error.end <= len(text)
        if error.code is Code.MISSING_TOKEN:
            assert error.start == error.end and error.message.startswith("missing ")
            for fix in error.fixes:
                # A ',' missing before the next rule is certain; other guesses are not.
                certain = error.message == "missing ',' at the end of the rule"
                assert fix.applicability is (Applicability.SAFE if certain else Applicability.UNSAFE)
                assert fix.edits[0].start == fix.edits[0].end == error.start
        else:
            assert error.code is Code.SYNTAX_ERROR
            assert error.message.startswith(("syntax error", "file rule without permissions"))
            assert b"\n" not in text[error.start : error.end]
    assert list(errors) == sorted(errors, key=lambda error: (error.start, error.end))


def test_invalid_utf8_parses() -> None:
    """Ensure that bytes that are not UTF-8 are parsed, never rejected with an exception."""
    result = parse(b"# caf\xe9\n\xff\xfe\n")
    assert result.source == b"# caf\xe9\n\xff\xfe\n"


def test_str_and_bytes_agree() -> None:
    """Ensure that str input is parsed as its UTF-8 encoding."""
    text = "# Téléchargements\n}\n"
    assert parse(text).errors == parse(text.encode()).errors


@pytest.mark.parametrize(
    ("kind", "named", "message"),
    [(",", False, "missing ','"), ("}", False, "missing '}'"), ("capability_name", True, "missing capability name")],
)
def test_missing_message(kind: str, named: bool, message: str) -> None:
    """Ensure that missing tokens are quoted and missing named nodes are spelled as words."""
    assert missing_message(kind, named) == message


def test_unexpected_message() -> None:
    """Ensure that unexpected-token messages quote the token, cut long text and hint only when short."""
    assert unexpected_message("}", []) == "syntax error: unexpected '}'"
    assert unexpected_message("x", ["','"]) == "syntax error: unexpected 'x' (expected ',')"
    assert unexpected_message("x", ["'}'", "','"]) == "syntax error: unexpected 'x' (expected ',' or '}')"
    assert "(expected" not in unexpected_message("x", ["'a'", "'b'", "'c'", "'d'", "'e'"])
    assert unexpected_message("", []) == "syntax error"
    long = unexpected_message("a" * 100, [])
    assert long.endswith("…'") and len(long) < 80


@pytest.mark.parametrize(
    ("text", "edit"),
    [
        (HALF_TYPED, Edit(HALF_TYPED.index(b"capability") + 10, HALF_TYPED.index(b"capability") + 10, ",")),
        (HALF_TYPED, Edit(0, 0, "# Téléchargements\n")),
        (b"# a\n# b\n", Edit(2, 7, "}\n{")),
        (b"# a\n", Edit(4, 4, "\n\n# end")),
    ],
)
def test_reparse_matches_a_full_parse(text: bytes, edit: Edit) -> None:
    """Ensure that an incremental reparse gives the tree and errors of a fresh parse, leaving the old one alone."""
    old = parse(text)
    old_tree = str(old.root)
    new = reparse(old, edit)
    expected = text[: edit.start] + edit.new_text.encode() + text[edit.end :]
    assert new.source == expected
    assert str(new.root) == str(parse(expected).root)
    assert new.errors == parse(expected).errors
    assert str(old.root) == old_tree and old.source == text


def test_reparse_rejects_ranges_outside_the_text() -> None:
    """Ensure that an edit outside the document is reported as the caller's bug."""
    with pytest.raises(ValueError, match="outside"):
        reparse(parse(b"# a\n"), Edit(3, 10, ""))
