"""Where profiles, hats and child profiles sit, and how upstream reads their names.

This module is a helper of the profile checks, not a check: it is not listed in `CHECKS`.
`profiles(file)` yields every profile of a file with its parent; `children(profile)` yields
the hats and child profiles of one body with the `if` branches they sit in (as
`scopes.ScopedRule.branches` records them) and whether a qualifier block holds them, since
upstream drops profiles inside qualifier blocks but merges those of the `if` branch that
holds.

`parse_label` splits a profile name into its namespace and name as upstream's parse_label
(parser_misc.c) does, with the same errors.  It works on the name as written, which is
also what upstream reads when it checks names and finds duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from armorsmith.model import Block, IfBlock, Item, PolicyFile, Profile, QualifierBlock, Value

__all__ = ["Child", "Label", "children", "name_text", "parse_label", "profiles"]


@dataclass(frozen=True, slots=True)
class Child:
    """A hat or child profile with the `if` branches around it and its enclosing block, if any."""

    profile: Profile
    branches: tuple[tuple[int, int], ...]
    block: QualifierBlock | None


def children(
    items: tuple[Item, ...],
    branches: tuple[tuple[int, int], ...] = (),
    block: QualifierBlock | None = None,
) -> Iterator[Child]:
    """Yield the hats and child profiles of one body, through qualifier blocks and `if` branches."""
    for item in items:
        if isinstance(item, Profile):
            yield Child(item, branches, block)
        elif isinstance(item, QualifierBlock):
            yield from children(item.body.items, branches, block or item)
        elif isinstance(item, IfBlock):
            branch: Block | IfBlock | None = item
            index = 0
            while branch is not None:
                body = branch.then if isinstance(branch, IfBlock) else branch
                yield from children(body.items, (*branches, (item.span.start, index)), block)
                branch = branch.orelse if isinstance(branch, IfBlock) else None
                index += 1


def profiles(file: PolicyFile) -> Iterator[tuple[Profile, Profile | None]]:
    """Yield every profile, hat and child profile of a file with its parent (None at file level)."""
    pending: list[tuple[Profile, Profile | None]] = [(profile, None) for profile in file.profiles()]
    while pending:
        profile, parent = pending.pop()
        yield profile, parent
        pending += [(child.profile, profile) for child in children(profile.body.items)]


def name_text(name: Value) -> str:
    """Return a profile name without its quotes.

    The grammar aliases a quoted top-level name (`"/ **" {`) to the name node itself, so
    lowering keeps its quotes in `text`; upstream's lexer drops them.
    """
    raw = name.raw
    if not name.quoted and len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
        return raw[1:-1]
    return name.text


@dataclass(frozen=True, slots=True)
class Label:
    """A profile name split as upstream does: `&`, `:namespace:` or `:namespace://`, name."""

    stacked: bool
    namespace: str | None
    name: str
    error: str | None
    """Upstream's message when the label is malformed, else None."""


def parse_label(text: str) -> Label:
    """Split `text` into stacking, namespace and name, with upstream's error for a bad label."""
    stacked = text.startswith("&")
    rest = text[1:] if stacked else text
    if not rest.startswith(":"):
        error = f"Empty named transition profile name: {text}" if not rest else None
        return Label(stacked, None, rest, error)
    namespace, closed, name = rest[1:].partition(":")
    if not closed:
        return Label(stacked, None, rest, f"Namespace not terminated: {text}")
    name = name.removeprefix("//")
    if not namespace:
        return Label(stacked, namespace, name, f"Empty namespace: {text}")
    if not name:
        return Label(stacked, namespace, name, f"Empty named transition profile name: {text}")
    return Label(stacked, namespace, name, None)
