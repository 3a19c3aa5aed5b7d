"""What the rule kinds' `from_event` share: reading a log record's values into rule text.

Each kind builds the rule that allows one `LogRecord` (mediation.md §2.2) as canonical
text and reads it back with the kind's own `from_cst`, so a rule made from a record is
exactly the rule the same text in a profile would be.  Values from a log are literal:
`literal` escapes the AARE pattern characters a path or label may hold (a file named
`a*b` must not become a glob) and quotes what the grammar would split.

The masks of a record are words (`send receive`) for most classes and letters (`rw`,
`r::`) for files; `mask_words` reads the former, and `denied_mask` picks the denied mask
or, when a record has none (AUDIT records, some `file_inherit` records), the requested one.
"""

from __future__ import annotations

import re

from armorsmith.syntax import parse

from ..event import LogRecord
from ..rule import LowerContext, Rule

__all__ = ["denied_mask", "escape", "literal", "mask_words", "rule_from_text", "simple_word"]

_AARE_SPECIAL = re.compile(r"([\\*?\[\]{}^])")
_NEEDS_QUOTES = re.compile(r'[\s,()"#=]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def escape(text: str) -> str:
    """Return `text` with its AARE pattern characters escaped with a backslash and its
    control characters written as `\\xNN`, so that as a glob it matches only itself."""
    escaped = _AARE_SPECIAL.sub(r"\\\1", text)
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", escaped)


def literal(text: str) -> str:
    """Return `text` written as a policy value that matches exactly `text`.

    The text is `escape`d, and quoted when it holds a blank, a comma, a parenthesis, `#`,
    `=` or a quote, which would otherwise end it.
    """
    escaped = escape(text)
    if escaped and not _NEEDS_QUOTES.search(escaped):
        return escaped
    return '"' + escaped.replace('"', '\\"') + '"'


def simple_word(text: str | None) -> str | None:
    """Return `text` when it is one plain word (`[A-Za-z0-9_.+-]`), else None.

    Names the grammar reads as keywords or conditional values (capabilities, families,
    socket types, signals, bus names) are kept only in this safe form.
    """
    if text and re.fullmatch(r"[A-Za-z0-9_.+:-]+", text):
        return text
    return None


def mask_words(mask: str | None) -> list[str]:
    """Return the words of a record's mask (`"send receive"`, `"read, create"`), in order."""
    if not mask:
        return []
    return [word for word in re.split(r"[\s,]+", mask) if word]


def denied_mask(record: LogRecord) -> str | None:
    """Return the mask a rule must grant: the denied one, or the requested one without it."""
    return record.denied_mask if record.denied_mask else record.requested_mask


def rule_from_text(kind: type[Rule], text: str) -> Rule | None:
    """Read `text`, one rule of `kind` with its comma, with the kind's `from_cst`.

    None when the text does not read as exactly that rule without a syntax error, which
    would be a defect in the caller's rendering rather than in the log.
    """
    source = (text + "\n").encode("utf-8", "surrogateescape")
    parsed = parse(source)
    if parsed.errors:
        return None
    nodes = [node for node in parsed.root.named_children if node.type != "comment"]
    if len(nodes) != 1 or nodes[0].type not in kind.NODE_TYPES:
        return None
    return kind.from_cst(nodes[0], LowerContext(source))
