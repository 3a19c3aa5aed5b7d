"""Tests of folding ranges and selection ranges (armorsmith.ide.structure)."""

from __future__ import annotations

from armorsmith.ide.structure import Fold, folding_ranges, selection_ranges
from armorsmith.model import lower
from armorsmith.syntax import parse

from idecase import cursor

SOURCE = b"""\
# Profile for foo.
# Second line of the header.
include <tunables/global>
include <tunables/home>

profile foo /usr/bin/foo {
  dbus send
       bus=session
       path=/org/foo,
  ^hat { /a r, }
  owner {
    /b r,
    /c r,
  }
  if defined @{X} {
    /d r,
  } else {
    /e r,
  }
  /f r, }
"""


def _lines(fold: Fold) -> tuple[int, int, str]:
    return SOURCE.count(b"\n", 0, fold.start), SOURCE.count(b"\n", 0, fold.end), fold.kind


def test_folds_of_blocks_rules_comments_and_includes() -> None:
    """Ensure that blocks fold up to their closing brace's line, multi-line rules fold whole,
    comment and include runs fold, and one-line blocks do not fold."""
    parsed = parse(SOURCE)
    found = sorted(_lines(fold) for fold in folding_ranges(parsed, lower(parsed).file))
    assert found == [
        (0, 1, "comment"),
        (2, 3, "imports"),
        (5, 19, "region"),  # The profile: its `}` shares a line with a rule, so that line folds too.
        (6, 8, "region"),  # The dbus rule over three lines.
        (10, 12, "region"),  # The owner block, up to the line before its `}`.
        (14, 15, "region"),  # The `if` branch.
        (16, 17, "region"),  # The `else` branch.
    ]


def test_folds_without_the_model_skip_include_runs() -> None:
    """Ensure that folding works from the parse alone, without the include runs the model gives."""
    found = [fold.kind for fold in folding_ranges(parse(SOURCE))]
    assert "imports" not in found and "comment" in found


def test_selection_ranges_grow_from_the_token_to_the_document() -> None:
    """Ensure that selection ranges nest from the word under the cursor out to the whole file."""
    source, (offset,) = cursor("profile foo {\n  /usr/bin/b$0ar rw,\n}\n")
    (ranges,) = selection_ranges(parse(source), (offset,))
    texts = [source[span.start : span.end].decode() for span in ranges]
    assert texts[0] == "/usr/bin/bar"
    assert "/usr/bin/bar rw," in texts
    assert texts[-1] == source.decode()
    for inner, outer in zip(ranges, ranges[1:]):
        assert outer.start <= inner.start and inner.end <= outer.end and inner != outer
