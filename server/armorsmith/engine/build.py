"""Building the engine's `PolicySet` from resolved documents.

The resolve layer gives each profile its effective rules with values as written; the engine
needs them concrete.  `build_policy` expands every `Value` inside every rule (and the
attachments) in the profile where it is used.  A rule whose values stand for several
strings becomes one rule per combination, all with the range of the rule as written, as
upstream compiles one rule per value: joining the strings into a `{a,b}` alternation would
not match the same paths (`/a/**` never matches `/a/`, while `{/a/**,/b}` does).  Past
`MAX_COPIES` combinations the strings of each value are joined after all, a documented
approximation for pathological variables.  A value whose expansion failed keeps its text
(the failure is already a diagnostic).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from armorsmith.model import Rule, Value, replace_values, values_in
from armorsmith.resolve import Resolution, ResolvedProfile

from .profiles import EngineProfile, PolicySet, RuleRef, mode_of

__all__ = ["build_policy", "engine_profile"]


MAX_COPIES = 256
"""The most copies one rule is expanded into before values are joined instead."""


def _join(strings: tuple[str, ...]) -> str:
    return strings[0] if len(strings) == 1 else "{" + ",".join(strings) + "}"


class _Expander:
    """Replaces the values inside a rule with their expansion in one profile."""

    def __init__(self, resolution: Resolution, profile: ResolvedProfile) -> None:
        self._resolution = resolution
        self._profile = profile

    def strings(self, value: Value) -> tuple[str, ...]:
        """Every string `value` stands for, or its text when it has no variables or fails."""
        if not value.variables:
            return (value.text,)
        return self._resolution.expand(value, self._profile) or (value.text,)

    def rules(self, rule: Rule) -> list[Rule]:
        """The copies of `rule` with concrete values: one per combination of them."""
        choices: dict[Value, tuple[str, ...]] = {}
        for value in values_in(rule):
            if value.variables and value not in choices:
                choices[value] = self.strings(value)
        if not choices:
            return [rule]
        count = 1
        for strings in choices.values():
            count *= len(strings)
        if count > MAX_COPIES:
            joined = {value: _join(strings) for value, strings in choices.items()}
            return [replace_values(rule, joined)]
        values = list(choices)
        return [
            replace_values(rule, dict(zip(values, combination)))
            for combination in itertools.product(*(choices[value] for value in values))
        ]


def engine_profile(
    resolution: Resolution, resolved: ResolvedProfile, parent: EngineProfile | None = None
) -> EngineProfile:
    """Return the engine's view of one resolved profile and, recursively, its children."""
    expander = _Expander(resolution, resolved)
    rules = tuple(
        RuleRef(rule, placed.origin.document)
        for placed in resolved.rules
        for rule in expander.rules(placed.rule)
    )
    model = resolved.profile
    written = model.attachment
    # A name that is a path is also the attachment, with or without the `profile` keyword
    # (apparmor.d(5) "Profile names and attachment specifications").
    if written is None and model.name is not None and model.name.text.startswith(("/", "@{")):
        written = model.name
    attachments = resolution.expand(written, resolved) if written is not None else ()
    # The resolved name is already hierarchical (`parent//child`).
    profile = EngineProfile(
        name=resolved.name.rsplit("//", 1)[-1] if parent is not None else resolved.name,
        fqname=resolved.name,
        mode=mode_of(model),
        rules=rules,
        model=model,
        path=resolved.origin.document,
        attachments=attachments,
        parent=parent,
        is_hat=model.is_hat,
    )
    for child in resolved.children:
        engine_child = engine_profile(resolution, child, profile)
        profile.children[engine_child.name] = engine_child
    return profile


def build_policy(resolutions: Iterable[Resolution]) -> PolicySet:
    """Return the policy made of the profiles of every resolution, in order."""
    policy = PolicySet()
    for resolution in resolutions:
        for resolved in resolution.profiles:
            policy.add(engine_profile(resolution, resolved))
    return policy
