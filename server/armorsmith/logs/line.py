"""One log line: find the AppArmor record in whatever envelope carries it, and read it.

The envelopes (mediation.md §1.1) are read by where the record starts, not by a pattern
per log source: whatever comes before it (a syslog date and host, a dmesg or kern.log
stamp, `journalctl`'s `host kernel:`, a raw `/dev/kmsg` `prio,seq,usec,flags;`, a grep
`file:` prefix, `node=host`) is the envelope.  The record starts:

- at its stamp, with the type before it: `type=TYPE msg=audit(EPOCH.MS:SERIAL):` (auditd;
  TYPE is `AVC`, `1400`, `USER_AVC`, `1107`, `APPARMOR_DENIED`, `UNKNOWN[1503]`, `1503`...),
  `type=1400 audit(...):` (the kernel's own copy), or `audit(EPOCH.MS:SERIAL):` alone
  (kernels before 2.6.36 put the type inside the body);
- without a stamp, at `AVC ` or `USER_AVC ` followed by a key (journald's audit
  transport, which drops the stamp), or at the first `key=` (a D-Bus daemon's own syslog
  line, a pasted fragment).

A `journalctl -o json` line is unwrapped first (its `MESSAGE`; the stamp journald took off
an audit record is rebuilt from `_AUDIT_ID` and `_SOURCE_REALTIME_TIMESTAMP`; dbus-broker's
denials, which exist only as journal fields, are read from those fields), and the
condensed form of apparmor.d's `aa-log` (`DENIED  profile operation name key=value...`)
is recognised by its leading record type.

`read_line` returns a `LogRecord`, an `UnreadableLine` (an AppArmor record that could not
be read, with the reason), a `Companion` (a `SYSCALL` or `PROCTITLE` record that belongs
to an AppArmor record of the same event) or None (not AppArmor).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from armorsmith.model.event import LogRecord

from .fields import AUDIT_TYPE_EVENTS, AUDIT_TYPE_KEY, EVENTS, read_body, read_plain_body

__all__ = ["Companion", "UnreadableLine", "read_line"]


@dataclass(frozen=True, slots=True)
class UnreadableLine:
    """An AppArmor record that could not be read: where it is, why, and what was read of it.

    `partial` holds the fields read before the problem (None when nothing could be read),
    for tools that want to show what the line was about; it is not a record to act on.
    """

    file: str
    line: int
    reason: str
    raw: str = ""
    partial: LogRecord | None = None

    def to_json(self) -> dict[str, str | int]:
        """Return the JSON object of `armorsmith logs parse`: `file`, `line` and `error`."""
        return {"file": self.file, "line": self.line, "error": self.reason}


@dataclass(frozen=True, slots=True)
class Companion:
    """A non-AppArmor audit record of some event (`SYSCALL`, `PROCTITLE`) and what it adds.

    `extra` holds its useful keys, named `syscall.exe`, `syscall.syscall`, ..., `proctitle`.
    """

    audit_id: str
    extra: tuple[tuple[str, str], ...]


_HEAD = re.compile(
    r"""(?<![\w=])(?:
        (?:(?:node=\S+\s+)?type=(?P<type>[\w\[\]-]+)\s+)?(?:msg=)?
        audit\((?:(?P<stamp>(?P<epoch>\d+)\.\d+:(?P<serial>\d+))|(?P<bad>[^)]*))\):?
      | (?P<transport>USER_AVC|AVC)\s+(?=[A-Za-z_]\w*=)
      | (?=[A-Za-z_]\w*=)
    )""",
    re.X,
)
_STAMPED_HEAD = re.compile(
    r"""(?<![\w=])(?:(?:node=\S+\s+)?type=(?P<type>[\w\[\]-]+)\s+)?(?:msg=)?
        audit\((?:(?P<stamp>(?P<epoch>\d+)\.\d+:(?P<serial>\d+))|(?P<bad>[^)]*))\):?""",
    re.X,
)
"""The first alternative of `_HEAD` alone, tried where a plain search finds `audit(`."""
_INTERPRETED_STAMP = re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d(?:\.\d+)?:\d+")
"""The stamp `ausearch -i` prints: a local date and time, then the serial."""
_STAMP = re.compile(r"(\d+)\.(\d+):(\d+)")
_AALOG = re.compile(r"\s*(DENIED|ALLOWED|AUDIT|KILLED|HINT|STATUS|ERROR)\s+(?![^\s=]*=)")
_AALOG_FIRST = frozenset(" \tDAKHSE")

_LSM_TYPES = frozenset({"AVC", "1400", "USER_AVC", "1107"})
"""Audit types shared by every LSM: AppArmor's only when the body says `apparmor=`."""

_USER_TYPES = frozenset({"USER_AVC", "1107"})
"""Audit types of records relayed from user space (D-Bus), whose record is in `msg='...'`."""

_NAMED_TYPES: dict[str, str] = {
    "APPARMOR_AUDIT": "AA_RECORD_AUDIT",
    "APPARMOR_ALLOWED": "AA_RECORD_ALLOWED",
    "APPARMOR_DENIED": "AA_RECORD_DENIED",
    "APPARMOR_HINT": "AA_RECORD_HINT",
    "APPARMOR_STATUS": "AA_RECORD_STATUS",
    "APPARMOR_ERROR": "AA_RECORD_ERROR",
    "APPARMOR_KILL": "AA_RECORD_KILLED",
}
"""auditd's names of AppArmor's own audit types."""

_OLD_TYPES = frozenset({"APPARMOR", "1500", "UNKNOWN[1500]"})
"""The type of AppArmor 2.0's text records (`REJECTING r access to ...`)."""

_COMPANION_TYPES = {"SYSCALL": "syscall", "1300": "syscall", "PROCTITLE": "proctitle", "1327": "proctitle"}
_SYSCALL_KEYS = frozenset({"syscall", "success", "exit", "exe", "subj"})
_PAIR = re.compile(r"""([A-Za-z_]\w*)=("[^"]*"|\S*)""")
_HEX = re.compile(r"(?:[0-9A-F]{2})+")

_DBUS_MASKS = frozenset({"send", "receive", "bind", "eavesdrop"})


def _type_event(audit_type: str) -> str | None:
    """Return the record type an audit type names, or None when it is not AppArmor's own."""
    named = _NAMED_TYPES.get(audit_type)
    if named is not None:
        return named
    number = audit_type[8:-1] if audit_type.startswith("UNKNOWN[") else audit_type
    return AUDIT_TYPE_EVENTS.get(int(number)) if number.isdigit() else None


def read_line(text: str, file: str, line: int) -> LogRecord | UnreadableLine | Companion | None:
    """Read one line of a log; see the module docstring for what comes back."""
    first = text[:1]
    if first == "{":
        return _read_journal_json(text, file, line)
    if first in _AALOG_FIRST and _AALOG.match(text) and "apparmor=" not in text:
        return _read_aa_log(text, file, line)
    return _read_record(text, text, file, line, None)


def _read_record(
    text: str, raw: str, file: str, line: int, journal_stamp: str | None
) -> LogRecord | UnreadableLine | Companion | None:
    """Read a record in one of the audit, kernel or syslog envelopes, or a bare body."""
    head = _find_head(text)
    if head is None:
        return None
    audit_type, stamp, epoch, serial, bad = head.groups()[:5]
    start = head.end()
    if audit_type is None:
        if text.find("apparmor=", start) < 0 and text.find("operation=", start) < 0:
            return None
        type_event = None
    elif audit_type in _LSM_TYPES:
        if text.find("apparmor=", start) < 0:
            return None
        type_event = None
    elif audit_type in _OLD_TYPES:
        type_event = "AA_RECORD_INVALID"
    else:
        type_event = _type_event(audit_type)
        if type_event is None:
            companion = _COMPANION_TYPES.get(audit_type)
            if companion is not None and stamp is not None:
                return _companion(companion, stamp, text[start:])
            return None
    if bad is not None:
        reason = f"the audit stamp audit({bad}) is not EPOCH.MS:SERIAL"
        if _INTERPRETED_STAMP.fullmatch(bad):
            reason += (
                "; this is `ausearch -i` output, whose values are interpreted (user names for ids, "
                "quotes dropped) and cannot be read back: use `ausearch --raw` or the audit log itself"
            )
        return UnreadableLine(file, line, reason, raw)
    if audit_type in _USER_TYPES:
        values = _read_plain_user_avc(text, start)
    else:
        values = read_plain_body(text, start)
    if values is None:
        return _read_unusual(text[start:], raw, file, line, audit_type, type_event, stamp or journal_stamp)
    if AUDIT_TYPE_KEY in values:
        type_event = values.pop(AUDIT_TYPE_KEY)
    if "event" not in values:
        if type_event is None or type_event == "AA_RECORD_INVALID":
            if audit_type is not None:
                return _read_unusual(text[start:], raw, file, line, audit_type, type_event, stamp or journal_stamp)
        else:
            values["event"] = type_event
    values["file"], values["line"], values["raw"] = file, line, raw
    if stamp is not None:
        values["audit_id"], values["epoch"], values["audit_sub_id"] = stamp, int(epoch), int(serial)
    elif journal_stamp is not None:
        _add_stamp(values, journal_stamp)
    return LogRecord.of(values)


def _read_plain_user_avc(text: str, start: int) -> dict[str, Any] | None:
    """Read a relayed D-Bus record's `msg='...'` with `read_plain_body`, or return None.

    The keys before `msg='` describe the daemon that relayed the record; they go to `extra`
    as `sender.KEY`, as `read_body` puts them.
    """
    opening = text.find("msg='", start)
    if opening < 0:
        return None
    closing = text.rfind("'")
    inner = read_plain_body(text, opening + 5, closing if closing > opening + 4 else len(text))
    sender = read_plain_body(text, start, opening) if opening > start else {}
    if inner is None or sender is None:
        return None
    relayed = [(f"sender.{key}", value) for key, value in sender.pop("extra", ())]
    relayed += [(f"sender.{key}", str(value)) for key, value in sender.items()]
    if relayed:
        inner["extra"] = (*relayed, *inner.get("extra", ()))
    return inner


def _find_head(text: str) -> re.Match[str] | None:
    """Return where the record starts in `text` (see the module docstring), or None.

    Most lines have an `audit(...)` stamp: it is found with a plain search and the head
    read there, which costs the same whatever prefix the line has; a stamp after a
    quoted value belongs to a value, and the regular search decides.
    """
    stamp = text.find("audit(")
    if stamp >= 0 and text.find('="', 0, stamp) < 0:
        start = text.rfind("type=", 0, stamp)
        if start < 0:
            start = stamp - 4 if text.startswith("msg=", stamp - 4) else stamp
        head = _STAMPED_HEAD.match(text, start)
        if head is not None:
            return head
    return _HEAD.search(text)


def _add_stamp(values: dict[str, Any], stamp: str) -> None:
    """Set the audit id, epoch and serial of a well-formed `EPOCH.MS:SERIAL` stamp."""
    parts = _STAMP.fullmatch(stamp)
    assert parts is not None
    values["audit_id"], values["epoch"], values["audit_sub_id"] = stamp, int(parts.group(1)), int(parts.group(3))


def _read_unusual(
    body: str, raw: str, file: str, line: int, audit_type: str | None, type_event: str | None, stamp: str | None
) -> LogRecord | UnreadableLine:
    """Read a body `read_plain_body` does not take: any key, hex, USER_AVC, problems reported."""
    read = read_body(body)
    values: dict[str, Any] = {"file": file, "line": line, "raw": raw, **read.values}
    if stamp is not None:
        _add_stamp(values, stamp)
    event = read.event or read.audit_type or type_event
    if event is not None and event != "AA_RECORD_INVALID":
        values["event"] = event
    if read.extra:
        values["extra"] = tuple(read.extra)
    if audit_type in _OLD_TYPES and (read.problem is not None or "event" not in values):
        reason = "a text record of AppArmor 2.0, a format from before AppArmor 2.1 that is not read"
        return UnreadableLine(file, line, reason, raw)
    if not read.keyed:
        return UnreadableLine(file, line, "the record has no key=value pairs", raw)
    if read.problem is not None:
        return UnreadableLine(file, line, read.problem, raw, LogRecord.of(values))
    if "event" not in values and audit_type is not None:
        reason = f"the record of type {audit_type} does not say its kind (no apparmor=)"
        return UnreadableLine(file, line, reason, raw, LogRecord.of(values))
    return LogRecord.of(values)


def _companion(kind: str, stamp: str, body: str) -> Companion:
    """Return what a SYSCALL or PROCTITLE record adds to the AppArmor records of its event."""
    pairs = []
    for key, value in _PAIR.findall(body):
        if value[:1] == '"':
            value = value[1:-1]
        elif (key == "exe" or key == "proctitle") and _HEX.fullmatch(value):
            value = bytes.fromhex(value).decode("utf-8", "surrogateescape")
        if kind == "proctitle" and key == "proctitle":
            pairs.append(("proctitle", value.replace("\0", " ").strip()))
        elif kind == "syscall" and key in _SYSCALL_KEYS:
            pairs.append((f"syscall.{key}", value))
    return Companion(stamp, tuple(pairs))


def _read_journal_json(text: str, file: str, line: int) -> LogRecord | UnreadableLine | Companion | None:
    """Read one entry of `journalctl -o json`: the record in its MESSAGE."""
    try:
        entry = json.loads(text)
    except ValueError as error:
        if "apparmor=" in text:
            return UnreadableLine(file, line, f"a journal JSON entry that is not valid JSON ({error})", text)
        return None
    if not isinstance(entry, dict):
        return None
    if entry.get("DBUS_BROKER_POLICY_TYPE") == "apparmor":
        return _read_dbus_broker(entry, text, file, line)
    message = entry.get("MESSAGE")
    if isinstance(message, list) and all(isinstance(byte, int) and 0 <= byte < 256 for byte in message):
        message = bytes(message).decode("utf-8", "surrogateescape")
    if not isinstance(message, str):
        return None
    stamp = None
    audit_id, realtime = entry.get("_AUDIT_ID"), entry.get("_SOURCE_REALTIME_TIMESTAMP")
    if isinstance(audit_id, str) and audit_id.isdigit() and isinstance(realtime, str) and realtime.isdigit():
        # journald's audit transport drops "audit(EPOCH.MS:SERIAL): " but keeps both parts.
        microseconds = int(realtime)
        stamp = f"{microseconds // 1_000_000}.{microseconds // 1000 % 1000:03d}:{audit_id}"
    return _read_record(message.strip(), text, file, line, stamp)


_BROKER_FIELDS = {
    "DBUS_BROKER_MESSAGE_DESTINATION": "name",
    "DBUS_BROKER_MESSAGE_PATH": "dbus_path",
    "DBUS_BROKER_MESSAGE_INTERFACE": "dbus_interface",
    "DBUS_BROKER_MESSAGE_MEMBER": "dbus_member",
}


def _read_dbus_broker(entry: dict[str, Any], text: str, file: str, line: int) -> LogRecord | UnreadableLine:
    """Read a denial of dbus-broker, which logs only to the journal, in fields of its own.

    The subject is the label of the side whose rule was checked (the sender for `send`,
    the receiver for `receive`), without the ` (enforce)` mode dbus-broker adds; the bus
    is not logged.
    """
    action = entry.get("DBUS_BROKER_TRANSMIT_ACTION")
    kind = entry.get("DBUS_BROKER_MESSAGE_TYPE")
    sender, receiver = entry.get("DBUS_BROKER_SENDER_SECURITY_LABEL"), entry.get("DBUS_BROKER_RECEIVER_SECURITY_LABEL")
    if action not in ("send", "receive") or not isinstance(kind, str) or not kind:
        return UnreadableLine(file, line, "a dbus-broker AppArmor denial without its action or message type", text)
    subject, peer = (sender, receiver) if action == "send" else (receiver, sender)
    values: dict[str, Any] = {
        "file": file, "line": line, "raw": text, "event": "AA_RECORD_DENIED",
        "operation": f"dbus_{kind}", "denied_mask": action,
    }
    for label, attribute in ((subject, "profile"), (peer, "peer_profile")):
        if isinstance(label, str) and label:
            values[attribute] = _MODE_SUFFIX.sub("", label)
    for key, attribute in _BROKER_FIELDS.items():
        value = entry.get(key)
        if isinstance(value, str) and value:
            values[attribute] = value
    return LogRecord.of(values)


_MODE_SUFFIX = re.compile(r" \((?:enforce|complain|kill|unconfined|prompt)\)$")


def _read_aa_log(text: str, file: str, line: int) -> LogRecord | UnreadableLine | None:
    """Read the `aa-log` form: `MODE PROFILE OPERATION [owner] [NAME] [-> TARGET] [MASK] key=value...`.

    Values are printed decoded (never hex) and quoted only when they hold a blank; the
    profile of a policy namespace is `:ns:profile`; D-Bus records print their mask as a
    word after the name.
    """
    mode = _AALOG.match(text)
    assert mode is not None
    read = read_body(text[mode.end() :], encoded=False, words=True)
    values: dict[str, Any] = {"file": file, "line": line, "raw": text, "event": EVENTS[mode.group(1)]}
    extra = list(read.extra)
    words = read.words
    if len(words) < 2:
        return UnreadableLine(file, line, "an aa-log line needs a profile and an operation", text)
    profile, operation, *rest = words
    if profile.startswith(":") and profile.count(":") >= 2:
        namespace, _, profile = profile[1:].partition(":")
        values["namespace"] = namespace if namespace.startswith("root//") else f"root//{namespace}"
    values["profile"], values["operation"] = profile, operation
    if rest[:1] == ["owner"]:
        extra.append(("owner", ""))
        rest = rest[1:]
    dbus = operation.startswith("dbus")
    if dbus and rest and rest[-1] in _DBUS_MASKS:
        values["denied_mask"] = rest.pop()
    if rest and rest[0] != "->":
        values["name"] = rest.pop(0)
    if len(rest) >= 2 and rest[0] == "->":
        values["name2"] = rest[1]
        rest = rest[2:]
    values.update(read.values)
    if extra:
        values["extra"] = tuple(extra)
    if rest:
        return UnreadableLine(file, line, f"unexpected words {' '.join(rest)!r} in an aa-log line", text,
                              LogRecord.of(values))
    if read.problem is not None:
        return UnreadableLine(file, line, read.problem, text, LogRecord.of(values))
    return LogRecord.of(values)
