"""Where a suggested rule belongs: the profile, child or hat, and the exec decision behind it.

A record names the label that confined the task; the rule for it belongs to the profile
that label stands for once every open exec decision is made (mediation.md §5.3, §9.1):

- an ordinary label is its own profile; `a//b` is the child or hat `b` nested in `a`, and
  each part of a stack `a//&b` is checked, so each may need the rule; a label in a policy
  namespace (`:ns:name`, or a `namespace=` field) belongs to that namespace's policy;
- a complain-mode learning label `parent//null-/usr/bin/prog` belongs to where `parent`
  runs `/usr/bin/prog`: with a policy, the transition of its exec rule
  (`armorsmith.engine.exec_transition`: `ix` keeps the records in the parent, `Px` moves
  them to the profile attached to the program, `Cx` to the child, `ux` and `deny` leave
  nothing to suggest); without an exec rule, the exec advice decides (`Placer.advise`);
  chains (`a//null-/x//null-/y`) are followed left to right;
- a learning label without a program (`parent//null-2d` of older kernels) folds into its
  parent, as aa-logprof does when no profile is created; no child named `null-...` is
  ever proposed;
- `unconfined` gets no rules: the fix for a denial of an unconfined task is elsewhere.

The exec advice (mediation.md §3.5) is `Px` when a profile attaches to the program (from the
policy, or, without one, a profile the log itself shows confining a task under that name),
`Cx` when one of the parent's children attaches to it, and otherwise `ix`, aa-logprof's
default answer: the program keeps running in the parent, so the parent receives the
program's records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from armorsmith.engine import EngineProfile, Landing, PolicySet, exec_transition, find_attach, parse_label

__all__ = ["ExecAdvice", "Placer", "Target"]

_NULL = re.compile(r"^null-(.*)$")
_OLD_NULL_PROFILE = "null-complain-profile"
_ROOT_NAMESPACES = ("", "root", "default")
_POLICY_RULE = "the exec rule in the policy"
"""`namespace=` values that mean the root namespace (`default` in 2.x records)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A profile that receives suggestions.

    `components` are the profile's name and those of the children or hats it is nested
    in, outermost first; `hats[i]` says whether `components[i + 1]` is a hat (`^name`)
    rather than a child profile.  `profile` is the profile of the policy, when known, and
    `file` the policy file that defines it (or its parent).
    """

    components: tuple[str, ...]
    hats: tuple[bool, ...]
    namespace: str | None = None
    profile: EngineProfile | None = None
    file: str | None = None

    @property
    def name(self) -> str:
        """The label of the profile as the kernel writes it (`a//b`, `:ns:a`)."""
        name = "//".join(self.components)
        return f":{self.namespace}:{name}" if self.namespace else name

    @property
    def key(self) -> tuple[str | None, tuple[str, ...]]:
        """What identifies the profile, whatever else is known about it."""
        return self.namespace, self.components

    def child(self, name: str, hat: bool) -> Target:
        """Return the child (or hat) `name` of this profile."""
        profile = self.profile.children.get(name) if self.profile is not None else None
        if profile is not None:
            hat = profile.is_hat
        return Target((*self.components, name), (*self.hats, hat), self.namespace, profile, self.file)


@dataclass(frozen=True, slots=True)
class ExecAdvice:
    """The exec mode to suggest for a program, and where its records then belong.

    `mode` is `ix`, `Px` or `Cx` (or, when `decided`, the mode of the policy's exec rule,
    `deny` for a deny rule); `target` is where the program runs (None when its records
    need nothing: it runs unconfined, or its exec is denied by a rule).  `decided` says
    the policy has an exec rule for the program already, so there is nothing to advise.
    """

    mode: str
    target: Target | None
    reason: str
    decided: bool = False


def target_of(profile: EngineProfile) -> Target:
    """Return the target for a profile of the policy."""
    chain = [profile]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    chain.reverse()
    return Target(
        tuple(item.name for item in chain),
        tuple(item.is_hat for item in chain[1:]),
        None,
        profile,
        chain[0].path,
    )


class Placer:
    """Finds the targets of labels, against a policy when there is one.

    `known` are names of top-level profiles that exist although the policy does not show
    them (the subjects of the log's records), used by the exec advice without a policy.
    `decisions` collects the exec advice learning labels were re-homed by, by parent and
    program: the exec rules those records take for granted.
    """

    def __init__(self, policy: PolicySet | None = None, known: Iterable[str] = ()) -> None:
        self._policy = policy
        self._known = frozenset(known)
        self.decisions: dict[tuple[object, str], tuple[Target, str, ExecAdvice]] = {}

    def target(self, components: tuple[str, ...], namespace: str | None = None) -> Target:
        """Return the target for a profile name's components, with what the policy knows."""
        if self._policy is not None and namespace is None:
            profile = self._policy.get("//".join(components))
            if profile is not None:
                return target_of(profile)
            for size in range(len(components) - 1, 0, -1):
                ancestor = self._policy.get("//".join(components[:size]))
                if ancestor is not None:
                    found = target_of(ancestor)
                    for name in components[size:]:
                        found = found.child(name, True)
                    return found
        return Target(components, (True,) * (len(components) - 1), namespace)

    def subjects(self, label: str | None, namespace: str | None = None) -> tuple[Target, ...]:
        """Return the targets of a subject label: one per part of a stack, none for
        `unconfined` and for learning profiles whose program needs no rule."""
        if not label:
            return ()
        parsed = parse_label(label)
        space = parsed.namespace
        if space is None and namespace not in _ROOT_NAMESPACES:
            # The kernel writes a child namespace of the root one as `root//name`.
            space = namespace.removeprefix("root//") if namespace else None
        found = []
        for part in parsed.parts:
            if part.components == ("unconfined",):
                continue
            target = self._part(part.components, space)
            if target is not None and target.key not in [other.key for other in found]:
                found.append(target)
        return tuple(found)

    def peer(self, label: str | None) -> str | None:
        """Return a peer label as the rule must name it: a learning label is replaced by
        the label of the profile its task will run under (mediation.md §5.3.4)."""
        if not label or "null-" not in label:
            return label
        targets = self.subjects(label)
        return targets[0].name if targets else label

    def _part(self, components: tuple[str, ...], namespace: str | None) -> Target | None:
        index = next(
            (i for i, c in enumerate(components) if _NULL.match(c) or c == _OLD_NULL_PROFILE), None
        )
        if index is None:
            return self.target(components, namespace)
        if index == 0:
            return None  # an old global learning profile: which profile ran it is not logged
        current: Target | None = self.target(components[:index], namespace)
        for component in components[index:]:
            if current is None:
                return None
            match = _NULL.match(component)
            if match is None:
                current = current.child(component, True)
            elif match.group(1).startswith("/"):
                program = match.group(1)
                advice = self.exec_home(current, program)
                if not advice.decided:
                    self.decisions.setdefault((current.key, program), (current, program, advice))
                current = advice.target
            # A learning profile without a program name folds into its parent.
        return current

    def exec_home(self, parent: Target, program: str) -> ExecAdvice:
        """Return where `parent` runs `program`: by its exec rule, or by the advice."""
        policy, profile = self._policy, parent.profile
        if policy is not None and profile is not None:
            transition = exec_transition(policy, profile, program)
            if transition.decision.denied_by:
                return ExecAdvice("deny", None, "the profile denies the exec", True)
            if transition.rule is not None:
                mode = transition.mode.spelling if transition.mode is not None else "ix"
                if transition.landing is Landing.PROFILE and transition.target is not None:
                    return ExecAdvice(mode, target_of(transition.target), _POLICY_RULE, True)
                if transition.landing is Landing.SAME:
                    return ExecAdvice(mode, parent, _POLICY_RULE, True)
                return ExecAdvice(mode, None, _POLICY_RULE, True)
        return self.advise(parent, program)

    def advise(self, parent: Target, program: str) -> ExecAdvice:
        """Return the exec mode to suggest for `program` in `parent` (mediation.md §3.5)."""
        policy = self._policy
        if policy is not None:
            attached = find_attach(program, policy.top_level()).profile
            if attached is not None and attached is not parent.profile:
                return ExecAdvice(
                    "Px", target_of(attached), f"the profile {attached.fqname} attaches to {program}"
                )
            if parent.profile is not None:
                child = find_attach(program, parent.profile.children.values()).profile
                if child is not None:
                    return ExecAdvice("Cx", target_of(child), f"the child profile {child.name} attaches to {program}")
        if program in self._known and (program,) != parent.components and parent.namespace is None:
            return ExecAdvice("Px", self.target((program,)), f"a profile named {program} confines tasks in this log")
        return ExecAdvice(
            "ix", parent, f"no profile attaches to {program}: it keeps running under {parent.name}"
        )
