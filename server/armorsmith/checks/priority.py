"""Rule priorities: the range of `priority=`, and qualifier blocks that carry one.

## What it does
Reports a `priority=` outside -1000..1000 on any rule or block, and a non-zero priority
on a qualifier block, which apparmor_parser does not accept (`priority=0` is accepted, as
it is the default).  The kinds that refuse any priority (network, all) check that
themselves.

## Why is this bad?
apparmor_parser rejects the file: `invalid priority 2000 > 1000`, `priority is not allowed
on rule blocks`.

## Example
```
profile foo {
  priority=10 {
    /etc/passwd r,
  }
}
```
Put the priority on each rule:
```
profile foo {
  priority=10 /etc/passwd r,
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.model import QualifierBlock, Qualifiers, Rule, walk_items

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "MAX_PRIORITY", "MIN_PRIORITY", "run"]

CODES = (Code.PRIORITY_OUT_OF_RANGE, Code.QUALIFIER_NOT_ALLOWED)

MIN_PRIORITY = -1000
MAX_PRIORITY = 1000
"""The priorities policy may use (immunix.h MIN_POLICY_PRIORITY, MAX_POLICY_PRIORITY)."""


def _range(qualifiers: Qualifiers) -> Iterator[Diagnostic]:
    priority, span = qualifiers.priority, qualifiers.priority_span
    if priority is not None and span is not None and not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        yield Diagnostic.of(
            Code.PRIORITY_OUT_OF_RANGE,
            f"invalid priority {priority}: priorities range from {MIN_PRIORITY} to {MAX_PRIORITY}",
            span.start,
            span.end,
        )


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Check the priority of every rule and qualifier block of the file."""
    for item in walk_items(ctx.file.items):
        if isinstance(item, Rule):
            yield from _range(item.qualifiers)
        elif isinstance(item, QualifierBlock):
            yield from _range(item.qualifiers)
            span = item.qualifiers.priority_span
            if item.qualifiers.priority and span is not None:
                yield Diagnostic.of(
                    Code.QUALIFIER_NOT_ALLOWED,
                    "priority is not allowed on rule blocks: give each rule its priority",
                    span.start,
                    span.end,
                )
