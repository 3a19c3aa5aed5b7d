"""Signature help inside `( )` lists: what the list takes and which values are valid.

Policy has no function calls, but its parenthesised lists read like argument lists: the
access list of a rule (`signal (send receive)`), `flags=(...)`, `set=(...)`, `peer=(...)`,
`options=(...)`, `type=(...)`.  Inside one, the editor shows what the list is, what each
entry may be and which entries are valid, with the entry being typed as the active
parameter.  The list at the cursor is found as completion finds its place
(`armorsmith.ide.completion.statement_at`), so a half-typed list works; the valid words
come from the same vocabularies.
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.syntax import Parse

from . import vocabulary
from .completion import (
    CompletionEnv,
    access_words,
    conditional_names,
    flag_words,
    open_list,
    peer_conditional_names,
    statement_at,
    value_words,
)

__all__ = ["Signature", "SignatureHelp", "signature_help"]

_SHOWN = 40
"""How many valid words a signature lists before it says how many more there are."""


@dataclass(frozen=True, slots=True)
class Signature:
    """One list's signature: `label` such as `set=(SIGNAL ...)`, the part of it that is the
    entry (`parameter`), and Markdown `documentation` listing the valid entries."""

    label: str
    parameter: str
    documentation: str


@dataclass(frozen=True, slots=True)
class SignatureHelp:
    """The signature of the list at the cursor and the entry being typed (0-based)."""

    signature: Signature
    active_entry: int


def _valid(words: list[str]) -> str:
    shown = ", ".join(f"`{word}`" for word in words[:_SHOWN])
    if len(words) > _SHOWN:
        shown += f" and {len(words) - _SHOWN} more"
    return f"Valid: {shown}." if words else ""


def _signature(kind: str, owner: str | None, env: CompletionEnv) -> Signature | None:
    """Return the signature of a list owned by `owner` (None: the access list) in a rule of `kind`."""
    if owner is None:
        words = access_words(kind)
        if not words:
            return None
        about = vocabulary.RULE_KINDS.get(kind, "")
        return Signature(
            f"{kind} (PERMISSION ...)",
            "PERMISSION ...",
            f"The permissions the {kind} rule grants, separated by blanks or commas.\n\n{_valid(words)}\n\n{about}",
        )
    if owner == "flags":
        return Signature(
            "flags=(FLAG, ...)",
            "FLAG, ...",
            f"The profile's mode and options, separated by commas.\n\n{_valid(flag_words())}",
        )
    if owner == "peer":
        names = peer_conditional_names(kind)
        if not names:
            return None
        valid = _valid([f"{name}=" for name in names])
        return Signature(
            "peer=(NAME=VALUE ...)",
            "NAME=VALUE ...",
            f"Conditionals on the other end of the {kind} communication.\n\n{valid}",
        )
    if owner == "xattrs":
        return Signature(
            "xattrs=(NAME=VALUE ...)",
            "NAME=VALUE ...",
            "Extended attributes the executable must carry for the profile to attach, each `name=value`.",
        )
    if owner not in conditional_names(kind):
        return None
    words = value_words(kind, owner, env)
    entry = owner.upper()
    text = f"The values `{owner}=` matches: any one of them.\n\n{_valid(words)}"
    return Signature(f"{owner}=({entry} ...)", f"{entry} ...", text.strip())


def signature_help(parsed: Parse, offset: int, env: CompletionEnv = CompletionEnv()) -> SignatureHelp | None:
    """Return the signature of the `( )` list open at byte `offset`, or None outside one."""
    statement = statement_at(parsed, offset)
    if statement is None:
        return None
    found = open_list(statement)
    if found is None:
        return None
    owner, written = found
    kind = statement.kind()
    if owner == "flags" or owner == "xattrs":
        kind = "profile"
    signature = _signature(kind, owner, env)
    if signature is None:
        return None
    entries = [word for word in written if word not in (",", "=", ":=")]
    if owner in ("peer", "xattrs"):
        entries = [word for index, word in enumerate(written) if index + 1 < len(written) and written[index + 1] in ("=", ":=")]
    return SignatureHelp(signature, len(entries))
