"""The structure of a policy document: preamble items, profiles, hats, blocks and rules.

These frozen dataclasses are what `lower` builds from a syntax tree.  They hold values as
written; expanding variables, following includes and evaluating conditionals happen in
`armorsmith.resolve`, which reads these values and never the syntax tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .conditionals import ConditionalGroup
from .expressions import Expr
from .qualifiers import Qualifiers
from .rule import Rule
from .span import Span, Word
from .values import Value

__all__ = [
    "Abi",
    "AliasRule",
    "Block",
    "BooleanAssignment",
    "Flag",
    "IfBlock",
    "Include",
    "Item",
    "PolicyFile",
    "Profile",
    "QualifierBlock",
    "VariableAssignment",
    "walk_items",
    "walk_rules",
]


@dataclass(frozen=True, slots=True)
class Include:
    """`include <x>`, `include "x"`, `include x`, `#include ...`, with `if exists` or not.

    `target` is the name between the delimiters, `magic` says whether it was written in
    `<...>` (searched on the include path) rather than as a file path.
    """

    keyword: Word
    if_exists: bool
    target: str
    magic: bool
    target_span: Span
    span: Span

    @property
    def deprecated_hash(self) -> bool:
        """Whether the deprecated `#include` spelling was used."""
        return self.keyword.text.startswith("#")


@dataclass(frozen=True, slots=True)
class Abi:
    """`abi <x>,` or `abi "x",`."""

    target: str
    magic: bool
    target_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class VariableAssignment:
    """`@{NAME} OP value ...` with OP one of `= += ?= :=`; `name` is without `@{}`."""

    name: str
    name_span: Span
    operator: Word
    values: tuple[Value, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class BooleanAssignment:
    """`${NAME} OP expression`; `name` is without `${}`."""

    name: str
    name_span: Span
    operator: Word
    value: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class AliasRule:
    """`alias /from/ -> /to/,` (or the synonym `rewrite`)."""

    source: Value | None
    target: Value | None
    span: Span


@dataclass(frozen=True, slots=True)
class Flag:
    """One profile flag as written: `complain`, or `name=value` such as `error=EPERM`."""

    name: str
    value: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Block:
    """`{ ... }`: the items of a profile body or of a qualifier or `if` block."""

    items: tuple[Item, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Profile:
    """A profile, child profile or hat.

    `keyword` is the word that introduced it (`profile`, `hat`, `^`) or None for a
    top-level profile named by a path; `name` is None only while it is being typed.
    """

    keyword: Word | None
    name: Value | None
    attachment: Value | None
    xattrs: ConditionalGroup | None
    identities: tuple[Value, ...]
    flags: tuple[Flag, ...]
    flags_span: Span | None
    body: Block
    span: Span

    @property
    def is_hat(self) -> bool:
        """Whether this is a hat (`^name` or `hat name`)."""
        return self.keyword is not None and self.keyword.text in ("^", "hat")

    @property
    def header_span(self) -> Span:
        """The range from the start of the profile to its opening brace."""
        return Span(self.span.start, self.body.span.start)

    def flag(self, name: str) -> Flag | None:
        """Return the last flag called `name`, or None."""
        for flag in reversed(self.flags):
            if flag.name == name:
                return flag
        return None


@dataclass(frozen=True, slots=True)
class QualifierBlock:
    """`audit { ... }`, `owner { ... }`, `deny { ... }`, or a plain `{ ... }`."""

    qualifiers: Qualifiers
    body: Block
    span: Span


@dataclass(frozen=True, slots=True)
class IfBlock:
    """`if EXPR { ... }` with an optional `else { ... }` or `else if ...`."""

    condition: Expr | None
    then: Block
    orelse: Block | IfBlock | None
    span: Span


Item = (
    Include
    | Abi
    | VariableAssignment
    | BooleanAssignment
    | AliasRule
    | Profile
    | QualifierBlock
    | IfBlock
    | Rule
)
"""Anything that can stand in a file or a block."""


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """One lowered document: its items in order."""

    items: tuple[Item, ...]
    span: Span

    def profiles(self) -> tuple[Profile, ...]:
        """Return the profiles and hats at file level."""
        return tuple(item for item in self.items if isinstance(item, Profile))


def walk_items(items: tuple[Item, ...]) -> Iterator[Item]:
    """Yield every item under `items`, depth first: profiles, blocks and both `if` branches."""
    for item in items:
        yield item
        if isinstance(item, (Profile, QualifierBlock)):
            yield from walk_items(item.body.items)
        elif isinstance(item, IfBlock):
            branch: Block | IfBlock | None = item
            while isinstance(branch, IfBlock):
                yield from walk_items(branch.then.items)
                branch = branch.orelse
                if isinstance(branch, IfBlock):
                    yield branch
            if isinstance(branch, Block):
                yield from walk_items(branch.items)


def walk_rules(items: tuple[Item, ...]) -> Iterator[Rule]:
    """Yield every rule under `items`, in any profile, block or branch."""
    return (item for item in walk_items(items) if isinstance(item, Rule))
