"""Decisions: what the kernel would do with one request in one profile, and why.

`decide(profile, request)` applies AppArmor's rule semantics to the profile's effective
rules of the request's kind:

- a rule applies to the permissions of the request it `grants` (its object matches);
- for each requested permission, only the applicable rules of the highest `priority=`
  count (rules without one have priority 0); among those an explicit `deny` wins over an
  allow (upstream: "deny rules take precedence");
- every requested permission must be allowed; what no rule mentions is denied;
- the profile's mode then shapes the outcome: in complain mode a denial that no explicit
  `deny` rule caused is allowed and logged (`ALLOWED`), while explicit denials stay
  denials; `unconfined` and `default_allow` profiles allow what is not explicitly denied;
- `audit` on an applicable allow rule makes the access logged; a plain `deny` makes the
  denial quiet, `audit deny` logs it.

Known limit: priorities are compared per permission, which is how overlapping rules of
different priorities combine in the kernel's permission tables as far as documented.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from armorsmith.model import Access, Rule

from .profiles import EngineProfile, Mode, RuleRef

__all__ = ["Decision", "Outcome", "decide", "decide_rules"]


class Outcome(enum.Enum):
    """What happens to the request."""

    ALLOW = "allow"
    """Allowed by the profile's rules (or by its unconfined/default_allow mode)."""
    DENY = "deny"
    """Refused; the task gets an error."""
    COMPLAIN = "complain"
    """Not allowed by the rules, but the profile is in complain mode: allowed and logged."""
    KILL = "kill"
    """Refused in a `kill` mode profile: the task is killed."""


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one request, with the rules that caused it.

    `granted`, `denied` and `missing` split the requested permissions: allowed by a rule,
    refused by an explicit deny rule, and mentioned by no applicable rule.
    """

    outcome: Outcome
    requested: enum.Flag
    granted: enum.Flag
    denied: enum.Flag
    missing: enum.Flag
    allowed_by: tuple[RuleRef, ...]
    denied_by: tuple[RuleRef, ...]
    audited: bool
    quiet: bool
    mode: Mode

    @property
    def allowed(self) -> bool:
        """Whether the task may go on (allowed outright or in complain mode)."""
        return self.outcome in (Outcome.ALLOW, Outcome.COMPLAIN)


def _priority(rule: Rule) -> int:
    priority = rule.qualifiers.priority
    return priority if priority is not None else 0


def _bits(flag: enum.Flag) -> list[enum.Flag]:
    return [member for member in type(flag) if member.value and member in flag and _single(member)]


def _single(member: enum.Flag) -> bool:
    return member.value & (member.value - 1) == 0


def decide_rules(
    rules: Iterable[RuleRef], request: Rule, mode: Mode = Mode.ENFORCE
) -> Decision:
    """Decide `request` against `rules` for a profile in `mode`."""
    wanted = request.requested()
    empty = type(wanted)(0)
    applicable: list[tuple[RuleRef, enum.Flag]] = []
    for ref in rules:
        # Each kind answers for requests of its own kind; `all` answers for every kind.
        granted = ref.rule.grants(request)
        if type(granted) is type(wanted) and granted & wanted:
            applicable.append((ref, granted & wanted))
    granted_bits, denied_bits, missing_bits = empty, empty, empty
    allowed_by: dict[int, RuleRef] = {}
    denied_by: dict[int, RuleRef] = {}
    for bit in _bits(wanted):
        speaking = [(ref, flags) for ref, flags in applicable if bit in flags]
        if not speaking:
            missing_bits |= bit
            continue
        top = max(_priority(ref.rule) for ref, _ in speaking)
        winners = [ref for ref, _ in speaking if _priority(ref.rule) == top]
        denials = [ref for ref in winners if ref.rule.qualifiers.access is not Access.ALLOW]
        if denials:
            denied_bits |= bit
            denied_by.update((id(ref), ref) for ref in denials)
        else:
            granted_bits |= bit
            allowed_by.update((id(ref), ref) for ref in winners)
    if granted_bits == wanted:
        outcome = Outcome.ALLOW
    elif denied_bits:
        outcome = Outcome.KILL if mode is Mode.KILL else Outcome.DENY
    elif mode is Mode.COMPLAIN:
        outcome = Outcome.COMPLAIN
    elif mode in (Mode.UNCONFINED, Mode.DEFAULT_ALLOW):
        outcome = Outcome.ALLOW
    elif mode is Mode.KILL:
        outcome = Outcome.KILL
    else:
        outcome = Outcome.DENY
    audited = any(ref.rule.qualifiers.is_audit for ref in allowed_by.values())
    quiet = bool(denied_by) and not any(ref.rule.qualifiers.is_audit for ref in denied_by.values())
    return Decision(
        outcome,
        wanted,
        granted_bits,
        denied_bits,
        missing_bits,
        tuple(allowed_by.values()),
        tuple(denied_by.values()),
        audited or (outcome is not Outcome.ALLOW and not quiet),
        quiet,
        mode,
    )


def decide(profile: EngineProfile, request: Rule) -> Decision:
    """Decide `request` in `profile`."""
    return decide_rules(profile.rules, request, profile.mode)
