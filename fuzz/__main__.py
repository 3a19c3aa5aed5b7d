"""`python -m fuzz` (`make fuzz`): a bounded fuzzing campaign over the properties of `fuzz.targets`.

With atheris installed (`pip install atheris`), each target runs in its own process under
libFuzzer, with armorsmith instrumented for coverage and seeded from the shared corpus, for
`--seconds` each; otherwise hypothesis runs each target for the same time.  It prints, per
target, the executions, the crashes found and the coverage (libFuzzer's edge and feature
counts), and exits 1 when anything crashed.  Crashing inputs are kept under .cache/fuzz/.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WORK = REPO_ROOT / ".cache" / "fuzz"
TARGETS = ("policy", "logs", "reparse")


def _corpus_dir() -> Path:
    configured = os.environ.get("ARMORSMITH_CORPUS")
    return REPO_ROOT / (configured or "../shared/corpus")


def _seeds(target: str, limit: int = 300) -> Path:
    """Fill the target's libFuzzer corpus directory with corpus files the first time."""
    directory = WORK / target / "corpus"
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        return directory
    corpus = _corpus_dir()
    if target == "logs":
        files = sorted((corpus / "upstream" / "libapparmor_testsuite").rglob("*.in"))
        files += sorted((corpus / "real-denials").glob("*.log"))
    else:
        files = sorted(path for path in (corpus / "upstream" / "profiles" / "apparmor.d").rglob("*") if path.is_file())
    for number, path in enumerate(files[:: max(1, len(files) // limit)]):
        data = path.read_bytes()[:4096]
        (directory / f"seed{number:04d}").write_bytes(data if target != "reparse" else b"\x00" * 8 + data)
    return directory


_DONE = re.compile(r"#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+)")
_STATS = re.compile(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+)")


def _atheris(target: str, seconds: int) -> tuple[int, int, str]:
    """Run one target under libFuzzer; return executions, crashes and coverage."""
    crashes = WORK / target / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    before = set(crashes.iterdir())
    command = [
        sys.executable, "-m", "fuzz.atheris_target", target,
        f"-max_total_time={seconds}", f"-artifact_prefix={crashes}/", "-rss_limit_mb=4096",
        "-timeout=30", "-max_len=8192", str(_seeds(target)),
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, errors="replace")
    found = sorted(set(crashes.iterdir()) - before)
    stats = _DONE.findall(result.stderr) or _STATS.findall(result.stderr)
    executions, edges, features = (int(value) for value in stats[-1]) if stats else (0, 0, 0)
    if result.returncode != 0 and not found:
        print(result.stderr[-3000:], file=sys.stderr)
        found = [Path(f"exit status {result.returncode}")]
    for path in found:
        print(f"  crash: {path}", file=sys.stderr)
    return executions, len(found), f"{edges} edges, {features} features (libFuzzer)"


def _hypothesis(target: str, seconds: int) -> tuple[int, int, str]:
    """Run one target with hypothesis for `seconds`; return executions, crashes and coverage."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from fuzz.targets import PIECES, check_log, check_policy, check_reparse

    runs = 0
    strategies = {
        "policy": st.one_of(st.binary(max_size=2000), st.lists(st.sampled_from(PIECES)).map(lambda p: "".join(p).encode())),
        "logs": st.binary(max_size=2000),
        "reparse": st.tuples(st.binary(max_size=500), st.lists(st.tuples(st.integers(0), st.integers(0, 8), st.text(max_size=8)))),
    }
    checks = {"policy": check_policy, "logs": check_log, "reparse": lambda value: check_reparse(*value)}
    deadline = time.monotonic() + seconds

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategies[target])
    def campaign(value: object) -> None:
        nonlocal runs
        runs += 1
        checks[target](value)

    # Rounds of 200 examples, each from a fresh random seed, until the time is up.
    while time.monotonic() < deadline:
        try:
            campaign()
        except Exception as error:  # A property failed: hypothesis has shrunk and printed it.
            print(f"  crash: {type(error).__name__}: {error}"[:2000], file=sys.stderr)
            return runs, 1, "n/a"
    return runs, 0, "n/a (hypothesis; install atheris for coverage)"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="time per target (default: 60)")
    parser.add_argument("--target", choices=TARGETS, action="append", help="run only this target (repeatable)")
    args = parser.parse_args()
    try:
        import atheris  # noqa: F401

        engine, run = "atheris", _atheris
    except ImportError:
        engine, run = "hypothesis", _hypothesis
    print(f"fuzz: {engine}, {args.seconds} s per target")
    total_crashes = 0
    for target in args.target or TARGETS:
        executions, crashes, coverage = run(target, args.seconds)
        total_crashes += crashes
        print(f"{target:8} executions: {executions:>9}  crashes: {crashes}  coverage: {coverage}", flush=True)
    print(f"fuzz: {total_crashes} crashes")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
