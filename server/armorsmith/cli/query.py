"""`armorsmith query`: decide one request in one profile of a policy directory.

Exit status: 0 when the request is allowed (also in complain mode), 1 when it is denied,
2 for a usage error, an unknown profile or a request that does not read.
"""

from __future__ import annotations

import argparse
import json

from armorsmith.ide.query import QueryError, QueryResult, query

from .common import display_path, load_policy_dir

__all__ = ["register"]


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
            where = f"  ({display_path(ref.path)}:{ref.line})" if ref.path and ref.line else ""
            lines.append(f"  {label}: {ref.text}{where}")
    if result.missing:
        lines.append(f"  not allowed by any rule: {', '.join(result.missing)}")
    lines += [f"  {sentence}" for sentence in result.explanation]
    return lines


def _run_query(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    loaded = load_policy_dir(parser, args.policy, args.include_dirs)
    try:
        result = query(loaded, args.profile, " ".join(args.request))
    except QueryError as error:
        parser.error(str(error))
    if args.format == "json":
        print(json.dumps(_query_record(result), indent=2, ensure_ascii=False))
    else:
        print("\n".join(_query_text(result)))
    return 0 if result.outcome in ("allow", "complain") else 1



def register(commands: argparse._SubParsersAction) -> None:
    """Add the `query` command."""
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
