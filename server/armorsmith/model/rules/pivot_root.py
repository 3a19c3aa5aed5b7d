"""pivot_root rules: `pivot_root [oldroot=PATH] [NEWROOT] [-> PROFILE],` (parser_yacc.y do_pivot_rule).

Upstream builds a mount-family rule from it.  Its only conditional is `oldroot`, and
upstream looks at the last conditional written only: it must be `oldroot`, and any earlier
conditional is silently dropped.  A bare `pivot_root,` allows every pivot_root.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic

from ..conditionals import Conditional, ConditionalGroup, lower_conditionals
from ..event import LogRecord
from ..rule import LowerContext, Rule, WholeAccess
from ..span import Span
from ..values import Value
from .conds import covers_value, prefix_problems
from .logged import literal, rule_from_text
from .mount import conditional_text

__all__ = ["PIVOT_ROOT_CONDITIONALS", "PivotRootRule"]

PIVOT_ROOT_CONDITIONALS = ("oldroot",)
"""The conditionals pivot_root rules take."""


@dataclass(frozen=True, slots=True)
class PivotRootRule(Rule):
    """`pivot_root` with its conditionals, new root and the profile to change to."""

    KIND = "pivot_root"
    NODE_TYPES = ("pivot_root_rule",)

    conditionals: tuple[Conditional | ConditionalGroup, ...]
    new_root: Value | None
    target: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> PivotRootRule:
        conditionals, groups = lower_conditionals(node, ctx.source)
        new_root = node.child_by_field_name("new_root")
        target = node.child_by_field_name("target")
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            tuple(sorted((*conditionals, *groups), key=lambda item: item.span.start)),
            ctx.value(new_root) if new_root is not None and not new_root.is_missing else None,
            ctx.value(target) if target is not None and not target.is_missing else None,
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> PivotRootRule | None:
        """Return `pivot_root oldroot=PUT_OLD NEW_ROOT,` for a `pivotroot` record (§2.2).

        The kernel logs the new root as `name` and the old root's new place as `srcname`.
        None for other operations and without a new root.
        """
        if record.operation != "pivotroot" or not record.name:
            return None
        old_root = f"oldroot={literal(record.src_name)} " if record.src_name else ""
        rule = rule_from_text(cls, f"pivot_root {old_root}{literal(record.name)},")
        return rule if isinstance(rule, PivotRootRule) else None

    @property
    def old_root(self) -> Value | None:
        """The value upstream uses for the old root: that of the last conditional, if `oldroot`."""
        if not self.conditionals:
            return None
        last = self.conditionals[-1]
        if isinstance(last, Conditional) and last.name.text in PIVOT_ROOT_CONDITIONALS:
            return last.first()
        return None

    def render(self) -> str:
        parts = [self.render_qualifiers() + "pivot_root"]
        if self.old_root is not None:
            parts.append(f"oldroot={self.old_root.raw}")
        if self.new_root is not None:
            parts.append(self.new_root.raw)
        if self.target is not None:
            parts += ["->", self.target.raw]
        return " ".join(parts) + ","

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "pivot_root")
        if not self.conditionals:
            return
        *earlier, last = self.conditionals
        if isinstance(last, ConditionalGroup) or last.name.text not in PIVOT_ROOT_CONDITIONALS:
            yield Diagnostic.of(
                Code.INVALID_PIVOT_ROOT_CONDITIONAL,
                f"invalid pivotroot conditional '{last.name.text}': pivot_root takes only oldroot=",
                last.span.start,
                last.span.end,
            )
        for item in earlier:
            yield Diagnostic.of(
                Code.IGNORED_PIVOT_ROOT_CONDITIONAL,
                f"apparmor_parser ignores '{conditional_text(item)}': "
                "only the last conditional of a pivot_root rule is used",
                item.span.start,
                item.span.end,
            )

    def key(self) -> Hashable:
        return (self.KIND, self.qualifiers.access)

    def covers(self, other: Rule) -> bool:
        if not isinstance(other, PivotRootRule) or other.key() != self.key():
            return False
        return self._matches(other)

    def grants(self, request: Rule) -> WholeAccess:
        """Return ANY when the pivot_root `request` (concrete roots and profile) matches this rule."""
        if isinstance(request, PivotRootRule) and self._matches(request):
            return WholeAccess.ANY
        return WholeAccess(0)

    def _matches(self, other: PivotRootRule) -> bool:
        pairs = ((self.old_root, other.old_root), (self.new_root, other.new_root), (self.target, other.target))
        return all(covers_value(mine, theirs) for mine, theirs in pairs)

    def merge(self, other: Rule) -> PivotRootRule | None:
        if not isinstance(other, PivotRootRule):
            return None
        if self.covers(other):
            return self
        return other if other.covers(self) else None
