"""change_profile rules that upstream merges into one with conflicting exec modes.

## What it does
apparmor_parser merges the change_profile rules of a profile that have the same exec
condition, target, mode, audit and priority, as it merges file rules.  When one of them is
`unsafe` and the other is not (`safe` is the default), the merge fails.

With resolution, the rules of each profile as compiled are compared (taken `if` branches,
included files, each exec condition and target expanded); a conflict with an included rule
is reported at the include.  Without it, exec conditions and targets are compared as
written, and only rules in the same `if` branches.

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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic, Related
from armorsmith.model import Qualifiers, Span
from armorsmith.model.rules import ChangeProfileRule

from .scopes import scopes

if TYPE_CHECKING:
    from armorsmith.resolve import PlacedRule, Resolution, ResolvedProfile

    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.CONFLICTING_CHANGE_PROFILE,)


@dataclass
class _Merger:
    """The change_profile rules of one profile seen so far, by what upstream's merge compares."""

    seen: dict[tuple[object, ...], list[tuple[ChangeProfileRule, tuple[tuple[int, int], ...], Span | None]]] = field(
        default_factory=dict
    )

    def add(
        self,
        rule: ChangeProfileRule,
        qualifiers: Qualifiers,
        exec_text: str,
        target: str,
        branches: tuple[tuple[int, int], ...],
        at: Span | None,
    ) -> Iterator[Diagnostic]:
        """Record a rule (reported at `at`; None when not in this document) and report a conflict."""
        key = (exec_text, target, qualifiers.access, qualifiers.is_audit, qualifiers.priority or 0)
        earlier = self.seen.setdefault(key, [])
        other = next(
            (item for item in earlier if item[0].is_unsafe != rule.is_unsafe and item[1] == branches), None
        )
        earlier.append((rule, branches, at))
        if other is None or at is None:
            return
        related = (Related("the other rule", other[2].start, other[2].end),) if other[2] is not None else ()
        yield Diagnostic.of(
            Code.CONFLICTING_CHANGE_PROFILE,
            f"change_profile rules for {exec_text} -> {target} conflict: one is unsafe, the other "
            "is not (upstream: has merged rule with conflicting x modifiers)",
            at.start,
            at.end,
            related=related,
        )


def _resolved(resolution: Resolution, profile: ResolvedProfile, placed: tuple[PlacedRule, ...]) -> Iterator[Diagnostic]:
    merger = _Merger()
    for item in placed:
        rule = item.rule
        if not isinstance(rule, ChangeProfileRule) or rule.exec_condition is None:
            continue
        origin = item.origin
        if origin.via:
            at: Span | None = origin.via[0].include.span
        else:
            at = rule.span if origin.document == resolution.main.path else None
        execs = resolution.expand(rule.exec_condition, profile) or (rule.exec_condition.text,)
        targets = (rule.target_text,)
        if rule.target is not None:
            targets = resolution.expand(rule.target, profile, collapse=False) or targets
        for exec_text in dict.fromkeys(execs):
            for target in dict.fromkeys(targets):
                yield from merger.add(rule, rule.qualifiers, exec_text, target, (), at)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Report change_profile rules that conflict with an earlier one of the same profile."""
    resolution = ctx.resolution
    if resolution is not None:
        for profile in resolution.walk_profiles():
            yield from _resolved(resolution, profile, profile.rules)
        return
    for scope in scopes(ctx.file):
        merger = _Merger()
        for scoped in scope.rules:
            rule = scoped.rule
            if isinstance(rule, ChangeProfileRule) and rule.exec_condition is not None:
                exec_text = rule.exec_condition.text
                yield from merger.add(rule, scoped.qualifiers, exec_text, rule.target_text, scoped.branches, rule.span)
