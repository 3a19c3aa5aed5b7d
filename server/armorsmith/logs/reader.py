"""A stream of log lines read into records: duplicates merged, companion records joined.

`read_records` reads each line with `read_line` and, before it hands a record on, waits a
few lines (`WINDOW`) for what belongs to it:

- the same event logged twice is given once.  journald shows a kernel record both as the
  kernel's copy (`kernel: audit: type=1400 audit(EPOCH.MS:SERIAL): ...`) and as its own
  audit transport's (`audit[PID]: AVC ...`, whose stamp it dropped); logs gathered from
  several files repeat records with their stamp.  Two records are one when every field
  agrees and so do their stamps, a record without a stamp agreeing with any one stamp;
  two records without a stamp are never merged (nothing tells a repeated denial from a
  copy), and each record absorbs at most one copy.  The merged record keeps the copy
  with the stamp, at the place of the first copy.
- `SYSCALL` and `PROCTITLE` records of the same event (same stamp) add the executable,
  the system call and the command line to the record's `extra`.

A relayed D-Bus record whose text the kernel broke before its `exe=` trailer continues on
the next, indented line; the two are read as one, under the first line's number.

Records come out in the order of their lines; nothing is reordered or dropped otherwise.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from armorsmith.model.event import LogRecord

from .line import Companion, UnreadableLine, read_line

__all__ = ["WINDOW", "read_records"]

WINDOW = 32
"""How many lines a record waits for its duplicate or its SYSCALL record."""

_STAMP_FIELDS = ("audit_id", "epoch", "audit_sub_id")

_Entry = list[Any]
"""A held item and whether it absorbed a copy already: `[item, merged]`."""


def _same_event(first: LogRecord, second: LogRecord) -> bool:
    """Return whether two records, one of them at least with a stamp, are copies of one event."""
    if first.pid != second.pid or first.name != second.name or first.operation != second.operation:
        return False
    if first.audit_id is not None and second.audit_id is not None:
        return first.audit_id == second.audit_id and first.fields() == second.fields()
    one, other = first.fields(), second.fields()
    for key in _STAMP_FIELDS:
        one.pop(key, None)
        other.pop(key, None)
    return one == other


def _merge(kept: LogRecord, copy: LogRecord) -> LogRecord:
    """Return the record of two copies of one event: the one with the stamp, at the first place."""
    best = copy if kept.audit_id is None else kept
    extra = best.extra + tuple(pair for pair in (kept.extra + copy.extra) if pair not in best.extra)
    return LogRecord.of({**best.__dict__, "file": kept.file, "line": kept.line, "raw": kept.raw, "extra": extra})


def _lines(lines: Iterable[str | bytes]) -> Iterator[tuple[int, str]]:
    """Yield numbered lines without their ending, a USER_AVC's continuation joined to it."""
    carried: tuple[int, str] | None = None
    for number, line in enumerate(lines, 1):
        text = (line.decode("utf-8", "surrogateescape") if isinstance(line, bytes) else line).rstrip("\r\n")
        if carried is not None:
            if text[:1].isspace() and text.endswith("'"):
                yield carried[0], f"{carried[1]} {text.strip()}"
                carried = None
                continue
            yield carried
            carried = None
        if "msg='" in text and not text.endswith("'"):
            carried = (number, text)
            continue
        yield number, text
    if carried is not None:
        yield carried


def read_records(
    lines: Iterable[str | bytes], source_name: str, *, merge: bool = True
) -> Iterator[LogRecord | UnreadableLine]:
    """Read the AppArmor records of a log, one item per record or unreadable record.

    Lines are `str` or `bytes` (bytes that are not UTF-8 are kept, escaped), with or
    without their line ending; `source_name` is the `file` of every item and lines are
    numbered from 1.  Lines that are not AppArmor records (and `SYSCALL`/`PROCTITLE`
    records, once joined) yield nothing.  Without `merge`, each item is handed on as soon
    as it is read: duplicates are kept and nothing is joined.
    """
    if not merge:
        for number, text in _lines(lines):
            item = read_line(text, source_name, number)
            if item is not None and type(item) is not Companion:
                yield item
        return
    # Each held entry is a list [item, merged]; stamped records are indexed by their
    # stamp, and records without one are listed apart (most logs have none).
    held: deque[_Entry] = deque()
    by_stamp: dict[str, list[_Entry]] = {}
    unstamped: list[_Entry] = []
    for number, text in _lines(lines):
        while held and held[0][0].line <= number - WINDOW:
            entry = held.popleft()
            item = entry[0]
            stamp = item.audit_id if type(item) is LogRecord else None
            if stamp is not None and len(by_stamp[stamp]) == 1:
                del by_stamp[stamp]  # the common case of `_release`, inline
                yield item
            else:
                yield _release(entry, by_stamp, unstamped)
        item = read_line(text, source_name, number)
        if item is None:
            continue
        if type(item) is LogRecord:
            stamp = item.audit_id
            if stamp is not None and not unstamped and stamp not in by_stamp:
                # The common case, a stamped record with nothing it could be a copy of.
                entry = [item, False]
                held.append(entry)
                by_stamp[stamp] = [entry]
            elif not _absorbed(item, held, by_stamp, unstamped):
                entry = [item, False]
                held.append(entry)
                if stamp is None:
                    unstamped.append(entry)
                else:
                    by_stamp.setdefault(stamp, []).append(entry)
        elif type(item) is Companion:
            for entry in by_stamp.get(item.audit_id, ()):
                record = entry[0]
                added = tuple(pair for pair in item.extra if pair not in record.extra)
                entry[0] = LogRecord.of({**record.__dict__, "extra": record.extra + added})
        else:
            held.append([item, False])
    while held:
        yield _release(held.popleft(), by_stamp, unstamped)


def _absorbed(
    record: LogRecord, held: deque[_Entry], by_stamp: dict[str, list[_Entry]], unstamped: list[_Entry]
) -> bool:
    """Merge `record` into a held copy of its event and return True, or return False."""
    if record.audit_id is not None:
        candidates: Iterable[_Entry] = by_stamp.get(record.audit_id, ())
        if unstamped:
            candidates = [*candidates, *unstamped]
    else:
        candidates = [entry for entry in held if type(entry[0]) is LogRecord and entry[0].audit_id is not None]
    for entry in candidates:
        if not entry[1] and _same_event(entry[0], record):
            if entry[0].audit_id is None:
                _remove(unstamped, entry)
                by_stamp.setdefault(record.audit_id, []).append(entry)
            entry[0] = _merge(entry[0], record)
            entry[1] = True
            return True
    return False


def _release(entry: _Entry, by_stamp: dict[str, list[_Entry]], unstamped: list[_Entry]) -> LogRecord | UnreadableLine:
    """Take an entry out of the window and its indexes, and return its item."""
    item = entry[0]
    if type(item) is LogRecord:
        if item.audit_id is None:
            _remove(unstamped, entry)
        else:
            entries = by_stamp[item.audit_id]
            if len(entries) == 1:
                del by_stamp[item.audit_id]
            else:
                _remove(entries, entry)
    return item


def _remove(entries: list[_Entry], entry: _Entry) -> None:
    """Remove `entry` itself from a list (entries with equal records may be several)."""
    for index, candidate in enumerate(entries):
        if candidate is entry:
            del entries[index]
            return
