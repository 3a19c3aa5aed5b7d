"""The body of an AppArmor record: its `key=value` list, read into libapparmor's fields.

A body is a run of `key=value` pairs separated by blanks.  A value is quoted
(`name="/etc/passwd"`, blanks allowed inside), hex-encoded and unquoted (the kernel writes
`comm=4143504920506F6C6C6572` for "ACPI Poller": any value with a blank, a quote, a control
character or a non-ASCII byte), or a bare word (`pid=42`, `signal=term`, `addr=none`).  A
relayed D-Bus record (`USER_AVC`) nests the real list inside `msg='...'`; the keys before it
describe the relaying daemon (they go to `extra` as `sender.pid`, ...).

`read_body` is the one lexer (a single regular expression that yields one token per pair
or stray word) and the one table of keys (`KEYS`): libapparmor's names and synonyms
(`label=` is `profile`, `denied=` is `denied_mask`, `target=` is `name2`, ...) and how each
value is read.  Keys libapparmor does not know are kept in the record's `extra`.  A
problem (an unterminated quote, a number that is not one, stray words) is returned with
the fields read so far, never raised.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EVENTS",
    "KEYS",
    "AUDIT_TYPE_EVENTS",
    "Body",
    "Kind",
    "ipproto_name",
    "read_body",
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
            elif kind is Kind.ADDRESS and encoded and value[:1] == "@" and _HEX.fullmatch(value, 1):
                # An abstract socket name is written "@" + hex when it holds control bytes.
                decoded = _decode_hex(value[1:])
                if _CONTROL.search(decoded):
                    value = "@" + decoded
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
