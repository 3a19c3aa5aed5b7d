"""Querying a policy: what the kernel would decide for one request in one profile, and why.

`load_policy` resolves a set of policy documents (read through the config's file system)
into the engine's `PolicySet`; `query` decides one request against one profile and returns
a `QueryResult` in plain terms: the outcome, the permissions granted, denied and missing,
the rules responsible with their locations, for `exec PATH` the transition, and for IPC
and ptrace the peer's half of the cross-check.  Both are
pure: all reading goes through `ResolveConfig.fs`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from armorsmith.engine import (
    CrossCheck,
    Decision,
    ExecRequest,
    Landing,
    PolicySet,
    RuleRef,
    Transition,
    build_policy,
    cross_check,
    decide,
    exec_transition,
    parse_request,
)
from armorsmith.model import lower
from armorsmith.resolve import IncludeCache, Resolution, ResolveConfig, resolve
from armorsmith.syntax import parse

__all__ = ["LoadedPolicy", "QueryError", "QueryResult", "RuleLocation", "load_policy", "query"]


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    """The profiles of a policy and the resolutions they came from (for locations)."""

    policy: PolicySet
    resolutions: tuple[Resolution, ...]

    def line_of(self, ref: RuleRef) -> int | None:
        """Return the 1-based line of a rule in its document, when the document is known."""
        for resolution in self.resolutions:
            document = resolution.documents.get(ref.path) if ref.path is not None else None
            if document is not None:
                return document.line(ref.rule.span.start)
        return None


def load_policy(paths: Iterable[str], config: ResolveConfig) -> LoadedPolicy:
    """Resolve every policy document in `paths` and build the policy they make up.

    Documents that cannot be read are skipped; the profiles of the others are kept, a
    later definition of a name replacing an earlier one.
    """
    cache = IncludeCache(config.fs)
    resolutions = []
    for path in paths:
        source = config.fs.read(path)
        if source is None:
            continue
        parsed = parse(source)
        resolutions.append(resolve(path, parsed, lower(parsed), config, cache=cache))
    return LoadedPolicy(build_policy(resolutions), tuple(resolutions))


class QueryError(ValueError):
    """The query cannot be answered: an unknown profile or a request that does not read."""


@dataclass(frozen=True, slots=True)
class RuleLocation:
    """A rule responsible for a decision: its canonical text and where it is written."""

    text: str
    path: str | None
    line: int | None


def _flag_names(flag: enum.Flag) -> tuple[str, ...]:
    return tuple(member.name.lower() for member in type(flag) if member.value and member in flag and member.name)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The answer to one query."""

    profile: str
    mode: str
    request: str
    outcome: str
    requested: tuple[str, ...]
    granted: tuple[str, ...]
    denied: tuple[str, ...]
    missing: tuple[str, ...]
    audited: bool
    allowed_by: tuple[RuleLocation, ...]
    denied_by: tuple[RuleLocation, ...]
    transition: dict[str, object] | None
    peer: dict[str, object] | None
    """For IPC and ptrace, the peer's half: its label, profile, request, outcome, rules."""
    explanation: tuple[str, ...]


def _locations(loaded: LoadedPolicy, refs: tuple[RuleRef, ...]) -> tuple[RuleLocation, ...]:
    """The rules as written, once each (a rule with multi-valued variables has copies)."""
    seen: set[tuple[str | None, int]] = set()
    found = []
    for ref in refs:
        key = (ref.path, ref.rule.span.start)
        if key not in seen:
            seen.add(key)
            found.append(RuleLocation(ref.rule.render(), ref.path, loaded.line_of(ref)))
    return tuple(found)


def _explain(profile: str, decision: Decision, transition: Transition | None) -> list[str]:
    lines: list[str] = []
    outcome = decision.outcome.value
    if decision.outcome.value == "allow":
        lines.append(f"{profile} allows the request.")
    elif outcome == "complain":
        lines.append(
            f"{profile} has no rule allowing this, but it is in complain mode: the access is "
            "allowed and logged as ALLOWED."
        )
    else:
        if decision.denied_by:
            lines.append(f"{profile} denies this with an explicit deny rule, which wins over allow rules.")
        else:
            lines.append(f"No rule of {profile} allows this, so it is denied.")
    if transition is not None:
        mode = transition.mode
        if transition.landing is Landing.SAME:
            why = f" ({transition.info})" if transition.info else ""
            lines.append(f"The program keeps running under {profile}{why}.")
        elif transition.landing is Landing.PROFILE:
            lines.append(f"The program runs under the profile {transition.target_name}.")
        elif transition.landing is Landing.UNCONFINED:
            why = f" ({transition.info})" if transition.info else ""
            lines.append(f"The program runs unconfined{why}: AppArmor no longer restricts it.")
        elif transition.landing is Landing.LEARNING:
            lines.append(
                f"In complain mode the program runs under the learning profile {transition.target_name}; "
                "its records name that profile."
            )
        elif transition.info:
            lines.append(f"The exec fails: {transition.info} (looked for {transition.target_name}).")
        if mode is not None and transition.landing in (Landing.PROFILE, Landing.UNCONFINED):
            if transition.scrubbed:
                lines.append("The environment is scrubbed (secure-exec): LD_PRELOAD and the like are dropped.")
            else:
                lines.append(
                    "The environment is not scrubbed (lower-case mode): LD_PRELOAD and LD_LIBRARY_PATH "
                    "pass to the new program; use the upper-case mode unless it needs them."
                )
    return lines


def _peer_data(loaded: LoadedPolicy, check: CrossCheck) -> dict[str, object]:
    decision = check.peer_decision
    return {
        "label": check.peer_label,
        "profile": check.peer.fqname if check.peer is not None else None,
        "known": check.peer_known,
        "request": check.peer_request,
        "outcome": decision.outcome.value if decision is not None else None,
        "allowed_by": [
            {"rule": r.text, "path": r.path, "line": r.line}
            for r in _locations(loaded, decision.allowed_by if decision else ())
        ],
        "denied_by": [
            {"rule": r.text, "path": r.path, "line": r.line}
            for r in _locations(loaded, decision.denied_by if decision else ())
        ],
    }


def _explain_peer(check: CrossCheck) -> list[str]:
    if check.peer_label is None:
        return []
    if check.peer_label == "unconfined":
        return ["The peer is unconfined, so its half of the cross-check always passes."]
    if not check.peer_known:
        return [
            f"The peer {check.peer_label} is not a profile of this policy, so its half "
            f"(`{check.peer_request},`) cannot be checked here."
        ]
    decision = check.peer_decision
    if decision is not None and decision.allowed:
        return [f"The peer {check.peer_label} allows its half (`{check.peer_request},`)."]
    return [
        f"The peer {check.peer_label} must allow its half too, and does not: it needs "
        f"`{check.peer_request},`. The denial is logged against {check.peer_label}, but the "
        "requesting task gets the error."
    ]


def _transition_data(transition: Transition) -> dict[str, object]:
    mode = transition.mode
    return {
        "landing": transition.landing.value,
        "target": transition.target_name,
        "mode": None if mode is None else {
            "kind": mode.kind.name.lower(),
            "unsafe": mode.unsafe,
            "fallback": mode.fallback.name.lower(),
            "target": mode.target,
        },
        "scrubbed": transition.scrubbed,
        "info": transition.info,
        "conflicting": [profile.fqname for profile in transition.conflicting],
    }


def query(loaded: LoadedPolicy, profile_name: str, request_text: str) -> QueryResult:
    """Decide `request_text` in the profile `profile_name` (its fully qualified name).

    Raises `QueryError` for an unknown profile or a request that does not read.
    """
    profile = loaded.policy.get(profile_name)
    if profile is None:
        known = ", ".join(sorted(p.fqname for p in loaded.policy)[:20]) or "none"
        raise QueryError(f"no profile named '{profile_name}' (profiles: {known})")
    request, problem = parse_request(request_text)
    if request is None:
        raise QueryError(problem or "cannot read the request")
    transition = None
    check = None
    if isinstance(request, ExecRequest):
        transition = exec_transition(loaded.policy, profile, request.path)
        decision = transition.decision
    else:
        check = cross_check(loaded.policy, profile, request)
        decision = check.subject if check is not None else decide(profile, request)
    return QueryResult(
        profile=profile.fqname,
        mode=profile.mode.value,
        request=request_text.strip(),
        outcome=decision.outcome.value,
        requested=_flag_names(decision.requested),
        granted=_flag_names(decision.granted),
        denied=_flag_names(decision.denied),
        missing=_flag_names(decision.missing),
        audited=decision.audited,
        allowed_by=_locations(loaded, decision.allowed_by),
        denied_by=_locations(loaded, decision.denied_by),
        transition=_transition_data(transition) if transition is not None else None,
        peer=_peer_data(loaded, check) if check is not None and check.peer_label is not None else None,
        explanation=tuple(
            _explain(profile.fqname, decision, transition) + (_explain_peer(check) if check else [])
        ),
    )
