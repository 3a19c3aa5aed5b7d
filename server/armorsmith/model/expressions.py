"""Boolean expressions of `if` blocks and boolean assignments (parser_yacc.y expr).

`if ${B} and not defined @{V} {` lowers to `And(BoolVar(B), Not(Defined(V)))`.  Evaluating
them needs variable values, so it belongs to resolution; here they are only data.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from .span import Span, Word
from .values import Value, value_of, word_of

__all__ = [
    "BoolLiteral",
    "BoolVar",
    "Compare",
    "Defined",
    "Expr",
    "Logical",
    "Not",
    "lower_expression",
]


@dataclass(frozen=True, slots=True)
class BoolVar:
    """A boolean variable, `${name}` or `$name`; `name` is without the sigil."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class BoolLiteral:
    """A bare word; upstream accepts only `true` and `false` (in any case)."""

    word: Word

    @property
    def span(self) -> Span:
        """The range of the word."""
        return self.word.span


@dataclass(frozen=True, slots=True)
class Defined:
    """`defined @{V}` or `defined ${B}`: `name` is the variable with its sigil."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Not:
    """`not EXPR`."""

    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Logical:
    """`LEFT and RIGHT` or `LEFT or RIGHT`."""

    operator: str
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Compare:
    """`LEFT OP RIGHT` with OP one of `== != in > >= < <=`; operands are values as written."""

    operator: str
    left: Value
    right: Value
    span: Span


Expr = BoolVar | BoolLiteral | Defined | Not | Logical | Compare
"""Any expression node."""


def _bool_name(text: str) -> str:
    return text[2:-1] if text.startswith("${") else text[1:]


def lower_expression(node: Node | None, source: bytes) -> Expr | None:
    """Lower an expression node; None for a missing or broken one."""
    if node is None or node.is_missing or node.is_error:
        return None
    kind = node.type
    span = Span.of(node)
    if kind == "boolean_variable":
        return BoolVar(_bool_name(word_of(node, source).text), span)
    if kind == "boolean_literal":
        return BoolLiteral(word_of(node, source))
    if kind == "parenthesized_expression":
        inner = node.named_children
        return lower_expression(inner[0], source) if inner else None
    if kind == "defined_expression":
        argument = node.child_by_field_name("argument")
        return Defined(word_of(argument, source).text, span) if argument is not None else None
    if kind == "unary_expression":
        operand = lower_expression(node.child_by_field_name("argument"), source)
        return Not(operand, span) if operand is not None else None
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        left = lower_expression(node.child_by_field_name("left"), source)
        right = lower_expression(node.child_by_field_name("right"), source)
        if operator is None or left is None or right is None:
            return None
        return Logical(operator.type, left, right, span)
    if kind == "comparison":
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator is None or left is None or right is None:
            return None
        return Compare(operator.type, value_of(left, source), value_of(right, source), span)
    return None
