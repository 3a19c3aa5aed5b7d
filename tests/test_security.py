"""Security promises of the server and the CLI (see docs/SECURITY.md).

- `apparmor_parser` runs only with `-Q -K`, from an argument list (never a shell), under a
  time limit: a fake `apparmor_parser` records the argv and environment it is given, and a
  static check over the sources finds every place a program could be started.
- Nothing from a log line or a profile is ever executed or interpolated into a command:
  records whose fields hold `$(...)`, backticks, `;` and newlines go through
  `logs parse`, `explain`, `suggest` and the pasted-denial code action while a Python
  audit hook watches for any program being started, and a marker file the payloads would
  create stays absent.

The end-to-end halves (the cross-check driven through the server's settings, includes
outside the workspace, what code actions edit) are in tests/lsp/test_security.py.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import posixpath
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from armorsmith.cli import main
from armorsmith.ide.actions import replace_pasted_action, workspace_policy
from armorsmith.ide.pasted import find_pasted_logs
from armorsmith.lsp.crosscheck import run_parser
from armorsmith.lsp.settings import CrossCheckSettings
from armorsmith.resolve import MemoryFileSystem, ResolveConfig

SOURCES = Path(__file__).resolve().parents[1] / "server" / "armorsmith"

# Section - a fake apparmor_parser.

FAKE_PARSER = """#!{python}
import json, os, sys, time
record = os.environ.get("FAKE_PARSER_RECORD") or {record!r}
with open(record, "a") as handle:
    handle.write(json.dumps({{"argv": sys.argv, "env": dict(os.environ), "cwd": os.getcwd()}}) + "\\n")
if {sleep!r}:
    time.sleep({sleep!r})
sys.exit(0)
"""


def fake_parser(directory: Path, record: Path, sleep: float = 0.0) -> Path:
    """Write an executable `apparmor_parser` that appends its argv, environment and cwd to `record`."""
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / "apparmor_parser"
    program.write_text(FAKE_PARSER.format(python=sys.executable, record=str(record), sleep=sleep))
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return program


def recorded(record: Path) -> list[dict]:
    """The runs the fake parser recorded."""
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


LOADING_FLAGS = {"-a", "--add", "-r", "--replace", "-R", "--remove", "-C", "--Complain", "-W", "--write-cache", "-T"}
"""apparmor_parser options that load, replace or remove kernel policy, or write its cache."""


def assert_check_only(argv: list[str]) -> None:
    """Ensure an apparmor_parser argv only checks: `-Q -K` first, and no option that loads policy."""
    assert argv[1:3] == ["-Q", "-K"], argv
    assert not LOADING_FLAGS & set(argv), argv
    assert not any(arg.startswith(("--replace", "--add", "--remove", "--write-cache")) for arg in argv), argv


def test_cross_check_runs_the_parser_with_q_k_and_literal_arguments(tmp_path: Path) -> None:
    """Ensure run_parser passes -Q -K, include paths and a file name with shell syntax literally."""
    record = tmp_path / "record.jsonl"
    marker = tmp_path / "marker"
    program = fake_parser(tmp_path / "bin", record)
    name = "doc$(touch marker);`touch marker`"
    include = tmp_path / "inc $(touch marker)"
    include.mkdir()
    source = f"profile p {{\n  /x r, # $(touch {marker})\n}}\n".encode()
    settings = CrossCheckSettings(enabled=True, path=str(program), timeout=20.0, features_file=None)
    run = asyncio.run(run_parser(str(program), source, name, settings, search_dirs=(str(include),), base_dir=str(tmp_path)))
    assert run.status == 0
    (call,) = recorded(record)
    argv = call["argv"]
    assert_check_only(argv)
    assert argv[argv.index("-I") + 1] == str(include)
    assert os.path.basename(argv[-1]) == name
    assert call["cwd"] == str(tmp_path)
    assert not marker.exists()


def test_cross_check_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    """Ensure a parser that hangs is killed after the time limit and reported as not finished."""
    record = tmp_path / "record.jsonl"
    program = fake_parser(tmp_path / "bin", record, sleep=60.0)
    settings = CrossCheckSettings(enabled=True, path=str(program), timeout=0.5, features_file=None)
    started = time.monotonic()
    run = asyncio.run(run_parser(str(program), b"profile p {}\n", "p", settings, search_dirs=(), base_dir=str(tmp_path)))
    assert run.status is None
    assert time.monotonic() - started < 10.0
    assert_check_only(recorded(record)[0]["argv"])


# Section - a static check of every place a program could be started.

SPAWNERS = {
    ("subprocess", name) for name in ("run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput")
} | {("os", name) for name in ("system", "popen", "posix_spawn", "posix_spawnp", "startfile")} | {
    ("asyncio", "create_subprocess_exec"),
    ("asyncio", "create_subprocess_shell"),
}

ALLOWED_SPAWNS = {
    ("lsp/crosscheck.py", "asyncio.create_subprocess_exec"),
    ("lsp/features/actions.py", "subprocess.run"),
}
"""The only places the package starts programs: apparmor_parser -Q -K and journalctl."""


def _dotted(node: ast.expr) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _calls() -> Iterator[tuple[str, ast.Call]]:
    for path in sorted(SOURCES.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                yield path.relative_to(SOURCES).as_posix(), node


def test_programs_are_started_only_where_expected() -> None:
    """Ensure programs are started only by the cross-check and the journal reader, with a list and a timeout."""
    spawns = set()
    for where, call in _calls():
        name = _dotted(call.func)
        head, _, tail = name.rpartition(".")
        if (head.rsplit(".", 1)[-1], tail) in SPAWNERS or tail.startswith(("execv", "execl", "spawn")) and head == "os":
            spawns.add((where, name))
            assert call.args and isinstance(call.args[0], (ast.Name, ast.Starred, ast.List)), f"{where}: {name} not given a list"
        assert not any(k.arg == "shell" for k in call.keywords), f"{where}:{call.lineno}: shell= is never passed"
        assert name not in ("eval", "exec", "os.system", "os.popen"), f"{where}:{call.lineno}: {name}"
    assert spawns == ALLOWED_SPAWNS
    journal = (SOURCES / "lsp/features/actions.py").read_text()
    assert "timeout=JOURNAL_SECONDS" in journal
    crosscheck = (SOURCES / "lsp/crosscheck.py").read_text()
    assert '[program, "-Q", "-K"' in crosscheck and "asyncio.wait_for(process.communicate(), settings.timeout)" in crosscheck


# Section - hostile log records.

SPAWNED: list[str] = []
WATCHING = False


def _audit(event: str, args: tuple) -> None:
    if WATCHING and event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile"):
        SPAWNED.append(f"{event} {args!r}")


sys.addaudithook(_audit)


@contextmanager
def no_program_runs() -> Iterator[None]:
    """Fail when anything in the block starts a program (Python's audit events)."""
    global WATCHING
    SPAWNED.clear()
    WATCHING = True
    try:
        yield
    finally:
        WATCHING = False
    assert SPAWNED == []


def _hex(text: str) -> str:
    return text.encode().hex().upper()


def hostile_log(marker: Path) -> str:
    """Records whose fields hold command substitutions, backticks, `;` and newlines."""
    payloads = [f"$(touch {marker})", f"`touch {marker}`", f"x; touch {marker}", f"x\ntouch {marker}\n"]
    lines = []
    for number, payload in enumerate(payloads):
        quoted = payload.replace("\n", " ")
        lines.append(
            f'type=AVC msg=audit(1700000000.1:{10 + number}): apparmor="DENIED" operation="open" class="file" '
            f'profile="/usr/bin/{quoted}" name="/srv/{quoted}" pid=42 comm="{quoted}" requested_mask="r" '
            'denied_mask="r" fsuid=1000 ouid=0'
        )
        lines.append(
            f'type=AVC msg=audit(1700000000.2:{20 + number}): apparmor="DENIED" operation="exec" class="file" '
            f"profile=\"demo\" name={_hex('/usr/bin/' + payload)} pid=43 comm={_hex(payload)} "
            f'requested_mask="x" denied_mask="x" fsuid=1000 ouid=0 target={_hex("/x" + payload)}'
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "argv",
    [["logs", "parse"], ["explain"], ["explain", "--format", "json"], ["suggest"], ["suggest", "--format", "json"]],
)
def test_hostile_records_are_never_run(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure shell syntax in log fields is read as data by logs parse, explain and suggest."""
    marker = tmp_path / "marker"
    log = tmp_path / "hostile.log"
    log.write_text(hostile_log(marker))
    with no_program_runs():
        status = main([*argv, str(log)])
    out = capsys.readouterr().out
    assert status in (0, 1)
    assert "touch" in out
    assert not marker.exists()


HOSTILE_PROFILES = ["../../../etc/cron.d/evil", "/usr/bin/$(touch {marker})", "demo//../../x", "a;b`touch {marker}`"]


@pytest.mark.parametrize("profile", HOSTILE_PROFILES)
def test_hostile_pasted_denials_become_rules_without_running_anything(profile: str, tmp_path: Path) -> None:
    """Ensure the pasted-denial action reads hostile records as data, and edits only the
    document and new files beside it (a profile name never leads outside its folder)."""
    marker = tmp_path / "marker"
    path = "/p/apparmor.d/demo"
    text = "profile demo {\n  /etc/passwd r,\n" + "".join(f"  {line}\n" for line in hostile_log(marker).splitlines())
    text += f'  type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" profile="{profile.format(marker=marker)}" '
    text += f'name="/srv/$(touch {marker})" pid=1 comm="cat" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0\n}}\n'
    source = text.encode()
    config = ResolveConfig(("/p/apparmor.d",), "/p", MemoryFileSystem({path: source}))
    with no_program_runs():
        loaded, edited = workspace_policy(path, source, config, [])
        (run,) = find_pasted_logs(source)
        action = replace_pasted_action(path, run, loaded, edited)
    assert action is not None and len(run.records) >= 8
    assert action.changes[0].path == path and not action.changes[0].create
    for change in action.changes[1:]:
        assert change.create and posixpath.dirname(change.path) == "/p/apparmor.d", change.path
    assert not marker.exists()
