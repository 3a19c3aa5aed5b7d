"""`armorsmith logs parse`: read AppArmor records from logs and print them, one per line.

Input is any number of files (`-` or nothing for standard input), each read as a stream of
lines, gzip-compressed files included.  Text output is a one-line summary per record and a
summary on stderr; `--format json` prints one JSON object per line (JSON Lines): the
record's fields under libapparmor's names, `file` and `line`, or `file`, `line` and
`error` for a line that could not be read.

Exit status: 0 when every line was read or skipped as not AppArmor, 1 when some AppArmor
record could not be read (or a file could not be opened), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys

from armorsmith.logs import LogRecord, UnreadableLine

from .common import STDIN, log_items

__all__ = ["register"]

_SHOWN = frozenset({"event", "profile", "operation", "name", "name2", "audit_id", "epoch", "audit_sub_id"})
"""Fields the text form shows in its fixed part; the others follow as key=value."""


def _quote(value: object) -> str:
    """Return a value for the text form: quoted when it is empty or holds a blank."""
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if not text or any(c.isspace() for c in text) else text


def _text_line(item: LogRecord | UnreadableLine) -> str:
    """Return the one-line text form of a record or an unreadable line."""
    where = f"{item.file}:{item.line}"
    if isinstance(item, UnreadableLine):
        return f"{where}: error: {item.reason}"
    kind = item.event.removeprefix("AA_RECORD_") if item.event else "?"
    words = [f"{where}:", kind, _quote(item.profile) if item.profile is not None else "-", item.operation or "-"]
    if item.name is not None:
        words.append(_quote(item.name))
    if item.name2 is not None:
        words += ["->", _quote(item.name2)]
    words += [f"{key}={_quote(value)}" for key, value in item.fields().items() if key not in _SHOWN]
    return " ".join(words)


def _json_line(item: LogRecord | UnreadableLine) -> str:
    """Return the JSON object of a record or an unreadable line, on one line."""
    data = item.to_json()
    text = json.dumps(data, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A name that is not UTF-8 holds escaped bytes (surrogates), which only \u escapes spell.
        return json.dumps(data)
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _run_parse(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    paths = args.files or [STDIN]
    if paths.count(STDIN) > 1:
        parser.error("standard input ('-') can be read only once")
    records = unreadable = 0
    render = _json_line if args.format == "json" else _text_line
    for path in paths:
        for item in log_items(path):
            if isinstance(item, UnreadableLine):
                unreadable += 1
            else:
                records += 1
            print(render(item))
    if args.format == "text":
        print(
            f"armorsmith: read {_plural(len(paths), 'log')}: {_plural(records, 'record')}, "
            f"{_plural(unreadable, 'unreadable line')}",
            file=sys.stderr,
        )
    return 1 if unreadable else 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `logs` command and its `parse` subcommand."""
    logs = commands.add_parser(
        "logs",
        help="read AppArmor records from audit, kernel, syslog and journal logs",
        description="Read AppArmor log records.",
    )
    actions = logs.add_subparsers(dest="action", metavar="ACTION", required=True)
    parse = actions.add_parser(
        "parse",
        help="print every AppArmor record of the logs, one per line",
        description=(
            "Read AppArmor records from FILEs (standard input when none or '-'): audit.log, dmesg, "
            "kern.log and syslog, journalctl (short or -o json), raw /dev/kmsg, apparmor.d's aa-log form "
            "or pasted fragments, gzip-compressed or not. Prints one line per record; --format json prints "
            "one JSON object per line with libapparmor's field names plus file and line, or file, line and "
            "error for a record that could not be read. Exit status: 0 every line was read or is not "
            "AppArmor, 1 some record could not be read, 2 usage error."
        ),
    )
    parse.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parse.add_argument("files", nargs="*", metavar="FILE", help="a log file, or '-' for standard input")
    parse.set_defaults(run=_run_parse, subparser=parse)
