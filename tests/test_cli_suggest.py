"""Tests of `armorsmith suggest` (the command line over armorsmith.ide.suggest)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from armorsmith.cli import main

LOG = """\
type=AVC msg=audit(1.1:1): apparmor="DENIED" operation="open" profile="master" name="/etc/postfix/extra.cf" pid=1 comm="master" requested_mask="r" denied_mask="r" fsuid=0 ouid=1
type=AVC msg=audit(1.1:2): apparmor="DENIED" operation="open" profile="master" name="/etc/ld.so.cache" pid=1 comm="master" requested_mask="r" denied_mask="r" fsuid=0 ouid=1
type=AVC msg=audit(1.1:3): apparmor="DENIED" operation="file_lock" profile="master//smtp" name="/var/spool/postfix/q" pid=2 comm="smtp" requested_mask="k" denied_mask="k" fsuid=0 ouid=1
"""

PROFILE = """\
include <tunables/global>

profile master /usr/lib/postfix/master {
  include <abstractions/base>

  /etc/postfix/main.cf r,
}
"""


@pytest.fixture()
def policy(tmp_path: Path) -> Path:
    root = tmp_path / "policy"
    (root / "tunables").mkdir(parents=True)
    (root / "tunables" / "global").write_text("@{HOME}=/home/*/ /root/\n")
    (root / "abstractions").mkdir()
    (root / "abstractions" / "base").write_text("/etc/ld.so.cache r,\n")
    (root / "usr.lib.postfix.master").write_text(PROFILE)
    return root


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    path = tmp_path / "audit.log"
    path.write_text(LOG)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_text_without_policy(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "suggest", str(log))
    assert status == 0
    assert out == (
        "profile master {\n"
        "  /etc/ld.so.cache r,\n"
        "  /etc/postfix/extra.cf r,\n"
        "  ^smtp {\n"
        "    /var/spool/postfix/q k,\n"
        "  }\n"
        "}\n"
    )
    assert err == "armorsmith: read 3 records: 3 rules suggested for 2 profiles, 0 unreadable lines\n"


def test_json_with_policy(policy: Path, log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "suggest", "--policy", str(policy), "--format", "json", str(log))
    assert status == 0
    profile_file = str(policy / "usr.lib.postfix.master")
    assert json.loads(out) == [
        {"profile": "master", "file": profile_file, "rules": ["/etc/postfix/extra.cf r,"]},
        {"profile": "master//smtp", "file": profile_file, "rules": ["/var/spool/postfix/q k,"]},
    ]


def test_diff_against_the_policy(policy: Path, log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "suggest", "--policy", str(policy), "--diff", str(log))
    assert status == 0
    assert out == (
        "--- a/usr.lib.postfix.master\n"
        "+++ b/usr.lib.postfix.master\n"
        "@@ -4,4 +4,8 @@\n"
        "   include <abstractions/base>\n"
        " \n"
        "   /etc/postfix/main.cf r,\n"
        "+  /etc/postfix/extra.cf r,\n"
        "+  ^smtp {\n"
        "+    /var/spool/postfix/q k,\n"
        "+  }\n"
        " }\n"
    )


def test_standard_input_and_gzip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    packed = tmp_path / "audit.log.gz"
    packed.write_bytes(gzip.compress(LOG.encode()))
    status, out, _ = _run(capsys, "suggest", "--format", "json", str(packed))
    assert status == 0
    assert [item["profile"] for item in json.loads(out)] == ["master", "master//smtp"]


def test_nothing_needed_is_success(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "status.log"
    path.write_text('audit: type=1400 audit(1.1:7): apparmor="STATUS" operation="profile_load" profile="unconfined" name="x" pid=1 comm="apparmor_parser"\n')
    status, out, _ = _run(capsys, "suggest", "--format", "json", str(path))
    assert (status, json.loads(out)) == (0, [])


def test_unreadable_records_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cut.log"
    path.write_text(LOG + 'type=AVC msg=audit(1.1:9): apparmor="DENIED" operation="open" profile="master" name="/x" requested_mask="r>\n')
    status, out, err = _run(capsys, "suggest", "--format", "json", str(path))
    assert status == 1
    assert len(json.loads(out)) == 2
    assert f"{path}:4: cannot read the record:" in err


def test_missing_log_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "suggest", str(tmp_path / "nope.log"))
    assert status == 1
    assert "cannot read the file" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["suggest", "--diff", "log"],
        ["suggest", "--policy", "/nonexistent/dir", "log"],
        ["suggest", "--format", "yaml", "log"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert main(["suggest", "--policy", str(policy), "--diff", "--format", "json", "log"]) == 2


def test_json_names_records_no_profile_can_take_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "unconfined.log"
    path.write_text('type=AVC msg=audit(1.1:1): apparmor="DENIED" operation="open" profile="unconfined" name="/x" requested_mask="r" denied_mask="r"\n')
    status, out, err = _run(capsys, "suggest", "--format", "json", str(path))
    assert (status, json.loads(out)) == (0, [])
    assert f"{path}:1: the task is unconfined: no profile of it can be given a rule" in err
