"""The body of an AppArmor record: its `key=value` list, read into libapparmor's fields.

A body is a run of `key=value` pairs separated by blanks.  A value is quoted
(`name="/etc/passwd"`, blanks allowed inside), hex-encoded and unquoted (the kernel writes
`comm=4143504920506F6C6C6572` for "ACPI Poller": any value with a blank, a quote, a control
character or a non-ASCII byte), or a bare word (`pid=42`, `signal=term`, `addr=none`).  A
relayed D-Bus record (`USER_AVC`) nests the real list inside `msg='...'`; the keys before it
describe the relaying daemon (they go to `extra` as `sender.pid`, ...).

`read_body` is the lexer (a single regular expression that yields one token per pair,
quote or stray word) and `KEYS` the one table of keys: libapparmor's names and synonyms
(`label=` is `profile`, `denied=` is `denied_mask`, `target=` is `name2`, ...) and how each
value is read.  Keys libapparmor does not know are kept in the record's `extra`.  A
problem (an unterminated quote, a number that is not one, stray words) is returned with
the fields read so far, never raised.

`read_plain_body` is the same reading restricted to the shape nearly every kernel record
has (known keys, quoted text, decimal numbers); it is several times faster and returns
None for anything else, which `read_body` then reads.  Both read the same table, so they
cannot disagree on a body both accept.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AUDIT_TYPE_EVENTS",
    "AUDIT_TYPE_KEY",
    "EVENTS",
    "KEYS",
    "Body",
    "Kind",
    "ipproto_name",
    "read_body",
    "read_plain_body",
]


class Kind(enum.Enum):
    """How the value of a key is read."""

    TEXT = "text"
    """Taken as written, quoted or not."""
    ENCODED = "encoded"
    """Text the kernel hex-encodes when needed: an unquoted hex run is decoded."""
    LABEL = "label"
    """An encoded profile or label name, which must decode to text."""
    ADDRESS = "address"
    """An encoded socket address; `none` and `?` mean no address."""
    NUMBER = "number"
    """A decimal number."""
    ERRNO = "errno"
    """An error number, stored without its sign as libapparmor does (`-13` is 13)."""
    PROTOCOL = "protocol"
    """An IP protocol, by name or number (a number is named as libapparmor names it)."""
    EVENT = "event"
    """The record type of `apparmor=`."""
    AUDIT_TYPE = "audit_type"
    """A numeric audit type inside the body (old kernels: `type=1503`)."""


KEYS: dict[str, tuple[str, Kind]] = {
    "operation": ("operation", Kind.TEXT),
    "name": ("name", Kind.ENCODED),
    "name2": ("name2", Kind.ENCODED),
    "target": ("name2", Kind.LABEL),
    "namespace": ("namespace", Kind.LABEL),
    "ns": ("namespace", Kind.LABEL),
    "mask": ("denied_mask", Kind.TEXT),
    "denied_mask": ("denied_mask", Kind.TEXT),
    "denied": ("denied_mask", Kind.TEXT),
    "requested_mask": ("requested_mask", Kind.TEXT),
    "requested": ("requested_mask", Kind.TEXT),
    "attribute": ("attribute", Kind.TEXT),
    "task": ("task", Kind.NUMBER),
    "parent": ("parent", Kind.NUMBER),
    "magic_token": ("magic_token", Kind.NUMBER),
    "info": ("info", Kind.TEXT),
    "peer_info": ("peer_info", Kind.TEXT),
    "peer": ("peer", Kind.LABEL),
    "pid": ("pid", Kind.NUMBER),
    "peer_pid": ("peer_pid", Kind.NUMBER),
    "profile": ("profile", Kind.LABEL),
    "label": ("profile", Kind.LABEL),
    "peer_profile": ("peer_profile", Kind.LABEL),
    "peer_label": ("peer_profile", Kind.LABEL),
    "tcontext": ("peer_profile", Kind.LABEL),
    "family": ("net_family", Kind.TEXT),
    "sock_type": ("net_sock_type", Kind.TEXT),
    "protocol": ("net_protocol", Kind.PROTOCOL),
    "type": ("event", Kind.AUDIT_TYPE),
    "error": ("error_code", Kind.ERRNO),
    "fsuid": ("fsuid", Kind.NUMBER),
    "ouid": ("ouid", Kind.NUMBER),
    "addr": ("net_addr", Kind.ADDRESS),
    "peer_addr": ("peer_addr", Kind.ADDRESS),
    "exe": ("comm", Kind.ENCODED),
    "comm": ("comm", Kind.ENCODED),
    "apparmor": ("event", Kind.EVENT),
    "capname": ("name", Kind.TEXT),
    "laddr": ("net_local_addr", Kind.TEXT),
    "saddr": ("net_local_addr", Kind.TEXT),
    "faddr": ("net_foreign_addr", Kind.TEXT),
    "daddr": ("net_foreign_addr", Kind.TEXT),
    "lport": ("net_local_port", Kind.NUMBER),
    "src": ("net_local_port", Kind.NUMBER),
    "fport": ("net_foreign_port", Kind.NUMBER),
    "dest": ("net_foreign_port", Kind.NUMBER),
    "bus": ("dbus_bus", Kind.TEXT),
    "path": ("dbus_path", Kind.TEXT),
    "interface": ("dbus_interface", Kind.TEXT),
    "member": ("dbus_member", Kind.TEXT),
    "method": ("dbus_member", Kind.TEXT),
    "signal": ("signal", Kind.TEXT),
    "fstype": ("fs_type", Kind.TEXT),
    "flags": ("flags", Kind.ENCODED),
    "srcname": ("src_name", Kind.ENCODED),
    "execpath": ("execpath", Kind.ENCODED),
    "class": ("class_", Kind.ENCODED),
}
"""Every key that fills a libapparmor field: the record attribute and how its value reads.

The synonyms are libapparmor's (`scanner.l`, `grammar.y`); `ns=` (a STATUS record of a
profile loaded into a policy namespace) is read as `namespace`, which libapparmor rejects.
Keys libapparmor parses and drops (`capability=`, `FSUID=`, `sauid=`, `hostname=`,
`terminal=`, `offset=`, ...) and any other key go to the record's `extra`.
"""

EVENTS: dict[str, str] = {
    "AUDIT": "AA_RECORD_AUDIT",
    "ALLOWED": "AA_RECORD_ALLOWED",
    "DENIED": "AA_RECORD_DENIED",
    "HINT": "AA_RECORD_HINT",
    "STATUS": "AA_RECORD_STATUS",
    "ERROR": "AA_RECORD_ERROR",
    "KILLED": "AA_RECORD_KILLED",
}
"""The record types of `apparmor="..."` (the kernel's `aa_audit_type` names)."""

AUDIT_TYPE_EVENTS: dict[int, str] = {
    1501: "AA_RECORD_AUDIT",
    1502: "AA_RECORD_ALLOWED",
    1503: "AA_RECORD_DENIED",
    1504: "AA_RECORD_HINT",
    1505: "AA_RECORD_STATUS",
    1506: "AA_RECORD_ERROR",
    1507: "AA_RECORD_KILLED",
}
"""AppArmor's own audit record types (`AUDIT_APPARMOR_*` in the kernel's audit.h).

Kernels since 2.6.36 log through the shared LSM type 1400 (`AVC`) and name the type in
`apparmor=` instead; 1500 was the type of the pre-2.1 text records.
"""

_IPPROTO: dict[int, str] = {
    0: "ip", 1: "icmp", 2: "igmp", 4: "ipip", 6: "tcp", 8: "egp", 12: "pup", 17: "udp",
    22: "idp", 29: "tp", 33: "dccp", 41: "ipv6", 46: "rsvp", 47: "gre", 50: "esp", 51: "ah",
    92: "mtp", 94: "beetph", 98: "encap", 103: "pim", 108: "comp", 132: "sctp",
    136: "udplite", 137: "mpls", 143: "ethernet", 255: "raw", 262: "mptcp", 43: "routing",
    44: "fragment", 58: "icmpv6", 59: "none", 60: "dstopts", 135: "mh",
}
"""The `IPPROTO_*` names of glibc's netinet/in.h, lower-cased, first name of each number.

libapparmor builds the same table from that header (`af_protos.h`) and names a numeric
`protocol=` with it, whatever the family (so `protocol=0` of a unix socket reads `ip`).
"""


def ipproto_name(number: int) -> str:
    """Return libapparmor's name of an IP protocol number (`unknown(N)` when it has none)."""
    return _IPPROTO.get(number) or f"unknown({number})"


_TOKEN = re.compile(
    r"""([A-Za-z_]\w*)=(?:(")([^"]*)(")?|([^\s"']*))"""  # key= "quoted" (maybe unterminated) or bare
    r"""|(')"""  # the quote that opens or closes a USER_AVC's msg='...'
    r"""|("[^"]*"?|\S+)"""  # anything else: a stray word
)
"""One token of a body: a `key=value` pair, a single quote, or a stray word."""

_HEX = re.compile(r"(?:[0-9A-F]{2})+")
_GLUED = re.compile(r'(?<=\d)(?=[A-Z][A-Z_]*=")')
"""Where auditd's ENRICHED names (`FSUID="root"`) follow a number with their separator lost.

auditd separates them with a 0x1d byte, which copy and paste often drops: `ouid=0FSUID="root"`.
"""
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f\udc80-\udcff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Body:
    """What a body held: attribute values, other keys, the event, and the first problem.

    `values` maps record attributes to values; `event` is the `AA_RECORD_*` name given by
    `apparmor=` and `audit_type` the one given by a numeric `type=` (None when absent);
    `keyed` tells whether any `key=value` pair was read at all; `words` holds stray words
    when the caller allowed them (the positional words of an `aa-log` line).
    """

    values: dict[str, Any]
    extra: list[tuple[str, str]]
    event: str | None
    audit_type: str | None
    problem: str | None
    keyed: bool
    words: list[str]


_PLAIN_TOKEN = re.compile(
    r"""[\s\x1d]*(?:([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|([^\s\x1d"']*))|([^\s\x1d]+))""", re.ASCII
)
"""A token of `read_plain_body`: key with a quoted or bare value, or a stray word."""


# How `read_plain_body` reads a bare value of each kind: the field's value, or None when
# only `read_body` can read it (or report why it cannot).


def _plain_number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _plain_errno(value: str) -> int | None:
    digits = value[1:] if value[:1] == "-" else value
    return int(digits) if digits.isdigit() else None


def _plain_protocol(value: str) -> str:
    return ipproto_name(int(value)) if value.isdigit() else value


def _plain_address(value: str) -> object:
    return _ABSENT if value == "none" or value == "?" else None


def _plain_text(value: str) -> str:
    return value


def _plain_encoded(value: str) -> str | None:
    return _decode_hex(value) if _HEX.fullmatch(value) else None


def _plain_label(value: str) -> str | None:
    if not _HEX.fullmatch(value):
        return None
    decoded = _decode_hex(value)
    return None if _NOT_TEXT.search(decoded) else decoded


def _plain_audit_type(value: str) -> str | None:
    return AUDIT_TYPE_EVENTS.get(int(value), "AA_RECORD_INVALID") if value.isdigit() else None


_ABSENT = object()
"""What `_plain_address` returns for `none` and `?`: the record has no address."""

_PLAIN_QUOTED: dict[str, str] = {
    key: attribute
    for key, (attribute, kind) in KEYS.items()
    if kind not in (Kind.NUMBER, Kind.ERRNO, Kind.AUDIT_TYPE)
}
"""The keys whose quoted value is the field's value as written, and their attributes."""

_PLAIN_NUMBERS: dict[str, str] = {key: attribute for key, (attribute, kind) in KEYS.items() if kind is Kind.NUMBER}
"""The keys whose value is a decimal number, the common case of a bare value."""

AUDIT_TYPE_KEY = "audit_type"
"""Where `read_plain_body` puts the record type a numeric `type=` in the body gives."""

_BARE_CONVERTERS = {
    Kind.NUMBER: _plain_number,
    Kind.ERRNO: _plain_errno,
    Kind.PROTOCOL: _plain_protocol,
    Kind.ADDRESS: _plain_address,
    Kind.TEXT: _plain_text,
    Kind.EVENT: _plain_text,
    Kind.ENCODED: _plain_encoded,
    Kind.LABEL: _plain_label,
    Kind.AUDIT_TYPE: _plain_audit_type,
}
_PLAIN_BARE: dict[str, tuple[str, Any]] = {
    key: (attribute if kind is not Kind.AUDIT_TYPE else AUDIT_TYPE_KEY, _BARE_CONVERTERS[kind])
    for key, (attribute, kind) in KEYS.items()
}
"""Each key's attribute and how its bare value reads; None from the reader means "not plain".

A bare value of a key the kernel hex-encodes is plain only when it is hex (and, for a
label, decodes to text); a bare address other than `none` and `?` is left to `read_body`.
"""


def read_plain_body(body: str, start: int = 0, end: int | None = None) -> dict[str, Any] | None:
    """Read a body (`body[start:end]`) in the shape nearly every kernel record has, fast.

    The shape: known keys with quoted text, decimal numbers, `error=-N`, protocol
    numbers, `addr=none`, hex-encoded names, bare words for plain-text keys, and other
    keys (kept in `extra`).  Returns the attribute values (the record type of `apparmor=`
    already named `AA_RECORD_*` in `event`, the one of a numeric `type=` under
    `AUDIT_TYPE_KEY`, `extra` set when there are other keys), or None when the body has
    anything else (no pair at all, stray words, quotes left open, `msg='...'`, a value
    that does not read), which only `read_body` reads and reports.
    """
    values: dict[str, Any] = {}
    extra: list[tuple[str, str]] = []
    quoted_attribute = _PLAIN_QUOTED.get
    number_attribute = _PLAIN_NUMBERS.get
    bare_rule = _PLAIN_BARE.get
    tokens = _PLAIN_TOKEN.findall(body, start) if end is None else _PLAIN_TOKEN.findall(body, start, end)
    for key, quoted, bare, stray in tokens:
        if bare:
            attribute = number_attribute(key)
            if attribute is not None and bare.isdigit():
                values[attribute] = int(bare)
                continue
            rule = bare_rule(key)
            if rule is None:
                extra.append((key, bare))
                continue
            value = rule[1](bare)
            if value is None:
                return None
            if value is not _ABSENT:
                values[rule[0]] = value
        elif stray:
            return None
        else:
            attribute = quoted_attribute(key)
            if attribute is not None:
                values[attribute] = quoted
            elif key in KEYS:
                return None
            else:
                extra.append((key, quoted))
    if not values and not extra:
        return None
    event = values.get("event")
    if event is not None:
        event = values["event"] = EVENTS.get(event)
        if event is None:
            return None
    if body.find('addr="@', start, end) >= 0:
        for attribute in ("net_addr", "peer_addr"):
            address = values.get(attribute)
            if address is not None:
                values[attribute] = _abstract_address(address)
    if extra:
        values["extra"] = tuple(extra)
    return values


def _abstract_address(value: str) -> str:
    """Return a quoted socket address, its abstract name decoded when the kernel wrote it in hex.

    The kernel writes an abstract name as "@" and the name, in hex when the name holds a
    control byte (a trailing NUL, most often); a name that only looks like hex is kept.
    """
    if value[:1] == "@" and _HEX.fullmatch(value, 1):
        decoded = _decode_hex(value[1:])
        if _CONTROL.search(decoded):
            return "@" + decoded
    return value


def _decode_hex(text: str) -> str:
    """Return the text the kernel hex-encoded; bytes that are not UTF-8 are kept escaped."""
    return bytes.fromhex(text).decode("utf-8", "surrogateescape")


def read_body(body: str, *, encoded: bool = True, words: bool = False) -> Body:
    """Read the `key=value` list of a record body.

    `encoded` says whether unquoted values may be hex (true of kernel and audit lines, not
    of the `aa-log` form, which prints decoded values bare).  With `words`, stray words
    before the first pair are returned instead of being a problem.
    """
    values: dict[str, Any] = {}
    extra: list[tuple[str, str]] = []
    event = audit_type = problem = None
    keyed = False
    positional: list[str] = []
    inner = None  # None: no msg='...' seen; True: inside it; False: after it
    if "UID=" in body:
        body = _GLUED.sub(" ", body)
    tokens = _TOKEN.findall(body)
    last = len(tokens) - 1
    for index, (key, opened, quoted, closed, bare, squote, word) in enumerate(tokens):
        if squote:
            if inner is None and extra and extra[-1] == ("msg", ""):
                # The keys so far describe the daemon that relayed the record.
                extra.pop()
                extra = [(f"sender.{k}", v) for k, v in extra]
                extra += [(f"sender.{k}", str(v)) for k, v in values.items()]
                values = {}
                inner = True
            elif inner:
                inner = False
            else:
                problem = problem or "a stray single quote"
            continue
        if word:
            if words and not keyed:
                positional.append(word[1:-1] if len(word) > 1 and word[0] == word[-1] == '"' else word)
            elif problem is None:
                problem = (
                    f"the record ends in {word!r}, not in key=value: the line is cut short"
                    if index == last
                    else f"unexpected text {word!r} among the key=value pairs"
                )
            continue
        keyed = True
        if opened and not closed:
            problem = problem or f"the value of {key}= has no closing quote: the line is cut short"
            break
        spec = KEYS.get(key)
        if spec is None:
            extra.append((key, quoted if opened else bare))
            continue
        attribute, kind = spec
        value: Any = quoted if opened else bare
        if kind is Kind.TEXT:
            pass
        elif kind is Kind.ENCODED or kind is Kind.LABEL or kind is Kind.ADDRESS:
            if not opened:
                if kind is Kind.ADDRESS and (value == "none" or value == "?"):
                    continue
                if encoded and _HEX.fullmatch(value):
                    value = _decode_hex(value)
            elif kind is Kind.ADDRESS and encoded:
                value = _abstract_address(value)
            if kind is Kind.LABEL and _NOT_TEXT.search(value):
                problem = problem or f"the value of {key}= is binary data, not a profile name"
                continue
        elif kind is Kind.NUMBER:
            if not value.isdigit():
                problem = problem or f"the value of {key}= is not a number: {value!r}"
                continue
            value = int(value)
        elif kind is Kind.ERRNO:
            digits = value[1:] if value[:1] == "-" else value
            if not digits.isdigit():
                problem = problem or f"the value of {key}= is not an error number: {value!r}"
                continue
            value = int(digits)
        elif kind is Kind.PROTOCOL:
            if value.isdigit():
                value = ipproto_name(int(value))
        elif kind is Kind.EVENT:
            event = EVENTS.get(value)
            if event is None:
                problem = problem or f"unknown record type apparmor={value!r}"
            continue
        else:  # Kind.AUDIT_TYPE
            if value.isdigit():
                audit_type = AUDIT_TYPE_EVENTS.get(int(value), "AA_RECORD_INVALID")
            else:
                extra.append((key, value))
            continue
        values[attribute] = value
    # A msg='...' left open is not a cut: dbus-daemon's text holds a newline before the
    # `exe=` trailer, so the kernel's copy of a USER_AVC often ends the line there.
    return Body(values, extra, event, audit_type, problem, keyed, positional)
