"""Upstream's log-reading oracle: every `test_multi` log read field by field as libapparmor reads it.

``libraries/libapparmor/testsuite/test_multi`` holds 179 logs (``X.in``) and, for each, the
fields libapparmor's ``parse_record`` gives (``X.out``, printed by upstream's
``test_multi.c`` as ``Label: value`` lines).  A case agrees when armorsmith's log reader
(``armorsmith.logs.read_records`` over the lines of ``X.in``) gives one record whose
fields are exactly those of ``X.out``, compared as text.  Only the representation is
normalised: ``test_multi.c`` prints a number field only when it is set, and libapparmor
stores "unset" as 0 (-1 for ``fsuid`` and ``ouid``), so a field armorsmith reads as 0 is
compared as absent.

When libapparmor cannot read a log (``Event type: AA_RECORD_INVALID``; the other lines
of such an ``.out`` are what its parser left behind before it gave up), armorsmith agrees
by giving no record: the line is reported as unreadable, with its reason, or skipped as
not AppArmor.  Where armorsmith reads a line libapparmor cannot (a ``grep`` file prefix),
the case is listed in ``known-deviations.txt`` with the reason.  The suite gates.
"""

from __future__ import annotations

import time
from pathlib import Path

from conformance.product import LogReader, load_log_reader
from conformance.results import Deviation, Rate, SuiteResult
from conformance.suites.base import Context

LABELS: dict[str, str] = {
    "Event type": "event",
    "Audit ID": "audit_id",
    "Operation": "operation",
    "Mask": "requested_mask",
    "Denied Mask": "denied_mask",
    "fsuid": "fsuid",
    "ouid": "ouid",
    "Profile": "profile",
    "Peer profile": "peer_profile",
    "Peer": "peer",
    "Name": "name",
    "Command": "comm",
    "Name2": "name2",
    "Namespace": "namespace",
    "Attribute": "attribute",
    "Task": "task",
    "Parent": "parent",
    "Token": "magic_token",
    "Info": "info",
    "Peer info": "peer_info",
    "ErrorCode": "error_code",
    "PID": "pid",
    "Peer PID": "peer_pid",
    "Active hat": "active_hat",
    "Net Addr": "net_addr",
    "Peer Addr": "peer_addr",
    "Network family": "net_family",
    "Socket type": "net_sock_type",
    "Protocol": "net_protocol",
    "Local addr": "net_local_addr",
    "Foreign addr": "net_foreign_addr",
    "Local port": "net_local_port",
    "Foreign port": "net_foreign_port",
    "DBus bus": "dbus_bus",
    "DBus path": "dbus_path",
    "DBus interface": "dbus_interface",
    "DBus member": "dbus_member",
    "Signal": "signal",
    "FS Type": "fs_type",
    "Flags": "flags",
    "Src name": "src_name",
    "Execpath": "execpath",
    "Class": "class",
    "Epoch": "epoch",
    "Audit subid": "audit_sub_id",
}
"""``test_multi.c``'s label of each ``aa_log_record`` field it prints, and the field's name."""

UNSET_AS_ZERO = frozenset(
    {"pid", "peer_pid", "task", "parent", "magic_token", "error_code", "net_local_port", "net_foreign_port",
     "epoch", "audit_sub_id"}
)
"""Number fields ``test_multi.c`` leaves out when they are 0 (libapparmor's "unset")."""

INVALID = "AA_RECORD_INVALID"
NOT_AS_UPSTREAM = "fields that differ from libapparmor's"
READ_WHAT_UPSTREAM_CANNOT = "a record read where libapparmor reads none"
NOT_READ = "no record where libapparmor reads one"


def expected_fields(out: str) -> dict[str, str]:
    """The fields of a ``test_multi`` ``.out`` file, by ``aa_log_record`` name."""
    fields: dict[str, str] = {}
    for line in out.splitlines():
        if line == "START" or line.startswith("File: "):
            continue
        label, _, value = line.partition(": ")
        fields[LABELS[label]] = value
    return fields


def observed_fields(fields: dict[str, object]) -> dict[str, str]:
    """armorsmith's fields of a record as ``test_multi.c`` would print them."""
    return {
        key: str(value)
        for key, value in fields.items()
        if not (key in UNSET_AS_ZERO and value == 0)
    }


def compare(log: Path, out: str, reader: LogReader) -> tuple[str, str] | None:
    """Return None when armorsmith reads ``log`` as libapparmor's ``.out`` says, else (kind, detail)."""
    expected = expected_fields(out)
    read = reader.read(log)
    if expected.get("event") == INVALID:
        if not read.records:
            return None
        return READ_WHAT_UPSTREAM_CANNOT, f"read {read.records}"
    if len(read.records) != 1 or read.unreadable:
        return NOT_READ, f"{len(read.records)} records, unreadable: {read.unreadable}"
    observed = observed_fields(read.records[0])
    if observed == expected:
        return None
    differing = sorted(key for key in expected.keys() | observed.keys() if expected.get(key) != observed.get(key))
    detail = ", ".join(f"{key}: upstream {expected.get(key)!r}, armorsmith {observed.get(key)!r}" for key in differing)
    return NOT_AS_UPSTREAM, detail


class LogParseSuite:
    """Every ``test_multi`` log, read by ``armorsmith.logs`` and compared with libapparmor's fields."""

    name = "test-multi-parse"
    title = "libapparmor test_multi logs, read field by field as libapparmor reads them"
    gating = True

    def run(self, context: Context) -> SuiteResult:
        result = SuiteResult(self.name, self.title, timed="reading")
        folder = context.corpus.upstream / "libapparmor_testsuite" / "test_multi"
        cases = sorted(folder.glob("*.in"))
        reader = load_log_reader()
        started = time.perf_counter()
        for log in cases:
            difference = compare(log, log.with_suffix(".out").read_text(encoding="utf-8"), reader)
            if difference is not None:
                case = log.relative_to(context.corpus.upstream).as_posix()
                result.deviations.append(Deviation(case, *difference))
        result.seconds = time.perf_counter() - started
        result.rates.append(Rate("logs read as libapparmor reads them", len(cases) - len(result.deviations), len(cases)))
        return result
