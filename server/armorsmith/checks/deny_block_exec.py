"""Exec transitions inside `deny { }` blocks.

## What it does
Reports a file rule with an exec transition (`px`, `ix` ...) or a bare `file,` inside a
`deny` qualifier block.  Upstream checks each rule first with its own qualifiers and then
again with the block's, so a rule that is fine on its own (`/bin/sh px,`) fails once the
block makes it a deny rule.  A bare `x` inside the block fails the first check already,
which the rule's own validation reports (`exec-mode-required`).

## Why is this bad?
apparmor_parser rejects the profile: "Invalid perms, in deny rules 'x' must not be
preceded by exec qualifier 'i', 'p', or 'u'".  A deny rule refuses every exec of its path
whatever the transition, so naming one says nothing.

## Example
```
/usr/bin/foo {
  deny {
    /bin/sh px,
  }
}
```
Write `deny /bin/sh x,` outside the block.  No fix is offered here: the bare `x` the
deny needs would make the rule invalid inside the block.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic, Related
from armorsmith.model import Access
from armorsmith.model.rules.file import FileRule

from .scopes import scopes

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.DENY_EXEC_MODE,)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Report exec transitions that a `deny` block around them makes invalid."""
    for scope in scopes(ctx.file):
        for item in scope.rules:
            rule = item.rule
            if not isinstance(rule, FileRule) or rule.qualifiers.access_word is not None:
                continue
            denying = (q for q in item.blocks if q.access is Access.DENY and q.access_word is not None)
            block = next(denying, None)
            if block is None or rule.exec_qualifier_problem(deny=False) is not None:
                continue
            problem = rule.exec_qualifier_problem(deny=True)
            if problem is None:
                continue
            word = block.access_word
            yield Diagnostic.of(
                problem.code,
                problem.message + " (the rule is in a 'deny' block)",
                problem.start,
                problem.end,
                related=(Related("the 'deny' block", word.span.start, word.span.end),),
            )
