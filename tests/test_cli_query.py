"""Tests of `armorsmith query` (the command line over armorsmith.ide.query)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armorsmith.cli import main

PROFILE = """\
include <tunables/global>
profile master /usr/lib/postfix/master {
  include <abstractions/base>
  /usr/lib/postfix/smtp rmix,
  /usr/lib/postfix/local Px,
  deny @{HOME}/secret r,
  signal (send) set=(term) peer=local,
}
profile local /usr/lib/postfix/local flags=(complain) {
}
"""


@pytest.fixture()
def policy(tmp_path: Path) -> Path:
    (tmp_path / "tunables").mkdir()
    (tmp_path / "tunables" / "global").write_text("@{HOME}=/home/*/ /root/\n")
    (tmp_path / "abstractions").mkdir()
    (tmp_path / "abstractions" / "base").write_text("/etc/ld.so.cache r,\n")
    (tmp_path / "usr.lib.postfix.master").write_text(PROFILE)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_allowed_by_an_included_rule(policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a rule from an abstraction allows the request and is located in it."""
    status, out, _ = _run(capsys, "query", "--policy", str(policy), "master", "/etc/ld.so.cache", "r")
    assert status == 0
    assert out.splitlines()[0] == "allow: /etc/ld.so.cache r in master (enforce mode)"
    assert "allowed by: /etc/ld.so.cache r," in out and "abstractions/base:1" in out


def test_denied_by_a_deny_rule_with_a_tunable(policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a deny rule written with a tunable denies and exits 1."""
    status, out, _ = _run(capsys, "query", "--policy", str(policy), "master", "/home/alice/secret", "r")
    assert status == 1
    # The rule is shown as written, at its place; it matched through its expansion.
    assert "denied by: deny @{HOME}/secret r,  (" in out


def test_exec_transition_json(policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `exec PATH` reports the transition, in JSON as documented."""
    status, out, _ = _run(
        capsys, "query", "--policy", str(policy), "--format", "json", "master", "exec", "/usr/lib/postfix/local"
    )
    assert status == 0
    record = json.loads(out)
    assert record["outcome"] == "allow"
    assert record["transition"]["landing"] == "profile"
    assert record["transition"]["target"] == "local"
    assert record["transition"]["scrubbed"] is True
    assert record["allowed_by"][0]["rule"] == "/usr/lib/postfix/local Px,"


def test_signal_shorthand_and_complain_mode(policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `signal send term peer=X` reads as set=term and complain mode allows misses."""
    status, out, _ = _run(capsys, "query", "--policy", str(policy), "master", "signal send term peer=local")
    assert status == 0 and out.startswith("allow:")
    status, out, _ = _run(capsys, "query", "--policy", str(policy), "local", "capability sys_admin")
    assert status == 0 and out.startswith("complain:")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nobody", "capability", "chown"], "no profile named 'nobody'"),
        (["master", "signal", "(send"], "cannot read the request"),
    ],
)
def test_usage_errors(policy: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    """Ensure that an unknown profile or an unreadable request exits 2 with a clear message."""
    status, _, err = _run(capsys, "query", "--policy", str(policy), *argv)
    assert status == 2 and message in err


def test_peer_half_of_a_signal(policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a signal query reports the receiver's half and what it needs."""
    status, out, _ = _run(
        capsys, "query", "--policy", str(policy), "--format", "json", "master", "signal send term peer=local"
    )
    record = json.loads(out)
    assert status == 0
    assert record["peer"]["profile"] == "local"
    assert record["peer"]["request"] == "signal (receive) set=(term) peer=master"
    # local is in complain mode: its missing half is allowed and logged.
    assert record["peer"]["outcome"] == "complain"
