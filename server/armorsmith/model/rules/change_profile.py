"""change_profile rules: `change_profile [safe|unsafe] [EXEC] [-> TARGET],` (parser_yacc.y change_profile).

Without a target the rule allows changing to any profile (`-> **`).  EXEC, the exec
condition, limits the rule to `change_onexec` for that program and must start with `/` or
a variable; `safe` and `unsafe` (whether the environment is scrubbed at the exec) need one.
Upstream merges change_profile rules like file rules, keyed on the exec condition and the
target, so a safe and an unsafe rule for the same pair conflict: the check
`change_profile_conflicts` reports that.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic

from ..event import LogRecord
from ..rule import LowerContext, Rule, WholeAccess
from ..span import Span, Word
from ..values import Value
from .conds import covers_value
from .logged import literal, rule_from_text

__all__ = ["ChangeProfileRule"]


@dataclass(frozen=True, slots=True)
class ChangeProfileRule(Rule):
    """`change_profile` with its exec mode word, exec condition and target."""

    KIND = "change_profile"
    NODE_TYPES = ("change_profile_rule",)

    exec_mode: Word | None
    exec_condition: Value | None
    target: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> ChangeProfileRule:
        mode = node.child_by_field_name("exec_safety")
        condition = node.child_by_field_name("exec")
        target = node.child_by_field_name("target")
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            ctx.word(mode) if mode is not None else None,
            ctx.value(condition) if condition is not None and not condition.is_missing else None,
            ctx.value(target) if target is not None and not target.is_missing else None,
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> ChangeProfileRule | None:
        """Return `change_profile -> TARGET,` for a `change_profile` or `change_onexec` record.

        The target is the record's `target=` (libapparmor's `name2`).  None without one,
        and when `info=` says no rule is missing: the target is not loaded (`label not
        found`) or no_new_privs forbids the change, where aa-logprof's proposal would not
        help (§2.5 pitfall 9).
        """
        if record.operation not in ("change_profile", "change_onexec") or not record.name2:
            return None
        if record.info in ("label not found", "no new privs"):
            return None
        rule = rule_from_text(cls, f"change_profile -> {literal(record.name2)},")
        return rule if isinstance(rule, ChangeProfileRule) else None

    @property
    def is_unsafe(self) -> bool:
        """Whether the exec transition keeps the environment (`unsafe`); `safe` is the default."""
        return self.exec_mode is not None and self.exec_mode.text == "unsafe"

    @property
    def target_text(self) -> str:
        """The target as upstream records it: `**` (any profile) when none is written."""
        return self.target.text if self.target is not None else "**"

    def render(self) -> str:
        parts = [self.render_qualifiers() + "change_profile"]
        if self.exec_mode is not None and self.exec_condition is not None:
            parts.append(self.exec_mode.text)
        if self.exec_condition is not None:
            parts.append(self.exec_condition.raw)
        if self.target is not None:
            parts += ["->", self.target.raw]
        return " ".join(parts) + ","

    def validate(self) -> Iterator[Diagnostic]:
        owner = self.qualifiers.owner_word
        if owner is not None:
            yield Diagnostic.of(
                Code.QUALIFIER_NOT_ALLOWED,
                f"{owner.text} conditional not allowed on change_profile rules: "
                "owner conditions only apply to files",
                owner.span.start,
                owner.span.end,
            )
        if self.exec_mode is not None and self.exec_condition is None:
            yield Diagnostic.of(
                Code.EXEC_CONDITION_REQUIRED,
                f"Exec condition is required when unsafe or safe keywords are present: "
                f"'{self.exec_mode.text}' applies to the program named after it",
                self.exec_mode.span.start,
                self.exec_mode.span.end,
            )
        condition = self.exec_condition
        if condition is not None and not condition.text.startswith(("/", "@{")):
            yield Diagnostic.of(
                Code.INVALID_EXEC_CONDITION,
                f"Exec condition must begin with '/': '{condition.text}' is not an absolute path",
                condition.span.start,
                condition.span.end,
            )

    def key(self) -> Hashable:
        return (self.KIND, self.qualifiers.access)

    def covers(self, other: Rule) -> bool:
        if not isinstance(other, ChangeProfileRule) or other.key() != self.key():
            return False
        if self.is_unsafe != other.is_unsafe:
            return False
        if (self.exec_condition is None) != (other.exec_condition is None):
            return False
        return covers_value(self.exec_condition, other.exec_condition) and covers_value(self.target, other.target)

    def grants(self, request: Rule) -> WholeAccess:
        """Return ANY when this rule allows the change `request` asks for.

        A request without an exec condition is a change_profile now; one with an exec
        condition is a change at the exec of that program (change_onexec).  A rule without
        an exec condition applies to both.
        """
        if not isinstance(request, ChangeProfileRule):
            return WholeAccess(0)
        if self.exec_condition is not None and not (
            request.exec_condition is not None and covers_value(self.exec_condition, request.exec_condition)
        ):
            return WholeAccess(0)
        return WholeAccess.ANY if covers_value(self.target, request.target) else WholeAccess(0)

    def merge(self, other: Rule) -> ChangeProfileRule | None:
        if not isinstance(other, ChangeProfileRule):
            return None
        if self.covers(other):
            return self
        return other if other.covers(self) else None
