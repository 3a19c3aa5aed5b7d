"""What the socket, IPC and namespace rule kinds share: access words, prefixes, conditionals.

Upstream's parser gives each of the kinds network, unix, signal, ptrace, dbus, mqueue,
io_uring, userns and all its own class, but they check their parts in the same few ways:

- access words become a permission set, and a rule that names none gets the kind's default;
- `valid_prefix` rejects `owner` (and, for some kinds, `priority=`) with
  `<word> prefix not allowed on <kind> rules`;
- `move_conditionals` walks the `name=value` conditionals, rejecting operators other than
  `=`, lists where one value is allowed, a name given twice (`move_conditional_value`:
  `<rule> conditional "<name>" can only be specified once`) and unknown names.

This module holds those checks as small functions over `Conditional`s, each yielding
diagnostics with the range of the offending conditional or value, plus what every kind's
`covers`, `grants`, `merge` and `render` share: the `PermissionRule` mixin, comparing two
optional glob values, and writing permissions and conditionals.  The wording of each message stays with the kind that uses it, as upstream
words them differently.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TypeVar

from armorsmith.aare import Aare
from armorsmith.diagnostics import Code, Diagnostic

from ..conditionals import Conditional, ConditionalGroup
from ..qualifiers import Qualifiers
from ..rule import Rule
from ..span import Span, Word
from ..values import Value

__all__ = [
    "PermissionRule",
    "access_of",
    "access_table",
    "covers_value",
    "extra_values",
    "first",
    "flag_names",
    "group_items",
    "group_not_allowed",
    "group_position",
    "plain_conditionals",
    "prefix_problems",
    "problem",
    "render_access",
    "render_conditional",
    "render_peer",
    "repeated",
]

F = TypeVar("F", bound=enum.Flag)


class PermissionRule:
    """Mixin of the rule kinds with a permission set: `covers`, `requested`, `grants` and
    `merge` from the kind's `allowed` and `applies_to`.

    A kind lists it before `Rule` and has the fields `access` (the set named, empty when no
    word is written) and `access_words`, and a method `applies_to(other)`: whether the
    objects and conditionals of the rule include those of `other`, whatever the
    permissions.  A kind whose rules without permission words grant less than everything
    overrides `allowed`.
    """

    __slots__ = ()

    access: enum.Flag
    access_words: tuple[Word, ...]

    @property
    def allowed(self) -> enum.Flag:
        """The permissions the rule grants: those named, or all of the kind's when none is."""
        return self.access or ~type(self.access)(0)

    def covers(self, other: Rule) -> bool:
        """Return whether this rule allows (or denies) everything `other` does: same kind and
        bucket, at least its permissions, and objects that include its objects."""
        return (
            isinstance(other, type(self))
            and other.key() == self.key()
            and not (other.allowed & ~self.allowed)
            and self.applies_to(other)
        )

    def requested(self) -> enum.Flag:
        """Return the permissions a request written as this rule asks for."""
        return self.allowed

    def grants(self, request: Rule) -> enum.Flag:
        """Return the permissions of `request` this rule applies to."""
        if not isinstance(request, type(self)) or not self.applies_to(request):
            return type(self.allowed)(0)
        return self.allowed & request.allowed

    def merge(self, other: Rule) -> Rule | None:
        """Return one rule allowing what both allow, or None.

        When one rule covers the other it is the merge; otherwise two rules that name
        permissions and differ in nothing else merge into one naming both sets.
        """
        if not isinstance(other, type(self)) or other.key() != self.key():
            return None
        if self.covers(other):
            return self
        if other.covers(self):
            return other
        if not self.access or not other.access:
            return None
        empty = type(self.access)(0)
        if replace(self, access=empty).render() != replace(other, access=empty).render():
            return None
        words = (*self.access_words, *other.access_words)
        return replace(self, access=self.access | other.access, access_words=words)


def problem(code: Code, message: str, span: Span) -> Diagnostic:
    """Return a diagnostic of `code` over `span`."""
    return Diagnostic.of(code, message, span.start, span.end)


def access_table(kind: type[F], read: F | None = None, write: F | None = None) -> dict[str, F]:
    """Return the permission words of a kind: each member's name in lower case, plus, when
    the kind has them, `read`, `write` and the letters `r`, `w`, `rw` and `wr`."""
    words = {member.name.lower(): member for member in kind if member.name}
    if read is None or write is None:
        return words
    both = read | write
    letters = {"read": read, "write": write, "r": read, "w": write, "rw": both, "wr": both}
    return letters | words


def access_of(words: Iterable[Word], table: Mapping[str, F], empty: F) -> F:
    """Return the permissions the access `words` name, looked up in `table`."""
    result = empty
    for word in words:
        result |= table.get(word.text, empty)
    return result


def flag_names(flags: enum.Flag, kind: type[enum.Flag]) -> list[str]:
    """Return the lower-case names of the members of `kind` set in `flags`, in declaration order."""
    return [member.name.lower() for member in kind if member.name and member in flags]


def render_access(flags: enum.Flag, kind: type[enum.Flag]) -> str:
    """Return ` word` or ` (w1 w2)` for a non-empty permission set, or "" for an empty one."""
    names = flag_names(flags, kind)
    if not names:
        return ""
    return f" {names[0]}" if len(names) == 1 else f" ({' '.join(names)})"


def prefix_problems(
    qualifiers: Qualifiers, kind: str, *, priority: bool = True
) -> Iterator[Diagnostic]:
    """Yield upstream's `valid_prefix` errors: `owner` always, `priority=` unless allowed.

    Upstream cannot tell `priority=0` from no priority, so it accepts that one everywhere.
    """
    if not priority and qualifiers.priority and qualifiers.priority_span is not None:
        yield problem(
            Code.QUALIFIER_NOT_ALLOWED,
            f"priority prefix not allowed on {kind} rules",
            qualifiers.priority_span,
        )
    owner = qualifiers.owner_word
    if owner is not None:
        yield problem(
            Code.QUALIFIER_NOT_ALLOWED,
            f"{owner.text} prefix not allowed on {kind} rules: it only applies to files",
            owner.span,
        )


def group_items(groups: tuple[ConditionalGroup, ...]) -> tuple[Conditional, ...]:
    """Return the conditionals inside a rule's `peer=(...)` group, or none.

    Upstream takes one group; when a rule has more (an error), the first one counts.
    """
    return groups[0].items if groups else ()


def group_not_allowed(groups: tuple[ConditionalGroup, ...], kind: str) -> Iterator[Diagnostic]:
    """Yield an error for each `peer=(...)` group of a kind whose grammar has none upstream."""
    for group in groups:
        yield problem(
            Code.CONDITIONAL_GROUP_NOT_ALLOWED,
            f"{kind} rules take no conditional group: "
            f"write {group.name.text}=VALUE without parentheses",
            group.span,
        )


def group_position(
    conditionals: tuple[Conditional, ...], groups: tuple[ConditionalGroup, ...]
) -> Iterator[Diagnostic]:
    """Yield upstream's syntax errors for a second group or a conditional after the group.

    Upstream's grammar reads the conditionals first and then at most one `peer=(...)`.
    """
    if not groups:
        return
    for group in groups[1:]:
        yield problem(
            Code.PEER_GROUP_NOT_LAST,
            f"a second {group.name.text}=() group: a rule takes one, after its other conditionals",
            group.span,
        )
    for conditional in conditionals:
        if conditional.span.start > groups[0].span.start:
            yield problem(
                Code.PEER_GROUP_NOT_LAST,
                f"'{conditional.name.text}' after the {groups[0].name.text}=() group: "
                "write the rule's other conditionals before it",
                conditional.span,
            )


def first(conditionals: Iterable[Conditional], name: str) -> Value | None:
    """Return the first value of the first conditional called `name`, or None."""
    for conditional in conditionals:
        if conditional.name.text == name:
            return conditional.first()
    return None


def repeated(
    conditionals: Iterable[Conditional], owners: Mapping[str, str]
) -> Iterator[Diagnostic]:
    """Yield `move_conditional_value`'s error for each repeat of a name listed in `owners`.

    `owners` maps a conditional name to the rule name upstream's message uses for it
    (`signal`, `unix socket`, `socket rule` ...).
    """
    seen: set[str] = set()
    for conditional in conditionals:
        name = conditional.name.text
        if name not in owners:
            continue
        if name in seen:
            yield problem(
                Code.DUPLICATE_CONDITIONAL,
                f'{owners[name]} conditional "{name}" can only be specified once',
                conditional.span,
            )
        seen.add(name)


def plain_conditionals(
    conditionals: Iterable[Conditional],
    kind: str,
    known: Collection[str],
    unknown: Callable[[str], str],
) -> Iterator[Diagnostic]:
    """Yield the errors of kinds that take `name=value` conditionals only, named in `known`.

    Upstream's message for an operator other than `=` is the same for every such kind;
    `unknown` words the message for a name the kind does not take.
    """
    for conditional in conditionals:
        name = conditional.name.text
        if conditional.operator != "=":
            yield problem(
                Code.CONDITIONAL_OPERATOR,
                f'only "=" allowed in conditions of {kind} rules: write {name}=VALUE',
                conditional.span,
            )
        elif name not in known:
            yield problem(Code.UNKNOWN_CONDITIONAL, unknown(name), conditional.name.span)


def extra_values(conditional: Conditional) -> Span | None:
    """Return the range of the values after the first of a list, or None for one value."""
    if len(conditional.values) < 2:
        return None
    return Span(conditional.values[1].span.start, conditional.values[-1].span.end)


def covers_value(mine: Value | None, theirs: Value | None) -> bool:
    """Return whether a conditional written as `mine` matches everything `theirs` does.

    None stands for a conditional that was not written, which matches anything.  Values
    are globs (AARE): `peer=/usr/bin/*` covers `peer=/usr/bin/foo`.  A value holding a
    variable covers only the same text, since what it stands for is resolution's business.
    """
    if mine is None:
        return True
    if theirs is None:
        return False
    if mine.text == theirs.text:
        return True
    if mine.variables or theirs.variables:
        return False
    outer, _ = Aare.parse(mine.text)
    inner, _ = Aare.parse(theirs.text)
    return outer is not None and inner is not None and outer.covers(inner)


def render_conditional(name: str, value: Value | None) -> str:
    """Return ` name=value` as written, or "" when there is no value."""
    return f" {name}={value.raw}" if value is not None else ""


def render_peer(*conditionals: str) -> str:
    """Return ` peer=(...)` around conditionals written by `render_conditional`, or "" when
    all are empty.  Only the leading blank goes: a value may end with an escaped one."""
    inside = "".join(conditionals)
    return f" peer=({inside[1:]})" if inside else ""
