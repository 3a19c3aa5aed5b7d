"""change_profile rules that upstream merges into one with conflicting exec modes.

## What it does
apparmor_parser merges the change_profile rules of a profile that have the same exec
condition, target, mode, audit and priority, as it merges file rules.  When one of them is
`unsafe` and the other is not (`safe` is the default), the merge fails.  Only rules in the
same `if` branches are compared, as which branches hold is known once variables are
resolved.

Exec conditions and targets are compared as written, before variables are expanded.

## Why is this bad?
apparmor_parser rejects the file: `profile foo: has merged rule /bin/bar with conflicting
x modifiers`.

## Example
```
profile foo {
  change_profile /usr/bin/bar -> bar,
  change_profile unsafe /usr/bin/bar -> bar,
}
```
Keep the one rule you mean.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic, Related
from armorsmith.model.rules import ChangeProfileRule

from .scopes import ScopedRule, scopes

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.CONFLICTING_CHANGE_PROFILE,)


def _merge_key(rule: ChangeProfileRule, scoped: ScopedRule) -> tuple[object, ...]:
    """What upstream's file-entry merge compares: exec condition, target and prefixes."""
    exec_text = rule.exec_condition.text if rule.exec_condition is not None else ""
    qualifiers = scoped.qualifiers
    return (exec_text, rule.target_text, qualifiers.access, qualifiers.is_audit, qualifiers.priority or 0)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Report change_profile rules that conflict with an earlier one of the same profile."""
    for scope in scopes(ctx.file):
        seen: dict[tuple[object, ...], list[tuple[ChangeProfileRule, ScopedRule]]] = {}
        for scoped in scope.rules:
            rule = scoped.rule
            if not isinstance(rule, ChangeProfileRule) or rule.exec_condition is None:
                continue
            key = _merge_key(rule, scoped)
            other = next(
                (
                    earlier for earlier, where in seen.get(key, ())
                    if earlier.is_unsafe != rule.is_unsafe and where.branches == scoped.branches
                ),
                None,
            )
            seen.setdefault(key, []).append((rule, scoped))
            if other is not None:
                yield Diagnostic.of(
                    Code.CONFLICTING_CHANGE_PROFILE,
                    f"change_profile rules for {key[0]} -> {key[1]} conflict: one is unsafe, the other "
                    "is not (upstream: has merged rule with conflicting x modifiers)",
                    rule.span.start,
                    rule.span.end,
                    related=(Related("the other rule", other.span.start, other.span.end),),
                )
