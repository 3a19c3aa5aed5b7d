"""The reference tools the benchmarks compare armorsmith with, set up on demand.

- ``apparmor-language-server`` 0.10.0 from PyPI, the competitor, installed on
  first use into its own venv, ``.cache/bench/als-venv``, and timed by a small
  driver script (`bench.als_driver`) run with that venv's Python.
- ``apparmor_parser`` from Debian's ``apparmor`` package, installed with
  apt-get when it is missing and we are root.

Anything that cannot be set up raises `Unavailable` with a sentence saying
why; the benchmark prints that sentence in place of the figures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from conformance.corpus import REPO_ROOT

ALS_PACKAGE = "apparmor-language-server"
ALS_VERSION = "0.10.0"
ALS_VENV = REPO_ROOT / ".cache" / "bench" / "als-venv"
ALS_DRIVER = Path(__file__).resolve().parent / "als_driver.py"


class Unavailable(Exception):
    """A reference tool cannot be run here; the message says why."""


def _run(
    command: list[str], *, input: str | None = None, cwd: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion, capturing its output as text."""
    return subprocess.run(command, input=input, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _last_line(process: subprocess.CompletedProcess[str]) -> str:
    lines = (process.stderr or process.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {process.returncode}"


def als_python() -> Path:
    """The Python of the competitor's venv, created and filled on first use."""
    python = ALS_VENV / "bin" / "python"
    check = [str(python), "-c", f"import importlib.metadata as m; print(m.version({ALS_PACKAGE!r}))"]
    if python.exists() and _run(check).stdout.strip() == ALS_VERSION:
        return python
    print(f"bench: installing {ALS_PACKAGE}=={ALS_VERSION} into {ALS_VENV} ...", file=sys.stderr)
    if not python.exists():
        created = _run([sys.executable, "-m", "venv", str(ALS_VENV)])
        if created.returncode != 0:
            raise Unavailable(f"cannot create {ALS_VENV}: {_last_line(created)}")
    installed = _run([str(python), "-m", "pip", "install", "--quiet", f"{ALS_PACKAGE}=={ALS_VERSION}"])
    if installed.returncode != 0:
        raise Unavailable(f"pip cannot install {ALS_PACKAGE}=={ALS_VERSION}: {_last_line(installed)}")
    return python


@dataclass(frozen=True)
class AlsTimings:
    """Seconds the competitor's parser took: one list per run, one entry per text."""

    runs: list[list[float]]


def time_als_parser(texts: list[tuple[str, str]], runs: int) -> AlsTimings:
    """Time ``Parser(...).parse()`` of the competitor on each (name, text), ``runs`` times."""
    python = als_python()
    request = json.dumps({"texts": texts, "runs": runs})
    # The driver runs in an empty directory so that quoted relative includes
    # resolve to nothing, as magic includes do without search directories.
    with tempfile.TemporaryDirectory(prefix="armorsmith-bench-") as scratch:
        process = _run([str(python), str(ALS_DRIVER)], input=request, cwd=scratch)
    if process.returncode != 0:
        raise Unavailable(f"the {ALS_PACKAGE} driver failed: {_last_line(process)}")
    return AlsTimings(json.loads(process.stdout)["runs"])


def apparmor_parser() -> tuple[Path, str]:
    """The path and version line of ``apparmor_parser``, installing Debian's package if needed."""
    found = shutil.which("apparmor_parser", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if found is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            raise Unavailable("apparmor_parser is not installed (Debian package 'apparmor'); not root, so not installing it")
        print("bench: installing Debian's apparmor package for apparmor_parser ...", file=sys.stderr)
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        installed = _run(["apt-get", "install", "-y", "-q", "apparmor"], env=environment)
        if installed.returncode != 0:
            _run(["apt-get", "update", "-q"], env=environment)
            installed = _run(["apt-get", "install", "-y", "-q", "apparmor"], env=environment)
        found = shutil.which("apparmor_parser", path="/usr/sbin:/sbin:/usr/bin")
        if installed.returncode != 0 or found is None:
            raise Unavailable(f"apt-get cannot install apparmor: {_last_line(installed)}")
    version = _run([found, "--version"]).stdout.strip().splitlines()
    return Path(found), version[0] if version else "apparmor_parser"
