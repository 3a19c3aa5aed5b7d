"""Helpers for the table-driven tests of rule kinds: lower one rule, list its problems.

Each test writes a rule as it would stand in a profile, without its `,`; the helpers wrap
it in `profile p { ... }`, so tables stay a column of rule texts.
"""

from __future__ import annotations

from armorsmith.model import Rule, lower, walk_rules
from armorsmith.syntax import parse

__all__ = ["covers", "merged", "problems", "rendered", "rule"]

_HEAD = b"profile p {\n  "


def _source(text: str) -> bytes:
    return _HEAD + text.encode() + b",\n}\n"


def rule(text: str) -> Rule:
    """Return the one rule `text` lowers to; the text must parse without a syntax error."""
    parsed = parse(_source(text))
    assert not parsed.errors, [error.message for error in parsed.errors]
    (found,) = walk_rules(lower(parsed).file.items)
    return found


def rendered(text: str) -> str:
    """Return the canonical text of the rule `text`."""
    return rule(text).render()


def problems(text: str) -> list[tuple[str, str]]:
    """Return the (code, text under the range) of each problem `validate()` finds, in order."""
    source = _source(text)
    found = sorted(rule(text).validate(), key=lambda item: (item.start, item.end, item.code.value))
    return [(item.code.value, source[item.start : item.end].decode()) for item in found]


def covers(outer: str, inner: str) -> bool:
    """Return whether the rule `outer` covers the rule `inner`."""
    return rule(outer).covers(rule(inner))


def merged(first: str, second: str) -> str | None:
    """Return the canonical text of the merge of two rules, or None when they do not merge."""
    result = rule(first).merge(rule(second))
    return result.render() if result is not None else None
