"""`armorsmith explain`: say in plain words what each access of a log was, and what to do.

Input is any number of log files (`-` or nothing for standard input), gzip-compressed or
not, in every form `armorsmith logs parse` reads.  Records of the same access are one
group with a count.  With `--policy DIR` the explanation also names the rules and exec
transitions of that policy that led to each record.  Text output is one block per group;
`--format json` prints a list of objects (keys in the README).

Exit status: 0 when every record was explained, 1 when some line could not be read (or a
file could not be opened), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from armorsmith.ide.explain import Explanation, explain_log

from .common import STDIN, display_path, open_log, suggest_policy_dir

__all__ = ["register"]

_SHOWN_RECORDS = 5
"""How many `file:line` places the text form lists per group."""


def _explanation_record(explanation: Explanation) -> dict[str, object]:
    """Return the JSON object of one explanation (the keys the README documents)."""
    return {
        "profile": explanation.profile,
        "namespace": explanation.namespace,
        "comm": explanation.comm,
        "operation": explanation.operation,
        "class": explanation.kind,
        "outcome": explanation.outcome,
        "count": explanation.count,
        "records": list(explanation.records),
        "summary": explanation.summary,
        "details": list(explanation.details),
        "fix": explanation.fix,
        "fix_profile": explanation.fix_profile,
        "fix_file": explanation.fix_file,
        "fix_rules": list(explanation.fix_rules),
        "fix_flags": list(explanation.fix_flags),
        "changes": [
            {"profile": change.profile, "file": change.file, "rules": list(change.rules), "flags": list(change.flags)}
            for change in explanation.changes
        ],
    }


def _explanation_text(explanation: Explanation, said: set[str]) -> list[str]:
    """Return the lines of the text form of one explanation.

    A detail already printed for an earlier group (`said`) is not repeated; a count of
    them stands in its place.
    """
    records = list(explanation.records[:_SHOWN_RECORDS])
    more = len(explanation.records) - len(records)
    at = ", ".join(records) + (f" and {more} more" if more else "")
    lines = [explanation.summary, f"  at {at}"]
    repeated = 0
    for detail in explanation.details:
        if detail in said:
            repeated += 1
        else:
            said.add(detail)
            lines.append(f"  - {detail}")
    if repeated:
        lines.append(f"  - (and {_plural(repeated, 'point')} made for an earlier group above)")
    lines.append(f"  fix: {explanation.fix}")
    return lines


def _lines(path: str, failures: list[str]) -> Iterator[bytes]:
    """Yield the lines of one log; note the file as unreadable when it cannot be read."""
    try:
        stream = open_log(path)
    except OSError as error:
        failures.append(f"{display_path(path)}: cannot read the file: {error.strerror or error}")
        return
    try:
        yield from stream
    except (OSError, EOFError) as error:
        failures.append(f"{display_path(path)}: cannot read the file: {error}")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _run_explain(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    paths = args.files or [STDIN]
    if paths.count(STDIN) > 1:
        parser.error("standard input ('-') can be read only once")
    policy = suggest_policy_dir(parser, args.policy, args.include_dirs) if args.policy is not None else None
    failures: list[str] = []
    sources = [("<stdin>" if path == STDIN else display_path(path), _lines(path, failures)) for path in paths]
    result = explain_log(sources, policy)
    if args.format == "json":
        print(json.dumps([_explanation_record(item) for item in result.explanations], indent=2, ensure_ascii=False))
    else:
        said: set[str] = set()
        blocks = ["\n".join(_explanation_text(item, said)) for item in result.explanations]
        if blocks:
            print("\n\n".join(blocks))
    for failure in failures:
        print(f"armorsmith: {failure}", file=sys.stderr)
    groups = sum(1 for item in result.explanations if item.outcome not in ("unreadable", "lost"))
    print(
        f"armorsmith: explained {_plural(result.records, 'record')} in {_plural(groups, 'group')}; "
        f"{_plural(result.unreadable, 'unreadable line')}",
        file=sys.stderr,
    )
    return 1 if result.unreadable or failures else 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `explain` command."""
    explain = commands.add_parser(
        "explain",
        help="explain AppArmor log records in plain words, and what to change",
        description=(
            "Read AppArmor records from FILEs (standard input when none or '-'), in any form 'armorsmith logs "
            "parse' reads, group repeated accesses, and explain each: which profile confined the task, what "
            "was asked and refused, what info= and error= mean, the other half of a cross-check, and what to "
            "change. With --policy DIR, also the rules and exec transitions of that policy that led there. "
            "Exit status: 0 every record was explained, 1 some line could not be read, 2 usage error."
        ),
    )
    explain.add_argument("--policy", metavar="DIR", help="the policy directory (like /etc/apparmor.d)")
    explain.add_argument(
        "-I", dest="include_dirs", action="append", default=[], metavar="DIR",
        help="search DIR for 'include <...>' before the policy directory (repeatable)",
    )
    explain.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    explain.add_argument("files", nargs="*", metavar="FILE", help="a log file, or '-' for standard input")
    explain.set_defaults(run=_run_explain, subparser=explain)
