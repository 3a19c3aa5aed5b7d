"""One log line: find the AppArmor record in whatever envelope carries it, and read it.

The envelopes (mediation.md §1.1) are read by where the record starts, not by a pattern
per log source: whatever comes before it (a syslog date and host, a dmesg or kern.log
stamp, `journalctl`'s `host kernel:`, a raw `/dev/kmsg` `prio,seq,usec,flags;`, a grep
`file:` prefix, `node=host`) is the envelope.  The record starts at the first of:

- `type=TYPE msg=audit(EPOCH.MS:SERIAL):` (auditd; TYPE is `AVC`, `1400`, `USER_AVC`,
  `1107`, `APPARMOR_DENIED`, `UNKNOWN[1503]`, `1503`...) or `type=1400 audit(...):` (the
  kernel's own copy);
- `audit(EPOCH.MS:SERIAL):` (kernels before 2.6.36 put the type inside the body);
- `AVC ` or `USER_AVC ` followed by a key (journald's audit transport, which drops the stamp);
- the first `key=` (a D-Bus daemon's own syslog line, a pasted fragment).

A `journalctl -o json` line is unwrapped first (its `MESSAGE`; the stamp journald took off
an audit record is rebuilt from `_AUDIT_ID` and `_SOURCE_REALTIME_TIMESTAMP`), and the
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

from .fields import AUDIT_TYPE_EVENTS, EVENTS, read_body

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
        (?:node=\S+\s+)?type=(?P<type>[\w\[\]-]+)\s+(?:msg=)?audit\((?P<stamp>[^)\s]*)\):?
      | audit\((?P<old_stamp>[^)\s]*)\):?
      | (?P<transport>USER_AVC|AVC)\s+(?=[A-Za-z_]\w*=)
      | (?=[A-Za-z_]\w*=)
    )""",
    re.X,
)
_STAMP = re.compile(r"(\d+)\.(\d+):(\d+)")
_AALOG = re.compile(r"\s*(DENIED|ALLOWED|AUDIT|KILLED|HINT|STATUS|ERROR)\s+(?![^\s=]*=)")

_LSM_TYPES = frozenset({"AVC", "1400", "USER_AVC", "1107"})
"""Audit types shared by every LSM: AppArmor's only when the body says `apparmor=`."""

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
    if text[:1] == "{":
        return _read_journal_json(text, file, line)
    if _AALOG.match(text) and "apparmor=" not in text:
        return _read_aa_log(text, file, line)
    return _read_record(text, text, file, line, None)


def _read_record(
    text: str, raw: str, file: str, line: int, journal_stamp: str | None
) -> LogRecord | UnreadableLine | Companion | None:
    """Read a record in one of the audit, kernel or syslog envelopes, or a bare body."""
    head = _HEAD.search(text)
    if head is None:
        return None
    audit_type, stamp = head.group("type", "stamp")
    if audit_type is None:
        stamp = head.group("old_stamp")
        body = text[head.end() :]
        if stamp is None and "apparmor=" not in body and "operation=" not in body:
            return None
        type_event = None
    else:
        body = text[head.end() :]
        if audit_type in _LSM_TYPES:
            if "apparmor=" not in body:
                return None
            type_event = None
        elif audit_type in _OLD_TYPES:
            type_event = "AA_RECORD_INVALID"
        else:
            type_event = _type_event(audit_type)
            if type_event is None:
                companion = _COMPANION_TYPES.get(audit_type)
                if companion is not None and stamp is not None and _STAMP.fullmatch(stamp):
                    return _companion(companion, stamp, body)
                return None
    values: dict[str, Any] = {"file": file, "line": line, "raw": raw}
    stamp = stamp if stamp is not None else journal_stamp
    if stamp is not None:
        parts = _STAMP.fullmatch(stamp)
        if parts is None:
            return UnreadableLine(file, line, f"the audit stamp audit({stamp}) is not EPOCH.MS:SERIAL", raw)
        values["audit_id"] = stamp
        values["epoch"] = int(parts.group(1))
        values["audit_sub_id"] = int(parts.group(3))
    read = read_body(body)
    values.update(read.values)
    event = read.event or read.audit_type or type_event
    if event is not None and event != "AA_RECORD_INVALID":
        values["event"] = event
    if read.extra:
        values["extra"] = tuple(read.extra)
    if not read.keyed:
        if audit_type in _OLD_TYPES:
            reason = "a text record of AppArmor 2.0, a format from before AppArmor 2.1 that is not read"
        else:
            reason = "the record has no key=value pairs"
        return UnreadableLine(file, line, reason, raw, None)
    if read.problem is not None:
        return UnreadableLine(file, line, read.problem, raw, LogRecord.of(values))
    if "event" not in values and audit_type is not None and read.event is None:
        return UnreadableLine(file, line, f"the record of type {audit_type} has no apparmor= record type", raw,
                              LogRecord.of(values))
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
    message = entry.get("MESSAGE") if isinstance(entry, dict) else None
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
