"""Glob errors: values apparmor_parser compiles as globs (AARE) that it cannot compile.

## What it does
Reads every value upstream turns into a glob, as written, and reports what
`armorsmith.aare` finds: upstream's "Regex grouping error" messages (`{a}`, an unclosed
`{` or `[`, an unmatched `}` or `]`, `{}` nested too deep), a trailing `\\`, character
classes the regex engine rejects (`[]`, a misplaced `-`), and the warnings for an
unnecessary escape or a `*`/`?` inside a class.

The values are those upstream passes to `convert_aaregex_to_pcre`: file paths and link
targets, link rule paths, profile attachments (or the profile name when there is none,
without its namespace and parents), `xattrs` values, mount sources, mount points and
file system types, pivot_root roots, change_profile exec conditions and targets, and the
AARE conditionals of dbus, signal, ptrace, unix (abstract addresses and labels),
network, mqueue and io_uring rules.  A value holding a variable is left to resolution,
which expands it and checks the result with `armorsmith.aare.Aare.parse`.

## Why is this bad?
apparmor_parser refuses to load the whole profile ("Unable to parse input line"); since
this happens after parsing, its message has no line number.

## Example
```
/usr/bin/{}snort rw,
dbus send bus=s{ession,ystem,
```
Write `{a,b}` with at least two items (`{a,}` for an optional `a`), close every group
and class, and escape literal braces and brackets (`\\{`, `\\]`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.aare import glob_errors
from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.model import Conditional, ConditionalGroup, Profile, Rule, Value, walk_items

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.GLOB_SYNTAX_ERROR, Code.GLOB_UNNECESSARY_ESCAPE, Code.GLOB_CHARACTER_IN_CLASS)

_FIELDS: dict[str, tuple[str, ...]] = {
    "file": ("path", "link_target"),
    "link": ("path", "target"),
    "mount": ("source", "mountpoint"),
    "pivot_root": ("new_root",),
    "change_profile": ("exec_condition", "target"),
}
"""For each rule kind, the attributes holding a glob value outside conditionals."""

_CONDITIONALS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "dbus": (frozenset({"bus", "path", "interface", "member", "name"}), frozenset({"name", "label"})),
    "signal": (frozenset({"peer"}), frozenset()),
    "ptrace": (frozenset({"peer"}), frozenset()),
    "unix": (frozenset({"addr"}), frozenset({"addr", "label"})),
    "network": (frozenset({"interface", "label"}), frozenset({"label"})),
    "mount": (frozenset({"fstype", "vfstype"}), frozenset()),
    "pivot_root": (frozenset({"oldroot"}), frozenset()),
    "mqueue": (frozenset({"label"}), frozenset()),
    "io_uring": (frozenset({"label"}), frozenset()),
}
"""For each rule kind, the conditionals whose values are globs: (outside, inside `peer=()`)."""


def _encoded_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


def _check(value: Value | None, skip: int = 0) -> Iterator[Diagnostic]:
    """Yield the glob problems of `value` without variables, minus its first `skip` characters."""
    if value is None or value.variables:
        return
    offset = value.span.start + (1 if value.quoted else 0) + _encoded_length(value.text[:skip])
    for error in glob_errors(value.text[skip:]):
        yield error.diagnostic(offset)


def _name_skip(text: str) -> int | None:
    """Return where the glob part of a profile name starts: after `:ns:` and the last `//`."""
    start = 0
    if text.startswith(":"):
        close = text.find(":", 1)
        if close == -1:
            return None
        start = close + 1
    parent = text.rfind("//", start)
    return parent + 2 if parent != -1 else start


def _profile(profile: Profile) -> Iterator[Diagnostic]:
    if profile.attachment is not None:
        yield from _check(profile.attachment)
    elif profile.name is not None:
        skip = _name_skip(profile.name.text)
        if skip is not None:
            yield from _check(profile.name, skip)
    if profile.xattrs is not None:
        for item in profile.xattrs.items:
            for value in item.values:
                yield from _check(value)


def _conditionals(fields: object) -> Iterator[tuple[Conditional, bool]]:
    """Yield every conditional among `fields` and whether it is inside a `peer=()` group."""
    if isinstance(fields, Conditional):
        yield fields, False
    elif isinstance(fields, ConditionalGroup):
        peer = fields.name.text == "peer"
        for item in fields.items:
            yield item, peer
    elif isinstance(fields, tuple):
        for item in fields:
            yield from _conditionals(item)


def _rule(rule: Rule) -> Iterator[Diagnostic]:
    for name in _FIELDS.get(rule.KIND, ()):
        yield from _check(getattr(rule, name))
    local, peer = _CONDITIONALS.get(rule.KIND, (frozenset(), frozenset()))
    if not (local or peer):
        return
    seen: set[int] = set()
    for field in type(rule).__dataclass_fields__:
        for conditional, in_peer in _conditionals(getattr(rule, field)):
            if conditional.name.text not in (peer if in_peer else local) or id(conditional) in seen:
                continue
            seen.add(id(conditional))
            for value in conditional.values:
                if conditional.name.text == "addr":
                    if value.text.startswith("@"):
                        yield from _check(value, 1)
                else:
                    yield from _check(value)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Yield the glob problems of every glob value of the document."""
    for item in walk_items(ctx.file.items):
        if isinstance(item, Profile):
            yield from _profile(item)
        elif isinstance(item, Rule):
            yield from _rule(item)
