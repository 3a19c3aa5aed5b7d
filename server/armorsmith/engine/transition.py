"""Exec transitions: which profile a program runs under after an exec, and why.

Two decisions, as upstream's John Johansen puts it ("the profile always controls the
transition", mediation.md §3.1):

1. which exec rule of the current profile applies to the executable: among the allowing
   rules whose path matches, an exact path (no wildcard; alternations allowed) wins over a
   glob, then the longest literal left part (overlaps that cannot be ordered are a compile error, reported by the
   `exec-conflict` check);
2. where that rule's mode leads (kernel `x_to_label()`): `ix` stays in the profile, `ux`
   runs unconfined, `px` searches every top-level profile for the best attachment, `cx`
   searches the profile's children, and a `-> target` names the profile (a child for `cx`).
   When no profile is found the fallback decides: `pix`/`cix` inherit (`ix fallback`),
   `pux`/`cux` run unconfined (`ux fallback`), otherwise the exec fails
   (`profile transition not found`).

Environment scrubbing (secure-exec) follows the mode's case: `Px`, `Cx`, `Ux` scrub,
`px`, `cx`, `ux` do not; `ix` changes no privilege and scrubs nothing, and neither does
an inherit fallback.  A profile in complain mode with no exec rule runs the program in a
learning profile `parent//null-<path>`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from armorsmith.aare import Aare, is_exact
from armorsmith.model.rules.file import ExecKind, ExecMode, Fallback, FileRule

from .attach import find_attach
from .decide import Decision, Outcome, decide
from .profiles import EngineProfile, Mode, PolicySet, RuleRef
from .requests import parse_request, quote_path

__all__ = ["Landing", "Transition", "exec_transition"]


class Landing(enum.Enum):
    """Where the new program runs."""

    PROFILE = "profile"
    """Under `target`, a profile of the policy."""
    SAME = "same"
    """Under the current profile (`ix`, or an inherit fallback)."""
    UNCONFINED = "unconfined"
    """Unconfined (`ux`, or an unconfined fallback)."""
    LEARNING = "learning"
    """Under the complain-mode learning profile `parent//null-<path>`."""
    DENIED = "denied"
    """Nowhere: the exec fails."""


@dataclass(frozen=True, slots=True)
class Transition:
    """The outcome of an exec: the decision on `x`, the rule used, and where it lands."""

    decision: Decision
    rule: RuleRef | None
    mode: ExecMode | None
    landing: Landing
    target: EngineProfile | None
    target_name: str | None
    scrubbed: bool
    info: str | None
    """The kernel's `info=` for this outcome, when it logs one."""
    conflicting: tuple[EngineProfile, ...] = ()


def _rank(ref: RuleRef) -> tuple[int, int]:
    """Order exec rules as the compiler does: exact paths first (alternations count as
    exact, as in libapparmor_re), then the longest literal left part."""
    rule = ref.rule
    assert isinstance(rule, FileRule)
    glob, _ = Aare.parse(rule.path_text) if not rule.is_bare else (None, ())
    if glob is None:
        return (0, 0)
    return (1 if is_exact(rule.path_text) else 0, len(glob.literal_prefix))


def _winner(decision: Decision) -> RuleRef | None:
    exec_rules = [
        ref for ref in decision.allowed_by if isinstance(ref.rule, FileRule) and ref.rule.exec is not None
    ]
    if not exec_rules:
        return None
    return max(exec_rules, key=_rank)


def exec_transition(policy: PolicySet, profile: EngineProfile, path: str) -> Transition:
    """Return what happens when a task confined by `profile` executes `path`."""
    request, _ = parse_request(f"{quote_path(path)} x")
    assert isinstance(request, FileRule), "an exec request always reads as a file rule"
    decision = decide(profile, request)
    if decision.outcome is not Outcome.ALLOW:
        if decision.outcome is Outcome.COMPLAIN and profile.mode is Mode.COMPLAIN:
            name = f"{profile.fqname}//null-{path}"
            return Transition(decision, None, None, Landing.LEARNING, None, name, False, None)
        return Transition(decision, None, None, Landing.DENIED, None, None, False, None)
    ref = _winner(decision)
    mode = ref.rule.exec if ref is not None else None
    if mode is None:
        return Transition(decision, ref, None, Landing.SAME, profile, profile.fqname, False, None)
    if mode.kind is ExecKind.INHERIT:
        return Transition(decision, ref, mode, Landing.SAME, profile, profile.fqname, False, None)
    if mode.kind is ExecKind.UNCONFINED:
        return Transition(decision, ref, mode, Landing.UNCONFINED, None, "unconfined", not mode.unsafe, None)
    target, name, conflicting = _find_target(policy, profile, path, mode)
    if target is not None:
        return Transition(decision, ref, mode, Landing.PROFILE, target, target.fqname, not mode.unsafe, None)
    info = "conflicting profile attachments" if conflicting else "profile transition not found"
    if mode.fallback is Fallback.INHERIT:
        return Transition(decision, ref, mode, Landing.SAME, profile, profile.fqname, False, "ix fallback", conflicting)
    if mode.fallback is Fallback.UNCONFINED:
        return Transition(
            decision, ref, mode, Landing.UNCONFINED, None, "unconfined", not mode.unsafe, "ux fallback", conflicting
        )
    return Transition(decision, ref, mode, Landing.DENIED, None, name, False, info, conflicting)


def _find_target(
    policy: PolicySet, profile: EngineProfile, path: str, mode: ExecMode
) -> tuple[EngineProfile | None, str | None, tuple[EngineProfile, ...]]:
    """Return the profile a `p` or `c` transition reaches, the name it looked for, and ties."""
    if mode.target is not None:
        name = mode.target.lstrip("&")
        if mode.kind is ExecKind.CHILD:
            return profile.children.get(name), f"{profile.fqname}//{name}", ()
        return policy.get(name), name, ()
    if mode.kind is ExecKind.CHILD:
        found = find_attach(path, profile.children.values())
        name = f"{profile.fqname}//{path}"
    else:
        found = find_attach(path, policy.top_level())
        name = path
    return found.profile, found.profile.fqname if found.profile else name, found.conflicting
