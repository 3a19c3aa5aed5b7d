"""Re-parse after a one-token edit in a 10,000-line policy file.

The file is real profiles from ``upstream/profiles/apparmor.d`` concatenated
until it reaches 10,000 lines. Each edit turns one file rule's ``r,`` into
``rw,`` at a different place of the file, and is applied alone to the
unedited parse; armorsmith re-parses through ``armorsmith.syntax.reparse``
(``tree.edit`` plus ``parser.parse(new, old_tree)``). The references have no
incremental parser, so they are timed re-parsing the whole edited file, which
is what they do on every change: the competitor's parser, and armorsmith's own
full parse for scale.
"""

from __future__ import annotations

import itertools
import re
import statistics
import time

from tree_sitter import Parser, Point

from armorsmith import syntax
from armorsmith.diagnostics import Edit
from bench.base import Settings
from bench.references import ALS_PACKAGE, ALS_VERSION, Unavailable, time_als_parser
from bench.report import Goal, Row, Table, milliseconds, percentile
from conformance.corpus import Corpus

TARGET_LINES = 10_000
GOAL_SECONDS = 0.002
COLUMNS = ["median", "p95", "edits"]
# The permission of a file rule that grants read only, at the end of its line.
READ_ONLY_RULE = re.compile(rb" r,$", re.MULTILINE)
# The competitor re-parses the whole file per edit; this many edits keep its run short.
REFERENCE_EDITS = 10


def big_policy(corpus: Corpus, lines_wanted: int = TARGET_LINES) -> bytes:
    """Whole profile files, in name order and again from the start, until `lines_wanted` lines.

    The profiles are those of apparmor.d (not its abstractions or tunables) and
    the extras; the whole set is about 6,500 lines, so some come twice.
    """
    folders = (corpus.profiles / "apparmor.d", corpus.profiles / "apparmor" / "profiles" / "extras")
    paths = [path for folder in folders for path in sorted(folder.iterdir())
             if path.is_file() and path.name != "README"]
    pieces: list[bytes] = []
    lines = 0
    for path in itertools.cycle(paths):
        source = path.read_bytes()
        if not source.endswith(b"\n"):
            source += b"\n"
        pieces.append(source)
        lines += source.count(b"\n")
        if lines >= lines_wanted:
            return b"".join(pieces)
    raise AssertionError("unreachable: itertools.cycle never ends")


def edit_points(source: bytes, count: int) -> list[int]:
    """Offsets just after the ``r`` of ``count`` read-only rules spread over the file."""
    matches = [match.start() + 2 for match in READ_ONLY_RULE.finditer(source)]
    if len(matches) < count:
        raise ValueError(f"the test file has only {len(matches)} read-only rules to edit, {count} wanted")
    step = len(matches) / count
    return [matches[int(i * step)] for i in range(count)]


def _row(tool: str, seconds: list[float], note: str) -> Row:
    figures = {
        "median": milliseconds(statistics.median(seconds)),
        "p95": milliseconds(percentile(seconds, 0.95)),
        "edits": str(len(seconds)),
    }
    return Row(tool, figures, note)


class IncrementalParse:
    """One-token edits in a 10,000-line file, armorsmith's re-parse beside full re-parses."""

    name = "incremental"

    def run(self, settings: Settings) -> Table:
        source = big_policy(settings.corpus)
        base = syntax.parse(source)
        points = edit_points(source, settings.edits)
        lines = source.count(b"\n")
        table = Table(
            f"incremental re-parse: {lines:,}-line file ({len(source) / 1e6:.2f} MB, "
            f"{len(base.errors)} syntax errors), one-token edit 'r,' -> 'rw,'",
            COLUMNS,
        )
        parser = Parser(syntax.LANGUAGE)
        incremental: list[float] = []
        with_errors: list[float] = []
        parser_only: list[float] = []
        full: list[float] = []
        edited: list[bytes] = []
        for point in points:
            started = time.perf_counter()
            reparsed = syntax.reparse(base, Edit(point, point, "w"))
            incremental.append(time.perf_counter() - started)
            reparsed.errors
            with_errors.append(time.perf_counter() - started)
            new_source = source[:point] + b"w" + source[point:]
            edited.append(new_source)
            old_tree = base.tree.copy()
            row, column = syntax.byte_point(source, point)
            old_tree.edit(point, point, point + 1, Point(row, column), Point(row, column), Point(row, column + 1))
            started = time.perf_counter()
            parser.parse(new_source, old_tree)
            parser_only.append(time.perf_counter() - started)
            started = time.perf_counter()
            syntax.parse(new_source)
            full.append(time.perf_counter() - started)
        table.rows.append(_row("armorsmith syntax.reparse", incremental, "incremental: copy, edit, parse"))
        table.rows.append(_row("armorsmith reparse + errors", with_errors, "the same, then every syntax error of the file"))
        table.rows.append(_row("armorsmith (tree-sitter)", parser_only, "incremental, parser time only"))
        table.rows.append(_row("armorsmith syntax.parse", full, "full re-parse of the edited file"))
        table.rows.append(self._als(edited[:REFERENCE_EDITS]))
        worst = percentile(incremental, 0.95)
        table.goals.append(
            Goal(f"incremental re-parse under {milliseconds(GOAL_SECONDS)} (checked at p95)",
                 f"p95 {milliseconds(worst)}", worst < GOAL_SECONDS)
        )
        return table

    def _als(self, edited: list[bytes]) -> Row:
        tool = f"{ALS_PACKAGE} {ALS_VERSION}"
        texts = [(f"big-{i}", source.decode("utf-8", errors="replace")) for i, source in enumerate(edited)]
        try:
            timings = time_als_parser(texts, runs=1)
        except Unavailable as reason:
            return Row(tool, unavailable=str(reason))
        return _row(tool, timings.runs[0], "full re-parse of the edited file (no incremental parser)")
