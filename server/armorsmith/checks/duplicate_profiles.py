"""Duplicate profiles: two profiles of a file, or two hats or children of a profile, with one name.

## What it does
Compares the names (with their namespaces) of the profiles at file level, and those of
the hats and child profiles of each profile, which share one table upstream: `^foo` and
`profile foo` inside one profile clash.  Upstream merges only the `if` branches that hold
and drops hats inside qualifier blocks (see `qualifier_blocks`), so with resolution the
check compares the profiles resolution found defined, included ones too (reported at the
include); without it, only names in the same `if` branches are compared.

Names are compared as written, before variables are expanded, as upstream compares them.

## Why is this bad?
apparmor_parser refuses the whole file: `Multiple definitions for profile foo exist,
bailing out.`

## Example
```
profile foo {
  ^hat { }
  ^hat { }
}
```
Merge the two hats into one, or rename one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic, Related
from armorsmith.model import Profile

from .profile_tree import Child, children, name_text, parse_label, profiles

if TYPE_CHECKING:
    from armorsmith.resolve import ResolvedProfile

    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.DUPLICATE_PROFILE,)


def _key(profile: Profile) -> tuple[str | None, str] | None:
    if profile.name is None:
        return None
    label = parse_label(name_text(profile.name))
    return None if label.error is not None else (label.namespace, label.name)


def _message(profile: Profile, name: str, parent: Profile | None) -> str:
    if parent is None:
        return f"Multiple definitions for profile {name} exist"
    kind = "hat" if profile.is_hat else "child profile"
    parent_name = parent.name.text if parent.name is not None else "(unnamed)"
    return f"Multiple definitions for {kind} {name} in profile {parent_name} exist"


def _duplicates(entries: list[Child], parent: Profile | None) -> Iterator[Diagnostic]:
    seen: dict[tuple[str | None, str], list[Child]] = {}
    for entry in entries:
        profile, name = entry.profile, entry.profile.name
        key = _key(profile)
        if key is None or name is None:
            continue
        first = next(
            (other.profile for other in seen.get(key, ()) if other.branches == entry.branches),
            None,
        )
        seen.setdefault(key, []).append(entry)
        if first is not None:
            yield Diagnostic.of(
                Code.DUPLICATE_PROFILE,
                _message(profile, name.text, parent),
                name.span.start,
                name.span.end,
                related=(Related("first defined here", first.header_span.start, first.header_span.end),),
            )


def _resolved_duplicates(
    resolved: tuple[ResolvedProfile, ...], parent: Profile | None, main: str
) -> Iterator[Diagnostic]:
    """Report clashes among the profiles resolution found defined (taken `if` branches only)."""
    seen: dict[tuple[str | None, str], ResolvedProfile] = {}
    for entry in resolved:
        profile, name = entry.profile, entry.profile.name
        key = _key(profile)
        if key is None or name is None:
            continue
        first = seen.setdefault(key, entry)
        if first is entry:
            continue
        origin = entry.origin
        span = origin.via[0].include.span if origin.via else name.span
        related = ()
        if first.origin.document == main and not first.origin.via:
            header = first.profile.header_span
            related = (Related("first defined here", header.start, header.end),)
        if origin.document == main or origin.via:
            yield Diagnostic.of(
                Code.DUPLICATE_PROFILE, _message(profile, name.text, parent), span.start, span.end, related=related
            )


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Report every profile, hat or child profile whose name is already taken in its scope."""
    resolution = ctx.resolution
    if resolution is not None:
        main = resolution.main.path
        yield from _resolved_duplicates(resolution.profiles, None, main)
        for resolved in resolution.walk_profiles():
            yield from _resolved_duplicates(resolved.children, resolved.profile, main)
        return
    yield from _duplicates([Child(profile, (), None) for profile in ctx.file.profiles()], None)
    for profile, _ in profiles(ctx.file):
        nested = [child for child in children(profile.body.items) if child.block is None]
        yield from _duplicates(nested, profile)
