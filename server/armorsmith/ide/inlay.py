"""Inlay hints: the values of variables, shown after each reference when they are short.

`@{HOME}/.cache/ r,` shows `@{HOME}` followed by `/home/*/ /root/`, the variable's values
fully expanded (nested variables replaced, `//` folded) in the profile the reference is
in, so `@{profile_name}` and `@{exec_path}` show that profile's own.  Only short
expansions are shown (`MAX_VALUES` values and `MAX_WIDTH` characters at most), since a
hint must not push the rule out of sight; the hover has the full story.  An assignment's
name is not a reference and gets no hint.  Without a resolution there is nothing to expand.
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.model import Profile
from armorsmith.resolve import Resolution, SetVariable

from .context import DocumentContext
from .cursor import items_with_profiles, values_in

__all__ = ["MAX_VALUES", "MAX_WIDTH", "InlayHint", "inlay_hints"]

MAX_VALUES = 4
"""The most values a hint shows."""

MAX_WIDTH = 40
"""The most characters a hint's label takes."""


@dataclass(frozen=True, slots=True)
class InlayHint:
    """A hint shown at byte `offset` (just after a reference): its label and a tooltip."""

    offset: int
    label: str
    tooltip: str


def _label(values: tuple[str, ...]) -> str | None:
    if not values or len(values) > MAX_VALUES:
        return None
    label = " ".join(value or '""' for value in values)
    return label if len(label) <= MAX_WIDTH else None


def _tooltip(resolution: Resolution, name: str) -> str:
    variable = resolution.variables.get(name)
    if isinstance(variable, SetVariable):
        return f"@{{{name}}} = " + " ".join(value.text for value in variable.values)
    return f"@{{{name}}}, set by apparmor_parser for this profile"


def inlay_hints(ctx: DocumentContext, start: int = 0, end: int | None = None) -> tuple[InlayHint, ...]:
    """Return the hints for the variable references in bytes [start, end) of the document."""
    resolution = ctx.resolution
    if resolution is None:
        return ()
    end = len(ctx.source) if end is None else end
    found: list[InlayHint] = []
    cache: dict[tuple[str, int], str | None] = {}
    for item, profiles in items_with_profiles(ctx.file.items, ()):
        span = item.header_span if isinstance(item, Profile) else item.span
        if span.end < start or span.start > end:
            continue
        builtins = ()
        holder = profiles[-1] if profiles else None
        if holder is not None:
            resolved = ctx.resolved(holder)
            builtins = resolved.builtins if resolved is not None else ()
        for value in values_in(item):
            for ref in value.variables:
                if not start <= ref.span.end <= end:
                    continue
                key = (ref.name, id(holder))
                if key not in cache:
                    expanded = resolution.expander.text(f"@{{{ref.name}}}", builtins, collapse=True)
                    cache[key] = _label(expanded) if isinstance(expanded, tuple) else None
                label = cache[key]
                if label is not None:
                    found.append(InlayHint(ref.span.end, label, _tooltip(resolution, ref.name)))
    found.sort(key=lambda hint: hint.offset)
    return tuple(dict.fromkeys(found))
