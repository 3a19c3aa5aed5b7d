"""Full-parse throughput over every policy file of upstream's profile tree.

armorsmith is timed in-process, parser time only (``tree_sitter.Parser.parse``
with the armorsmith grammar), best of N runs; a second row adds the syntax
error collection of ``armorsmith.syntax.parse``. The references are timed over
the same files: the competitor's parser (best of N, includes not followed),
and ``apparmor_parser -Q -K`` once per file as a process, which also resolves
includes and compiles the policy, so it is shown for scale, not as a like-for-like
parser figure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tree_sitter import Parser

from armorsmith import syntax
from bench.base import Settings
from bench.references import ALS_PACKAGE, ALS_VERSION, Unavailable, run_apparmor_parser, time_als_parser
from bench.report import Goal, Row, Table, milliseconds, per_second
from conformance.corpus import policy_files

GOAL_SECONDS = 0.100
COLUMNS = ["time", "files/s", "MB/s", "per file"]


def _row(tool: str, seconds: float, files: int, size: int, note: str) -> Row:
    figures = {
        "time": milliseconds(seconds),
        "files/s": per_second(files, seconds),
        "MB/s": f"{size / 1e6 / seconds:,.1f}" if seconds > 0 else "-",
        "per file": milliseconds(seconds / files),
    }
    return Row(tool, figures, note)


def _best_total(sources: list[bytes], runs: int, parse: Callable[[bytes], object]) -> float:
    """The smallest sum over ``runs`` runs of the per-source time of ``parse``."""
    best = float("inf")
    for _ in range(runs):
        total = 0.0
        for source in sources:
            started = time.perf_counter()
            parse(source)
            total += time.perf_counter() - started
        best = min(best, total)
    return best


class ParseThroughput:
    """Full parse of ``upstream/profiles``, armorsmith beside the reference tools."""

    name = "parse"

    def run(self, settings: Settings) -> Table:
        files = policy_files(settings.corpus)
        sources = [path.read_bytes() for path in files]
        size = sum(len(source) for source in sources)
        count = len(files)
        table = Table(
            f"parse throughput: {count} files, {size / 1e6:.2f} MB of upstream/profiles, "
            f"best of {settings.runs} runs",
            COLUMNS,
        )
        parser = Parser(syntax.LANGUAGE)
        parser_seconds = _best_total(sources, settings.runs, parser.parse)
        table.rows.append(_row("armorsmith (tree-sitter)", parser_seconds, count, size, "parser time only"))
        full_seconds = _best_total(sources, settings.runs, syntax.parse)
        table.rows.append(_row("armorsmith syntax.parse", full_seconds, count, size, "parse + syntax errors"))
        table.rows.append(self._als(files, sources, size, settings.runs))
        table.rows.append(self._apparmor_parser(settings, files, size))
        table.goals.append(
            Goal(
                f"whole tree parsed in under {milliseconds(GOAL_SECONDS)} of parser time",
                milliseconds(parser_seconds),
                parser_seconds < GOAL_SECONDS,
            )
        )
        return table

    def _als(self, files: list[Path], sources: list[bytes], size: int, runs: int) -> Row:
        tool = f"{ALS_PACKAGE} {ALS_VERSION}"
        texts = [(path.name, source.decode("utf-8", errors="replace")) for path, source in zip(files, sources)]
        try:
            timings = time_als_parser(texts, runs)
        except Unavailable as reason:
            return Row(tool, unavailable=str(reason))
        totals = [sum(run) for run in timings.runs]
        note = f"regex line parser, includes not followed; first (cold) run {milliseconds(totals[0])}"
        return _row(tool, min(totals), len(files), size, note)

    def _apparmor_parser(self, settings: Settings, files: list[Path], size: int) -> Row:
        features = settings.corpus.upstream / "parser_tst_support" / "features_files" / "features.all"
        try:
            run = run_apparmor_parser(files, features, settings.corpus.profiles / "apparmor.d")
        except Unavailable as reason:
            return Row("apparmor_parser -Q -K", unavailable=str(reason))
        accepted = sum(verdict is True for verdict in run.accepted)
        note = (f"{run.version}; one process per file, one run; also resolves includes and compiles; "
                f"accepted {accepted}/{len(files)} (it predates newer syntax and stops at the first error)")
        return _row("apparmor_parser -Q -K", sum(run.seconds), len(files), size, note)
