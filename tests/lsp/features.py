"""Helpers the navigation-family end-to-end tests share: cursors, positions, polling requests.

A document marks cursors with `$0` (`marked`); `position` gives the LSP position of a
mark in the session's encoding; `eventually` repeats a request until its answer satisfies
a check, for answers that depend on the workspace index the server builds in the background.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from lsprotocol import types

from .harness import TIMEOUT, Session, offsets_to_position

T = TypeVar("T")

MARK = "$0"


def marked(text: str) -> tuple[str, list[int]]:
    """Return `text` without its `$0` marks, and the character offset of each mark."""
    offsets = []
    while (index := text.find(MARK)) >= 0:
        offsets.append(index)
        text = text[:index] + text[index + len(MARK) :]
    return text, offsets


def position(session: Session, text: str, offset: int) -> types.Position:
    """Return the LSP position of character `offset` of `text` in the session's encoding."""
    return offsets_to_position(text, offset, session.encoding)


def document(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def covered(session: Session, text: str, range_: types.Range) -> str:
    """Return the text a single-line LSP range of `text` covers, in the session's encoding."""
    line = text.split("\n")[range_.start.line]
    assert range_.end.line == range_.start.line
    if session.encoding == "utf-8":
        data = line.encode("utf-8")
        return data[range_.start.character : range_.end.character].decode("utf-8")
    data = line.encode("utf-16-le")
    return data[2 * range_.start.character : 2 * range_.end.character].decode("utf-16-le")


def index_of(session: Session, line: str, character: int) -> int:
    """Return the character index in `line` of an LSP column in the session's encoding."""
    if session.encoding == "utf-8":
        return len(line.encode("utf-8")[:character].decode("utf-8"))
    return len(line.encode("utf-16-le")[: 2 * character].decode("utf-16-le"))


def apply_edits(session: Session, text: str, edits: list[types.TextEdit]) -> str:
    """Return `text` with single-line LSP text edits applied."""
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert edit.range.start.line == edit.range.end.line
        line = lines[edit.range.start.line]
        start = index_of(session, line, edit.range.start.character)
        end = index_of(session, line, edit.range.end.character)
        lines[edit.range.start.line] = line[:start] + edit.new_text + line[end:]
    return "\n".join(lines)


async def eventually(request: Callable[[], Awaitable[T]], check: Callable[[T], Any], what: str) -> T:
    """Repeat `request` until `check` accepts its answer; fail after the harness timeout."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        answer = await request()
        if check(answer):
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; last answer: {answer!r}")
        await asyncio.sleep(0.05)
