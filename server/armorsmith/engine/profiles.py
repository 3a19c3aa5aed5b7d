"""The profiles the engine decides for: names, modes, rules and the profile hierarchy.

An `EngineProfile` is a profile as the kernel sees it after the policy is compiled: a
fully qualified name (`parent//child` for hats and child profiles), its mode (from its
flags), its attachment, and its effective rules, each with the document it came from.
A `PolicySet` holds every profile of a policy and finds them by name.  Building the
effective rules (includes, variables, conditionals) is the resolve layer's job; the engine
takes them as given.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from armorsmith.model import Profile, Rule

__all__ = ["EngineProfile", "Mode", "PolicySet", "RuleRef", "mode_of"]


class Mode(enum.Enum):
    """A profile's mode, from its flags (`flags=(complain)` ...); ENFORCE without a flag."""

    ENFORCE = "enforce"
    COMPLAIN = "complain"
    KILL = "kill"
    UNCONFINED = "unconfined"
    PROMPT = "prompt"
    DEFAULT_ALLOW = "default_allow"


def mode_of(profile: Profile) -> Mode:
    """Return the mode set by the last mode flag of `profile` (ENFORCE when none)."""
    mode = Mode.ENFORCE
    for flag in profile.flags:
        if flag.value is None and flag.name in Mode._value2member_map_:
            mode = Mode(flag.name)
    return mode


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule together with the document it is written in (None: the document at hand)."""

    rule: Rule
    path: str | None = None


@dataclass(eq=False)
class EngineProfile:
    """One compiled profile.

    `name` is the profile's own name, `fqname` the name the kernel logs (`a//b` for the
    child or hat `b` of `a`).  `attachments` are the globs exec paths are matched against
    (the attachment, or the name when it is a path), one per value of its variables; the
    rules' values are expanded likewise.  Profiles compare by identity.
    """

    name: str
    fqname: str
    mode: Mode
    rules: tuple[RuleRef, ...]
    model: Profile | None = None
    path: str | None = None
    attachments: tuple[str, ...] = ()
    parent: EngineProfile | None = None
    children: dict[str, EngineProfile] = field(default_factory=dict)
    is_hat: bool = False

    def rules_of(self, kind: type[Rule]) -> Iterator[RuleRef]:
        """Yield the rules of one kind."""
        return (ref for ref in self.rules if isinstance(ref.rule, kind))


class PolicySet:
    """Every profile of a policy, found by fully qualified name."""

    def __init__(self, profiles: Iterable[EngineProfile] = ()) -> None:
        self._by_name: dict[str, EngineProfile] = {}
        for profile in profiles:
            self.add(profile)

    def add(self, profile: EngineProfile) -> None:
        """Add `profile` and, recursively, its children (a later definition wins)."""
        self._by_name[profile.fqname] = profile
        for child in profile.children.values():
            self.add(child)

    def get(self, fqname: str) -> EngineProfile | None:
        """Return the profile with this fully qualified name, or None."""
        return self._by_name.get(fqname)

    def __iter__(self) -> Iterator[EngineProfile]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def top_level(self) -> Iterator[EngineProfile]:
        """Yield the profiles that are not children or hats of another."""
        return (profile for profile in self if profile.parent is None)
