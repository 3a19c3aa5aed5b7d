"""User namespace rules: `userns [create],`.

Upstream: `userns_rule` in parser_yacc.y and userns.cc.  The only permission is `create`,
which a rule without permission words also grants; there are no conditionals (upstream's
lexer rejects anything else, and so does the grammar).  `owner` is rejected.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Diagnostic

from ..conditionals import lower_access
from ..event import LogRecord
from ..rule import LowerContext, Rule
from ..span import Span, Word
from .conds import (
    PermissionRule,
    access_of,
    access_table,
    prefix_problems,
    render_access,
)
from .logged import denied_mask, mask_words, rule_from_text

__all__ = ["USERNS_ACCESS", "UsernsAccess", "UsernsRule"]


class UsernsAccess(enum.Flag):
    """What a userns rule allows."""

    CREATE = enum.auto()


USERNS_ACCESS = access_table(UsernsAccess)
"""Each permission word of userns rules and what it allows."""


@dataclass(frozen=True, slots=True)
class UsernsRule(PermissionRule, Rule):
    """`userns` with its permissions."""

    KIND = "userns"
    NODE_TYPES = ("userns_rule",)

    access: UsernsAccess
    access_words: tuple[Word, ...]

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> UsernsRule:
        words = lower_access(node.child_by_field_name("permissions"), ctx.source)
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            access_of(words, USERNS_ACCESS, UsernsAccess(0)),
            words,
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> UsernsRule | None:
        """Return `userns create,` for a `userns_create` record (the kernel's `userns_create`
        mask word is the rule's `create`); None for other records."""
        if "userns_create" not in mask_words(denied_mask(record)):
            return None
        rule = rule_from_text(cls, "userns create,")
        return rule if isinstance(rule, UsernsRule) else None

    def render(self) -> str:
        return f"{self.render_qualifiers()}userns{render_access(self.access, UsernsAccess)},"

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "userns")

    def applies_to(self, other: UsernsRule) -> bool:
        """Return whether every namespace `other` names is one this rule names too."""
        return True
