"""Syntax errors: diagnostics derived from the ERROR and MISSING nodes of a tree.

This module owns the wording and the ranges of `syntax-error` and `missing-token`.
It relies on nothing grammar-specific beyond tree-sitter's own ERROR and MISSING nodes,
so it keeps working while the grammar changes.

- A MISSING node becomes "missing ','" (the node's type, quoted when it is a literal token),
  a zero-width diagnostic where the token belongs, with an unsafe fix that inserts a literal.
- An ERROR node becomes "syntax error: unexpected 'TEXT'", naming its first token, with the
  range of the ERROR node cut at the end of the line it starts on, so that one bad line never
  underlines the rest of the file. When the parse state before the error admits only a few
  tokens, the message ends with "(expected ...)".
- Nodes inside an ERROR node are not reported again.
"""

from __future__ import annotations

from tree_sitter import Language, Node

from armorsmith.diagnostics import Applicability, Code, Diagnostic, Edit, Fix

from .language import ROOT_KIND

__all__ = ["syntax_errors", "missing_message", "unexpected_message"]

_MAX_SNIPPET = 40
"""The longest token text quoted in a message, in characters."""

_MAX_EXPECTED = 4
"""Above this many possible tokens an "(expected ...)" hint says nothing useful."""


def _describe(kind: str, named: bool) -> str:
    """Name a node kind for a message: literal tokens are quoted, named kinds are words."""
    return kind.replace("_", " ") if named else f"'{kind}'"


def missing_message(kind: str, named: bool) -> str:
    """Return the message for a MISSING node of type `kind`."""
    return f"missing {_describe(kind, named)}"


def unexpected_message(snippet: str, expected: list[str]) -> str:
    """Return the message for an ERROR node whose first token reads `snippet`.

    `expected` holds already described kinds (see `_describe`); it is shown only when short.
    """
    if len(snippet) > _MAX_SNIPPET:
        snippet = snippet[: _MAX_SNIPPET - 1] + "…"
    message = f"syntax error: unexpected '{snippet}'" if snippet else "syntax error"
    if 0 < len(expected) <= _MAX_EXPECTED:
        options = sorted(expected)
        listed = options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
        message += f" (expected {listed})"
    return message


def _first_token(node: Node) -> Node:
    """Return the first non-empty leaf under `node`, or `node` itself if it has none."""
    for child in node.children:
        if child.end_byte > child.start_byte and not child.is_missing:
            return _first_token(child)
    return node


def _previous_token(node: Node) -> Node | None:
    """Return the last real token before `node` in document order, skipping extras."""
    current: Node | None = node
    while current is not None:
        sibling = current.prev_sibling
        while sibling is None:
            current = current.parent
            if current is None:
                return None
            sibling = current.prev_sibling
        while sibling.child_count:
            sibling = sibling.children[-1]
        if not (sibling.is_extra or sibling.is_missing or sibling.is_error):
            return sibling
        current = sibling
    return None


def _expected(node: Node, token: Node, language: Language) -> list[str]:
    """Return the described kinds the parser could accept just before the ERROR `node`.

    The state after the previous token is an approximation (recovery and merged states can
    admit more than the parse that failed); when it admits the rejected `token` itself, it
    is evidently not the state that failed, and no kinds are returned.
    """
    previous = _previous_token(node)
    if previous is None:
        return []
    state = previous.next_parse_state
    lookahead = language.lookahead_iterator(state)
    if lookahead is None:
        return []
    # The iterator also yields nonterminals (the state's gotos); only terminals, numbered
    # from 1 up to the start rule's id, are tokens. Symbol 0 is the end of input. Extras such
    # as comments are allowed everywhere, so naming them says nothing; tree-sitter shifts an
    # extra without leaving the state, which is how they are recognised.
    first_nonterminal = language.id_for_node_kind(ROOT_KIND, True)
    kinds = {
        _describe(language.node_kind_for_id(symbol) or "", language.node_kind_is_named(symbol))
        for symbol in lookahead.symbols()
        if 0 < symbol < first_nonterminal
        and language.node_kind_is_visible(symbol)
        and language.next_state(state, symbol) != state
    }
    kinds.discard("''")
    if token is not node and _describe(token.type, token.is_named) in kinds:
        return []
    return list(kinds)


def _missing(node: Node) -> Diagnostic:
    at = node.start_byte
    fixes: tuple[Fix, ...] = ()
    if not node.is_named:
        insert = Edit(at, at, node.type)
        fixes = (Fix(f"Insert '{node.type}'", (insert,), Applicability.UNSAFE),)
    return Diagnostic.of(
        Code.MISSING_TOKEN, missing_message(node.type, node.is_named), at, at, fixes=fixes
    )


def _unexpected(node: Node, source: bytes, language: Language) -> Diagnostic:
    start = node.start_byte
    line_end = source.find(b"\n", start)
    end = node.end_byte if line_end == -1 else min(node.end_byte, line_end)
    token = _first_token(node)
    token_text = source[token.start_byte : min(token.end_byte, end)]
    snippet = token_text.decode("utf-8", "replace").strip()
    if not snippet and start >= len(source):
        return Diagnostic.of(Code.SYNTAX_ERROR, "syntax error: unexpected end of file", start, end)
    message = unexpected_message(snippet, _expected(node, token, language))
    return Diagnostic.of(Code.SYNTAX_ERROR, message, start, end)


def syntax_errors(root: Node, source: bytes, language: Language) -> tuple[Diagnostic, ...]:
    """Return the syntax diagnostics of the tree under `root`, ordered by position.

    Only subtrees that contain errors are visited, so an error-free tree costs one check.
    """
    found: list[Diagnostic] = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.is_missing:
            found.append(_missing(node))
        elif node.is_error:
            found.append(_unexpected(node, source, language))
        elif node.has_error:
            pending.extend(reversed(node.children))
    found.sort(key=lambda diagnostic: (diagnostic.start, diagnostic.end))
    return tuple(found)
