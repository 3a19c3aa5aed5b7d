"""Property tests of AppArmor globs (armorsmith.aare) over small random globs and paths.

Matching is checked against an independent reference: a direct translation of the glob
into a Python regular expression, written the way upstream's convert_aaregex_to_pcre
writes its regex, for the subset of globs generated here (no escapes, no classes with
globs inside).  Intersection and inclusion are checked against matching.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from armorsmith.aare import Aare

PIECES = ["a", "b", "*", "**", "?", "[ab]", "[^a]", "[a-b]", "{a,b}", "{,a}", "{a/,}", "{**,b}", "/"]

_segments = st.lists(st.sampled_from(PIECES), max_size=3).map("".join)
_path_globs = st.lists(_segments, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
globs = st.one_of(
    _path_globs,
    st.tuples(_path_globs, _path_globs).map(lambda pair: "{" + pair[0] + "," + pair[1] + "}"),
    st.tuples(_path_globs, _segments, _segments).map(lambda parts: parts[0] + "{" + parts[1] + "," + parts[2] + "}"),
)
"""Path-shaped globs: components of glob pieces, sometimes inside or before an alternation."""
paths = st.text(alphabet="ab/", max_size=7)


def _collapse(text: str) -> str:
    """Collapse runs of `/` as upstream's filter_slashes does, keeping a leading `//`."""
    if text.startswith("//") and not text.startswith("///"):
        return "//" + re.sub("/+", "/", text[2:])
    return re.sub("/+", "/", text)


def _reference(glob: str, *, loose: bool = False) -> str:
    """Translate a generated glob into a Python regex the way upstream builds its regex.

    A `loose` translation lets `*`, `**` and `?` match any of `a`, `b` and `/`, and has no
    rule for whole components: the paths it generates are near the glob's language, on
    both sides of its edges.
    """
    glob = _collapse(glob)
    any_byte = "[ab/]" if loose else "[^\\x00]"
    not_slash = "[ab/]" if loose else "[^/\\x00]"
    out: list[str] = []
    index = depth = 0
    in_class = False
    while index < len(glob):
        char = glob[index]
        if in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char == "*":
            run_end = index
            while run_end < len(glob) and glob[run_end] == "*":
                run_end += 1
            if not loose and out and out[-1] == "/" and (run_end == len(glob) or glob[run_end] == "/"):
                out.append(not_slash)
            if glob[index + 1 : index + 2] == "*":
                out.append(any_byte + "*")
                index += 1
            else:
                out.append(not_slash + "*")
        elif char == "?":
            out.append(not_slash)
        elif char == "{":
            out.append("(?:")
            depth += 1
        elif char == "}":
            out.append(")")
            depth -= 1
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _parse(text: str) -> Aare:
    glob, errors = Aare.parse(text)
    assert glob is not None, errors
    return glob


@settings(max_examples=300, deadline=None)
@given(globs, st.data())
def test_matching_agrees_with_the_reference(glob: str, data: st.DataObject) -> None:
    """Ensure that matching agrees with upstream's regex translation, near the glob and anywhere."""
    near = st.from_regex(_reference(glob, loose=True), fullmatch=True, alphabet="ab/")
    path = data.draw(st.one_of(near, paths))
    expected = re.fullmatch(_reference(glob), path) is not None
    assert _parse(glob).matches(path) is expected


@settings(max_examples=200, deadline=None)
@given(globs, globs, st.lists(paths, max_size=12))
def test_covers_and_intersects_agree_with_matching(first: str, second: str, sample: list[str]) -> None:
    """Ensure that inclusion and intersection never contradict matching, and intersects is symmetric."""
    a, b = _parse(first), _parse(second)
    assert a.intersects(b) is b.intersects(a)
    assert a.covers(a) and a.intersects(a)
    for path in sample:
        if a.matches(path) and b.matches(path):
            assert a.intersects(b)
        if a.covers(b) and b.matches(path):
            assert a.matches(path)
    if a.covers(b):
        assert a.intersects(b)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab/*?[]{},^-\\@x0\u00e9"), max_size=24), paths)
def test_any_text_parses_without_raising(text: str, path: str) -> None:
    """Ensure that reading any text never raises, and errors lie inside the text."""
    glob, errors = Aare.parse(text)
    size = len(text.encode("utf-8"))
    for error in errors:
        assert 0 <= error.start < error.end <= size, error
    if glob is not None:
        glob.matches(path)
        assert glob.covers(glob)
