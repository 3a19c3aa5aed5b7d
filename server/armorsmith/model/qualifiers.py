"""Rule qualifiers: `priority=N`, `audit`, `allow`/`deny`/`prompt`, `owner`/`user`/`other`.

Upstream accepts them in that strict order (the grammar enforces it) on most rule kinds and
on qualifier blocks, whose qualifiers combine with those of the rules inside.  Which kinds
reject which qualifier (`owner` outside file rules, `priority` on network rules ...) is
checked by the rule kinds, not here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from tree_sitter import Node

from .span import Span, Word
from .values import word_of

__all__ = ["Access", "Owner", "Qualifiers", "lower_qualifiers"]


class Access(enum.Enum):
    """Whether a rule grants, refuses or asks (upstream's rule mode prefix)."""

    ALLOW = "allow"
    DENY = "deny"
    PROMPT = "prompt"


class Owner(enum.Enum):
    """The file owner condition; `user` is upstream's synonym of `owner`."""

    OWNER = "owner"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Qualifiers:
    """The qualifiers written before a rule or block, each with the word that set it.

    `access` is ALLOW when no mode word was written (`access_word` is then None).
    """

    audit: Word | None = None
    access: Access = Access.ALLOW
    access_word: Word | None = None
    owner: Owner | None = None
    owner_word: Word | None = None
    priority: int | None = None
    priority_span: Span | None = None
    span: Span | None = None

    @property
    def is_audit(self) -> bool:
        """Whether the rule is audited."""
        return self.audit is not None

    @property
    def is_deny(self) -> bool:
        """Whether the rule refuses what it matches."""
        return self.access is Access.DENY

    def combined_with(self, outer: Qualifiers) -> Qualifiers:
        """Return these qualifiers as they apply inside a block qualified by `outer`.

        Conflicts between the two (allow vs deny, a second priority) are the business of a
        check; here an inner word wins over an outer one.
        """
        merged = self
        if merged.audit is None and outer.audit is not None:
            merged = replace(merged, audit=outer.audit)
        if merged.access_word is None and outer.access_word is not None:
            merged = replace(merged, access=outer.access, access_word=outer.access_word)
        if merged.owner is None and outer.owner is not None:
            merged = replace(merged, owner=outer.owner, owner_word=outer.owner_word)
        if merged.priority is None and outer.priority is not None:
            merged = replace(merged, priority=outer.priority, priority_span=outer.priority_span)
        return merged


NONE = Qualifiers()
"""The qualifiers of a rule written without any."""


def lower_qualifiers(node: Node | None, source: bytes) -> Qualifiers:
    """Lower a `qualifiers` node (or None, for a rule without qualifiers)."""
    if node is None:
        return NONE
    audit = None
    access, access_word = Access.ALLOW, None
    owner, owner_word = None, None
    priority, priority_span = None, None
    for child in node.children:
        kind = child.type
        if kind == "audit":
            audit = word_of(child, source)
        elif kind in ("allow", "deny", "prompt"):
            access, access_word = Access(kind), word_of(child, source)
        elif kind in ("owner", "user"):
            owner, owner_word = Owner.OWNER, word_of(child, source)
        elif kind == "other":
            owner, owner_word = Owner.OTHER, word_of(child, source)
        elif kind == "priority":
            number = child.child_by_field_name("value")
            priority_span = Span.of(child)
            if number is not None and not number.is_missing:
                priority = int(source[number.start_byte : number.end_byte])
    return Qualifiers(
        audit, access, access_word, owner, owner_word, priority, priority_span, Span.of(node)
    )
