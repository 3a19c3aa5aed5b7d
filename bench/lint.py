"""Lint throughput over upstream's profile tree, and agreement on the static simple_tests, beside the references.

Throughput is over every policy file of ``upstream/profiles`` (as the profiles-lint
conformance suite reads them) with ``profiles/apparmor.d`` as the include search dir.
Agreement is over the 2225 runnable static simple_tests, each run from upstream's layout
(``<scratch>/parser/tst``, include search dir ``simple_tests``); a tool agrees on a case
when it reports an error exactly when EXRESULT is FAIL.

- armorsmith: ``armorsmith.ide.lint_document`` in-process with includes resolved from
  the disk, through the conformance runner's `conformance.product.Linter`; best of N
  runs, each with a fresh include cache (as one CLI run keeps one).
- ``apparmor_parser -Q -K``: one process per file, one run (it also compiles policy).
- ``apparmor-lint`` from ``apparmor-language-server`` 0.10.0 with ``--no-parser`` (its
  own checks, not its cross-check with apparmor_parser): one process over the whole
  tree, startup included, as its CLI supports; for agreement, its CLI's ``main`` per case
  in one process (`bench.als_lint_driver`).
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.base import Settings
from bench.references import (
    ALS_PACKAGE,
    ALS_VERSION,
    PARSER_CPU_SECONDS,
    Unavailable,
    als_lint_verdicts,
    run_apparmor_parser,
    time_als_lint_tree,
)
from bench.report import Goal, Row, Table, milliseconds, per_second
from conformance.corpus import StaticCase, build_upstream_layout, load_static_cases, policy_files
from conformance.product import load_product
from conformance.results import Rate

COLUMNS = ["time", "files/s", "per file", "agreement"]
SPEEDUP_OVER_PARSER = 10
# What the corpus's index records for Debian's apparmor_parser 3.0.8, for comparison with the live figure.
INDEX_PARSER_FIELD = "debian_3_0_8_parser_rc"


def agreement(cases: list[StaticCase], errors: list[bool | None]) -> Rate:
    """How many cases a tool got right: it reported an error (True) exactly on the FAIL cases.

    None (no verdict: a timeout, a crash) never agrees.
    """
    right = sum(error is not None and error == (case.expected == "FAIL") for case, error in zip(cases, errors))
    return Rate("agreement", right, len(cases))


@dataclass(frozen=True)
class Measured:
    """One tool's row and the figures the goals compare; None where the tool could not be run."""

    row: Row
    per_file: float | None = None
    agreed: Rate | None = None


def _measured(tool: str, seconds: float, files: int, agreed: Rate, note: str) -> Measured:
    figures = {
        "time": milliseconds(seconds),
        "files/s": per_second(files, seconds),
        "per file": milliseconds(seconds / files),
        "agreement": agreed.figure(),
    }
    return Measured(Row(tool, figures, note), seconds / files, agreed)


def recorded_parser_agreement(index: Path, cases: list[StaticCase]) -> Rate:
    """The agreement of Debian's apparmor_parser 3.0.8 as the corpus's index records it (exit status per case)."""
    recorded: dict[str, object] = {}
    with index.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                recorded[row["file"]] = row.get(INDEX_PARSER_FIELD)
    statuses = [recorded.get(case.path) for case in cases]
    return agreement(cases, [status != 0 if isinstance(status, int) else None for status in statuses])


def goals(ours: Measured, parser: Measured, competitor: Measured) -> list[Goal]:
    """The speed and agreement goals, for the reference tools that could be run."""
    assert ours.per_file is not None and ours.agreed is not None, "armorsmith is always measured"
    found = []
    if parser.per_file is not None:
        speedup = parser.per_file / ours.per_file
        found.append(Goal(f"at least {SPEEDUP_OVER_PARSER}x faster than apparmor_parser per file",
                          f"{speedup:,.1f}x", speedup >= SPEEDUP_OVER_PARSER))
    if competitor.per_file is not None:
        speedup = competitor.per_file / ours.per_file
        found.append(Goal("faster than apparmor-lint per file", f"{speedup:,.1f}x", speedup > 1))
    others = [(name, tool.agreed) for name, tool in (("apparmor_parser", parser), ("apparmor-lint", competitor))
              if tool.agreed is not None]
    if others:
        ours_rate = ours.agreed
        measured = ", ".join([f"armorsmith {ours_rate.figure()}", *(f"{name} {rate.figure()}" for name, rate in others)])
        better = all(ours_rate.n * rate.m > rate.n * ours_rate.m for _, rate in others)
        found.append(Goal("better agreement with EXRESULT than " + " and ".join(name for name, _ in others),
                          measured, better))
    return found


class LintThroughput:
    """Linting ``upstream/profiles`` and the static simple_tests: armorsmith beside the reference tools."""

    name = "lint"

    def run(self, settings: Settings) -> Table:
        corpus = settings.corpus
        files = policy_files(corpus)
        cases = load_static_cases(corpus.simple_tests_index)
        table = Table(
            f"lint: {len(files)} files of upstream/profiles (include dir profiles/apparmor.d); "
            f"agreement with EXRESULT on the {len(cases)} static simple_tests",
            COLUMNS,
        )
        with tempfile.TemporaryDirectory(prefix="armorsmith-bench-") as scratch:
            tst = build_upstream_layout(corpus, Path(scratch))
            policy = corpus.profiles / "apparmor.d"
            measured = [
                self._armorsmith(files, cases, tst, settings.runs, policy),
                self._apparmor_parser(settings, files, cases, tst),
                self._als(files, cases, tst, policy),
            ]
        table.rows += [tool.row for tool in measured]
        table.goals += goals(*measured)
        return table

    def _armorsmith(self, files: list[Path], cases: list[StaticCase], tst: Path, runs: int,
                    policy: Path) -> Measured:
        product = load_product()
        sources = [(str(path), path.read_bytes()) for path in files]
        best = float("inf")
        for _ in range(runs):
            linter = product.linter((policy,), policy)
            started = time.perf_counter()
            for path, source in sources:
                linter.lint(path, source)
            best = min(best, time.perf_counter() - started)
        linter = product.linter((tst / "simple_tests",), tst)
        errors = [linter.lint(str(tst / case.path), (tst / case.path).read_bytes()).error is not None for case in cases]
        note = f"in-process lint_document, includes resolved, best of {runs} runs"
        return _measured("armorsmith lint", best, len(files), agreement(cases, errors), note)

    def _apparmor_parser(self, settings: Settings, files: list[Path], cases: list[StaticCase], tst: Path) -> Measured:
        tool = "apparmor_parser -Q -K"
        features = settings.corpus.upstream / "parser_tst_support" / "features_files" / "features.all"
        try:
            tree = run_apparmor_parser(files, features, settings.corpus.profiles / "apparmor.d")
            verdicts = run_apparmor_parser([Path(case.path) for case in cases], features, Path("simple_tests"), cwd=tst)
        except Unavailable as reason:
            return Measured(Row(tool, unavailable=str(reason)))
        errors = [None if accepted is None else not accepted for accepted in verdicts.accepted]
        stuck = sum(accepted is None for accepted in verdicts.accepted)
        recorded = recorded_parser_agreement(settings.corpus.simple_tests_index, cases)
        note = (f"{tree.version}; one process per file; also compiles policy; "
                f"{PARSER_CPU_SECONDS} s of CPU per case at most{f', {stuck} case(s) stuck' if stuck else ''}; "
                f"the corpus index records {recorded.figure()} for Debian's 3.0.8")
        return _measured(tool, sum(tree.seconds), len(files), agreement(cases, errors), note)

    def _als(self, files: list[Path], cases: list[StaticCase], tst: Path, base_dir: Path) -> Measured:
        tool = f"apparmor-lint ({ALS_PACKAGE} {ALS_VERSION})"
        try:
            seconds = time_als_lint_tree(files, base_dir)
            errors = als_lint_verdicts([case.path for case in cases], "simple_tests", tst)
        except Unavailable as reason:
            return Measured(Row(tool, unavailable=str(reason)))
        note = "--no-parser (its own checks); one process over the tree, startup included"
        return _measured(tool, seconds, len(files), agreement(cases, errors), note)
