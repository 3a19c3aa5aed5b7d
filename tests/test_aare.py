"""Tests of AppArmor globs (armorsmith.aare): matching, errors, intersection and inclusion."""

from __future__ import annotations

import pytest

from armorsmith.aare import Aare, GlobError, glob_errors
from armorsmith.diagnostics import Code, Severity


def _glob(text: str) -> Aare:
    glob, errors = Aare.parse(text)
    assert glob is not None, errors
    return glob


MATCHES = [
    # Literals, and `/` runs collapsed as upstream's filter_slashes does.
    ("/bin/cat", "/bin/cat", True),
    ("/bin/cat", "/bin/ca", False),
    ("/bin/cat", "/bin/cats", False),
    ("/a//b", "/a/b", True),
    ("//a", "//a", True),
    ("//a", "/a", False),
    # `*`: any bytes but `/`; as a whole path component it needs at least one.
    ("/bin/*", "/bin/cat", True),
    ("/bin/*", "/bin/", False),
    ("/bin/*", "/bin/a/b", False),
    ("/bin/*/", "/bin/x/", True),
    ("/bin/*/", "/bin//", False),
    ("/*/foo", "//foo", False),
    ("/*/foo", "/a/foo", True),
    ("/bin/*cat", "/bin/cat", True),
    ("/bin/c*", "/bin/c", True),
    ("/bin/*.so", "/bin/.so", True),
    ("*", "", True),
    ("*", "a", True),
    ("*", "a/b", False),
    # `**`: anything including `/`; a whole component still needs a first byte that is not `/`.
    ("/bin/**", "/bin/a/b", True),
    ("/bin/**", "/bin/", False),
    ("/bin/**", "/bin//", False),
    ("/bin/**", "/bin/a/", True),
    ("/**/x", "/a/b/x", True),
    ("/**/x", "//x", False),
    ("/a**", "/a", True),
    ("/a**", "/ab/c", True),
    ("/a/***", "/a/b/c", True),
    # `?`: one byte but `/`; non-ASCII is several bytes.
    ("/a?c", "/abc", True),
    ("/a?c", "/a/c", False),
    ("/a?c", "/ac", False),
    ("/a?", "/a\u00e9", False),
    ("/a??", "/a\u00e9", True),
    # Classes: sets, ranges, negation (which admits `/`), braces literal inside.
    ("/[abc]", "/b", True),
    ("/[abc]", "/d", False),
    ("/[a-c]x", "/bx", True),
    ("/[c-a]x", "/bx", True),
    ("/[^a-c]", "/d", True),
    ("/[^a-c]", "/b", False),
    ("/x[^a]y", "/x/y", True),
    ("/[{}]", "/{", True),
    ("/[{}]", "/}", True),
    ("/[,]", "/,", True),
    ("/[-a]", "/-", True),
    # `[]`/`[^]` take the next `]`-free run as members, up to the next class's `]`.
    ("/[^]ab[c]", "/x", True),
    ("/[^]ab[c]", "/a", False),
    ("/[^^]", "/^", False),
    ("/[^^]", "/a", True),
    ("/[a^]", "/^", True),
    ("/[\\]]", "/]", True),
    # Alternation: empty items, nesting, globs inside.
    ("/{a,b}", "/a", True),
    ("/{a,b}", "/b", True),
    ("/{a,b}", "/c", False),
    ("/{,x}a", "/a", True),
    ("/{,x}a", "/xa", True),
    ("/a{,}", "/a", True),
    ("/{a,{b,c}d}", "/cd", True),
    ("/{a,{b,c}d}", "/c", False),
    ("/usr/{bin,sbin}/*", "/usr/sbin/x", True),
    ("/{usr/,}bin/*", "/bin/x", True),
    ("/{a*,b}", "/abc", True),
    ("/{**,}", "/", True),
    ("/{**,}", "/a/b", True),
    # Escapes: glob characters made literal, numeric escapes, unnecessary ones dropped.
    ("/a\\*", "/a*", True),
    ("/a\\*", "/ab", False),
    ("/a\\{b\\}", "/a{b}", True),
    ("/a\\[b\\]", "/a[b]", True),
    ("/a\\?", "/a?", True),
    ("/a\\,b", "/a,b", True),
    ("/{a\\,b,c}", "/a,b", True),
    ("/a\\\\b", "/a\\b", True),
    ("/a\\x41", "/aA", True),
    ("/a\\101", "/aA", True),
    ("/a\\d065", "/aA", True),
    ("/a\\x2a", "/a*", True),
    ("/a\\x2a", "/ab", False),
    ("/a\\q", "/aq", True),
    ("/a\\ b", "/a b", True),
    ("/a\\.b", "/a.b", True),
    # Characters that are regex syntax elsewhere are literal here.
    ("/a.b", "/a.b", True),
    ("/a.b", "/axb", False),
    ("/a+b|c(d)$^", "/a+b|c(d)$^", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), MATCHES)
def test_matches(pattern: str, path: str, expected: bool) -> None:
    """Ensure that a glob matches exactly the paths upstream's compiled regex does."""
    assert _glob(pattern).matches(path) is expected


ERRORS = [
    # (glob, upstream's message or our own for the regex engine's silent rejections, start, end)
    ("{a}", "Invalid number of items between {}", 0, 3),
    ("/usr/bin/{}snort", "Invalid number of items between {}", 9, 11),
    ("/usr/bin/one{en}try", "Invalid number of items between {}", 12, 16),
    ("/{a,{b}}", "Invalid number of items between {}", 4, 7),
    ("s{ession,ystem", "Unclosed grouping or character class, expecting close }", 1, 2),
    ("s{{ession,ystem}", "Unclosed grouping or character class, expecting close }", 1, 2),
    ("/a[bc", "Unclosed grouping or character class, expecting close }", 2, 3),
    ("abcd]efg", "Invalid close ], no matching open [ detected", 4, 5),
    ("/[]a]x", "Invalid close ], no matching open [ detected", 4, 5),
    ("Get,Set}", "Invalid close }, no matching open { detected", 7, 8),
    ("/a" + "{" * 50 + "b", "Exceeded maximum nesting of {}", 51, 52),
    ("/a\\", "trailing '\\' escape character", 2, 3),
    ("/alpha/[]beta", "empty character class", 7, 13),
    ("/a[^]", "empty character class", 2, 5),
    ("/a[b-]", "invalid character class", 2, 6),
    ("/a[bc-d-e]", "invalid character class", 2, 8),
    ("/a/@{HOME}/b", "variable @{HOME} must be expanded before globbing", 3, 10),
]


@pytest.mark.parametrize(("text", "message", "start", "end"), ERRORS)
def test_errors(text: str, message: str, start: int, end: int) -> None:
    """Ensure that an invalid glob gives one error, with its message and range, and no Aare."""
    glob, errors = Aare.parse(text)
    assert glob is None
    assert [(e.code, e.start, e.end) for e in errors] == [(Code.GLOB_SYNTAX_ERROR, start, end)]
    assert errors[0].message.startswith(message)
    assert glob_errors(text) == errors


def test_nesting_limit_is_fifty() -> None:
    """Ensure that 49 nested groups are fine, as upstream's MAX_ALT_DEPTH of 50 allows."""
    text = "/" + "{a," * 49 + "b" + "}" * 49
    assert _glob(text).matches("/b")
    assert _glob(text).matches("/a")


WARNINGS = [
    ("/a\\q", Code.GLOB_UNNECESSARY_ESCAPE, "Character q was quoted unnecessarily", 2, 4),
    ("/a\\.b", Code.GLOB_UNNECESSARY_ESCAPE, "Character . was quoted unnecessarily", 2, 4),
    ("/x/[*]", Code.GLOB_CHARACTER_IN_CLASS, "'*' inside a character class", 4, 5),
    ("/x/[a?]", Code.GLOB_CHARACTER_IN_CLASS, "'?' inside a character class", 5, 6),
]


@pytest.mark.parametrize(("text", "code", "message", "start", "end"), WARNINGS)
def test_warnings(text: str, code: Code, message: str, start: int, end: int) -> None:
    """Ensure that a usable glob with a doubtful spelling is returned with one warning."""
    glob, errors = Aare.parse(text)
    assert glob is not None
    assert [(e.code, e.severity, e.start, e.end) for e in errors] == [(code, Severity.WARNING, start, end)]
    assert errors[0].message.startswith(message)


@pytest.mark.parametrize(
    "text", ["/a\\ b", "/a\\\tb", "/a\\!b", "/a\\#b", "/a\\,b", "/a\\(b\\)", "/a\\\"b", "/a\\tb"]
)
def test_needed_escapes_are_not_reported(text: str) -> None:
    """Ensure that escapes the lexer or the value needs get no warning."""
    assert glob_errors(text) == ()


def test_star_in_class_means_what_upstream_compiles() -> None:
    """Ensure that `[*]` is upstream's `[[^/\\0]*]`: a class then a literal `]`, not a literal `*`."""
    glob = _glob("/x/[*]")
    assert not glob.matches("/x/*")
    assert glob.matches("/x/]")
    assert glob.matches("/x/[[]")


def test_error_maps_to_a_document_range() -> None:
    """Ensure that a glob error becomes a diagnostic at the glob's place in a document."""
    (error,) = glob_errors("/a{b}")
    assert isinstance(error, GlobError)
    diagnostic = error.diagnostic(100)
    assert (diagnostic.code, diagnostic.start, diagnostic.end) == (Code.GLOB_SYNTAX_ERROR, 102, 105)
    assert diagnostic.severity is Severity.ERROR


def test_offsets_count_utf8_bytes() -> None:
    """Ensure that error offsets are byte offsets into the UTF-8 text."""
    (error,) = glob_errors("/\u00e9{b}")
    assert (error.start, error.end) == (3, 6)


def test_direct_construction_of_an_invalid_glob_raises() -> None:
    """Ensure that an Aare is always valid: only `parse` accepts bad text, and never raises."""
    with pytest.raises(ValueError):
        Aare("/a{b}")
    assert Aare("/a/*") == _glob("/a/*")


LITERALS = [
    ("/bin/cat", True, "/bin/cat"),
    ("/bin/*", False, "/bin/"),
    ("/usr/{bin,sbin}/x", False, "/usr/"),
    ("/a[bc]", False, "/a"),
    ("/a?", False, "/a"),
    ("/a\\*b*", False, "/a*b"),
    ("/a\\x41/*", False, "/aA/"),
    ("/a//b/*", False, "/a/b/"),
    ("**", False, ""),
]


@pytest.mark.parametrize(("text", "is_literal", "prefix"), LITERALS)
def test_literal_prefix(text: str, is_literal: bool, prefix: str) -> None:
    """Ensure that the literal left part stops at the first glob construct, escapes decoded."""
    glob = _glob(text)
    assert glob.is_literal is is_literal
    assert glob.literal_prefix == prefix


PAIRS = [
    # (a, b, a intersects b, a covers b, b covers a)
    ("/bin/*", "/bin/**", True, False, True),
    ("/bin/a*", "/bin/*b", True, False, False),
    ("/bin/*", "/bin/cat", True, True, False),
    ("/bin/cat", "/bin/cat", True, True, True),
    ("/bin/cat", "/bin/dog", False, False, False),
    ("/bin/*", "/usr/bin/*", False, False, False),
    ("/bin/*", "/bin/a/b", False, False, False),
    ("/{a,b}/x", "/[ab]/x", True, True, True),
    ("/{a,b,c}", "/[ab]", True, True, False),
    ("/**", "/*", True, True, False),
    ("/**", "/", False, False, False),
    ("/{**,}", "/", True, True, False),
    ("/a/**", "/a/*/b", True, True, False),
    ("/a/*/b", "/a/**/b", True, False, True),
    ("/a/**/b", "/a/b", False, False, False),
    ("/a/{**/,}b", "/a/b", True, True, False),
    ("/x/[^a]", "/x/?", True, False, False),
    ("/x/[^a]", "/x//", False, False, False),
    ("/home/*/.config/**", "/home/user/**", True, False, False),
]


@pytest.mark.parametrize(("a", "b", "meet", "a_covers_b", "b_covers_a"), PAIRS)
def test_intersects_and_covers(a: str, b: str, meet: bool, a_covers_b: bool, b_covers_a: bool) -> None:
    """Ensure that intersection and inclusion are exact, in both directions."""
    left, right = _glob(a), _glob(b)
    assert left.intersects(right) is meet
    assert right.intersects(left) is meet
    assert left.covers(right) is a_covers_b
    assert right.covers(left) is b_covers_a


def test_labels_keep_double_slashes() -> None:
    """Ensure that `//` separates a child from its profile in labels, read without collapsing."""
    label = Aare.parse("foo//bar*", collapse_slashes=False)[0]
    assert label is not None
    assert label.matches("foo//bar1")
    assert not label.matches("foo/bar1")
    path = _glob("foo//bar*")
    assert path.matches("foo/bar1")
    assert not path.matches("foo//bar1")
    assert label != path
    assert not label.intersects(path)
    assert Aare.parse("foo//*", collapse_slashes=False)[0].covers(label)  # type: ignore[union-attr]
