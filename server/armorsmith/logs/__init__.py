"""The logs layer: AppArmor log lines read into typed records, explained, turned into rules.

This package owns reading logs: every envelope a record travels in (auditd, the kernel
ring buffer, syslog and kern.log, journald short and JSON, raw kmsg, apparmor.d's
`aa-log` form, pasted fragments), the `key=value` body with libapparmor's names and
encodings, and a stream that merges duplicate copies and joins `SYSCALL` records
(`read_records`).  A record is a `armorsmith.model.LogRecord`; a line that looks like
AppArmor but cannot be read is an `UnreadableLine` with the reason, never dropped.

It is pure: it reads lines it is given and does no I/O.
"""

from armorsmith.model.event import LogRecord

from .line import UnreadableLine, read_line
from .reader import read_records

__all__ = ["LogRecord", "UnreadableLine", "parse_line", "read_records"]


def parse_line(text: str, source_name: str = "", line: int = 1) -> LogRecord | UnreadableLine | None:
    """Read one line on its own: its record, why it cannot be read, or None when it is not AppArmor."""
    item = read_line(text.rstrip("\r\n"), source_name, line)
    return item if isinstance(item, (LogRecord, UnreadableLine)) else None
