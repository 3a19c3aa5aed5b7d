"""Exec rules of one profile that give the same executable different transitions.

## What it does
Finds two allow rules of one profile with exec transitions whose paths can match the same
file but whose transitions differ (`ix` and `px`, `px` and `Px`, `px -> a` and `px -> b`).
It follows apparmor_parser's two stages:

- rules with the same path text are merged first, and a conflict there is reported as
  "profile P: has merged rule PATH with conflicting x modifiers";
- then every path is compiled into one automaton, where two globs that share a path
  conflict, whether one contains the other (`/bin/*` and `/bin/**`) or they only overlap
  (`/bin/a*` and `/bin/*b`).

What does not conflict: an exact path next to a glob (the exact path wins; alternations
such as `/bin/{a,b}` count as exact, as upstream compiles them), rules of
different `priority=` (the higher one wins), rules one of which a higher-priority exec
rule or a `deny ... x` rule covers, `owner` rules next to `other` rules (they apply to
different files), `deny` rules themselves, and rules in different branches of one `if`.
Rules in qualifier blocks and in `if` branches belong to the enclosing profile; hats and
child profiles are separate.  Each target of a `->` is a transition of its own, with
upstream's naming: `cx -> child` names `PROFILE//child`, and `ix -> t` is the same
transition as `Pix -> t`.

Known limits: paths that still hold variables are compared by their text only, since the
values come from resolution; and a conflict hidden by several exact paths that together
cover the overlap of two finite globs is still reported.

## Why is this bad?
apparmor_parser refuses to load the profile: it cannot tell which transition an exec of
the shared path should take.

## Example
```
/usr/bin/foo {
  /bin/* ix,
  /bin/** px,
}
```
Use one transition for both globs, or write the paths that need `px` exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from armorsmith.aare import Aare
from armorsmith.diagnostics import Code, Diagnostic, Related
from armorsmith.model import Access, Owner, Span
from armorsmith.model.rules.file import ExecKind, ExecMode, Fallback, FilePerm, FileRule, label_has_namespace

from .scopes import ScopedRule, exclusive, scopes

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "ExecConflict", "ExecRule", "exec_rules", "find_conflicts", "is_exact", "run"]

CODES = (Code.EXEC_RULE_CONFLICT,)

_USER, _OTHER = "user", "other"
_OWNERS = {
    None: frozenset({_USER, _OTHER}),
    Owner.OWNER: frozenset({_USER}),
    Owner.OTHER: frozenset({_OTHER}),
}
"""Whose files a rule applies to, by its owner qualifier (upstream's user and other bits)."""


@dataclass(frozen=True, slots=True)
class ExecRule:
    """One file rule as the conflict check sees it; resolved rules can be built directly.

    `path` is the path as upstream matches it (no quotes, escapes kept) and `expanded`
    says whether its variables have been replaced.  `mode` is None for a `deny ... x` rule,
    which never conflicts but hides what it covers.  `owners` holds `user` and `other`
    (an `owner` rule applies to the file's owner only).  `branches` are the rule's `if`
    branches (see `ScopedRule`).  `span` is what a diagnostic underlines.
    """

    path: str
    expanded: bool
    mode: ExecMode | None
    access: Access
    owners: frozenset[str]
    priority: int
    span: Span
    branches: tuple[tuple[int, int], ...] = ()

    @property
    def deny(self) -> bool:
        """Whether the rule refuses the exec."""
        return self.access is Access.DENY


@dataclass(frozen=True, slots=True)
class ExecConflict:
    """`rule` conflicts with the earlier `other`; `same_path` when their path texts are equal."""

    rule: ExecRule
    other: ExecRule
    same_path: bool


def _transition(mode: ExecMode, path: str, profile: str | None) -> tuple[object, ...]:
    """Return what upstream compares to decide whether two transitions are the same.

    A `->` target replaces the kind with an entry of the profile's transition table,
    keeping the unsafe, inherit and unconfined-fallback bits; a `c` target without a
    namespace names `PROFILE//target`, and a `c` target equal to the path is a plain `cx`.
    """
    target = mode.target
    if target is not None and mode.kind is ExecKind.CHILD and not label_has_namespace(target):
        target = None if target == path else f"{profile or ''}//{target}"
    if target is None:
        return (mode.kind, mode.unsafe, mode.fallback)
    inherit = mode.kind is ExecKind.INHERIT or mode.fallback is Fallback.INHERIT
    return ("->", target, mode.unsafe, inherit, mode.fallback is Fallback.UNCONFINED)


def _glob(rule: ExecRule) -> Aare | None:
    if not rule.expanded:
        return None
    glob, _ = Aare.parse(rule.path)
    return glob


def is_exact(path: str) -> bool:
    """Whether upstream compiles `path` as an exact match, which beats every wildcard.

    libapparmor_re calls a rule exact when its expression has no star, plus, any-character
    or negated class (aare_rules.cc `add_rule_vec`): so alternations (`{a,b}`) and plain
    classes (`[ab]`) stay exact, while `*`, `**`, `?` and `[^...]` do not.
    """
    escaped = in_class = False
    for index, char in enumerate(path):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "*?":
            return False
        elif char == "[" and not in_class:
            if path[index + 1 : index + 2] == "^":
                return False
            in_class = True
        elif char == "]":
            in_class = False
    return True


def _may_share(rule: ExecRule, other: ExecRule) -> bool:
    """Whether the two rules compete for some executable at the same precedence.

    Equal texts always do.  Otherwise both must be exact or both wildcards (an exact
    match beats a wildcard), and share a path.
    """
    if rule.path == other.path:
        return True
    mine, theirs = _glob(rule), _glob(other)
    if mine is None or theirs is None or is_exact(rule.path) != is_exact(other.path):
        return False
    return mine.intersects(theirs)


def _hides(blocker: ExecRule, rule: ExecRule, owners: frozenset[str]) -> bool:
    """Whether `blocker` takes precedence over `rule` on every path `rule` matches."""
    if blocker is rule or not owners <= blocker.owners:
        return False
    if blocker.priority < rule.priority or (blocker.priority == rule.priority and not blocker.deny):
        return False
    if blocker.path == rule.path:
        return True
    outer, inner = _glob(blocker), _glob(rule)
    return outer is not None and inner is not None and outer.covers(inner)


def find_conflicts(rules: Sequence[ExecRule], profile: str | None) -> Iterator[ExecConflict]:
    """Yield each pair of `rules` (of one profile, in order) whose transitions conflict.

    The later rule of each pair comes first in the result; `profile` is the profile's name,
    which names the targets of `cx -> target`.
    """
    transitions = [
        _transition(rule.mode, rule.path, profile) if rule.mode is not None and not rule.deny else None
        for rule in rules
    ]
    for index, rule in enumerate(rules):
        mine = transitions[index]
        if mine is None:
            continue
        for other, theirs in zip(rules[:index], transitions, strict=False):
            if theirs is None or theirs == mine or other.access is not rule.access:
                continue
            owners = rule.owners & other.owners
            if not owners or other.priority != rule.priority or exclusive(rule.branches, other.branches):
                continue
            same_path = rule.path == other.path
            if rule.access is Access.PROMPT and not same_path:
                continue
            if not _may_share(rule, other):
                continue
            if any(_hides(blocker, rule, owners) or _hides(blocker, other, owners) for blocker in rules):
                continue
            yield ExecConflict(rule, other, same_path)


def exec_rules(scoped: Iterable[ScopedRule]) -> Iterator[ExecRule]:
    """Yield the `ExecRule` of every file rule with exec permission, as written."""
    for item in scoped:
        rule = item.rule
        if not isinstance(rule, FileRule) or FilePerm.EXEC not in rule.perms or not rule.path_text:
            continue
        access = item.qualifiers.access
        if access is not Access.DENY and rule.exec is None:
            continue
        owner = item.qualifiers.owner
        owners = _OWNERS[owner]
        expanded = rule.path is None or not rule.path.variables
        yield ExecRule(
            rule.path_text,
            expanded,
            None if access is Access.DENY else rule.exec,
            access,
            owners,
            item.qualifiers.priority or 0,
            rule.exec_span,
            item.branches,
        )


def _shown(rule: ExecRule) -> str:
    mode = rule.mode
    if mode is None:
        return "x"
    return mode.spelling + (f" -> {mode.target}" if mode.target is not None else "")


def _diagnostic(conflicts: list[ExecConflict], profile: str | None) -> Diagnostic:
    first = conflicts[0]
    rule, other = first.rule, first.other
    if first.same_path:
        where = f"profile {profile}: has" if profile is not None else "has"
        message = (
            f"{where} merged rule {rule.path} with conflicting x modifiers: "
            f"'{_shown(rule)}' here, '{_shown(other)}' in the other rule"
        )
    else:
        where = f"profile {profile} has" if profile is not None else "has"
        message = (
            f"{where} merged rule with conflicting x modifiers: '{rule.path} {_shown(rule)}' "
            f"and '{other.path} {_shown(other)}' can match the same file"
        )
    related = tuple(
        Related(f"conflicting rule: {c.other.path} {_shown(c.other)}", c.other.span.start, c.other.span.end)
        for c in conflicts
    )
    return Diagnostic.of(Code.EXEC_RULE_CONFLICT, message, rule.span.start, rule.span.end, related=related)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Report each exec rule that conflicts with an earlier rule of its profile."""
    for scope in scopes(ctx.file):
        rules = list(exec_rules(scope.rules))
        by_rule: dict[Span, list[ExecConflict]] = {}
        for conflict in find_conflicts(rules, scope.name):
            by_rule.setdefault(conflict.rule.span, []).append(conflict)
        for conflicts in by_rule.values():
            yield _diagnostic(conflicts, scope.name)
