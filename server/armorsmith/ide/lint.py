"""Linting one document: every diagnostic armorsmith reports for a file's bytes.

This is the single entry point the CLI and, later, the language server call, so both
always report the same findings. It is pure: it never touches the file system.
"""

from __future__ import annotations

from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.checks import CheckContext, run_checks
from armorsmith.model import lower, walk_rules
from armorsmith.syntax import guess_role, parse, structure_errors

__all__ = ["lint_document"]


def _utf8_problem(source: bytes) -> Diagnostic | None:
    """Report the first byte sequence that is not valid UTF-8, if there is one."""
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = source[error.start : error.end].hex(" ")
        message = f"file is not valid UTF-8 (first invalid byte sequence: {bad})"
        return Diagnostic.of(Code.INVALID_UTF8, message, error.start, error.end)
    return None


def lint_document(path: str, source: bytes) -> list[Diagnostic]:
    """Return the diagnostics for the document `path` whose content is `source`.

    `path` names the document but is not read: it decides whether the file is a policy file
    or a fragment (see `armorsmith.syntax.guess_role`), and include resolution will anchor
    on it. Diagnostics are ordered by position, then by code.
    """
    parsed = parse(source)
    found = list(parsed.errors)
    found += structure_errors(parsed.root, guess_role(path, parsed.root))
    lowered = lower(parsed)
    found += lowered.diagnostics
    for rule in walk_rules(lowered.file.items):
        found += rule.validate()
    found += run_checks(CheckContext(path, source, lowered.file))
    utf8_problem = _utf8_problem(source)
    if utf8_problem is not None:
        found.append(utf8_problem)
    found.sort(key=lambda diagnostic: (diagnostic.start, diagnostic.end, diagnostic.code.value))
    return found
