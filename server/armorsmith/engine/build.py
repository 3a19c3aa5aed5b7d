"""Building the engine's `PolicySet` from resolved documents.

The resolve layer gives each profile its effective rules with values as written; the engine
needs them concrete.  `build_policy` expands every `Value` inside every rule (and the
attachments) in the profile where it is used: a value standing for several strings becomes
the alternation `{a,b}` of them, which matches exactly what the separate values match.
A value whose expansion failed keeps its text (the failure is already a diagnostic).

Known limit: a value holding a `,` outside braces would be split by that alternation;
upstream values do not contain one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from armorsmith.model import Value
from armorsmith.resolve import Resolution, ResolvedProfile

from .profiles import EngineProfile, PolicySet, RuleRef, mode_of

__all__ = ["build_policy", "engine_profile"]


def _join(strings: tuple[str, ...]) -> str:
    return strings[0] if len(strings) == 1 else "{" + ",".join(strings) + "}"


class _Expander:
    """Replaces the values inside a rule with their expansion in one profile."""

    def __init__(self, resolution: Resolution, profile: ResolvedProfile) -> None:
        self._resolution = resolution
        self._profile = profile

    def value(self, value: Value) -> Value:
        if not value.variables:
            return value
        strings = self._resolution.expand(value, self._profile)
        if not strings:
            return value
        text = _join(strings)
        return dataclasses.replace(value, text=text, variables=())

    def any(self, obj: object) -> object:
        if isinstance(obj, Value):
            return self.value(obj)
        if isinstance(obj, tuple):
            items = tuple(self.any(item) for item in obj)
            return obj if all(a is b for a, b in zip(items, obj)) else items
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            changes = {}
            for field in dataclasses.fields(obj):
                current = getattr(obj, field.name)
                new = self.any(current)
                if new is not current:
                    changes[field.name] = new
            return dataclasses.replace(obj, **changes) if changes else obj
        return obj


def engine_profile(
    resolution: Resolution, resolved: ResolvedProfile, parent: EngineProfile | None = None
) -> EngineProfile:
    """Return the engine's view of one resolved profile and, recursively, its children."""
    expander = _Expander(resolution, resolved)
    rules = tuple(RuleRef(expander.any(placed.rule), placed.origin.document) for placed in resolved.rules)
    model = resolved.profile
    written = model.attachment
    if written is None and model.name is not None and model.keyword is None:
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
