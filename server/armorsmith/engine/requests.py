"""Requests: the concrete accesses the engine decides, written as rules without a comma.

A request is read with the policy grammar, as the body of a rule: `/etc/passwd r`,
`capability sys_admin`, `signal send set=term peer=unconfined`, `network inet stream
connect`, `dbus send bus=session path=/org/x member=Get peer=(label=foo)`.  Two shorthands
match how people (and denial records) say it:

- `file PATH PERMS` is the file rule `PATH PERMS` (the `file` keyword is accepted anyway);
- `exec PATH` asks for the exec transition of `PATH` (see `armorsmith.engine.transition`);
- for signals, bare signal names after the permission are the `set=`: `signal send term`.

`parse_request` never raises: a request that does not read as exactly one rule comes back
as None with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from armorsmith.model import Rule, lower, walk_rules
from armorsmith.syntax import parse

__all__ = ["ExecRequest", "parse_request", "quote_path"]


@dataclass(frozen=True, slots=True)
class ExecRequest:
    """`exec PATH`: what happens when the profile executes `path`."""

    path: str


def quote_path(path: str) -> str:
    """Return `path` written so the grammar reads it back as one value."""
    if re.fullmatch(r"[^\s\"!,#{}\[\]*?@\\]+", path):
        return path
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


_SIGNAL_PERMS = {"send", "receive", "read", "write", "r", "w", "rw", "wr"}


def _normalise(text: str) -> str:
    words = text.split()
    if not words:
        return text
    if words[0] == "file" and len(words) == 3 and not words[1].startswith("-"):
        return f"{quote_path(words[1])} {words[2]}"
    if words[0] == "signal":
        out = ["signal"]
        for word in words[1:]:
            if "=" in word or word.startswith("(") or word in _SIGNAL_PERMS:
                out.append(word)
            else:
                out.append(f"set={word}")
        return " ".join(out)
    return text


def parse_request(text: str) -> tuple[Rule | ExecRequest | None, str | None]:
    """Read one request; return it, or None and why it could not be read."""
    stripped = text.strip().rstrip(",").strip()
    if not stripped:
        return None, "empty request"
    words = stripped.split(None, 1)
    if words[0] == "exec":
        if len(words) != 2:
            return None, "exec needs a path: 'exec /usr/bin/foo'"
        return ExecRequest(words[1].strip()), None
    source = f"profile request {{\n{_normalise(stripped)},\n}}\n".encode()
    parsed = parse(source)
    if parsed.errors:
        first = parsed.errors[0]
        return None, f"cannot read the request as a rule: {first.message}"
    rules = list(walk_rules(lower(parsed).file.items))
    if len(rules) != 1:
        return None, "a request must be exactly one rule"
    return rules[0], None
