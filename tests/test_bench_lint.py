"""The lint benchmark's own logic, with the reference tools replaced by small fakes.

The fakes stand in for ``apparmor_parser`` (a shell script) and for the competitor's
``apparmor-lint`` (a package on PYTHONPATH run by this Python), so these tests check how
verdicts are collected and compared, never the real tools or the real corpus.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import bench.references as references
from bench.lint import Measured, agreement, goals, recorded_parser_agreement
from bench.report import Row
from conformance.corpus import StaticCase
from conformance.results import Rate

CASES = [
    StaticCase("simple_tests/a/ok.sd", "PASS", ""),
    StaticCase("simple_tests/a/bad.sd", "FAIL", "AppArmor parser error at line 3: bad\n"),
    StaticCase("simple_tests/b/hang.sd", "FAIL", "AppArmor parser error at line 3: bad\n"),
]


def test_agreement_counts_an_error_exactly_on_fail_cases_and_no_verdict_as_wrong() -> None:
    """Ensure that a tool agrees when it errs on FAIL and accepts PASS, and that None never agrees."""
    assert agreement(CASES, [False, True, True]) == Rate("agreement", 3, 3)
    assert agreement(CASES, [True, True, None]) == Rate("agreement", 1, 3)


def _tool(per_file: float | None, n: int = 0) -> Measured:
    if per_file is None:
        return Measured(Row("tool", unavailable="not installed"))
    return Measured(Row("tool"), per_file, Rate("agreement", n, 10))


def test_goals_compare_speed_per_file_and_agreement_with_each_tool_that_ran() -> None:
    """Ensure that the goals print the speed-up and the agreement of each tool, and skip a tool that could not run."""
    met = goals(_tool(0.001, 9), _tool(0.011, 8), _tool(0.002, 5))
    assert [(goal.met, goal.measured) for goal in met] == [
        (True, "11.0x"),
        (True, "2.0x"),
        (True, "armorsmith 9/10 (90.0%), apparmor_parser 8/10 (80.0%), apparmor-lint 5/10 (50.0%)"),
    ]
    missed = goals(_tool(0.001, 8), _tool(0.005, 8), _tool(None))
    assert [goal.text for goal in missed] == [
        "at least 10x faster than apparmor_parser per file",
        "better agreement with EXRESULT than apparmor_parser",
    ]
    assert [goal.met for goal in missed] == [False, False]


def test_recorded_parser_agreement_reads_the_exit_status_of_the_index(tmp_path: Path) -> None:
    """Ensure that the index's exit status per case gives the recorded agreement, a timeout none."""
    index = tmp_path / "index.jsonl"
    rows = [("simple_tests/a/ok.sd", 0), ("simple_tests/a/bad.sd", 1), ("simple_tests/b/hang.sd", "timeout")]
    index.write_text("".join(json.dumps({"file": f, "debian_3_0_8_parser_rc": rc}) + "\n" for f, rc in rows))
    assert recorded_parser_agreement(index, CASES) == Rate("agreement", 2, 3)


def test_apparmor_parser_runs_once_per_file_and_leaves_no_process_behind(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure that each file gets its own process with -I and the cwd given; a loop is stopped, a hang has no verdict.

    The fake forks a worker for the looping and hanging files, as apparmor_parser forks one
    to compile; the worker must not outlive the run.
    """
    fake = tmp_path / "apparmor_parser"
    pids = tmp_path / "workers"
    fake.write_text(
        '#!/bin/sh\nfor last; do :; done\n'
        'case "$*" in *"-I simple_tests"*) ;; *) exit 3 ;; esac\n'
        f'grep -q LOOP "$last" && {{ while :; do :; done & echo $! >> {pids}; wait $!; exit 1; }}\n'
        f'grep -q HANG "$last" && {{ sleep 60 & echo $! >> {pids}; wait $!; }}\n'
        'grep -q FAIL "$last" && exit 1\nexit 0\n'
    )
    fake.chmod(0o755)
    monkeypatch.setattr(references, "apparmor_parser", lambda: (fake, "fake parser 1.0"))
    monkeypatch.setattr(references, "PARSER_CPU_SECONDS", 1)
    # The looping file must reach its 1 s of CPU before the wall limit even on a busy
    # machine, or its verdict turns into a timeout; the hanging file waits out the wall limit.
    monkeypatch.setattr(references, "PARSER_WALL_SECONDS", 8.0)
    tst = tmp_path / "tst"
    names = {"ok.sd": "ok", "bad.sd": "FAIL", "loop.sd": "LOOP", "hang.sd": "HANG"}
    (tst / "simple_tests").mkdir(parents=True)
    for name, text in names.items():
        (tst / "simple_tests" / name).write_text(text)
    files = [Path("simple_tests") / name for name in names]
    run = references.run_apparmor_parser(files, tmp_path / "features", Path("simple_tests"), cwd=tst)
    assert run.version == "fake parser 1.0"
    assert run.accepted == [True, False, False, None]
    assert len(run.seconds) == 4
    for pid in pids.read_text().split():
        assert not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()


FAKE_LINT = '''
from pathlib import Path


def main(argv):
    """A stand-in for apparmor-lint's CLI: 1 when the file says ERROR, a crash when it says CRASH."""
    assert argv[:2] == ["--no-parser", "-q"] and argv[argv.index("-b") + 1] == "simple_tests", argv
    text = Path(argv[-1]).read_text()
    if "CRASH" in text:
        raise RuntimeError("boom")
    print("a diagnostic the driver must not pass on")
    return 1 if "ERROR" in text else 0
'''


def test_apparmor_lint_driver_collects_each_cases_exit_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure that the driver runs the CLI's main per case in one process; a crash is no verdict."""
    package = tmp_path / "fake" / "apparmor_language_server"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "lint.py").write_text(FAKE_LINT)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "fake"))
    monkeypatch.setattr(references, "als_python", lambda: Path(sys.executable))
    tst = tmp_path / "tst"
    (tst / "simple_tests").mkdir(parents=True)
    for name, text in (("ok.sd", "fine"), ("bad.sd", "ERROR"), ("crash.sd", "CRASH")):
        (tst / "simple_tests" / name).write_text(text)
    cases = ["simple_tests/ok.sd", "simple_tests/bad.sd", "simple_tests/crash.sd"]
    assert references.als_lint_verdicts(cases, "simple_tests", tst) == [False, True, None]
