"""Evaluating `if` conditions and boolean assignments at parse time, as upstream does.

Upstream evaluates every factor of an expression when it parses it (cond_expr.cc): there is
no short-circuit, so an unset boolean on the right of a false `and` is still an error, and
so is one inside a branch that is not taken.  `evaluate` therefore visits every factor
and reports every problem; its result is None when some factor has no value.

Comparisons (`==`, `!=`, `in`, `<`, `<=`, `>`, `>=`) take each operand as a set of strings:
a whole variable reference stands for its expanded values, anything else for itself.
`in` is "subset of"; ordering compares numbers when both sides are a single integer
(`strtol` with base 0, so `0x10` and `010` count) and sets of strings otherwise, and a
number against a non-number is an error.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Callable
from dataclasses import dataclass

from armorsmith.diagnostics import Code, Related
from armorsmith.model import Span, Value
from armorsmith.model.expressions import BoolLiteral, BoolVar, Compare, Defined, Expr, Logical, Not

from .variables import BooleanVariable, ExpansionError, Expander, Variable, reference_name

__all__ = ["ConditionProblem", "evaluate"]

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True, slots=True)
class ConditionProblem:
    """A problem found while evaluating, located in the document of the expression."""

    code: Code
    message: str
    span: Span
    related: tuple[Related, ...] = ()


@dataclass(frozen=True, slots=True)
class _Env:
    table: dict[str, Variable]
    expander: Expander
    raw: Callable[[Span], str]
    complete: bool
    problems: list[ConditionProblem]

    def report(self, code: Code, message: str, span: Span, related: tuple[Related, ...] = ()) -> None:
        self.problems.append(ConditionProblem(code, message, span, related))


def evaluate(
    expr: Expr,
    table: dict[str, Variable],
    expander: Expander,
    raw: Callable[[Span], str],
    *,
    complete: bool = True,
) -> tuple[bool | None, list[ConditionProblem]]:
    """Return the value of `expr` and the problems found.

    `raw` returns the source text of a range (messages quote variables as written).
    When `complete` is false some include could not be read, so an unknown variable may
    be defined there: it makes the result None without a diagnostic.
    """
    env = _Env(table, expander, raw, complete, [])
    return _eval(expr, env), env.problems


def _eval(expr: Expr, env: _Env) -> bool | None:
    if isinstance(expr, BoolLiteral):
        word = expr.word.text
        if word.lower() in ("true", "false"):
            return word.lower() == "true"
        env.report(Code.INVALID_BOOLEAN, f"Invalid boolean : '{word}' is not true or false", expr.span)
        return None
    if isinstance(expr, BoolVar):
        return _boolean(expr, env)
    if isinstance(expr, Defined):
        return _defined(expr, env)
    if isinstance(expr, Not):
        operand = _eval(expr.operand, env)
        return None if operand is None else not operand
    if isinstance(expr, Logical):
        left, right = _eval(expr.left, env), _eval(expr.right, env)
        decisive = expr.operator != "and"
        if decisive in (left, right):
            return decisive
        return None if None in (left, right) else not decisive
    return _compare(expr, env)


def _boolean(expr: BoolVar, env: _Env) -> bool | None:
    found = env.table.get(expr.name)
    if found is None:
        if env.complete:
            env.report(
                Code.UNSET_BOOLEAN, f"Unset boolean variable {env.raw(expr.span)} used in if-expression", expr.span
            )
        return None
    if not isinstance(found, BooleanVariable):
        env.report(Code.VARIABLE_KIND_MISMATCH, f"Variable {expr.name} is not a boolean variable", expr.span)
        return None
    return found.value


def _defined(expr: Defined, env: _Env) -> bool:
    name = expr.name[1:]
    name = name[1:-1] if name.startswith("{") and name.endswith("}") else name
    found = env.table.get(name)
    if isinstance(found, BooleanVariable):
        env.report(
            Code.DEFINED_ON_BOOLEAN,
            f"Variable {name} is not a set variable: 'defined' only finds set variables, "
            "so this is always false",
            expr.span,
        )
        return False
    return found is not None


def _operand(value: Value, env: _Env) -> frozenset[str] | None:
    """Return the set of strings an operand stands for, or None after reporting why not."""
    text = value.text
    name = reference_name(text)
    if name is None:
        return frozenset((text,))
    found = env.table.get(name)
    if found is None:
        if env.complete:
            env.report(Code.UNDEFINED_VARIABLE, f"Error retrieving variable {text}", value.span)
        return None
    expanded = env.expander.variable(name)
    if isinstance(expanded, ExpansionError):
        env.report(expanded.code, expanded.message, value.span, expanded.related)
        return None
    return frozenset(expanded)


def _strtol(text: str) -> tuple[int, bool]:
    """Read `text` as C's `strtol(text, &end, 0)`: the value, and whether all of it was read."""
    i, length = 0, len(text)
    while i < length and text[i] in " \t\n\v\f\r":
        i += 1
    negative = False
    if i < length and text[i] in "+-":
        negative = text[i] == "-"
        i += 1
    base = 10
    if text[i : i + 2] in ("0x", "0X") and text[i + 2 : i + 3] in tuple(string.hexdigits):
        base, i = 16, i + 2
    elif text[i : i + 1] == "0":
        base = 8
    digits = "0123456789abcdef"[:base]
    start = i
    while i < length and text[i].lower() in digits:
        i += 1
    if i == start:
        return 0, False
    value = int(text[start:i], base)
    return (-value if negative else value), i == length


class _Side(enum.Enum):
    """A side of an ordering that is not a number."""

    STRINGS = "strings"
    OUT_OF_RANGE = "out of range"


def _number(values: frozenset[str], span: Span, env: _Env) -> int | _Side:
    """Read one side of an ordering as `str_set_to_long` does (an overflow is reported here)."""
    if len(values) != 1:
        return _Side.STRINGS
    (only,) = values
    if not only:
        return _Side.STRINGS
    value, whole = _strtol(only)
    if not _LONG_MIN <= value <= _LONG_MAX:
        env.report(Code.INVALID_COMPARISON, "Value out of valid range", span)
        return _Side.OUT_OF_RANGE
    return value if whole else _Side.STRINGS


def _ordered(operator: str, left: object, right: object) -> bool:
    if operator == ">":
        return left > right  # type: ignore[operator]
    if operator == ">=":
        return left >= right  # type: ignore[operator]
    if operator == "<":
        return left < right  # type: ignore[operator]
    return left <= right  # type: ignore[operator]


def _compare(expr: Compare, env: _Env) -> bool | None:
    left, right = _operand(expr.left, env), _operand(expr.right, env)
    if left is None or right is None:
        return None
    operator = expr.operator
    if operator == "in":
        return left <= right
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    sides = _number(left, expr.left.span, env), _number(right, expr.right.span, env)
    if _Side.OUT_OF_RANGE in sides:
        return None
    numbers = [isinstance(side, int) for side in sides]
    if all(numbers):
        return _ordered(operator, sides[0], sides[1])
    if any(numbers):
        env.report(Code.INVALID_COMPARISON, "Can only compare numbers with numbers", expr.span)
        return None
    as_bytes = [sorted(item.encode("utf-8", "surrogateescape") for item in side) for side in (left, right)]
    return _ordered(operator, as_bytes[0], as_bytes[1])
