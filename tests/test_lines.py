"""Tests of LineIndex and byte_point: offsets to positions in every encoding and back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armorsmith.syntax import LineCol, LineIndex, PositionEncoding, byte_point

SOURCE = "profile x {\n  /home/*/Téléchargements/** r,\n  /tmp/🦊 r,\n}\n".encode()


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("profile", PositionEncoding.UTF8, LineCol(0, 0)),
        ("Téléchargements", PositionEncoding.UTF32, LineCol(1, 10)),
        ("/** r", PositionEncoding.UTF8, LineCol(1, 27)),
        ("/** r", PositionEncoding.UTF16, LineCol(1, 25)),
        ("/** r", PositionEncoding.UTF32, LineCol(1, 25)),
        (" r,\n}", PositionEncoding.UTF8, LineCol(2, 11)),
        (" r,\n}", PositionEncoding.UTF16, LineCol(2, 9)),
        (" r,\n}", PositionEncoding.UTF32, LineCol(2, 8)),
        ("}", PositionEncoding.UTF16, LineCol(3, 0)),
    ],
)
def test_position(text: str, encoding: PositionEncoding, expected: LineCol) -> None:
    """Ensure that offsets map to the right line and column in each encoding."""
    offset = SOURCE.index(text.encode())
    index = LineIndex(SOURCE)
    assert index.position(offset, encoding) == expected
    assert index.offset(expected, encoding) == offset


def test_byte_point_matches_utf8_positions() -> None:
    """Ensure that tree-sitter points and UTF-8 positions agree."""
    index = LineIndex(SOURCE)
    for offset in range(len(SOURCE) + 1):
        position = index.position(offset, PositionEncoding.UTF8)
        assert byte_point(SOURCE, offset) == (position.line, position.character)


def test_clamping() -> None:
    """Ensure that out-of-range offsets and columns clamp instead of raising."""
    index = LineIndex(b"ab\ncd")
    assert index.line_count == 2
    assert index.position(99, PositionEncoding.UTF16) == LineCol(1, 2)
    assert index.offset(LineCol(0, 99), PositionEncoding.UTF32) == 2
    assert index.offset(LineCol(7, 0), PositionEncoding.UTF8) == 5


def test_invalid_utf8_counts_one_column_per_byte() -> None:
    """Ensure that undecodable bytes neither raise nor break round trips."""
    index = LineIndex(b"a\xff\xfeb")
    assert index.position(3, PositionEncoding.UTF32) == LineCol(0, 3)
    assert index.offset(LineCol(0, 3), PositionEncoding.UTF16) == 3


@given(st.text(alphabet=st.sampled_from("a\né🦊\r\t"), max_size=40), st.data())
def test_round_trip(text: str, data: st.DataObject) -> None:
    """Ensure that offset -> position -> offset is the identity at every character boundary."""
    source = text.encode()
    boundaries = [len(text[:i].encode()) for i in range(len(text) + 1)]
    offset = data.draw(st.sampled_from(boundaries))
    index = LineIndex(source)
    for encoding in PositionEncoding:
        assert index.offset(index.position(offset, encoding), encoding) == offset
