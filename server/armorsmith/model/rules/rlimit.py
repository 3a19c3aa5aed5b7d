"""rlimit rules: `set rlimit NAME <= VALUE [UNIT],` (parser_yacc.y rlimit rule, parser_misc.c).

VALUE is an integer (read as C's strtoll does with base 0, so `010` is eight) or
`infinity`.  Which unit may follow depends on the limit (`RLIMITS`): sizes take a prefix of
KB, MB or GB; `cpu` (default seconds, at least one second) and `rttime` (default
microseconds) take a time unit; `nice` is -20..19; the counts take none.  The rule takes no
qualifiers.  When a profile sets a limit twice, the last rule wins.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic

from ..rule import LowerContext, Rule
from ..span import Span, Word

__all__ = ["RLIMITS", "RLIM_INFINITY", "TIME_UNITS", "RlimitKind", "RlimitRule"]


class RlimitKind(enum.Enum):
    """How a limit's value is written: which unit it takes and which range it has."""

    SIZE = "size"
    CPU = "cpu"
    RTTIME = "rttime"
    COUNT = "count"
    NICE = "nice"


RLIMITS: dict[str, RlimitKind] = {
    "cpu": RlimitKind.CPU,
    "fsize": RlimitKind.SIZE,
    "data": RlimitKind.SIZE,
    "stack": RlimitKind.SIZE,
    "core": RlimitKind.SIZE,
    "rss": RlimitKind.SIZE,
    "nofile": RlimitKind.COUNT,
    "ofile": RlimitKind.COUNT,
    "as": RlimitKind.SIZE,
    "nproc": RlimitKind.COUNT,
    "memlock": RlimitKind.SIZE,
    "locks": RlimitKind.COUNT,
    "sigpending": RlimitKind.COUNT,
    "msgqueue": RlimitKind.SIZE,
    "nice": RlimitKind.NICE,
    "rtprio": RlimitKind.COUNT,
    "rttime": RlimitKind.RTTIME,
}
"""Every rlimit name upstream knows (`ofile` is `nofile`), with how its value is written."""

_SECOND = 1_000_000
TIME_UNITS: dict[str, int] = {
    **dict.fromkeys(("us", "microsecond", "microseconds"), 1),
    **dict.fromkeys(("ms", "millisecond", "milliseconds"), 1000),
    **dict.fromkeys(("s", "sec", "second", "seconds"), _SECOND),
    **dict.fromkeys(("min", "minute", "minutes"), 60 * _SECOND),
    **dict.fromkeys(("h", "hour", "hours"), 3600 * _SECOND),
    **dict.fromkeys(("d", "day", "days"), 86400 * _SECOND),
    **dict.fromkeys(("week", "weeks"), 7 * 86400 * _SECOND),
}
"""Time units in microseconds (parser_misc.c time_units)."""

_SIZE_UNITS = {"K": 1024, "KB": 1024, "M": 1024**2, "MB": 1024**2, "G": 1024**3, "GB": 1024**3}

RLIM_INFINITY = 2**64 - 1
"""The kernel's value for no limit (`infinity`)."""

_INTEGER = re.compile(r"-?[0-9]+")


def _strtoll(text: str) -> int:
    """Read a `-?[0-9]+` token as C's strtoll with base 0 does: a leading 0 means octal."""
    negative = text.startswith("-")
    digits = text.lstrip("-")
    if len(digits) > 1 and digits.startswith("0"):
        octal = re.match(r"[0-7]*", digits[1:])
        value = int(octal.group(0), 8) if octal and octal.group(0) else 0
    else:
        value = int(digits)
    return -value if negative else value


@dataclass(frozen=True, slots=True)
class RlimitRule(Rule):
    """`set rlimit` with the limit's name, its value and its unit as written."""

    KIND = "rlimit"
    NODE_TYPES = ("rlimit_rule",)

    name: Word
    value: Word
    unit: Word | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> RlimitRule:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        unit = node.child_by_field_name("unit")
        empty = Word("", Span(node.end_byte, node.end_byte))
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            ctx.word(name) if name is not None and not name.is_missing else empty,
            ctx.word(value) if value is not None and not value.is_missing else empty,
            ctx.word(unit) if unit is not None else None,
        )

    @property
    def kind(self) -> RlimitKind | None:
        """How the limit's value is written, or None for an unknown limit."""
        return RLIMITS.get(self.name.text)

    def render(self) -> str:
        unit = self.unit.text if self.unit is not None and self.value.text != "infinity" else ""
        return f"set rlimit {self.name.text} <= {self.value.text}{unit},"

    def amount(self) -> int | None:
        """Return the limit in the kernel's unit (bytes, seconds, microseconds, a count).

        `infinity` is `RLIM_INFINITY`; `nice` is returned as written (-20..19).  None means
        the rule is invalid (see `validate`).
        """
        return None if self._problem() else self._amount()

    def _amount(self) -> int:
        if self.value.text == "infinity":
            return RLIM_INFINITY
        number = _strtoll(self.value.text)
        unit = self.unit.text if self.unit is not None else None
        if self.kind is RlimitKind.SIZE:
            return number * _SIZE_UNITS.get(unit, 1) if unit else number
        if self.kind is RlimitKind.CPU:
            return number * TIME_UNITS[unit] // _SECOND if unit else number
        if self.kind is RlimitKind.RTTIME:
            return number * TIME_UNITS[unit] if unit else number
        return number

    def _problem(self) -> tuple[Code, str, Span] | None:
        """Return the first problem upstream reports for this rule, in upstream's order."""
        name, value, unit = self.name.text, self.value.text, self.unit
        kind = self.kind
        if kind is None:
            return Code.UNKNOWN_RLIMIT, f"INVALID RLIMIT '{name}': known limits are {', '.join(RLIMITS)}", self.name.span
        if value == "infinity":
            return None
        if not _INTEGER.fullmatch(value):
            return Code.INVALID_RLIMIT_VALUE, f"RLIMIT '{name}' invalid value {value}: expected a number or 'infinity'", self.value.span
        number = _strtoll(value)
        written = f"{value} {unit.text}" if unit is not None else value
        invalid = f"RLIMIT '{name}' invalid value {written}"
        span = Span(self.value.span.start, (unit or self.value).span.end)
        if kind is RlimitKind.NICE or kind is RlimitKind.COUNT:
            if unit is not None:
                return Code.INVALID_RLIMIT_VALUE, f"{invalid}: '{name}' takes no unit", span
            if kind is RlimitKind.NICE and not -20 <= number <= 19:
                return Code.INVALID_RLIMIT_VALUE, f"RLIMIT '{name}' out of range (-20 .. 19) {number}", span
        if number < 0 and kind is not RlimitKind.NICE:
            return Code.INVALID_RLIMIT_VALUE, f"{invalid}: the value cannot be negative", span
        if unit is None:
            return None
        if kind is RlimitKind.SIZE and unit.text not in _SIZE_UNITS:
            return Code.INVALID_RLIMIT_VALUE, f"{invalid}: size units are K, KB, M, MB, G and GB", span
        if kind is RlimitKind.CPU or kind is RlimitKind.RTTIME:
            factor = TIME_UNITS.get(unit.text)
            if factor is None:
                units = "us, ms, s, min, h, d and week, or their long names"
                return Code.INVALID_RLIMIT_VALUE, f"{invalid}: '{unit.text}' is not a time unit; time units are {units}", span
            if kind is RlimitKind.CPU and number * factor < _SECOND:
                return Code.INVALID_RLIMIT_VALUE, f"RLIMIT '{name} {value}' < minimum value of 1s", span
            if kind is RlimitKind.RTTIME and number * factor < 1:
                return Code.INVALID_RLIMIT_VALUE, f"{invalid}: the value must be at least 1us", span
        return None

    def validate(self) -> Iterator[Diagnostic]:
        problem = self._problem()
        if problem is not None:
            code, message, span = problem
            yield Diagnostic.of(code, message, span.start, span.end)

    def key(self) -> Hashable:
        return (self.KIND, "nofile" if self.name.text == "ofile" else self.name.text)

    def covers(self, other: Rule) -> bool:
        if not isinstance(other, RlimitRule) or other.key() != self.key():
            return False
        mine, theirs = self.amount(), other.amount()
        return mine is not None and theirs is not None and mine >= theirs

    def merge(self, other: Rule) -> RlimitRule | None:
        if not isinstance(other, RlimitRule):
            return None
        if self.covers(other):
            return self
        return other if other.covers(self) else None
