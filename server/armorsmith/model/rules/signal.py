"""Signal rules: `signal [PERMS] [set=SIGNALS] [peer=LABEL],`.

Upstream: `signal_rule` in parser_yacc.y and signal.cc.  `set=` takes one signal or a
list, and may be repeated (the sets add up); names are lower case without `SIG`, plus
`exists` and the real-time `rtmin+0` to `rtmin+32`.  `peer=` is a label glob.  Without
permission words a rule allows both sending and receiving; without `set=` every signal.
Only `=` is accepted, and `owner` is rejected.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, replace

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic

from ..conditionals import Conditional, ConditionalGroup, lower_access, lower_conditionals
from ..event import LogRecord
from ..rule import LowerContext, Rule
from ..span import Span, Word
from ..values import Value
from .conds import (
    PermissionRule,
    access_of,
    access_table,
    covers_value,
    first,
    group_not_allowed,
    plain_conditionals,
    prefix_problems,
    problem,
    render_access,
    render_conditional,
    repeated,
)
from .logged import denied_mask, literal, mask_words, rule_from_text, simple_word

__all__ = ["SIGNALS", "SIGNAL_ACCESS", "SIGNAL_CONDITIONALS", "SignalAccess", "SignalRule", "signal_number"]


class SignalAccess(enum.Flag):
    """What a signal rule allows."""

    SEND = enum.auto()
    RECEIVE = enum.auto()


SIGNAL_ACCESS = access_table(SignalAccess, SignalAccess.RECEIVE, SignalAccess.SEND)
"""Each permission word of signal rules and what it allows."""

SIGNAL_CONDITIONALS = ("set", "peer")
"""The conditionals signal rules take."""

_NUMBERED = """
    hup int quit ill trap abrt bus fpe kill usr1 segv usr2 pipe alrm term stkflt chld cont
    stop stp|tstp ttin ttou urg xcpu xfsz vtalrm prof winch io|poll pwr sys emt
""".split()

SIGNALS: dict[str, int] = {
    name: number for number, names in enumerate(_NUMBERED, start=1) for name in names.split("|")
} | {"exists": 35}
"""Signal names and upstream's numbers for them; `stp` and `tstp`, `io` and `poll` are
synonyms (signal.cc `signal_map`)."""

_RT_BASE = 128
_RT_MAX = 32


def signal_number(name: str) -> int | None:
    """Return upstream's number for a signal name, or None when it is unknown.

    `rtmin+N` is read as C's strtoul reads N, and as upstream does not check what follows
    the number, `rtmin+` alone is `rtmin+0` and `rtmin+5x` is `rtmin+5`.
    """
    if not name.startswith("rtmin+"):
        return SIGNALS.get(name)
    rest = name[len("rtmin+") :].lstrip(" \t\n\r\f\v")
    sign = rest[:1] if rest[:1] in "+-" else ""
    digits = ""
    for char in rest[len(sign) :]:
        if not ("0" <= char <= "9"):
            break
        digits += char
    number = int(digits) if digits else 0
    if sign == "-" and number:
        return None  # strtoul wraps a negative number around to a huge one.
    return _RT_BASE + number if number <= _RT_MAX else None


@dataclass(frozen=True, slots=True)
class SignalRule(PermissionRule, Rule):
    """`signal` with its permissions, the signals of every `set=`, and the peer.

    `signals` is empty when no `set=` is written, which means every signal.
    `conditionals` and `groups` are kept as written for validation; the other fields are
    their typed reading.
    """

    KIND = "signal"
    NODE_TYPES = ("signal_rule",)

    access: SignalAccess
    access_words: tuple[Word, ...]
    conditionals: tuple[Conditional, ...]
    groups: tuple[ConditionalGroup, ...]
    signals: tuple[Value, ...]
    peer: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> SignalRule:
        words = lower_access(node.child_by_field_name("permissions"), ctx.source)
        conditionals, groups = lower_conditionals(node, ctx.source)
        signals = tuple(
            value for item in conditionals if item.name.text == "set" for value in item.values
        )
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            access_of(words, SIGNAL_ACCESS, SignalAccess(0)),
            words,
            conditionals,
            groups,
            signals,
            first(conditionals, "peer"),
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> SignalRule | None:
        """Return `signal PERMS set=SIGNAL peer=LABEL,` for one half of a signal (§2.2, §4).

        A sender's record asks for `send` with the receiver as `peer=`, a receiver's record
        for `receive` with the sender; a signal the policy language does not name is left
        out of the rule.  None without a permission.
        """
        access = SignalAccess(0)
        for word in mask_words(denied_mask(record)):
            access |= SIGNAL_ACCESS.get(word, SignalAccess(0))
        if record.operation != "signal" or not access:
            return None
        parts = ["signal" + render_access(access, SignalAccess)]
        name = simple_word(record.signal)
        if name is not None and signal_number(name) is not None:
            parts.append(f"set={name}")
        if record.peer:
            parts.append(f"peer={literal(record.peer)}")
        rule = rule_from_text(cls, " ".join(parts) + ",")
        return rule if isinstance(rule, SignalRule) else None

    def numbers(self) -> frozenset[int] | None:
        """Return upstream's numbers of the signals named, or None for every signal."""
        if not self.signals:
            return None
        return frozenset(
            number for value in self.signals if (number := signal_number(value.text)) is not None
        )

    def render(self) -> str:
        unique = {value.text: value for value in reversed(self.signals)}
        names = [
            unique[text].raw
            for text in sorted(unique, key=lambda text: (signal_number(text) or 0, text))
        ]
        signals = ""
        if names:
            signals = f" set={names[0]}" if len(names) == 1 else f" set=({' '.join(names)})"
        return (
            f"{self.render_qualifiers()}signal{render_access(self.access, SignalAccess)}"
            f"{signals}{render_conditional('peer', self.peer)},"
        )

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "signal")
        yield from group_not_allowed(self.groups, "signal")
        yield from repeated(self.conditionals, {"peer": "signal"})
        yield from plain_conditionals(
            self.conditionals,
            "signal",
            SIGNAL_CONDITIONALS,
            lambda name: f'invalid signal rule conditional "{name}": it takes set= and peer=',
        )
        for value in self.signals:
            if signal_number(value.text) is None:
                yield problem(Code.UNKNOWN_SIGNAL, f'unknown signal "{value.text}"', value.span)

    def applies_to(self, other: SignalRule) -> bool:
        """Return whether every signal and peer `other` names is one this rule names too."""
        mine, theirs = self.numbers(), other.numbers()
        if mine is not None and (theirs is None or not theirs <= mine):
            return False
        return covers_value(self.peer, other.peer)

    def merge(self, other: Rule) -> Rule | None:
        """Return one rule allowing what both allow: by permissions as other kinds do, or
        by joining the signal sets of rules with the same permissions and peer."""
        merged = PermissionRule.merge(self, other)
        if merged is not None or not isinstance(other, SignalRule) or other.key() != self.key():
            return merged
        same_rest = (
            self.signals
            and other.signals
            and self.allowed == other.allowed
            and covers_value(self.peer, other.peer)
            and covers_value(other.peer, self.peer)
        )
        if not same_rest:
            return None
        return replace(self, signals=(*self.signals, *other.signals))
