"""The reference tools the benchmarks compare armorsmith with, set up on demand.

- ``apparmor-language-server`` 0.10.0 from PyPI, the competitor, installed on
  first use into its own venv, ``.cache/bench/als-venv``; its parser is timed by
  a small driver script (`bench.als_driver`) run with that venv's Python, its
  linter through its own console script ``apparmor-lint`` and, for verdicts on
  many small cases, through `bench.als_lint_driver`.
- ``apparmor_parser`` from Debian's ``apparmor`` package, installed with
  apt-get when it is missing and we are root, run with `run_apparmor_parser`.
- Debian's ``python3-libapparmor`` and ``python3-apparmor`` (libapparmor's
  ``parse_record`` and aa-logprof's log reader), for the system Python, installed
  the same way (`install_debian_packages`) by the log benchmark.

Anything that cannot be set up raises `Unavailable` with a sentence saying
why; the benchmark prints that sentence in place of the figures.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from conformance.corpus import REPO_ROOT

ALS_PACKAGE = "apparmor-language-server"
ALS_VERSION = "0.10.0"
ALS_VENV = REPO_ROOT / ".cache" / "bench" / "als-venv"
ALS_DRIVER = Path(__file__).resolve().parent / "als_driver.py"
ALS_LINT_DRIVER = Path(__file__).resolve().parent / "als_lint_driver.py"
# apparmor_parser 3.0.8 loops forever on one static case (regressions/ok_normalize.sd) in a
# worker process it forks. Each run gets this much CPU time per process, then is killed
# (and counts as rejecting the file); the slowest case that finishes needs about 10 s.
PARSER_CPU_SECONDS = 30
# A run that has not ended after this long (blocked, not computing) is killed and has no verdict.
PARSER_WALL_SECONDS = 300.0


class Unavailable(Exception):
    """A reference tool cannot be run here; the message says why."""


def _run(
    command: list[str], *, input: str | None = None, cwd: str | Path | None = None, env: dict[str, str] | None = None
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


def install_debian_packages(packages: list[str], purpose: str) -> None:
    """Install Debian packages with apt-get (as root), updating the index if the first try fails."""
    names = ", ".join(packages)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise Unavailable(f"{purpose} needs the Debian packages {names}; not root, so not installing them")
    print(f"bench: installing Debian's {names} for {purpose} ...", file=sys.stderr)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", *packages]
    installed = _run(command, env=environment)
    if installed.returncode != 0:
        _run(["apt-get", "update", "-q"], env=environment)
        installed = _run(command, env=environment)
    if installed.returncode != 0:
        raise Unavailable(f"apt-get cannot install {names}: {_last_line(installed)}")


def apparmor_parser() -> tuple[Path, str]:
    """The path and version line of ``apparmor_parser``, installing Debian's package if needed."""
    found = shutil.which("apparmor_parser", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if found is None:
        install_debian_packages(["apparmor"], "apparmor_parser")
        found = shutil.which("apparmor_parser", path="/usr/sbin:/sbin:/usr/bin")
        if found is None:
            raise Unavailable("Debian's apparmor package is installed but has no apparmor_parser")
    version = _run([found, "--version"]).stdout.strip().splitlines()
    return Path(found), version[0] if version else "apparmor_parser"


@dataclass(frozen=True)
class ParserRun:
    """``apparmor_parser`` run once per file: the time of each process and whether it accepted the file.

    ``accepted`` is None for a file whose run was killed for taking too long.
    """

    version: str
    seconds: list[float]
    accepted: list[bool | None]


def _limit_cpu() -> None:
    """Give the process, and every process it forks, PARSER_CPU_SECONDS of CPU time."""
    resource.setrlimit(resource.RLIMIT_CPU, (PARSER_CPU_SECONDS, PARSER_CPU_SECONDS + 1))


def _run_parser(command: list[str], cwd: Path | None) -> bool | None:
    """Whether one ``apparmor_parser`` run exits 0; None when it ran out of wall-clock time.

    The run is a session of its own, killed whole at the end, so that no worker it forked
    outlives it.
    """
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, preexec_fn=_limit_cpu)
    try:
        status: int | None = process.wait(timeout=PARSER_WALL_SECONDS)
    except subprocess.TimeoutExpired:
        status = None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return None if status is None else status == 0


def run_apparmor_parser(files: list[Path], features: Path, include_dir: Path, cwd: Path | None = None) -> ParserRun:
    """Run ``apparmor_parser -Q -K`` on each file, with an empty config, ``features`` and one include dir."""
    binary, version = apparmor_parser()
    seconds: list[float] = []
    accepted: list[bool | None] = []
    with tempfile.NamedTemporaryFile(prefix="armorsmith-bench-", suffix=".conf") as empty_config:
        command = [str(binary), "-Q", "-K", f"--config-file={empty_config.name}",
                   "-M", str(features), "-I", str(include_dir)]
        for path in files:
            started = time.perf_counter()
            accepted.append(_run_parser([*command, str(path)], cwd))
            seconds.append(time.perf_counter() - started)
    return ParserRun(version, seconds, accepted)


def als_lint() -> Path:
    """The competitor's ``apparmor-lint`` console script, its venv set up on first use."""
    script = als_python().parent / "apparmor-lint"
    if not script.exists():
        raise Unavailable(f"{ALS_PACKAGE} {ALS_VERSION} installed no apparmor-lint script in {script.parent}")
    return script


def time_als_lint_tree(files: list[Path], base_dir: Path) -> float:
    """Seconds ``apparmor-lint --no-parser`` takes over ``files`` in one process, startup included.

    ``--no-parser`` turns off its cross-check with ``apparmor_parser``, so what is timed
    is its own parser and checks; ``-b`` makes ``base_dir`` its include search dir.
    """
    command = [str(als_lint()), "--no-parser", "--format", "json", "--log-level", "CRITICAL",
               "-b", str(base_dir), *map(str, files)]
    started = time.perf_counter()
    process = _run(command)
    seconds = time.perf_counter() - started
    # Exit status 1 means it reported an error-severity diagnostic; 2 that it could not run.
    if process.returncode not in (0, 1):
        raise Unavailable(f"apparmor-lint failed: {_last_line(process)}")
    return seconds


def als_lint_verdicts(cases: list[str], base_dir: str, cwd: Path) -> list[bool | None]:
    """Whether ``apparmor-lint --no-parser`` reports an error for each case, run as its CLI in one process.

    ``cases`` and ``base_dir`` are relative to ``cwd``, as upstream's harness runs; None
    means it could not lint the case.
    """
    python = als_python()
    request = json.dumps({"cases": cases, "base_dir": base_dir})
    process = _run([str(python), str(ALS_LINT_DRIVER)], input=request, cwd=cwd)
    if process.returncode != 0:
        raise Unavailable(f"the apparmor-lint driver failed: {_last_line(process)}")
    return [None if status == 2 else status == 1 for status in json.loads(process.stdout)["status"]]
