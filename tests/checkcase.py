"""Helpers for the table-driven tests of checks: run one check over a small policy text.

A test writes a whole file (profiles and all); `findings` runs one check module over it
and returns each diagnostic as (code, text under its range), in order, so tables show
exactly what a check points at.  `resolved_findings` does the same with the document
resolved first (includes from `files`, variables, conditionals), as `lint_document` does
when it is given a configuration.
"""

from __future__ import annotations

from types import ModuleType

from armorsmith.checks import CheckContext
from armorsmith.model import lower
from armorsmith.resolve import MemoryFileSystem, ResolveConfig, resolve
from armorsmith.syntax import parse

__all__ = ["findings", "resolved_findings"]

_MAIN = "/work/main"


def findings(check: ModuleType, text: str) -> list[tuple[str, str]]:
    """Return the (code, text under the range) of each diagnostic `check` reports on `text`."""
    source = text.encode()
    parsed = parse(source)
    assert not parsed.errors, [error.message for error in parsed.errors]
    return _run(check, CheckContext(_MAIN, source, lower(parsed).file))


def resolved_findings(check: ModuleType, text: str, files: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Like `findings`, with `text` resolved first; `files` maps absolute paths to include texts."""
    source = text.encode()
    parsed = parse(source)
    assert not parsed.errors, [error.message for error in parsed.errors]
    contents = {path: body.encode() for path, body in (files or {}).items()} | {_MAIN: source}
    config = ResolveConfig(("/etc/apparmor.d",), "/work", MemoryFileSystem(contents))
    lowered = lower(parsed)
    resolution = resolve(_MAIN, parsed, lowered, config)
    return _run(check, CheckContext(_MAIN, source, lowered.file, resolution))


def _run(check: ModuleType, ctx: CheckContext) -> list[tuple[str, str]]:
    found = sorted(check.run(ctx), key=lambda item: (item.start, item.end, item.code.value))
    return [(item.code.value, ctx.source[item.start : item.end].decode()) for item in found]
