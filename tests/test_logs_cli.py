"""Tests of `armorsmith logs parse`: JSON Lines and text output, input forms, exit statuses."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from armorsmith.cli import main

GOOD = 'type=AVC msg=audit(1.5:7): apparmor="DENIED" operation="open" class="file" profile="/usr/bin/x" name="/a b" pid=3 comm="x" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'
CUT = 'type=AVC msg=audit(1.5:8): apparmor="DENIED" operation="open" profile="/usr/bin/x" name="/c'
LOG = f"{GOOD}\nnot a record\n{CUT}\n"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    path = tmp_path / "audit.log"
    path.write_text(LOG)
    return path


def test_json_lines(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    """Ensure one JSON object per line: libapparmor's names, file and line; error for a cut record."""
    status, out, _ = _run(capsys, "logs", "parse", "--format", "json", str(log))
    first, second = (json.loads(line) for line in out.splitlines())
    assert first == {
        "event": "AA_RECORD_DENIED", "operation": "open", "profile": "/usr/bin/x", "name": "/a b", "comm": "x",
        "pid": 3, "requested_mask": "r", "denied_mask": "r", "fsuid": 0, "ouid": 0, "class": "file",
        "audit_id": "1.5:7", "epoch": 1, "audit_sub_id": 7, "file": str(log), "line": 1,
    }
    assert second == {"file": str(log), "line": 3, "error": "the value of name= has no closing quote: the line is cut short"}
    assert status == 1


def test_text_lines_and_summary(capsys: pytest.CaptureFixture[str], log: Path) -> None:
    """Ensure one readable line per record and per unreadable line, and a summary on stderr."""
    status, out, err = _run(capsys, "logs", "parse", str(log))
    assert out.splitlines() == [
        f'{log}:1: DENIED /usr/bin/x open "/a b" comm=x pid=3 requested_mask=r denied_mask=r fsuid=0 ouid=0 class=file',
        f"{log}:3: error: the value of name= has no closing quote: the line is cut short",
    ]
    assert err == "armorsmith: read 1 log: 1 record, 1 unreadable line\n"
    assert status == 1


def test_every_line_read_exits_zero(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Ensure exit status 0 when every line is a record or not AppArmor."""
    path = tmp_path / "kern.log"
    path.write_text(f"{GOOD}\nOct 29 07:55:58 host syslogd: restart.\n")
    status, out, _ = _run(capsys, "logs", "parse", "--format", "json", str(path))
    assert status == 0 and len(out.splitlines()) == 1


def test_standard_input_by_default_and_with_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ensure that standard input is read without FILE and with `-`, named <stdin>."""
    for argv in (["logs", "parse", "--format", "json"], ["logs", "parse", "--format", "json", "-"]):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{GOOD}\n".encode())))
        status, out, _ = _run(capsys, *argv)
        assert status == 0
        assert json.loads(out)["file"] == "<stdin>"


def test_several_files_and_gzip(capsys: pytest.CaptureFixture[str], tmp_path: Path, log: Path) -> None:
    """Ensure that files are read in order, a gzip-compressed one decompressed."""
    packed = tmp_path / "audit.log.1.gz"
    packed.write_bytes(gzip.compress(f"{GOOD}\n".encode()))
    _, out, _ = _run(capsys, "logs", "parse", "--format", "json", str(packed), str(log))
    assert [(item["file"], item["line"]) for item in map(json.loads, out.splitlines())] == [
        (str(packed), 1), (str(log), 1), (str(log), 3)
    ]


def test_a_missing_file_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Ensure that a file that cannot be read is one error object and exit status 1."""
    missing = tmp_path / "nope.log"
    status, out, _ = _run(capsys, "logs", "parse", "--format", "json", str(missing))
    assert json.loads(out) == {"file": str(missing), "line": 0, "error": "cannot read the file: No such file or directory"}
    assert status == 1


def test_names_that_are_not_utf8_are_escaped_in_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Ensure that a name with bytes that are not UTF-8 gives valid JSON, the bytes escaped."""
    path = tmp_path / "audit.log"
    path.write_text(GOOD.replace('name="/a b"', "name=2F746D702FE9") + "\n")
    _, out, _ = _run(capsys, "logs", "parse", "--format", "json", str(path))
    assert json.loads(out)["name"] == "/tmp/\udce9"


@pytest.mark.parametrize(
    "argv",
    [["logs"], ["logs", "parse", "--format", "yaml"], ["logs", "parse", "-", "-"], ["logs", "frobnicate"]],
)
def test_usage_errors_exit_two(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """Ensure that bad arguments exit 2 with a message."""
    status, _, err = _run(capsys, *argv)
    assert status == 2
    assert "error" in err
