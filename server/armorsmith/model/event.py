"""One AppArmor log record as typed values: `LogRecord`, named as libapparmor names it.

The fields are those of libapparmor's `aa_log_record` (`aalogparse.h`), so a record read
by `armorsmith.logs` compares field by field with what `parse_record` returns and the JSON
of `armorsmith logs parse` uses the names every AppArmor tool already knows.  `event` is
the name of libapparmor's `aa_record_event_type` value (`AA_RECORD_DENIED`, ...); numbers
libapparmor keeps as integers (`pid`, `fsuid`, ports, `epoch`, ...) are integers here;
everything else is the decoded text.  The record lives in `model` because every rule kind
builds its request from one (`from_event(record)`).

A record also says where it came from: the file, the 1-based line and the raw line, and
keeps in `extra` what the line said beyond libapparmor's fields (`capability=12`, the
sending daemon's keys of a D-Bus `USER_AVC`, what a joined `SYSCALL` record adds, an
`aa-log` line's `owner`), so nothing read is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = ["EVENT_TYPES", "FIELD_NAMES", "INT_FIELDS", "LogRecord"]

EVENT_TYPES = (
    "AA_RECORD_INVALID",
    "AA_RECORD_ERROR",
    "AA_RECORD_AUDIT",
    "AA_RECORD_ALLOWED",
    "AA_RECORD_DENIED",
    "AA_RECORD_HINT",
    "AA_RECORD_STATUS",
    "AA_RECORD_KILLED",
)
"""libapparmor's `aa_record_event_type` names, in its order, then `AA_RECORD_KILLED`.

The kernel also logs `apparmor="KILLED"` (a denial in kill mode: the task was killed),
which libapparmor does not know; armorsmith names it `AA_RECORD_KILLED` rather than
reading it as invalid or as a plain denial.
"""


@dataclass(frozen=True)
class LogRecord:
    """One AppArmor audit record: libapparmor's fields (None when absent) and its origin.

    `class_` is the attribute for libapparmor's `class` field (a Python keyword); its JSON
    key is `class`.  `magic_token` and `peer_info` are `aa_log_record` fields of old
    kernels' keys (upstream's `test_multi` oracle prints the first as `Token`).
    `error_code` is the errno as libapparmor stores it, without the sign (`error=-13`
    is 13).

    Records are built by the thousand, so the class keeps its defaults on the class and
    `of()` fills only the fields a line has (there are no slots, on purpose).
    """

    event: str | None = None
    operation: str | None = None
    profile: str | None = None
    peer_profile: str | None = None
    name: str | None = None
    name2: str | None = None
    comm: str | None = None
    pid: int | None = None
    peer_pid: int | None = None
    task: int | None = None
    magic_token: int | None = None
    requested_mask: str | None = None
    denied_mask: str | None = None
    fsuid: int | None = None
    ouid: int | None = None
    info: str | None = None
    peer_info: str | None = None
    error_code: int | None = None
    parent: int | None = None
    namespace: str | None = None
    attribute: str | None = None
    class_: str | None = None
    net_family: str | None = None
    net_sock_type: str | None = None
    net_protocol: str | None = None
    net_local_addr: str | None = None
    net_local_port: int | None = None
    net_foreign_addr: str | None = None
    net_foreign_port: int | None = None
    net_addr: str | None = None
    peer_addr: str | None = None
    dbus_bus: str | None = None
    dbus_path: str | None = None
    dbus_interface: str | None = None
    dbus_member: str | None = None
    signal: str | None = None
    peer: str | None = None
    fs_type: str | None = None
    flags: str | None = None
    src_name: str | None = None
    execpath: str | None = None
    audit_id: str | None = None
    epoch: int | None = None
    audit_sub_id: int | None = None
    file: str = ""
    line: int = 0
    raw: str = ""
    extra: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, values: dict[str, Any]) -> LogRecord:
        """Return a record with `values` (attribute names to values), the rest absent.

        The keys must be attribute names (`class_`, `file`, `extra`, ...), and the record
        takes `values` over as its own: the caller must not change the dict afterwards.
        This is the fast constructor of the log reader, which checks its keys itself.
        """
        record = object.__new__(cls)
        object.__setattr__(record, "__dict__", values)
        return record

    @property
    def owner(self) -> bool | None:
        """Whether the task owned the object (`fsuid == ouid`); None when the line does not say.

        An `aa-log` line says `owner` without the ids; its record keeps that in `extra`.
        """
        if self.fsuid is not None and self.ouid is not None:
            return self.fsuid == self.ouid
        return True if ("owner", "") in self.extra else None

    def get(self, name: str) -> Any:
        """Return the field called `name` as libapparmor spells it (`class`, not `class_`)."""
        return getattr(self, _ATTRIBUTE.get(name, name))

    def fields(self) -> dict[str, str | int]:
        """Return the libapparmor fields that are present, keyed by libapparmor's names."""
        present: dict[str, str | int] = {}
        for key, attribute in _ATTRIBUTE.items():
            value = getattr(self, attribute)
            if value is not None:
                present[key] = value
        return present

    def to_json(self) -> dict[str, str | int]:
        """Return the JSON object of `armorsmith logs parse`: present fields, `file`, `line`."""
        return {**self.fields(), "file": self.file, "line": self.line}

    @classmethod
    def from_json(cls, data: dict[str, Any], *, raw: str = "") -> LogRecord:
        """Build a record from `to_json()` output; unknown keys and mistyped values are dropped."""
        values: dict[str, Any] = {}
        for key, attribute in _ATTRIBUTE.items():
            value = data.get(key)
            if key in INT_FIELDS:
                if isinstance(value, int) and not isinstance(value, bool):
                    values[attribute] = value
            elif isinstance(value, str):
                values[attribute] = value
        file, line = data.get("file"), data.get("line")
        return cls(
            **values,
            file=file if isinstance(file, str) else "",
            line=line if isinstance(line, int) and not isinstance(line, bool) else 0,
            raw=raw,
        )


_ATTRIBUTE: dict[str, str] = {
    ("class" if f.name == "class_" else f.name): f.name
    for f in fields(LogRecord)
    if f.name not in ("file", "line", "raw", "extra")
}
"""libapparmor's field name -> attribute name, in declaration order."""

FIELD_NAMES: tuple[str, ...] = tuple(_ATTRIBUTE)
"""Every libapparmor field name a record carries, in the order JSON output lists them."""

INT_FIELDS: frozenset[str] = frozenset(
    name for name, attribute in _ATTRIBUTE.items()
    if LogRecord.__dataclass_fields__[attribute].type == "int | None"
)
"""The fields libapparmor keeps as integers."""
