"""`armorsmith lint`: report the problems of policy files.

Exit status: 0 when no error-severity diagnostic was found, 1 when one was (unreadable
files included), 2 for a usage error.  Text output is one `file:line:col: severity:
message [code]` line per diagnostic and a summary on stderr; `--format json` is a list of
objects (see the README).
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections import Counter
from dataclasses import dataclass

from armorsmith.diagnostics import Code, Diagnostic, Severity
from armorsmith.ide import lint_document
from armorsmith.resolve import IncludeCache, ResolveConfig
from armorsmith.syntax import LineIndex, PositionEncoding

from .common import display_path, resolve_config, walk

__all__ = ["register"]


@dataclass(frozen=True, slots=True)
class _Report:
    """The diagnostics of one file together with what is needed to locate them."""

    path: str
    lines: LineIndex
    diagnostics: list[Diagnostic]


def _unreadable(path: str, reason: str) -> _Report:
    diagnostic = Diagnostic.of(Code.UNREADABLE_FILE, f"cannot read file: {reason}", 0, 0)
    return _Report(path, LineIndex(b""), [diagnostic])


def _lint_file(path: str, config: ResolveConfig, cache: IncludeCache) -> _Report:
    """Read and lint one file, turning a failure to read it into a diagnostic."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return _unreadable(path, "not a regular file")
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError as error:
        return _unreadable(path, error.strerror or str(error))
    return _Report(path, LineIndex(source), lint_document(path, source, config=config, cache=cache))


def _record(report: _Report, diagnostic: Diagnostic) -> dict[str, object]:
    """Return the JSON object for one diagnostic, with 1-based lines and columns."""
    start = report.lines.position(diagnostic.start, PositionEncoding.UTF32)
    end = report.lines.position(diagnostic.end, PositionEncoding.UTF32)
    return {
        "path": display_path(report.path),
        "line": start.line + 1,
        "column": start.character + 1,
        "end_line": end.line + 1,
        "end_column": end.character + 1,
        "severity": diagnostic.severity.value,
        "code": diagnostic.code.value,
        "message": diagnostic.message,
    }


def _text_line(record: dict[str, object]) -> str:
    return (
        f"{record['path']}:{record['line']}:{record['column']}: "
        f"{record['severity']}: {record['message']} [{record['code']}]"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _summary(records: list[dict[str, object]], file_count: int) -> str:
    """Return the one-line summary printed on stderr after text output."""
    checked = f"checked {_plural(file_count, 'file')}"
    if not records:
        return f"armorsmith: {checked}: no problems found"
    counts = Counter(record["severity"] for record in records)
    found = ", ".join(_plural(counts[level.value], level.value) for level in Severity if counts[level.value])
    return f"armorsmith: {checked}: {found}"


def _run_lint(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    for path in args.paths:
        if not os.path.exists(path):
            parser.error(f"no such file or directory: {display_path(path)}")
    for directory in args.include_dirs:
        if not os.path.isdir(directory):
            parser.error(f"include directory is not a directory: {display_path(directory)}")
    files = [found for path in args.paths for found in (walk(path) if os.path.isdir(path) else [path])]
    config = resolve_config(args.include_dirs)
    cache = IncludeCache(config.fs)
    reports = [_lint_file(path, config, cache) for path in files]
    records = [_record(report, diagnostic) for report in reports for diagnostic in report.diagnostics]
    if args.format == "json":
        print(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        for record in records:
            print(_text_line(record))
        print(_summary(records, len(files)), file=sys.stderr)
    has_error = any(d.severity is Severity.ERROR for report in reports for d in report.diagnostics)
    return 1 if has_error else 0



def register(commands: argparse._SubParsersAction) -> None:
    """Add the `lint` command."""
    lint = commands.add_parser(
        "lint",
        help="report problems in policy files",
        description=(
            "Check AppArmor policy files and report problems as 'file:line:col: severity: message [code]'. "
            "Directories are walked recursively, skipping the names AppArmor skips. "
            "Exit status: 0 no errors, 1 errors found, 2 usage error."
        ),
    )
    lint.add_argument("paths", nargs="+", metavar="PATH", help="a policy file or a directory of them")
    lint.add_argument(
        "-I",
        dest="include_dirs",
        action="append",
        default=[],
        metavar="DIR",
        help=(
            "search DIR for 'include <...>' (repeatable; searched in order, then /etc/apparmor.d "
            "when it exists; with no directory at all such includes are not checked)"
        ),
    )
    lint.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    lint.set_defaults(run=_run_lint, subparser=lint)
