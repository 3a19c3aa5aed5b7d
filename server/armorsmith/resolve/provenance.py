"""Where resolved things come from: the include that brought a file in, and a written place.

Every rule, variable value and profile that resolution hands out carries an `Origin`: the
document it is written in, its byte range there, and the chain of includes that led from
the main document to that file (empty for the main document itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.model import Include, Span

__all__ = ["IncludeSite", "Origin"]


@dataclass(frozen=True, slots=True)
class IncludeSite:
    """One include followed: `include` written in `document`, which read the file `target`."""

    document: str
    include: Include
    target: str


@dataclass(frozen=True, slots=True)
class Origin:
    """A range of `document`, reached from the main document through the includes `via`."""

    document: str
    span: Span
    via: tuple[IncludeSite, ...] = ()
