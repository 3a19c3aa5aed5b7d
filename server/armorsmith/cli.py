"""The `armorsmith` command line, a front end over the `ide` layer.

This module owns argument parsing, reading files, walking directories, rendering
diagnostics as text or JSON, and exit codes: 0 when no error was found, 1 when at least
one error-severity diagnostic was reported, 2 for a usage error. Problems with the input
files are diagnostics, not tracebacks; only bad arguments end the run early.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from armorsmith import __version__
from armorsmith.diagnostics import Code, Diagnostic, Severity
from armorsmith.ide import lint_document
from armorsmith.ide.query import QueryError, QueryResult, load_policy, query
from armorsmith.resolve import DiskFileSystem, IncludeCache, ResolveConfig, is_skipped_name
from armorsmith.syntax import FileRole, LineIndex, PositionEncoding, guess_role

__all__ = ["main"]


@dataclass(frozen=True, slots=True)
class _Report:
    """The diagnostics of one file together with what is needed to locate them."""

    path: str
    lines: LineIndex
    diagnostics: list[Diagnostic]


def _display_path(path: str) -> str:
    """Return `path` printable in any encoding: undecodable bytes become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def _walk(directory: str) -> Iterator[str]:
    """Yield the files under `directory` in sorted order, skipping what AppArmor skips.

    Sockets, FIFOs and devices are left out, since reading them could block; dangling
    symbolic links are kept so that they are reported as unreadable.
    """
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(name for name in dirs if not is_skipped_name(name))
        for name in sorted(files):
            full = os.path.join(root, name)
            if not is_skipped_name(name) and (os.path.isfile(full) or os.path.islink(full)):
                yield full


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
        "path": _display_path(report.path),
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


DEFAULT_BASE_DIR = "/etc/apparmor.d"
"""apparmor_parser's base directory, searched after the `-I` directories when it exists."""


def _resolve_config(include_dirs: list[str]) -> ResolveConfig:
    """Return how the run resolves includes, the way apparmor_parser would from here.

    `include <x>` searches each `-I` directory, then /etc/apparmor.d when it exists;
    `include "x"` and `include x` are relative to the current directory.
    """
    search = list(include_dirs)
    if os.path.isdir(DEFAULT_BASE_DIR):
        search.append(DEFAULT_BASE_DIR)
    return ResolveConfig(tuple(search), os.getcwd(), DiskFileSystem())


def _run_lint(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    for path in args.paths:
        if not os.path.exists(path):
            parser.error(f"no such file or directory: {_display_path(path)}")
    for directory in args.include_dirs:
        if not os.path.isdir(directory):
            parser.error(f"include directory is not a directory: {_display_path(directory)}")
    files = [found for path in args.paths for found in (_walk(path) if os.path.isdir(path) else [path])]
    config = _resolve_config(args.include_dirs)
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


def _query_record(result: QueryResult) -> dict[str, object]:
    """Return the JSON object of one query answer."""
    return {
        "profile": result.profile,
        "mode": result.mode,
        "request": result.request,
        "outcome": result.outcome,
        "requested": list(result.requested),
        "granted": list(result.granted),
        "denied": list(result.denied),
        "missing": list(result.missing),
        "audited": result.audited,
        "allowed_by": [{"rule": r.text, "path": r.path, "line": r.line} for r in result.allowed_by],
        "denied_by": [{"rule": r.text, "path": r.path, "line": r.line} for r in result.denied_by],
        "transition": result.transition,
        "peer": result.peer,
        "explanation": list(result.explanation),
    }


def _query_text(result: QueryResult) -> list[str]:
    """Return the lines of the text answer to one query."""
    lines = [f"{result.outcome}: {result.request} in {result.profile} ({result.mode} mode)"]
    for label, refs in (("allowed by", result.allowed_by), ("denied by", result.denied_by)):
        for ref in refs:
            where = f"  ({_display_path(ref.path)}:{ref.line})" if ref.path and ref.line else ""
            lines.append(f"  {label}: {ref.text}{where}")
    if result.missing:
        lines.append(f"  not allowed by any rule: {', '.join(result.missing)}")
    lines += [f"  {sentence}" for sentence in result.explanation]
    return lines


def _run_query(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not os.path.isdir(args.policy):
        parser.error(f"policy directory is not a directory: {_display_path(args.policy)}")
    for directory in args.include_dirs:
        if not os.path.isdir(directory):
            parser.error(f"include directory is not a directory: {_display_path(directory)}")
    files = [path for path in _walk(args.policy) if guess_role(path, None) is FileRole.POLICY]
    search = (*args.include_dirs, args.policy)
    config = ResolveConfig(search, os.getcwd(), DiskFileSystem())
    loaded = load_policy(files, config)
    try:
        result = query(loaded, args.profile, " ".join(args.request))
    except QueryError as error:
        parser.error(str(error))
    if args.format == "json":
        print(json.dumps(_query_record(result), indent=2, ensure_ascii=False))
    else:
        print("\n".join(_query_text(result)))
    return 0 if result.outcome in ("allow", "complain") else 1


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="armorsmith",
        description="Language tooling for AppArmor profiles.",
    )
    parser.add_argument("--version", action="version", version=f"armorsmith {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    lint = commands.add_parser(
        "lint",
        help="report syntax errors in profiles",
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
    query_ = commands.add_parser(
        "query",
        help="decide one request in one profile and say why",
        description=(
            "Load the policy in --policy DIR and print what AppArmor would decide for REQUEST in PROFILE, "
            "with the rules responsible. REQUEST is a rule without its comma ('/etc/passwd r', "
            "'capability sys_admin', 'signal send term peer=unconfined', 'network inet stream connect') "
            "or 'exec PATH' for an exec transition. Exit status: 0 allowed (or allowed in complain mode), "
            "1 denied, 2 usage error, unknown profile or unreadable request."
        ),
    )
    query_.add_argument("--policy", required=True, metavar="DIR", help="the policy directory (like /etc/apparmor.d)")
    query_.add_argument(
        "-I", dest="include_dirs", action="append", default=[], metavar="DIR",
        help="search DIR for 'include <...>' before the policy directory (repeatable)",
    )
    query_.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    query_.add_argument("profile", metavar="PROFILE", help="the profile's name, 'parent//child' for a child or hat")
    query_.add_argument("request", nargs="+", metavar="REQUEST", help="the request, as one or several words")
    query_.set_defaults(run=_run_query, subparser=query_)
    return parser


def _tolerate_unencodable_output() -> None:
    """Make stdout and stderr replace characters their encoding cannot represent."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    _tolerate_unencodable_output()
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_usage(sys.stderr)
            print("armorsmith: error: a command is required (available: lint, query)", file=sys.stderr)
            return 2
        return args.run(args.subparser, args)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (as with `| head`); silence the error Python reports at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
