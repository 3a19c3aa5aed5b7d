"""Syntax errors the grammar parses on purpose, so that the rest of the file recovers.

Two half-typed forms are common enough that the grammar accepts them and leaves the error
to this module, instead of letting tree-sitter's error recovery swallow the next rule:

- a rule whose `,` is missing at the end of a line when the next line starts another rule:
  the scanner ends the rule with a zero-width `implicit_rule_end` node, reported here as
  "missing ','" at the end of the rule's last token, with a fix that inserts it;
- a file rule with a path but no permissions (`/usr/bin/foo` typed, nothing else yet),
  reported as a syntax error on the path.

Finding them takes one query over the tree (about 1 ms per 100 KB of policy), run when a
parse's errors are first asked for.
"""

from __future__ import annotations

from tree_sitter import Node, Query, QueryCursor

from armorsmith.diagnostics import Applicability, Code, Diagnostic, Edit, Fix

from .language import LANGUAGE

__all__ = ["recovery_errors"]

_QUERY = Query(
    LANGUAGE,
    """
    (implicit_rule_end) @end
    (file_rule path: (_) @path !permissions)
    """,
)


def _last_token_end(node: Node) -> int:
    """Return the end of the last real token before the zero-width `node`."""
    current = node.prev_sibling
    while current is not None and (current.is_extra or current.end_byte == current.start_byte):
        current = current.prev_sibling
    return current.end_byte if current is not None else node.start_byte


def _missing_comma(node: Node) -> Diagnostic:
    at = _last_token_end(node)
    fix = Fix("Insert ','", (Edit(at, at, ","),), Applicability.SAFE)
    return Diagnostic.of(Code.MISSING_TOKEN, "missing ',' at the end of the rule", at, at, fixes=(fix,))


def _missing_permissions(path: Node) -> Diagnostic:
    return Diagnostic.of(
        Code.SYNTAX_ERROR,
        "file rule without permissions: write them after the path, as in '/path r,'",
        path.start_byte,
        path.end_byte,
    )


def recovery_errors(root: Node, start: int = 0, end: int | None = None) -> list[Diagnostic]:
    """Return the diagnostics of recovery nodes under `root` that touch bytes [start, end)."""
    cursor = QueryCursor(_QUERY)
    if start > 0 or end is not None:
        cursor.set_byte_range(start, end if end is not None else root.end_byte)
    found: list[Diagnostic] = []
    for name, nodes in cursor.captures(root).items():
        for node in nodes:
            found.append(_missing_comma(node) if name == "end" else _missing_permissions(node))
    return found
