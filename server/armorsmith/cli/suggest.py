"""`armorsmith suggest`: the rules that would allow the denials of a log, profile by profile.

Input is one log (`-` or nothing for standard input, gzip-compressed files included).
Text output is profile blocks with the rules to add (children and hats nested, new flags
in the header, comments saying why); `--format json` is a list of `{"profile", "file",
"rules"}`; `--diff` (with `--policy`) is a unified diff against the policy files.  Lines
that could not be read are listed on stderr with the reason, with a summary.

Exit status: 0 when suggestions were made or none was needed, 1 when some records could
not be read, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from armorsmith.ide.suggest import policy_diff, render_text, suggest_records, to_json, unified_diff
from armorsmith.logs import LogRecord, UnreadableLine

from .common import STDIN, display_path, log_items, suggest_policy_dir

__all__ = ["register"]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _run_suggest(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.diff and args.policy is None:
        parser.error("--diff needs --policy DIR: it edits the files of that policy")
    if args.diff and args.format == "json":
        parser.error("--diff prints a unified diff; it cannot be combined with --format json")
    policy = suggest_policy_dir(parser, args.policy, args.include_dirs) if args.policy is not None else None
    records: list[LogRecord] = []
    unreadable = 0
    for item in log_items(args.file):
        if isinstance(item, UnreadableLine):
            unreadable += 1
            print(f"{item.file}:{item.line}: cannot read the record: {item.reason}", file=sys.stderr)
        else:
            records.append(item)
    suggestions = suggest_records(records, policy)
    if args.diff:
        policy_dir = args.policy

        def label(path: str) -> str:
            relative = os.path.relpath(path, policy_dir) if os.path.isabs(path) else path
            return display_path(relative)

        sys.stdout.write(unified_diff(policy_diff(suggestions, policy), label))
        elsewhere = sorted({item.profile for item in suggestions.profiles if item.target.namespace})
        if elsewhere:
            print(f"armorsmith: not in the diff, the profiles of other policy namespaces: {', '.join(elsewhere)}", file=sys.stderr)
    elif args.format == "json":
        print(json.dumps(to_json(suggestions), indent=2, ensure_ascii=False))
        for record, why in suggestions.unplaced:
            print(f"{record.file}:{record.line}: {why}", file=sys.stderr)
    else:
        sys.stdout.write(render_text(suggestions, policy=policy is not None))
    rules = sum(len(item.texts()) for item in suggestions.profiles)
    profiles = sum(1 for item in suggestions.profiles if item.rules or item.flags)
    print(
        f"armorsmith: read {_plural(len(records), 'record')}: {_plural(rules, 'rule')} suggested "
        f"for {_plural(profiles, 'profile')}, {_plural(unreadable, 'unreadable line')}",
        file=sys.stderr,
    )
    return 1 if unreadable else 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `suggest` command."""
    suggest = commands.add_parser(
        "suggest",
        help="propose the rules that would allow the denials of a log",
        description=(
            "Read AppArmor records from FILE (or standard input) and print the rules that would allow "
            "them, grouped by the profile they belong in: children and hats nested in their parents, "
            "complain-mode learning records moved to where their program runs, both halves of "
            "cross-checks, tunables instead of literal paths, flags where no rule helps. With "
            "--policy DIR, rules the policy already allows are left out and abstractions that allow "
            "a rule are offered; --diff prints a unified diff against the policy's files. "
            "Exit status: 0 done, 1 some records could not be read, 2 usage error."
        ),
    )
    suggest.add_argument("file", nargs="?", default=STDIN, metavar="FILE", help="the log to read ('-': standard input)")
    suggest.add_argument("--policy", metavar="DIR", help="the policy directory (like /etc/apparmor.d)")
    suggest.add_argument(
        "-I", dest="include_dirs", action="append", default=[], metavar="DIR",
        help="search DIR for 'include <...>' before the policy directory (repeatable)",
    )
    suggest.add_argument("--diff", action="store_true", help="print a unified diff against the policy files")
    suggest.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    suggest.set_defaults(run=_run_suggest, subparser=suggest)
