"""Tests of `armorsmith explain` on the command line: output forms and exit statuses."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from armorsmith.cli import main

DENIAL = (
    'type=AVC msg=audit(1.{n}:{n}): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" '
    'name="/etc/x" pid={n} comm="ls" requested_mask="r" denied_mask="r" fsuid=0 ouid=1'
)
TRUNCATED = 'type=AVC msg=audit(1.9:9): apparmor="ALLOWED" operation="recvmsg" profile="/usr/bin/mpv" requested_mask="r>'

KEYS = {
    "profile", "namespace", "comm", "operation", "class", "outcome", "count", "records", "summary",
    "details", "fix", "fix_profile", "fix_file", "fix_rules", "fix_flags", "changes",
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    path = tmp_path / "audit.log"
    path.write_text("\n".join(DENIAL.format(n=n) for n in (1, 2)) + "\nsome other line\n")
    return path


def test_json_groups_and_keys(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that JSON is a list with the documented keys, one object per access."""
    status, out, err = _run(capsys, "explain", "--format", "json", str(log))
    assert status == 0
    (item,) = json.loads(out)
    assert set(item) == KEYS
    assert item["count"] == 2 and item["records"] == [f"{log}:1", f"{log}:2"]
    assert item["class"] == "file" and item["outcome"] == "denied" and item["profile"] == "/usr/sbin/cupsd"
    assert item["fix_profile"] == "/usr/sbin/cupsd" and item["fix_rules"] == ["/etc/x r,"]
    assert item["changes"] == [{"profile": "/usr/sbin/cupsd", "file": None, "rules": ["/etc/x r,"], "flags": []}]
    assert "2 records in 1 group; 0 unreadable lines" in err


def test_text_form(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that text shows the summary, the places, the details and the fix of each group."""
    status, out, _ = _run(capsys, "explain", str(log))
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "DENIED: /usr/sbin/cupsd (ls) asked to read `/etc/x` (open), 2 times"
    assert lines[1] == f"  at {log}:1, {log}:2"
    assert lines[-1] == "  fix: Add `/etc/x r,` to the profile `/usr/sbin/cupsd`."


def test_unreadable_line_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a line that cannot be read is reported with its reason and makes the exit 1."""
    path = tmp_path / "cut.log"
    path.write_text(TRUNCATED + "\n" + DENIAL.format(n=1) + "\n")
    status, out, _ = _run(capsys, "explain", "--format", "json", str(path))
    assert status == 1
    unreadable, denied = json.loads(out)
    assert unreadable["outcome"] == "unreadable" and unreadable["records"] == [f"{path}:1"]
    assert "cut short" in unreadable["summary"] and denied["outcome"] == "denied"


def test_missing_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a log that cannot be opened is reported and makes the exit 1."""
    status, _, err = _run(capsys, "explain", str(tmp_path / "absent.log"))
    assert status == 1 and "cannot read the file" in err


def test_gzip_and_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure that compressed logs and standard input are read."""
    path = tmp_path / "audit.log.1.gz"
    path.write_bytes(gzip.compress(DENIAL.format(n=1).encode() + b"\n"))
    status, out, _ = _run(capsys, "explain", "--format", "json", str(path))
    assert status == 0 and json.loads(out)[0]["records"] == [f"{path}:1"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(DENIAL.format(n=3).encode() + b"\n")))
    status, out, _ = _run(capsys, "explain", "--format", "json", "-")
    assert status == 0 and json.loads(out)[0]["records"] == ["<stdin>:1"]


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "--policy", "/nonexistent/dir", "x.log"],
        ["explain", "--format", "yaml", "x.log"],
        ["explain", "-", "-"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that bad arguments exit with status 2."""
    status, _, _ = _run(capsys, *argv)
    assert status == 2


def test_policy_directory(tmp_path: Path, log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that --policy loads the directory and names the file to change."""
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "usr.sbin.cupsd").write_text("profile /usr/sbin/cupsd {\n  /usr/bin/ls ix,\n}\n")
    status, out, _ = _run(capsys, "explain", "--policy", str(policy), "--format", "json", str(log))
    assert status == 0
    (item,) = json.loads(out)
    assert item["fix_file"] == str(policy / "usr.sbin.cupsd")
    assert any("rule `/usr/bin/ls ix,`" in detail and "runs `ls`" in detail for detail in item["details"])


def test_text_says_a_point_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that the text form does not repeat a detail made for an earlier group."""
    path = tmp_path / "two.log"
    path.write_text(DENIAL.format(n=1) + "\n" + DENIAL.format(n=2).replace("/etc/x", "/etc/y") + "\n")
    status, out, _ = _run(capsys, "explain", str(path))
    first, second = out.split("\n\n")
    assert status == 0 and "`ls` is not the program" in first and "`ls` is not the program" not in second
    assert "(and 1 point made for an earlier group above)" in second
