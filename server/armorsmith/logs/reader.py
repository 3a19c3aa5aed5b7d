"""A stream of log lines read into records: duplicates merged, companion records joined.

`read_records` reads each line with `read_line` and, before it hands a record on, waits a
few lines for what belongs to it:

- the same event logged twice is given once.  journald shows a kernel record both as the
  kernel's copy (`kernel: audit: type=1400 audit(EPOCH.MS:SERIAL): ...`) and as its own
  audit transport's (`audit[PID]: AVC ...`, whose stamp it dropped); a log gathered from
  several files repeats records with their stamp.  Two records are one when every field
  agrees and their stamps do (a record without a stamp agrees with any one stamp; each
  record merges at most once, so a genuinely repeated denial is not lost).  The merged
  record keeps the copy with the stamp, at the place of the first copy.
- `SYSCALL` and `PROCTITLE` records of the same event (same stamp) add the executable,
  the system call and the command line to the record's `extra`.

Records come out in the order of their lines; nothing is reordered or dropped otherwise.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Iterator

from armorsmith.model.event import LogRecord

from .line import Companion, UnreadableLine, read_line

__all__ = ["WINDOW", "read_records"]

WINDOW = 32
"""How many lines a record waits for its duplicate or its SYSCALL record."""

_STAMP_FIELDS = ("audit_id", "epoch", "audit_sub_id")


class _Held:
    """A record or unreadable line waiting in the window; `merged` once it absorbed a copy."""

    __slots__ = ("item", "merged", "signature")

    def __init__(self, item: LogRecord | UnreadableLine, signature: tuple[object, ...] | None) -> None:
        self.item = item
        self.merged = False
        self.signature = signature


def _signature(record: LogRecord) -> tuple[object, ...]:
    """Return the fields a duplicate must share, cheap to hash: who did what to what."""
    return (record.event, record.pid, record.operation, record.profile, record.name)


def _same_event(first: LogRecord, second: LogRecord) -> bool:
    """Return whether two records are copies of one event (see the module docstring)."""
    if first.audit_id is not None and second.audit_id is not None and first.audit_id != second.audit_id:
        return False
    if first.audit_id is None and second.audit_id is None:
        return False
    one, other = first.fields(), second.fields()
    for key in _STAMP_FIELDS:
        one.pop(key, None)
        other.pop(key, None)
    return one == other


def _merge(kept: LogRecord, copy: LogRecord) -> LogRecord:
    """Return the record of two copies of one event: the one with the stamp, at the first place."""
    best = copy if kept.audit_id is None and copy.audit_id is not None else kept
    extra = best.extra + tuple(pair for pair in (kept.extra + copy.extra) if pair not in best.extra)
    values = dict(best.__dict__)
    values.update(file=kept.file, line=kept.line, raw=kept.raw, extra=extra)
    return LogRecord.of(values)


def _decode(line: str | bytes) -> str:
    """Return a line as text without its line ending; bytes that are not UTF-8 are kept escaped."""
    if isinstance(line, bytes):
        line = line.decode("utf-8", "surrogateescape")
    return line.rstrip("\r\n")


def _lines(lines: Iterable[str | bytes]) -> Iterator[tuple[int, str]]:
    """Yield numbered lines, a USER_AVC's continuation joined to it under the first number.

    dbus-daemon's audit text holds a newline before its `exe=...'` trailer, so the kernel's
    copy of a relayed record continues on an indented line.
    """
    carried: tuple[int, str] | None = None
    for number, line in enumerate(lines, 1):
        text = _decode(line)
        if carried is not None:
            if text[:1].isspace() and text.rstrip().endswith("'"):
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

    `source_name` is the `file` of every item; lines are numbered from 1.  Lines that are
    not AppArmor records (and `SYSCALL`/`PROCTITLE` records, once joined) yield nothing.
    Without `merge`, every line is handed on as soon as it is read, duplicates included
    and nothing joined.
    """
    if not merge:
        for number, text in _lines(lines):
            item = read_line(text, source_name, number)
            if item is not None and not isinstance(item, Companion):
                yield item
        return
    held: deque[_Held] = deque()
    by_signature: dict[tuple[object, ...], list[_Held]] = {}
    by_stamp: dict[str, list[_Held]] = {}
    for number, text in _lines(lines):
        while held and held[0].item.line <= number - WINDOW:
            yield _release(held.popleft(), by_signature, by_stamp)
        item = read_line(text, source_name, number)
        if item is None:
            continue
        if isinstance(item, Companion):
            for waiting in by_stamp.get(item.audit_id, ()):
                record = waiting.item
                assert isinstance(record, LogRecord)
                added = tuple(pair for pair in item.extra if pair not in record.extra)
                waiting.item = LogRecord.of({**record.__dict__, "extra": record.extra + added})
            continue
        if isinstance(item, UnreadableLine):
            held.append(_Held(item, None))
            continue
        signature = _signature(item)
        copies = by_signature.get(signature)
        if copies is not None:
            for waiting in copies:
                record = waiting.item
                assert isinstance(record, LogRecord)
                if not waiting.merged and _same_event(record, item):
                    waiting.item = _merge(record, item)
                    waiting.merged = True
                    if record.audit_id is None and item.audit_id is not None:
                        by_stamp.setdefault(item.audit_id, []).append(waiting)
                    break
            else:
                copies.append(_hold(item, signature, held, by_stamp))
            continue
        by_signature[signature] = [_hold(item, signature, held, by_stamp)]
    while held:
        yield _release(held.popleft(), by_signature, by_stamp)


def _hold(
    record: LogRecord, signature: tuple[object, ...], held: deque[_Held], by_stamp: dict[str, list[_Held]]
) -> _Held:
    """Put a record in the window and index it by its stamp."""
    waiting = _Held(record, signature)
    held.append(waiting)
    if record.audit_id is not None:
        by_stamp.setdefault(record.audit_id, []).append(waiting)
    return waiting


def _release(
    waiting: _Held, by_signature: dict[tuple[object, ...], list[_Held]], by_stamp: dict[str, list[_Held]]
) -> LogRecord | UnreadableLine:
    """Take an item out of the window and its indexes, and return it."""
    item = waiting.item
    if waiting.signature is not None:
        _forget(by_signature, waiting.signature, waiting)
        assert isinstance(item, LogRecord)
        if item.audit_id is not None:
            _forget(by_stamp, item.audit_id, waiting)
    return item


def _forget(index: dict[Hashable, list[_Held]], key: Hashable, waiting: _Held) -> None:
    """Remove one held item from an index list, and the list once it is empty."""
    entries = index.get(key)
    if entries is None:
        return
    entries[:] = [entry for entry in entries if entry is not waiting]
    if not entries:
        del index[key]
