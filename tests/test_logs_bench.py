"""The log benchmark's own logic: the log it builds, and its driver for the system Python."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from armorsmith.logs import LogRecord, read_records
from bench import logs


def test_the_built_log_has_unique_stamps_and_no_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure that repeating the lines gives distinct events, so that no record merges away."""
    monkeypatch.setattr(logs, "LINES", 10)
    lines = [
        'type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1',
        'Sep  5 09:07:02 host kernel: audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1',
    ]
    path = tmp_path / "audit.log"
    assert logs._build_log(lines, path) == 10
    text = path.read_text().splitlines()
    serials = re.findall(r"audit\(1\.2:(\d+)\)", "\n".join(text))
    assert len(text) == 10 and len(set(serials)) == 10
    records = [item for item in read_records(text, "log") if isinstance(item, LogRecord)]
    assert len(records) == 10


def _system_python_has_libapparmor() -> bool:
    probe = [str(logs.SYSTEM_PYTHON), "-c", "import LibAppArmor, apparmor.logparser"]
    return logs.SYSTEM_PYTHON.exists() and subprocess.run(probe, capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(not _system_python_has_libapparmor(), reason="Debian's python3-libapparmor is not installed")
def test_the_driver_keeps_the_lines_libapparmor_reads() -> None:
    """Ensure that the driver filters with libapparmor: a record is kept, a V1 text record is not."""
    kept = 'type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1'
    dropped = "type=APPARMOR msg=audit(1157215966.604:46): REJECTING r access to /bin/df (sh(7902) profile /p active p)"
    assert logs._driver({"mode": "filter", "lines": [kept, dropped]})["lines"] == [kept]
