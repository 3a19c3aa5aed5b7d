"""Log reading throughput: records per second, armorsmith beside libapparmor and aa-logprof.

The log is built from the corpus: every line of upstream's ``test_multi`` logs and of
``real-denials`` that libapparmor reads to a record (so that every tool reads the same
records), each record's audit serial made unique (so that no two are copies of one event
that armorsmith would merge), repeated to about ``LINES`` lines.  All tools read it from
the same file, its lines read before the clock starts, and every figure is the best CPU time
of N runs (CPU time, so that other work on the machine weighs less).

- armorsmith: ``armorsmith.logs.read_records`` over the file's lines, in-process: every
  record read into a ``LogRecord`` with all its fields, the stream's merging included.
- libapparmor's ``parse_record`` (Debian's ``python3-libapparmor``), twice: the record
  parsed and freed, left in C; and each of its fields copied into a dict before
  ``free_record``, which any caller must do to use the record.
- aa-logprof's reader (Debian's ``python3-apparmor``, ``apparmor.logparser.ReadLog``): its
  loop over the file, the pre-filter then ``parse_event`` on each line it keeps (its
  profile bookkeeping, which needs a policy, left out).

Both Debian packages are for the system Python, so they run in a driver process
(`bench.logs_driver`) under /usr/bin/python3; they are installed with apt-get when
missing and we are root.  Goals: faster than libapparmor's ``parse_record`` called from
Python (fields copied out), and at least 10x faster than aa-logprof's reader.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from armorsmith.logs import LogRecord, read_records
from bench.base import Settings
from bench.references import Unavailable, install_debian_packages
from bench.report import Goal, Row, Table, per_second

SYSTEM_PYTHON = Path("/usr/bin/python3")
DRIVER = Path(__file__).resolve().parent / "logs_driver.py"
PACKAGES = ["python3-libapparmor", "python3-apparmor"]
LINES = 20_000
COLUMNS = ["records", "CPU time", "records/s", "per record"]
_STAMP = re.compile(r"audit\((\d+)\.(\d+):\d+\)")


def _driver(request: dict[str, Any]) -> dict[str, Any]:
    """Run the driver with the system Python, installing the Debian packages first when missing."""
    probe = [str(SYSTEM_PYTHON), "-c", "import LibAppArmor, apparmor.logparser"]
    if not SYSTEM_PYTHON.exists():
        raise Unavailable(f"{SYSTEM_PYTHON} does not exist")
    if subprocess.run(probe, capture_output=True, check=False).returncode != 0:
        install_debian_packages(PACKAGES, "the log benchmark")
        if subprocess.run(probe, capture_output=True, check=False).returncode != 0:
            raise Unavailable(f"{SYSTEM_PYTHON} cannot import LibAppArmor and apparmor.logparser")
    process = subprocess.run(
        [str(SYSTEM_PYTHON), str(DRIVER)], input=json.dumps(request), capture_output=True, text=True, check=False
    )
    if process.returncode != 0:
        lines = process.stderr.strip().splitlines()
        raise Unavailable(f"the driver failed: {lines[-1] if lines else process.returncode}")
    answer: dict[str, Any] = json.loads(process.stdout)
    return answer


def _versions() -> str:
    """The Debian versions of the reference packages."""
    query = ["dpkg-query", "-W", "-f", "${Package} ${Version}, ", *PACKAGES]
    process = subprocess.run(query, capture_output=True, text=True, check=False)
    return process.stdout.strip().rstrip(",") or "versions unknown"


def _corpus_lines(settings: Settings) -> list[str]:
    """Every line of test_multi and real-denials, headers and blank lines left out."""
    lines: list[str] = []
    index = settings.corpus.upstream / "test_multi_index.jsonl"
    for row in index.read_text(encoding="utf-8").splitlines():
        lines += json.loads(row)["in"].splitlines()
    for path in sorted((settings.corpus.root / "real-denials").iterdir()):
        lines += path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _build_log(lines: list[str], target: Path) -> int:
    """Write ``lines`` repeated to about LINES lines, each audit serial unique; return the count."""
    serial = 0

    def renumber(match: re.Match[str]) -> str:
        nonlocal serial
        serial += 1
        return f"audit({match.group(1)}.{match.group(2)}:{serial})"

    count = 0
    with target.open("w", encoding="utf-8") as out:
        while count < LINES:
            for line in lines:
                out.write(_STAMP.sub(renumber, line) + "\n")
            count += len(lines)
    return count


def _time_armorsmith(path: Path, runs: int) -> tuple[float, int]:
    """The best CPU time of ``read_records`` over the file's lines, and the records it read.

    The lines are read before the clock starts, as the driver reads them for the others.
    """
    lines = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines(keepends=True)
    best, records = float("inf"), 0
    for _ in range(runs):
        started = time.process_time()
        items = list(read_records(lines, path.name))
        best = min(best, time.process_time() - started)
        records = sum(type(item) is LogRecord for item in items)
    return best, records


def _row(tool: str, seconds: float, records: int, note: str) -> Row:
    figures = {
        "records": f"{records:,}",
        "CPU time": f"{seconds * 1000:.1f} ms",
        "records/s": per_second(records, seconds),
        "per record": f"{seconds / records * 1e6:.2f} us" if records else "-",
    }
    return Row(tool, figures, note)


class LogThroughput:
    """Records per second reading a log, armorsmith beside libapparmor and aa-logprof."""

    name = "logs"

    def run(self, settings: Settings) -> Table:
        lines = _corpus_lines(settings)
        table = Table("", COLUMNS)
        try:
            kept: list[str] = _driver({"mode": "filter", "lines": lines})["lines"]
        except Unavailable as reason:
            kept = lines
            table.notes.append(f"note: the log is not filtered by libapparmor ({reason})")
        with tempfile.TemporaryDirectory(prefix="armorsmith-bench-logs-") as scratch:
            log = Path(scratch) / "audit.log"
            count = _build_log(kept, log)
            table.title = (
                f"log reading: {count:,} lines ({len(kept)} distinct records of test_multi and real-denials "
                f"that libapparmor reads), best CPU time of {settings.runs} runs"
            )
            seconds, records = _time_armorsmith(log, settings.runs)
            ours = records / seconds
            table.rows.append(_row("armorsmith read_records", seconds, records, "every field in a LogRecord; copies merged"))
            try:
                timed = _driver({"mode": "time", "path": str(log), "runs": settings.runs})
            except Unavailable as reason:
                for tool in ("libapparmor parse_record", "aa-logprof ReadLog.parse_event"):
                    table.rows.append(Row(tool, unavailable=str(reason)))
                return table
        versions = _versions()
        parse, copy, logprof = (timed[key] for key in ("parse", "parse_copy", "logprof"))
        table.rows.append(_row("libapparmor parse_record", parse["seconds"], parse["records"],
                               f"{versions}; record left in C and freed"))
        table.rows.append(_row("libapparmor parse_record + fields", copy["seconds"], copy["records"],
                               "each field copied to a dict before free_record"))
        table.rows.append(_row("aa-logprof ReadLog.parse_event", logprof["seconds"], logprof["records"],
                               "pre-filter, parse_event; profile bookkeeping left out"))
        rates = {key: value["records"] / value["seconds"] for key, value in timed.items()}
        table.goals.append(Goal(
            "faster than libapparmor's parse_record called from Python (fields copied out)",
            f"{ours / rates['parse_copy']:.2f}x its records/s; {ours / rates['parse']:.2f}x the record left in C",
            ours > rates["parse_copy"],
        ))
        table.goals.append(Goal(
            "at least 10x faster than aa-logprof's reader",
            f"{ours / rates['logprof']:.2f}x its records/s",
            ours >= 10 * rates["logprof"],
        ))
        return table
