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

With resolution (`CheckContext.resolution`) the check runs on each profile's effective
rules: included files spliced in, only the taken `if` branches, variables expanded (one
record per value).  A conflict is shown on the rule written in the checked document, or on
the include that brought both rules in.  Without resolution it runs on the document's own
rules, and paths that hold variables compare by their text only.

With resolution, `alias` rules apply too: a rule under an alias's source also stands
under its target, as upstream copies it.

Known limit: a conflict hidden by several exact paths that together cover the overlap of
two finite globs is still reported.

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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from armorsmith.aare import Aare, is_exact
from armorsmith.diagnostics import Code, Diagnostic, Related
from armorsmith.model import Access, Owner, Qualifiers, Rule, Span
from armorsmith.model.rules.file import ExecKind, ExecMode, Fallback, FilePerm, FileRule, label_has_namespace

from armorsmith.resolve import PlacedRule, Resolution, ResolvedProfile

from .scopes import ScopedRule, exclusive, scopes

if TYPE_CHECKING:
    from . import CheckContext

__all__ = [
    "CODES",
    "ExecConflict",
    "ExecRule",
    "exec_rules",
    "find_conflicts",
    "report",
    "resolved_exec_rules",
    "run",
]

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
    branches (see `ScopedRule`).  `span` is what a diagnostic underlines, in `document`
    (None: the document being checked); `anchor` is where the rule enters the checked
    document (the include that brought it in), or None when it is written there.
    """

    path: str
    expanded: bool
    mode: ExecMode | None
    access: Access
    owners: frozenset[str]
    priority: int
    span: Span
    branches: tuple[tuple[int, int], ...] = ()
    document: str | None = None
    anchor: Span | None = None

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


def _exec_rule(rule: Rule, qualifiers: Qualifiers) -> FileRule | None:
    """Return `rule` when it takes part: a file rule with exec, typed unless it denies."""
    if not isinstance(rule, FileRule) or FilePerm.EXEC not in rule.perms or not rule.path_text:
        return None
    if qualifiers.access is not Access.DENY and rule.exec is None:
        return None
    return rule


def _record(
    rule: FileRule,
    qualifiers: Qualifiers,
    path: str,
    expanded: bool,
    branches: tuple[tuple[int, int], ...] = (),
    document: str | None = None,
    anchor: Span | None = None,
) -> ExecRule:
    access = qualifiers.access
    mode = None if access is Access.DENY else rule.exec
    owners = _OWNERS[qualifiers.owner]
    priority = qualifiers.priority or 0
    return ExecRule(path, expanded, mode, access, owners, priority, rule.exec_span, branches, document, anchor)


def exec_rules(scoped: Iterable[ScopedRule]) -> Iterator[ExecRule]:
    """Yield the `ExecRule` of every file rule with exec permission, as written."""
    for item in scoped:
        rule = _exec_rule(item.rule, item.qualifiers)
        if rule is not None:
            expanded = rule.path is None or not rule.path.variables
            yield _record(rule, item.qualifiers, rule.path_text, expanded, item.branches)


def resolved_exec_rules(
    resolution: Resolution, profile: ResolvedProfile | None, placed: Iterable[PlacedRule]
) -> Iterator[ExecRule]:
    """Yield the `ExecRule`s of resolved rules: one per concrete or aliased path.

    A rule from an included file is anchored at the include of the main document that
    brought it in.  A path or target whose expansion failed keeps its text.
    """
    for item in placed:
        rule = _exec_rule(item.rule, item.rule.qualifiers)
        if rule is None:
            continue
        paths: tuple[str, ...] = (rule.path_text,)
        expanded = True
        if rule.path is not None and rule.path.variables:
            paths = tuple(dict.fromkeys(resolution.expand(rule.path, profile))) or paths
            expanded = paths != (rule.path_text,)
        target = rule.exec_target
        if rule.exec is not None and target is not None and target.variables:
            targets = resolution.expand(target, profile, collapse=False)
            if len(targets) == 1:
                rule = replace(rule, exec=replace(rule.exec, target=targets[0]))
        origin = item.origin
        elsewhere = origin.document != resolution.main.path or bool(origin.via)
        document = origin.document if elsewhere else None
        anchor = origin.via[0].include.span if elsewhere and origin.via else None
        # Upstream copies each rule under a path an `alias` rewrites (parser_alias.c).
        aliased = tuple(
            alias.target + path[len(alias.source) :]
            for alias in resolution.aliases
            for path in paths
            if path.startswith(alias.source)
        )
        for path in dict.fromkeys(paths + aliased):
            yield _record(rule, item.rule.qualifiers, path, expanded, (), document, anchor)


def _shown(rule: ExecRule) -> str:
    mode = rule.mode
    if mode is None:
        return "x"
    return mode.spelling + (f" -> {mode.target}" if mode.target is not None else "")


def _related(rule: ExecRule) -> Related:
    return Related(f"conflicting rule: {rule.path} {_shown(rule)}", rule.span.start, rule.span.end, rule.document)


def _diagnostic(conflicts: list[ExecConflict], profile: str | None, at: Span) -> Diagnostic:
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
    related: list[Related] = []
    for conflict in conflicts:
        if conflict.rule.document is not None:
            related.append(_related(conflict.rule))
        related.append(_related(conflict.other))
    return Diagnostic.of(Code.EXEC_RULE_CONFLICT, message, at.start, at.end, related=tuple(dict.fromkeys(related)))


def report(records: Sequence[ExecRule], profile: str | None) -> Iterator[Diagnostic]:
    """Report the conflicts among the records of one profile, in the checked document.

    A conflict is shown on the rule of the pair written in the checked document (the later
    one when both are), or on the include that brought the later rule in.
    """
    by_place: dict[Span, list[ExecConflict]] = {}
    for conflict in find_conflicts(records, profile):
        rule, other = conflict.rule, conflict.other
        if rule.document is not None and other.document is None:
            conflict = ExecConflict(other, rule, conflict.same_path)
            rule = other
        at = rule.span if rule.document is None else rule.anchor or rule.span
        by_place.setdefault(at, []).append(conflict)
    for at, conflicts in by_place.items():
        yield _diagnostic(conflicts, profile, at)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Report each exec rule that conflicts with an earlier rule of its profile."""
    resolution = ctx.resolution
    if resolution is None:
        for scope in scopes(ctx.file):
            yield from report(list(exec_rules(scope.rules)), scope.name)
        return
    for profile in resolution.walk_profiles():
        yield from report(list(resolved_exec_rules(resolution, profile, profile.rules)), profile.name)
    yield from report(list(resolved_exec_rules(resolution, None, resolution.loose_rules)), None)
