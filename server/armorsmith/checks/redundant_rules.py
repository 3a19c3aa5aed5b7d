"""Rules that change nothing: covered by another rule, or shadowed by a deny rule.

## What it does
Within each profile (its effective rules: own body, qualifier blocks, taken `if` branches
and included files, variables expanded), reports a rule written in the checked document
when

- another rule of the same kind and qualifiers allows (or denies) everything it does
  (`redundant-rule`): `/etc/foo r,` next to `/etc/** r,`, a rule repeated, a
  `capability chown,` next to `capability,`, a rule an abstraction already grants; or
- a `deny` rule refuses everything it allows at the same or a higher priority
  (`shadowed-by-deny`): the allow rule has no effect at all.

The other rule is given as a related location (in an included file when it comes from one).
Only the later of two identical rules in one document is reported.

Known limit: a rule covered only by several rules together is not found; comparisons of
globs are exact, those of other values follow each kind's `covers`.

## Why is this bad?
Redundant rules make a profile longer to review without changing what it allows, and they
survive when the covering rule is later narrowed, silently widening access again.
A rule shadowed by a deny rule suggests a misunderstanding: the author meant to allow it.

## Example
```
profile foo {
  include <abstractions/base>
  /etc/ld.so.cache r,       # already in abstractions/base
  deny /etc/shadow r,
  /etc/shadow r,            # never allowed
}
```

## Fix safety
`redundant-rule` offers to delete the rule; the fix is safe: the profile allows exactly
the same after it.  `shadowed-by-deny` offers no fix: which of the two rules is wrong is
the author's call.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from armorsmith.aare import Aare
from armorsmith.diagnostics import Applicability, Code, Diagnostic, Edit, Fix, Related
from armorsmith.engine import EngineProfile, Mode, RuleRef, build_policy
from armorsmith.model import Access, Rule
from armorsmith.model.rules.file import FileRule

from .scopes import scopes

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.REDUNDANT_RULE, Code.SHADOWED_BY_DENY)


def _prefix(rule: Rule) -> str | None:
    """The literal left part of a file rule's path, used to skip hopeless comparisons."""
    if not isinstance(rule, FileRule) or rule.is_bare or rule.path is None:
        return None
    glob, _ = Aare.parse(rule.path_text)
    return glob.literal_prefix if glob is not None else None


def _bucket(rule: Rule) -> object:
    return rule.key()


def _deny_bucket(rule: Rule) -> object:
    return (rule.KIND, rule.qualifiers.owner)


class _Index:
    """Rules by bucket (`key_of`), file rules also by the literal left part of their path:
    a glob can only cover a path whose literal left part starts with its own."""

    def __init__(self, refs: Iterable[RuleRef], key_of: Callable[[Rule], object] = _bucket) -> None:
        self.key_of = key_of
        self.buckets: dict[object, list[RuleRef]] = defaultdict(list)
        self.by_prefix: dict[object, dict[str, list[RuleRef]]] = defaultdict(lambda: defaultdict(list))
        self.prefixes: dict[int, str | None] = {}
        for ref in refs:
            key = key_of(ref.rule)
            prefix = _prefix(ref.rule)
            self.prefixes[id(ref)] = prefix
            if prefix is None:
                self.buckets[key].append(ref)
            else:
                self.by_prefix[key][prefix].append(ref)

    def candidates(self, ref: RuleRef) -> list[RuleRef]:
        """The rules that may cover `ref`: same bucket, and a compatible path prefix."""
        key = self.key_of(ref.rule)
        prefix = self.prefixes.get(id(ref))
        if prefix is None and id(ref) not in self.prefixes:
            prefix = _prefix(ref.rule)
        found = list(self.buckets.get(key, ()))
        by_prefix = self.by_prefix.get(key)
        if by_prefix:
            if prefix is None:
                found += [other for group in by_prefix.values() for other in group]
            else:
                for end in range(len(prefix) + 1):
                    found += by_prefix.get(prefix[:end], ())
        return found


def _related(ref: RuleRef, main: str | None, message: str) -> Related:
    path = None if ref.path == main else ref.path
    return Related(message, ref.rule.span.start, ref.rule.span.end, path)


def _line_span(source: bytes, rule: Rule) -> tuple[int, int]:
    """The bytes to delete to remove `rule`: its whole line when it stands alone on it."""
    start, end = rule.span.start, rule.span.end
    line_start = source.rfind(b"\n", 0, start) + 1
    line_end = source.find(b"\n", end)
    line_end = len(source) if line_end == -1 else line_end
    if source[line_start:start].strip() == b"" and source[end:line_end].strip() in (b"", b","):
        return line_start, min(len(source), line_end + 1)
    return start, end


def _priority(rule: Rule) -> int:
    return rule.qualifiers.priority or 0


def _written(ref: RuleRef) -> tuple[str | None, int, int]:
    """The rule as written: a rule whose variables have several values has several copies."""
    return (ref.path, ref.rule.span.start, ref.rule.span.end)


def _covering(copy: RuleRef, candidates: list[RuleRef]) -> RuleRef | None:
    """Return a rule of another written rule among `candidates` that covers `copy`."""
    for other in candidates:
        if _written(other) == _written(copy):
            continue
        if other.rule.covers(copy.rule):
            return other
    return None


def _shadowing(copy: RuleRef, denies: list[RuleRef]) -> RuleRef | None:
    """Return a deny rule that refuses everything the allow rule `copy` allows."""
    for deny in denies:
        if _priority(deny.rule) < _priority(copy.rule):
            continue
        if deny.rule.covers(dataclasses.replace(copy.rule, qualifiers=deny.rule.qualifiers)):
            return deny
    return None


def _check_profile(profile: EngineProfile, ctx: CheckContext) -> Iterator[Diagnostic]:
    index = _Index(profile.rules)
    denies = _Index((ref for ref in profile.rules if ref.rule.qualifiers.access is Access.DENY), _deny_bucket)
    copies: dict[tuple[str | None, int, int], list[RuleRef]] = defaultdict(list)
    for ref in profile.rules:
        if ref.path == ctx.path or ref.path is None:
            copies[_written(ref)].append(ref)
    for written, group in copies.items():
        rule = group[0].rule
        if rule.qualifiers.access is Access.ALLOW:
            shadowing = [_shadowing(copy, denies.candidates(copy)) for copy in group]
            if all(shadowing):
                deny = shadowing[0]
                yield Diagnostic.of(
                    Code.SHADOWED_BY_DENY,
                    f"rule has no effect: `{deny.rule.render()}`{_where(ctx, deny)} denies everything "
                    "it allows (deny rules win over allow rules)",
                    rule.span.start,
                    rule.span.end,
                    related=(_related(deny, ctx.path, "the deny rule that wins"),),
                )
                continue
        covering = [_covering(copy, index.candidates(copy)) for copy in group]
        if not all(covering):
            continue
        other = covering[0]
        identical = len(group) == 1 and rule.covers(other.rule)
        if identical and other.path == written[0] and other.rule.span.start > rule.span.start:
            continue
        start, end = _line_span(ctx.source, rule)
        fix = Fix("Remove the redundant rule", (Edit(start, end, ""),), Applicability.SAFE)
        verb = "repeats" if identical else "is covered by"
        yield Diagnostic.of(
            Code.REDUNDANT_RULE,
            f"rule {verb} `{other.rule.render()}`{_where(ctx, other)}: it allows nothing more",
            rule.span.start,
            rule.span.end,
            related=(_related(other, ctx.path, "the rule that already allows it"),),
            fixes=(fix,),
        )


def _where(ctx: CheckContext, ref: RuleRef) -> str:
    """Say where a rule of another document is, for the message: ` (abstractions/base:12)`."""
    if ref.path == ctx.path or ref.path is None or ctx.resolution is None:
        return ""
    document = ctx.resolution.documents.get(ref.path)
    line = f":{document.line(ref.rule.span.start)}" if document is not None else ""
    return f" ({ref.path}{line})"


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Report redundant and shadowed rules of every profile of the document."""
    if ctx.resolution is not None:
        policy = build_policy([ctx.resolution])
        for profile in policy:
            yield from _check_profile(profile, ctx)
        return
    for scope in scopes(ctx.file):
        if scope.profile is None:
            continue
        # Without resolution it is unknown which `if` branch holds: leave their rules out.
        rules = tuple(
            RuleRef(dataclasses.replace(scoped.rule, qualifiers=scoped.qualifiers), ctx.path)
            for scoped in scope.rules
            if not scoped.branches
        )
        profile = EngineProfile(scope.name or "", scope.name or "", Mode.ENFORCE, rules)
        yield from _check_profile(profile, ctx)
