"""Pasted denial lines: found in any log format, masked for analysis, reported once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from armorsmith.diagnostics import Code
from armorsmith.ide import lint_document
from armorsmith.ide.incremental import IncrementalLint
from armorsmith.ide.pasted import find_pasted_logs, mask_pasted_logs, pasted_log_diagnostics
from armorsmith.logs import LogRecord, read_records
from armorsmith.syntax import parse

AUDIT = (
    'type=AVC msg=audit(1596533293.878:234): apparmor="DENIED" operation="open" profile="demo" '
    'name="/etc/shadow" pid=24036 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'
)
SYSCALL = "type=SYSCALL msg=audit(1596533293.878:234): arch=c000003e syscall=257 success=no exit=-13 exe=\"/usr/bin/cat\""
DMESG = (
    '[987021.379719] audit: type=1400 audit(1596533293.878:235): apparmor="DENIED" operation="signal" '
    'profile="demo" pid=24036 comm="kill" requested_mask="send" denied_mask="send" signal=term peer="man"'
)
AALOG = "DENIED  demo open /etc/hosts comm=cat requested_mask=r denied_mask=r"


def _profile(*lines: str) -> bytes:
    return ("profile demo {\n  /etc/passwd r,\n" + "".join(f"  {line}\n" for line in lines) + "}\n").encode()


def test_a_run_of_lines_in_several_formats_is_one_paste() -> None:
    """Ensure that consecutive record lines of any format, and their SYSCALL line, make one run."""
    source = _profile(AUDIT, SYSCALL, DMESG, AALOG)
    (run,) = find_pasted_logs(source)
    assert source[run.start : run.end].decode() == "".join(f"  {line}\n" for line in (AUDIT, SYSCALL, DMESG, AALOG))
    assert [record.operation for record in run.records] == ["open", "signal", "open"]
    assert source[run.text_end - 1 : run.text_end + 1] == b"r\n"


def test_separate_runs_and_commented_lines() -> None:
    """Ensure that a rule between records splits runs, and commented records are not pasted logs."""
    source = _profile(AUDIT, "/etc/group r,", "# " + DMESG, DMESG)
    runs = find_pasted_logs(source)
    assert [len(run.records) for run in runs] == [1, 1]
    assert [record.operation for run in runs for record in run.records] == ["open", "signal"]


def test_masking_keeps_offsets_and_clears_the_syntax_errors() -> None:
    """Ensure that masked lines are blank, every other byte keeps its offset, and the rest parses."""
    source = _profile(AUDIT, DMESG)
    assert parse(source).errors
    runs = find_pasted_logs(source)
    masked = mask_pasted_logs(source, runs)
    assert len(masked) == len(source)
    assert masked.replace(b" ", b"") == source[: runs[0].start].replace(b" ", b"") + b"\n\n}\n"
    assert not parse(masked).errors


def test_one_diagnostic_per_run() -> None:
    """Ensure that each run is reported once as pasted-denial, over its lines."""
    source = _profile(AUDIT, DMESG)
    (diagnostic,) = pasted_log_diagnostics(find_pasted_logs(source))
    assert diagnostic.code is Code.PASTED_DENIAL
    assert source[diagnostic.start : diagnostic.end].decode() == f"  {AUDIT}\n  {DMESG}"
    assert "2 log records" in diagnostic.message


def test_policy_without_records_costs_nothing() -> None:
    """Ensure that ordinary policy, including rules with key=value conditionals, is no paste."""
    source = b"profile demo {\n  signal send set=term peer=man,\n  dbus send bus=system path=/a,\n}\n"
    assert find_pasted_logs(source) == ()
    assert mask_pasted_logs(source, ()) is source


def _record_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    return [line for line in text.split("\n") if line.strip() and not line.startswith("#")]


@pytest.mark.corpus
def test_every_real_denial_pasted_into_a_profile_is_found(corpus_dir: Path) -> None:
    """Ensure that the records of each real-denials file, pasted into a profile, are all found."""
    files = sorted((corpus_dir / "real-denials").iterdir())
    assert len(files) > 20
    for path in files:
        lines = _record_lines(path)
        expected = [item for item in read_records(lines, "") if isinstance(item, LogRecord)]
        if not expected:
            continue
        source = _profile(*lines)
        found = [record for run in find_pasted_logs(source) for record in run.records]
        assert len(found) == len(expected), path.name


def test_lint_reports_the_paste_and_analyses_the_rest() -> None:
    """Ensure that lint reports a paste once, without syntax errors, and still checks the rest."""
    source = _profile(AUDIT, DMESG).replace(b"/etc/passwd r,", b"capability sys_admn,")
    found = lint_document("/etc/apparmor.d/demo", source)
    assert sorted(diagnostic.code.value for diagnostic in found) == ["pasted-denial", "unknown-capability"]


def test_incremental_lint_agrees() -> None:
    """Ensure that the language server's incremental lint reports pasted lines as lint does."""
    source = _profile(AUDIT, DMESG)
    incremental = IncrementalLint().lint("/etc/apparmor.d/demo", parse(source), config=None, cache=None)
    assert incremental == lint_document("/etc/apparmor.d/demo", source)
