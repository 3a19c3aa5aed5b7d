"""The one interface every rule kind implements, and the context lowering passes around.

Each rule kind is one module in `armorsmith.model.rules` holding a frozen dataclass that
subclasses `Rule`, the kind's vocabulary as data, and these methods:

- `from_cst(node, ctx)`: lower a syntax node; never raises on user input, and a
  half-typed rule still yields a value (missing parts are empty or None);
- `render()`: the canonical text of the rule, used by fixes and by rule suggestions;
- `validate()`: the checks upstream's parser makes on this rule alone, as diagnostics;
- `key()`: the bucket in which rules may merge or cover each other;
- `covers(other)`: whether this rule allows everything `other` allows (same bucket);
- `merge(other)`: one rule allowing what both allow, or None when no single rule can;
- `requested()` and `grants(request)`: the engine's view.  A request is a rule of the same
  kind with concrete values (`/etc/passwd r`, `signal send set=term peer=foo`), built from
  a query or a log record; `requested()` is the permission set it asks for and
  `grants(request)` the part of it this rule applies to (empty when the rule's object,
  path, peer or conditionals do not match the request's).  Kinds without permission words
  use `WholeAccess`.

The qualifiers (`audit`, `deny`, `owner`, `priority=`) are lowered once, here, for all kinds.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic, Related

from .qualifiers import Qualifiers, lower_qualifiers
from .span import Span, Word
from .values import Value, node_text, value_of, word_of

__all__ = ["LowerContext", "Rule", "WholeAccess"]


class WholeAccess(enum.Flag):
    """The one implicit permission of rule kinds that have no permission words."""

    ANY = 1


@dataclass
class LowerContext:
    """What lowering one document needs: its bytes, and where problems are reported."""

    source: bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)
    depth: int = 0
    """How many blocks enclose the node being lowered."""
    too_deep: bool = False
    """Whether blocks nested too deep were reported already."""

    def text(self, node: Node) -> str:
        """Return the source text of `node`."""
        return node_text(node, self.source)

    def word(self, node: Node) -> Word:
        """Return the text and range of a single-token node."""
        return word_of(node, self.source)

    def value(self, node: Node) -> Value:
        """Return the `Value` of a value-like node."""
        return value_of(node, self.source)

    def qualifiers(self, node: Node) -> Qualifiers:
        """Return the qualifiers of a rule node (its `qualifiers` field)."""
        return lower_qualifiers(node.child_by_field_name("qualifiers"), self.source)

    def report(
        self, code: Code, message: str, span: Span, *, related: tuple[Related, ...] = ()
    ) -> None:
        """Record a diagnostic found while lowering."""
        self.diagnostics.append(Diagnostic.of(code, message, span.start, span.end, related=related))


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of some kind, with its range and its qualifiers."""

    KIND: ClassVar[str] = ""
    """The kind's name as upstream's keyword spells it (`capability`, `file`, ...)."""
    NODE_TYPES: ClassVar[tuple[str, ...]] = ()
    """The grammar node types this kind lowers."""

    span: Span
    qualifiers: Qualifiers

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> Rule:
        """Lower the syntax node `node` of one of `NODE_TYPES`."""
        raise NotImplementedError(f"{cls.__name__} does not lower syntax nodes")

    def render(self) -> str:
        """Return the canonical text of the rule, ending with its ','."""
        raise NotImplementedError(f"{type(self).__name__} has no canonical text")

    def validate(self) -> Iterator[Diagnostic]:
        """Yield the problems upstream's parser reports for this rule alone."""
        return iter(())

    def key(self) -> Hashable:
        """Return the bucket of rules this one may cover or merge with."""
        return (self.KIND, self.qualifiers.access, self.qualifiers.owner)

    def covers(self, other: Rule) -> bool:
        """Return whether this rule allows (or denies) everything `other` does."""
        return False

    def merge(self, other: Rule) -> Rule | None:
        """Return one rule equivalent to this one and `other`, or None when there is none."""
        return None

    def requested(self) -> enum.Flag:
        """Return the permissions this rule asks for when it is used as a request."""
        return WholeAccess.ANY

    def grants(self, request: Rule) -> enum.Flag:
        """Return the permissions of `request` this rule applies to (empty: no match)."""
        return WholeAccess(0)

    def render_qualifiers(self) -> str:
        """Return the canonical qualifier prefix, with a trailing space when not empty."""
        q = self.qualifiers
        words = []
        if q.priority is not None:
            words.append(f"priority={q.priority}")
        if q.audit is not None:
            words.append("audit")
        if q.access_word is not None:
            words.append(q.access.value)
        if q.owner is not None:
            words.append(q.owner.value)
        return " ".join(words) + " " if words else ""
