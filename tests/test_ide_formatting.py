"""Formatting: whitespace only, comments kept, idempotent, and the model never changes.

Cases are (input, expected output) pairs; `|` in a case marks the start and end of the
range for range formatting.  The corpus test formats every upstream file and checks that
it parses to the same model and that formatting the result changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armorsmith.diagnostics import Edit
from armorsmith.ide.formatting import FormatOptions, apply_edits, format_document, format_range
from armorsmith.model import Include, Profile, Rule, lower, walk_items
from armorsmith.resolve import is_skipped_name
from armorsmith.syntax import parse


def _format(text: str, options: FormatOptions = FormatOptions()) -> str:
    source = text.encode()
    return apply_edits(source, format_document(source, options)).decode()


DOCUMENT_CASES = [
    pytest.param(
        "profile  foo   /usr/bin/foo  flags=(complain)  {\n/etc/passwd    r,\n}",
        "profile foo /usr/bin/foo flags=(complain) {\n  /etc/passwd r,\n}\n",
        id="header-words-and-indentation",
    ),
    pytest.param(
        "/usr/bin/foo {\n\t\t/etc/x r,   \n      ^hat {\n/y rw,\n    }\n}\n\n\n",
        "/usr/bin/foo {\n  /etc/x r,\n  ^hat {\n    /y rw,\n  }\n}\n",
        id="nesting-tabs-trailing-blanks-and-final-lines",
    ),
    pytest.param(
        "profile x {\n    # a comment   \n  capability\n      # under a rule missing its comma\n  network,\n}\n",
        "profile x {\n  # a comment\n  capability\n  # under a rule missing its comma\n  network,\n}\n",
        id="comments-take-the-indentation-of-items",
    ),
    pytest.param(
        "profile x {\n  dbus send\n       bus=session   # aligned comment\n  path=/a,\n}\n",
        "profile x {\n  dbus send\n       bus=session   # aligned comment\n    path=/a,\n}\n",
        id="continuation-lines-keep-their-offset-at-least-one-unit",
    ),
    pytest.param(
        'profile x {\n  "/a  b"    r,\n  /c\\ \\ d   r,\n  include    <a  b>\n}\n',
        'profile x {\n  "/a  b" r,\n  /c\\ \\ d r,\n  include <a  b>\n}\n',
        id="strings-escapes-and-include-paths-untouched",
    ),
    pytest.param(
        "profile x {\nif ${A} {\n/x r,\n}\nelse {\n/y r,\n}\n}\n",
        "profile x {\n  if ${A} {\n    /x r,\n  }\n  else {\n    /y r,\n  }\n}\n",
        id="if-else-blocks",
    ),
    pytest.param(
        "profile x\n    {\n  /x r,\n      }\n",
        "profile x\n{\n  /x r,\n}\n",
        id="braces-on-their-own-lines",
    ),
    pytest.param(
        "@{X}  =  a   b\n@{Y} = c \\\n      d\n",
        "@{X} = a b\n@{Y} = c \\\n      d\n",
        id="variables-and-line-continuations",
    ),
    pytest.param(
        "# header\n\n  abi <abi/4.0>,\n\n# about x\n    /x    r,\n  #inner\n",
        "# header\n\n  abi <abi/4.0>,\n\n# about x\n  /x r,\n  #inner\n",
        id="fragment-with-indented-rules-keeps-its-convention",
    ),
    pytest.param(
        "profile x {\n  /x r,\n  }\n  /y r,\n}\n",
        "profile x {\n  /x r,\n}\n/y r,\n}\n",
        id="stray-closing-brace-lines-kept-in-their-error",
    ),
    pytest.param("", "", id="empty"),
    pytest.param("  \n\n", "  \n\n", id="only-blanks"),
]


@pytest.mark.parametrize(("text", "expected"), DOCUMENT_CASES)
def test_format_document(text: str, expected: str) -> None:
    """Ensure that formatting a document gives the expected text and is idempotent."""
    assert _format(text) == expected
    assert _format(expected) == expected


def test_format_with_client_options() -> None:
    """Ensure that the client's tab size and tab preference decide the indentation unit."""
    text = "profile x {\n^h {\n/x r,\n}\n}\n"
    assert _format(text, FormatOptions(4, True)) == "profile x {\n    ^h {\n        /x r,\n    }\n}\n"
    assert _format(text, FormatOptions(4, False)) == "profile x {\n\t^h {\n\t\t/x r,\n\t}\n}\n"


RANGE_CASES = [
    pytest.param(
        "profile x {\n/a    r,\n|/b    r,\n/c    r,\n|/d    r,\n}",
        "profile x {\n/a    r,\n  /b r,\n  /c r,\n/d    r,\n}",
        id="whole-lines-only-end-at-line-start-excluded",
    ),
    pytest.param(
        "profile x {\n/a    r,\n/b  |  r,\n/c    r,\n}",
        "profile x {\n/a    r,\n  /b r,\n/c    r,\n}",
        id="empty-range-formats-its-line",
    ),
    pytest.param(
        "profile x {\n/a    r,\n|}   ",
        "profile x {\n/a    r,\n}\n",
        id="last-line-gets-the-final-newline",
    ),
]


@pytest.mark.parametrize(("marked", "expected"), RANGE_CASES)
def test_format_range(marked: str, expected: str) -> None:
    """Ensure that range formatting touches only whole lines of the range."""
    source = marked.replace("|", "").encode()
    marks = [index - number for number, index in enumerate(i for i, c in enumerate(marked) if c == "|")]
    start, end = (marks[0], marks[-1]) if len(marks) == 2 else (marks[0], marks[0])
    assert apply_edits(source, format_range(source, start, end)).decode() == expected


def test_edits_are_minimal() -> None:
    """Ensure that each edit replaces one run of blanks, so the editor keeps the rest in place."""
    source = b"profile x {\n/a    r,\n}\n"
    assert format_document(source) == (Edit(12, 12, "  "), Edit(14, 18, " "))


def test_a_document_with_syntax_errors_keeps_the_error_lines() -> None:
    """Ensure that lines inside a syntax error keep their layout while the others are formatted."""
    text = "profile x {\n      /a    r,\n  capability   chown  foo (  ,\n}\n"
    formatted = _format(text)
    assert formatted.splitlines()[1] == "  /a r,"
    assert _format(formatted) == formatted


def _model(source: bytes) -> list[str]:
    """Describe the model of `source` without ranges: every item, rules as rendered."""
    described = []
    for item in walk_items(lower(parse(source)).file.items):
        if isinstance(item, Rule):
            described.append(item.render())
        elif isinstance(item, Profile):
            name = item.name.raw if item.name else ""
            described.append(f"profile {name} {[(flag.name, flag.value) for flag in item.flags]}")
        elif isinstance(item, Include):
            described.append(f"include {item.target} {item.magic} {item.if_exists}")
        else:
            described.append(type(item).__name__)
    return described


@pytest.mark.corpus
def test_upstream_profiles_format_to_the_same_model(corpus_dir: Path) -> None:
    """Ensure that every upstream profile formats to a text with the same model, idempotently."""
    root = corpus_dir / "upstream" / "profiles"
    files = [
        path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(is_skipped_name(part) for part in path.relative_to(root).parts)
    ]
    assert len(files) > 300
    changed = 0
    for path in files:
        source = path.read_bytes()
        formatted = apply_edits(source, format_document(source))
        changed += formatted != source
        assert _model(formatted) == _model(source), path
        assert format_document(formatted) == (), path
    assert changed > 100, "formatting changed almost nothing: the corpus has aligned columns"
