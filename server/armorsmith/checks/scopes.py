"""The rules of each profile as upstream's parser collects them, for checks across rules.

Upstream gathers a profile's rules from its body, from its qualifier blocks (whose
qualifiers it applies to every rule inside) and from the branch of each `if` that holds;
hats and child profiles collect their own rules.  `scopes(file)` yields one `Scope` per
profile, hat and child profile, and one for the rules at file level (an abstraction's
rules all land in the profile that includes them).  This module is a helper of the check
modules, not a check: it is not listed in `CHECKS`.

Which branch of an `if` holds is known only once variables are resolved, so a `ScopedRule`
records the branches it sits in and `exclusive` tells whether two rules can never be in
the same compiled profile.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from armorsmith.model import Block, IfBlock, Item, PolicyFile, Profile, QualifierBlock, Qualifiers, Rule

__all__ = ["Scope", "ScopedRule", "exclusive", "scopes"]


def exclusive(branches: tuple[tuple[int, int], ...], others: tuple[tuple[int, int], ...]) -> bool:
    """Whether two sets of `if` branches (see `ScopedRule.branches`) can never hold together."""
    mine = dict(branches)
    return any(start in mine and mine[start] != index for start, index in others)


@dataclass(frozen=True, slots=True)
class ScopedRule:
    """A rule with the qualifier blocks and `if` branches around it.

    `qualifiers` are the rule's own combined with every enclosing block's; `blocks` are the
    enclosing blocks' qualifiers, innermost first; `branches` holds, for each enclosing
    `if` chain, the start of the chain and the index of the branch.
    """

    rule: Rule
    qualifiers: Qualifiers
    blocks: tuple[Qualifiers, ...]
    branches: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Scope:
    """The rules of one profile or hat, or of the file level when `profile` is None."""

    profile: Profile | None
    rules: tuple[ScopedRule, ...]

    @property
    def name(self) -> str | None:
        """The profile's name as written, or None at file level."""
        if self.profile is None or self.profile.name is None:
            return None
        return self.profile.name.text


def scopes(file: PolicyFile) -> Iterator[Scope]:
    """Yield the scope of the file level, then of every profile, hat and child, depth first."""
    yield from _scopes(None, file.items)


def _scopes(profile: Profile | None, items: tuple[Item, ...]) -> Iterator[Scope]:
    rules: list[ScopedRule] = []
    nested: list[Profile] = []
    _collect(items, (), (), rules, nested)
    yield Scope(profile, tuple(rules))
    for child in nested:
        yield from _scopes(child, child.body.items)


def _collect(
    items: tuple[Item, ...],
    blocks: tuple[Qualifiers, ...],
    branches: tuple[tuple[int, int], ...],
    rules: list[ScopedRule],
    nested: list[Profile],
) -> None:
    for item in items:
        if isinstance(item, Rule):
            qualifiers = item.qualifiers
            for outer in blocks:
                qualifiers = qualifiers.combined_with(outer)
            rules.append(ScopedRule(item, qualifiers, blocks, branches))
        elif isinstance(item, Profile):
            nested.append(item)
        elif isinstance(item, QualifierBlock):
            _collect(item.body.items, (item.qualifiers, *blocks), branches, rules, nested)
        elif isinstance(item, IfBlock):
            branch: Block | IfBlock | None = item
            index = 0
            while branch is not None:
                body = branch.then if isinstance(branch, IfBlock) else branch
                _collect(body.items, blocks, (*branches, (item.span.start, index)), rules, nested)
                branch = branch.orelse if isinstance(branch, IfBlock) else None
                index += 1
