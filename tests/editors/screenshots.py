"""Keeping the README's screenshots true without rewriting them on every run.

The end-to-end test takes its screenshots anew each run.  A fresh screenshot replaces the
committed one only when they differ in more than a few pixels: the workbench draws small
things by timing (a busy indicator in the status bar), which would otherwise leave the
checkout modified after every test run, while a changed hover or fix changes thousands.
PNGs are decoded here with zlib alone, for the 8-bit, non-interlaced RGB and RGBA images
chromium writes.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

TOLERANCE = 0.001
"""The share of pixels that may differ before a screenshot counts as changed."""


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Return the width, the height and the rows of RGB(A) pixels of a PNG; ValueError when
    it is not an 8-bit, non-interlaced RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    position, compressed, header = 8, bytearray(), None
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
    if header is None:
        raise ValueError("PNG without a header")
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or interlace != 0 or color not in (2, 6):
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {color}, interlace {interlace}")
    size = 3 if color == 2 else 4
    raw = zlib.decompress(bytes(compressed))
    stride = width * size
    rows: list[bytes] = []
    previous = bytearray(stride)
    for index in range(height):
        start = index * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - size] if x >= size else 0
            up = previous[x]
            corner = previous[x - size] if x >= size else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[x] = (line[x] + _paeth(left, up, corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def differing_pixels(one: bytes, other: bytes) -> int | None:
    """Return how many pixels two PNGs differ in, or None when their sizes or formats differ."""
    width, height, rows = decode_png(one)
    other_width, other_height, other_rows = decode_png(other)
    if (width, height) != (other_width, other_height) or len(rows[0]) != len(other_rows[0]):
        return None
    size = len(rows[0]) // width
    count = 0
    for row, other_row in zip(rows, other_rows):
        if row != other_row:
            count += sum(1 for x in range(0, len(row), size) if row[x : x + size] != other_row[x : x + size])
    return count


def update(fresh: Path, committed: Path) -> bool:
    """Copy `fresh` over `committed` when it shows something else; return whether it did."""
    if committed.exists():
        new, old = fresh.read_bytes(), committed.read_bytes()
        if new == old:
            return False
        width, height, _ = decode_png(new)
        changed = differing_pixels(new, old)
        if changed is not None and changed <= TOLERANCE * width * height:
            return False
    committed.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fresh, committed)
    return True
