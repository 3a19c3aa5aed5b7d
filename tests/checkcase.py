"""Helpers for the table-driven tests of checks: run one check over a small policy text.

A test writes a whole file (profiles and all); `findings` runs one check module over it
and returns each diagnostic as (code, text under its range), in order, so tables show
exactly what a check points at.
"""

from __future__ import annotations

from types import ModuleType

from armorsmith.checks import CheckContext
from armorsmith.model import lower
from armorsmith.syntax import parse

__all__ = ["findings"]


def findings(check: ModuleType, text: str) -> list[tuple[str, str]]:
    """Return the (code, text under the range) of each diagnostic `check` reports on `text`."""
    source = text.encode()
    parsed = parse(source)
    assert not parsed.errors, [error.message for error in parsed.errors]
    found = sorted(
        check.run(CheckContext("test", source, lower(parsed).file)),
        key=lambda item: (item.start, item.end, item.code.value),
    )
    return [(item.code.value, source[item.start : item.end].decode()) for item in found]
