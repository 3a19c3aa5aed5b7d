"""The system log behind "Add rules from the system log": files, journald, and which is read.

journald is exercised with a fake `journalctl` on PATH, which records its arguments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armorsmith.lsp.features.actions import FileLog, JournalLog, records_of, system_log

RECORD = (
    'type=AVC msg=audit(1596533293.878:239): apparmor="DENIED" operation="open" profile="demo" '
    'name="/etc/hostname" pid=1 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'
)


class FakeLog:
    """A log held in memory."""

    def __init__(self, name: str, lines: list[str]) -> None:
        self.name = name
        self.read = lines

    def lines(self) -> list[str]:
        return self.read


def test_sources_are_read_in_order_until_one_has_records() -> None:
    """Ensure the first log holding AppArmor records is the one used."""
    logs = [FakeLog("empty", ["type=SERVICE_START msg=audit(1.2:3): pid=1"]), FakeLog("audit", [RECORD]), FakeLog("later", [RECORD, RECORD])]
    found = records_of(logs)
    assert [(record.file, record.name) for record in found] == [("audit", "/etc/hostname")]
    assert records_of([]) == []


def test_setting_names_journald_or_files() -> None:
    """Ensure `journald` means the journal and anything else a file."""
    logs = list(system_log(["journald", "/var/log/audit/audit.log"]))
    assert logs == [JournalLog(), FileLog("/var/log/audit/audit.log")]


def test_file_log_reads_the_newest_lines(tmp_path: Path) -> None:
    """Ensure a log file is read from its end, and a missing one reads as empty."""
    path = tmp_path / "audit.log"
    path.write_text("".join(f"line {number}\n" for number in range(100)) + RECORD + "\n", encoding="utf-8")
    lines = list(FileLog(str(path)).lines())
    assert lines[-1] == RECORD and lines[-2] == "line 99"
    assert list(FileLog(str(tmp_path / "missing.log")).lines()) == []


def test_journal_runs_journalctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure the journal is read with journalctl for this boot's kernel and audit messages."""
    arguments = tmp_path / "arguments"
    fake = tmp_path / "journalctl"
    fake.write_text(f'#!/bin/sh\necho "$@" > {arguments}\necho \'{RECORD}\'\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert list(JournalLog().lines()) == [RECORD]
    called = arguments.read_text(encoding="utf-8").split()
    assert called[:3] == ["--no-pager", "-b", "-o"] and "_TRANSPORT=audit" in called
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert list(JournalLog().lines()) == []
