"""Labels as the kernel logs them, and the profile a record really belongs to.

A label names the confinement of a task: `name`, `parent//child` for child profiles and
hats, `:ns:name` or `:ns://name` in a policy namespace, `a//&b` for a stack, and
`unconfined`.  Complain mode adds learning profiles (mediation.md §5): when a profile in
complain mode executes a program it has no rule for, the kernel runs the program under
`parent//null-<path>` (older kernels: `parent//null-<hex>`, `null-complain-profile`), and
everything the program does is logged under that name.  Such records belong to the
parent's decision about the exec: `home_of` follows it (`ix` keeps them in the parent, a
`Px` moves them to the profile attached to the program, a `Cx` to the child) and, without
an exec rule yet, points at the exec that must be decided first.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .profiles import EngineProfile, PolicySet
from .transition import Landing, exec_transition

__all__ = ["Home", "HomeReason", "Label", "LabelPart", "home_of", "parse_label"]

_NULL = re.compile(r"^null-(.*)$")
OLD_NULL_PROFILE = "null-complain-profile"


@dataclass(frozen=True, slots=True)
class LabelPart:
    """One profile of a (possibly stacked) label: its hierarchy, parent first."""

    components: tuple[str, ...]

    @property
    def name(self) -> str:
        """The fully qualified name, `parent//child`."""
        return "//".join(self.components)

    @property
    def learning_index(self) -> int | None:
        """The index of the first learning (`null-`) component, or None."""
        for index, component in enumerate(self.components):
            if _NULL.match(component) or component == OLD_NULL_PROFILE:
                return index
        return None

    @property
    def is_learning(self) -> bool:
        """Whether the task runs under a complain-mode learning profile."""
        return self.learning_index is not None


@dataclass(frozen=True, slots=True)
class Label:
    """A parsed label: its namespace (None for the root namespace) and its stacked parts."""

    text: str
    namespace: str | None
    parts: tuple[LabelPart, ...]

    @property
    def is_unconfined(self) -> bool:
        """Whether the label is the namespace's unconfined profile."""
        return len(self.parts) == 1 and self.parts[0].components == ("unconfined",)


def parse_label(text: str) -> Label:
    """Read a label as the kernel writes it (`profile=`, `peer=`, `target=`, `label=`).

    A trailing ` (enforce)`/` (complain)` mode, as in `/proc/*/attr/current`, is dropped.
    """
    label = re.sub(r"\s+\((enforce|complain|kill|unconfined|prompt)\)$", "", text.strip())
    namespace = None
    rest = label
    match = re.match(r"^:([^:]*):(?://)?(.*)$", label)
    if match:
        namespace, rest = match.group(1), match.group(2)
    parts = tuple(LabelPart(tuple(piece for piece in part.split("//") if piece)) for part in rest.split("//&"))
    return Label(text, namespace, tuple(part for part in parts if part.components))


class HomeReason(enum.Enum):
    """Why a record belongs where `home_of` says."""

    OWN = "own"
    """An ordinary profile: the record belongs to it."""
    INHERITED = "inherited"
    """A learning profile whose program the parent runs with `ix`: the parent."""
    TRANSITIONED = "transitioned"
    """A learning profile whose program the parent runs under another profile: that one."""
    UNDECIDED = "undecided"
    """A learning profile whose program the parent has no exec rule for yet."""
    UNKNOWN = "unknown"
    """A profile the policy does not define."""


@dataclass(frozen=True, slots=True)
class Home:
    """Where the rules for a record's label belong.

    `profile` is the profile that should get the rules (None when the policy lacks it);
    `name` its name; for learning profiles, `parent` and `program` say which exec
    decision leads there.
    """

    name: str
    profile: EngineProfile | None
    reason: HomeReason
    parent: str | None = None
    program: str | None = None


def home_of(policy: PolicySet, label: Label) -> Home:
    """Return the profile the records of `label`'s first part belong to.

    Learning chains (`a//null-/x//null-/y`) are followed left to right: each exec decision
    moves the rest of the chain into the profile it leads to.
    """
    part = label.parts[0] if label.parts else LabelPart(("unconfined",))
    index = part.learning_index
    if index is None:
        profile = policy.get(part.name)
        return Home(part.name, profile, HomeReason.OWN if profile else HomeReason.UNKNOWN)
    current_name = "//".join(part.components[:index])
    current = policy.get(current_name)
    reason = HomeReason.OWN
    program = None
    for component in part.components[index:]:
        match = _NULL.match(component)
        program = match.group(1) if match and match.group(1).startswith("/") else None
        if current is None or program is None:
            return Home(current_name, current, HomeReason.UNKNOWN if current is None else HomeReason.UNDECIDED, current_name, program)
        transition = exec_transition(policy, current, program)
        if transition.landing is Landing.PROFILE and transition.target is not None:
            current, current_name, reason = transition.target, transition.target.fqname, HomeReason.TRANSITIONED
        elif transition.landing is Landing.SAME:
            reason = HomeReason.INHERITED
        else:
            return Home(current_name, current, HomeReason.UNDECIDED, current_name, program)
    return Home(current_name, current, reason, None, program)
