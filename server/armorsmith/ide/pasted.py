"""Denial log lines pasted into a policy document: found, masked for analysis, reported.

People copy a denial from `journalctl` or `audit.log` straight into the profile they are
editing.  Such a line is not policy: it would turn the whole profile into one syntax error.
This module finds every run of them (`find_pasted_logs`): consecutive lines that the log
engine reads as AppArmor records, in any format it reads (auditd, dmesg, syslog, journald
short and JSON, `aa-log`), together with the `SYSCALL` and `PROCTITLE` lines that came
with them.  Commented lines are left alone.

For analysis, `mask_pasted_logs` blanks those lines byte for byte (every other byte keeps
its offset), so the rest of the document is linted as if they were not there, and
`pasted_log_diagnostics` reports each run once, as `pasted-denial`, over its whole lines;
`without_pasted_logs` does both for the lint pipeline (`armorsmith.ide.lint`).
The code action that replaces a run with the rules it asks for is in
`armorsmith.ide.actions`.

Finding costs one regular expression search when nothing was pasted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.logs import LogRecord, UnreadableLine, parse_line, read_records
from armorsmith.syntax import Parse, parse

__all__ = [
    "PastedLog",
    "find_pasted_logs",
    "mask_pasted_logs",
    "pasted_log_diagnostics",
    "without_pasted_logs",
]

_LIKELY = re.compile(
    rb"apparmor=|\"apparmor\"|\boperation=\"|^[ \t]*(?:DENIED|ALLOWED|AUDIT|KILLED)[ \t]+\S+[ \t]+\S+",
    re.MULTILINE,
)
"""A line that may hold a record: the `apparmor=` key, a dbus-broker journal entry (whose
policy type is `"apparmor"`), an `operation=` key, or the leading type of `aa-log`; the
log engine decides.  A path such as `/sys/kernel/security/apparmor/` is no hint."""

_AUDIT_LINE = re.compile(r"\btype=[\w\[\]-]+\s+(?:msg=)?audit\(")
"""Any audit record (`SYSCALL`, `PROCTITLE`, `BPF` ...): pasted with the AppArmor ones."""

_AUDIT_LINE_BYTES = re.compile(_AUDIT_LINE.pattern.encode())

_HINTS = (b"apparmor=", b'"apparmor"', b"operation=", b"DENIED", b"ALLOWED", b"AUDIT", b"KILLED", b"audit(")
"""Substrings one of which every text holding a record contains."""


@dataclass(frozen=True, slots=True)
class PastedLog:
    """A run of pasted log lines: the bytes [start, end) of whole lines (the last newline
    included), where the text of the last line ends, the records read from them, and the
    lines that looked like AppArmor records but could not be read."""

    start: int
    end: int
    text_end: int
    records: tuple[LogRecord, ...]
    unreadable: tuple[UnreadableLine, ...]


def _is_record_line(text: str) -> bool:
    """Whether a line reads as an AppArmor record (or one that could not be read)."""
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return False
    return parse_line(stripped) is not None


def find_pasted_logs(source: bytes) -> tuple[PastedLog, ...]:
    """Return the runs of pasted log lines of a document, in order.

    A run is a stretch of consecutive lines that are AppArmor records or other audit
    records (the `SYSCALL`, `PROCTITLE` or `BPF` lines of the same log) holding at least
    one AppArmor record.
    """
    # Plain substring tests are far faster than the regular expressions on a profile.
    if not any(hint in source for hint in _HINTS):
        return ()
    # Only lines with a hint of a record are read; the others are never decoded.
    starts = {source.rfind(b"\n", 0, match.start()) + 1 for match in _LIKELY.finditer(source)}
    starts |= {source.rfind(b"\n", 0, match.start()) + 1 for match in _AUDIT_LINE_BYTES.finditer(source)}
    marks: list[tuple[int, int, str, bool | None]] = []
    for start in sorted(starts):
        newline = source.find(b"\n", start)
        end = len(source) if newline == -1 else newline + 1
        raw = source[start : end if newline == -1 else newline]
        text = raw.decode("utf-8", "surrogateescape")
        if text.lstrip().startswith("#"):
            continue
        if _LIKELY.search(raw) is not None and _is_record_line(text):
            marks.append((start, end, text, True))
        elif _AUDIT_LINE.search(text):
            marks.append((start, end, text, False))
    runs: list[list[tuple[int, int, str, bool | None]]] = []
    for mark in marks:
        if runs and runs[-1][-1][1] == mark[0]:
            runs[-1].append(mark)
        else:
            runs.append([mark])
    found = []
    for run in runs:
        if not any(mark[3] for mark in run):
            continue
        items = list(read_records((text.strip() for _, _, text, _ in run), ""))
        records = tuple(item for item in items if isinstance(item, LogRecord))
        unreadable = tuple(item for item in items if isinstance(item, UnreadableLine))
        last_start, last_end, last_text, _ = run[-1]
        text_end = last_start + len(last_text.encode("utf-8", "surrogateescape"))
        found.append(PastedLog(run[0][0], last_end, text_end, records, unreadable))
    return tuple(found)


def mask_pasted_logs(source: bytes, pasted: tuple[PastedLog, ...]) -> bytes:
    """Return `source` with the pasted lines blanked: each of their bytes but newlines
    becomes a space, so every other byte keeps its offset."""
    if not pasted:
        return source
    masked = bytearray(source)
    for run in pasted:
        for index in range(run.start, run.end):
            if masked[index] != 0x0A:
                masked[index] = 0x20
    return bytes(masked)


def pasted_log_diagnostics(pasted: tuple[PastedLog, ...]) -> list[Diagnostic]:
    """Return one `pasted-denial` diagnostic per run, over its lines (without the last newline)."""
    found = []
    for run in pasted:
        count = len(run.records)
        lines = f"{count} log record{'s' if count != 1 else ''}"
        message = f"{lines} pasted into the policy: replace {'them' if count != 1 else 'it'} with the rules that allow {'them' if count != 1 else 'it'}"
        if not run.records:
            message = "log lines pasted into the policy, but none could be read: " + run.unreadable[0].reason
        found.append(Diagnostic.of(Code.PASTED_DENIAL, message, run.start, run.text_end))
    return found


def without_pasted_logs(parsed: Parse) -> tuple[Parse, list[Diagnostic]]:
    """Return the parse to analyse (pasted lines blanked, offsets kept) and their diagnostics.

    Without pasted lines this is `parsed` itself and no diagnostics, at the cost of one
    regular expression search.
    """
    pasted = find_pasted_logs(parsed.source)
    if not pasted:
        return parsed, []
    return parse(mask_pasted_logs(parsed.source, pasted)), pasted_log_diagnostics(pasted)
