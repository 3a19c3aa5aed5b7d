"""Tests of semantic tokens (armorsmith.ide.tokens), made from the grammar's highlights.scm.

The grammar's highlight fixtures (`grammar/test/highlight/*.apparmor`) say which capture
each position gets, as editors reading the query draw it; the semantic tokens must give
every such position the token type its capture maps to, so the two highlightings agree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tree_sitter_apparmor

from armorsmith.ide.tokens import CAPTURE_TOKENS, TOKEN_MODIFIERS, TOKEN_TYPES, SemanticToken, semantic_tokens
from armorsmith.model import lower
from armorsmith.syntax import parse

from conftest import REPO_ROOT

FIXTURES = sorted((REPO_ROOT / "grammar" / "test" / "highlight").glob("*.apparmor"))
_ASSERTION = re.compile(r"^\s*#\s*(<-|\^)\s*@([\w.]+)")


def _assertions(path: Path) -> list[tuple[int, str]]:
    """Return (byte offset, capture) for each `# <- @x` and `#  ^ @x` line of a fixture,
    the offset being on the last line above that is not an assertion."""
    source = path.read_bytes()
    found = []
    code_line_start = 0
    offset = 0
    for line in source.split(b"\n"):
        text = line.decode()
        match = _ASSERTION.match(text)
        if match is None:
            code_line_start = offset
        else:
            # `<-` points at the column of the comment's `#`, `^` at its own column.
            marker = "#" if match.group(1) == "<-" else "^"
            column = len(text[: text.index(marker)].encode())
            found.append((code_line_start + column, match.group(2)))
        offset += len(line) + 1
    return found


def _token_at(tokens: tuple[SemanticToken, ...], offset: int) -> SemanticToken | None:
    return next((token for token in tokens if token.start <= offset < token.end), None)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: path.name)
def test_tokens_agree_with_highlight_fixtures(fixture: Path) -> None:
    """Ensure that each position the fixtures assert a capture for gets that capture's token type."""
    parsed = parse(fixture.read_bytes())
    tokens = semantic_tokens(parsed, lower(parsed).file)
    assertions = _assertions(fixture)
    assert len(assertions) > 20
    for offset, capture in assertions:
        token = _token_at(tokens, offset)
        expected = CAPTURE_TOKENS.get(capture)
        if expected is None:
            assert token is None, (offset, capture, token)
        else:
            assert token is not None and token.type == expected[0], (offset, capture, token)


def test_every_capture_of_the_query_is_mapped() -> None:
    """Ensure that every capture name highlights.scm uses maps to a token type, except punctuation."""
    # Captures, not the variable names quoted in predicates (`"@{profile_name}"`, `"@exec_path"`).
    names = set(re.findall(r"(?<![\"{])@([\w.]+)", tree_sitter_apparmor.HIGHLIGHTS_QUERY))
    unmapped = {name for name in names if name not in CAPTURE_TOKENS and not name.startswith("punctuation")}
    assert unmapped == set()
    for kind, modifiers in CAPTURE_TOKENS.values():
        assert kind in TOKEN_TYPES and set(modifiers) <= set(TOKEN_MODIFIERS)


SAMPLE = b"""\
#include <tunables/global>
@{X} = /a
@{X} += /b
profile foo /usr/bin/@{X}/** flags=(complain) {
  owner @{HOME}/T\xc3\xa9l\xc3\xa9chargements/** rw,
  /usr/bin/bar Px -> "bar baz",
  @{exec_path} mr,
  dbus send
       bus=session,
}
"""


def _spans(tokens: tuple[SemanticToken, ...]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(SAMPLE[t.start : t.end].decode(), t.type, t.modifiers) for t in tokens]


def test_tokens_are_disjoint_single_line_and_ordered() -> None:
    """Ensure that tokens never overlap, never span a line and come in document order."""
    parsed = parse(SAMPLE)
    tokens = semantic_tokens(parsed, lower(parsed).file)
    for before, after in zip(tokens, tokens[1:]):
        assert before.end <= after.start
    for token in tokens:
        assert token.end > token.start and b"\n" not in SAMPLE[token.start : token.end]


def test_nested_captures_split_the_outer_token() -> None:
    """Ensure that a variable and a glob inside a path cut the path's string token."""
    parsed = parse(SAMPLE)
    found = _spans(semantic_tokens(parsed))
    start = found.index(("owner", "modifier", ()))
    assert found[start + 1 : start + 6] == [
        ("@{HOME}", "variable", ()),
        ("/Téléchargements/", "string", ()),
        ("**", "macro", ()),
        ("rw", "enumMember", ()),
        ("/usr/bin/bar", "string", ()),
    ]


def test_model_adds_declaration_and_deprecated_modifiers() -> None:
    """Ensure that profile names and `=` assignments are declarations and `#include` is deprecated."""
    parsed = parse(SAMPLE)
    found = _spans(semantic_tokens(parsed, lower(parsed).file))
    assert ("#include", "keyword", ("deprecated",)) in found
    assert ("foo", "class", ("declaration",)) in found
    assert found.count(("@{X}", "variable", ("declaration",))) == 1
    assert ("@{X}", "variable", ()) in found
    assert ("@{exec_path}", "variable", ("defaultLibrary", "readonly")) in found


def test_range_gives_the_tokens_touching_it() -> None:
    """Ensure that a range request gives the tokens of that range, as the full request does."""
    parsed = parse(SAMPLE)
    full = semantic_tokens(parsed)
    start = SAMPLE.index(b"  /usr/bin/bar")
    end = SAMPLE.index(b"  @{exec_path}")
    ranged = semantic_tokens(parsed, None, start, end)
    assert ranged == tuple(token for token in full if token.end > start and token.start < end)
