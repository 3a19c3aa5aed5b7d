"""Times libapparmor's parse_record and aa-logprof's log reader; run with the system Python.

Debian's ``python3-libapparmor`` (module ``LibAppArmor``) and ``python3-apparmor`` (package
``apparmor``) are built for /usr/bin/python3, so `bench.logs` runs this script there, in a
process of its own.  It must not import armorsmith.

Reads one JSON request on stdin and prints one JSON answer on stdout:

- ``{"mode": "filter", "lines": [...]}``: the lines libapparmor reads to a record (its
  event is not ``AA_RECORD_INVALID``), so that every tool is timed on the same records;
- ``{"mode": "time", "path": FILE, "runs": N}``: the best CPU time of N runs over the
  lines of FILE for ``parse_record`` then ``free_record`` (the record left in C), for
  the same with every field of the record copied into a dict first (what a caller must
  do before ``free_record``), and for aa-logprof's reader (``ReadLog``'s loop over the
  file: its pre-filter, then ``parse_event`` on each line it keeps), each with the number
  of records read.
"""

from __future__ import annotations

import json
import sys
import time


def _fields(record: object) -> list[str]:
    """The data attributes of a SWIG ``aa_log_record``."""
    return [name for name in dir(record) if not name.startswith("_") and name not in ("this", "thisown")]


def _best(runs: int, work) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """The smallest CPU time of ``runs`` calls of ``work``, and what the call counted."""
    best, count = float("inf"), 0
    for _ in range(runs):
        started = time.process_time()
        count = work()
        best = min(best, time.process_time() - started)
    return best, count


def main() -> int:
    import LibAppArmor  # noqa: PLC0415 - imported here so that a missing package is a clear error
    from apparmor.logparser import ReadLog  # noqa: PLC0415

    request = json.load(sys.stdin)
    invalid = LibAppArmor.AA_RECORD_INVALID
    if request["mode"] == "filter":
        kept = []
        for line in request["lines"]:
            record = LibAppArmor.parse_record(line)
            if record.event != invalid:
                kept.append(line)
            LibAppArmor.free_record(record)
        json.dump({"lines": kept}, sys.stdout)
        return 0
    with open(request["path"], encoding="utf-8", errors="surrogateescape") as handle:
        lines = handle.readlines()
    runs = request["runs"]
    fields = _fields(LibAppArmor.parse_record(""))

    def parse_only() -> int:
        count = 0
        for line in lines:
            record = LibAppArmor.parse_record(line)
            count += record.event != invalid
            LibAppArmor.free_record(record)
        return count

    def parse_and_copy() -> int:
        count = 0
        for line in lines:
            record = LibAppArmor.parse_record(line)
            copied = {name: getattr(record, name) for name in fields}
            count += copied["event"] != invalid
            LibAppArmor.free_record(record)
        return count

    def logprof() -> int:
        reader = ReadLog(request["path"], None, None)
        count = 0
        with open(request["path"], encoding="utf-8", errors="surrogateescape") as log:
            reader.LOG = log
            while True:
                line = reader.get_next_log_entry()
                if not line:
                    break
                count += reader.parse_event(line) is not None
        return count

    answer = {}
    for name, work in (("parse", parse_only), ("parse_copy", parse_and_copy), ("logprof", logprof)):
        seconds, count = _best(runs, work)
        answer[name] = {"seconds": seconds, "records": count}
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
