"""Sorting upstream's FAIL verdicts into syntactic and semantic ones.

A FAIL case is *syntactic* when upstream's parser rejected it in its lexer
(flex) or its grammar (bison), before any of its own checks ran on the parsed
rule. Those are the cases a grammar must reject with a syntax error. The
messages that mark them, read from ``upstream_parser_stderr`` in the index:

- ``syntax error, unexpected X, expecting Y``: bison found a token the grammar
  does not allow there (this includes malformed permission strings, which the
  lexer hands over as an identifier where a mode was expected).
- ``Lexer found unexpected character: 'c' (0xNN) in state: S``: no lexer rule
  matches the character in that lexer state.
- ``flex scanner jammed``: the lexer could not continue at all.
- ``missing an end of line character? (entry: ...)``: an error production of
  the grammar, a rule that is not ended by a comma.
- ``Variable declarations do not accept trailing commas``: a lexer rule of the
  variable-assignment state.

Every other message is *left for semantic checks*: it comes from code that
runs on a rule the grammar accepted. That covers value checks done inside
grammar actions (``Profile names must begin with a '/'...``, ``Invalid
profile flag``, ``network invalid port``, ``owner conditional not allowed``,
``Internal: unexpected signal perms character``, conflicting exec
qualifiers), variable expansion (``Failed to find declaration``), include
resolution (``Could not open``), glob compilation (``Regex grouping error``)
and rule merging (``conflicting x modifiers``). Such a case may still yield a
syntax error in our grammar; the syntax suites count that as agreement.
"""

from __future__ import annotations

import re

SYNTACTIC_MESSAGES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bsyntax error\b",
        r"\bLexer found unexpected character\b",
        r"\bflex scanner jammed\b",
        r"\bmissing an end of line character\b",
        r"\bVariable declarations do not accept trailing commas\b",
    )
)


def is_syntactic(upstream_stderr: str) -> bool:
    """Whether upstream's error output shows a lexical or grammatical rejection."""
    return any(pattern.search(upstream_stderr) for pattern in SYNTACTIC_MESSAGES)


def first_message(upstream_stderr: str) -> str:
    """The first non-empty line of upstream's error output, for reports."""
    for line in upstream_stderr.splitlines():
        if line.strip():
            return line.strip()
    return "(no message)"


def whole_message(upstream_stderr: str) -> str:
    """All of upstream's error output on one line, its lines joined by `` | ``, for reports."""
    lines = [line.strip() for line in upstream_stderr.splitlines() if line.strip()]
    return " | ".join(lines) if lines else "(no message)"
