"""The diagnostic value types: what a finding, its fixes and its edits look like.

This module owns plain frozen data only: no LSP types, no rendering and no I/O.
Every range is a half-open byte range [start, end) into the UTF-8 source of one document;
converting it to lines and columns is the job of `armorsmith.syntax.LineIndex`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .codes import Code, Severity

__all__ = ["Applicability", "Diagnostic", "Edit", "Fix", "Related"]


class Applicability(enum.Enum):
    """How far a fix can be trusted, following ruff's levels."""

    SAFE = "safe"
    """Applying it keeps the meaning the author intended; editors may apply it in bulk."""
    UNSAFE = "unsafe"
    """It probably helps but may change meaning; offer it, never apply it in bulk."""
    DISPLAY_ONLY = "display-only"
    """It illustrates the problem; editors show it but do not offer to apply it."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the bytes [start, end) of a document with `new_text` (an insertion when start == end)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A titled set of non-overlapping edits that resolve one diagnostic."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability


@dataclass(frozen=True, slots=True)
class Related:
    """A second location that explains a diagnostic, such as "other rule here".

    `path` is None when the location is in the same document as the diagnostic.
    """

    message: str
    start: int
    end: int
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about one document, located by a byte range."""

    code: Code
    message: str
    start: int
    end: int
    severity: Severity
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = ()

    @classmethod
    def of(
        cls,
        code: Code,
        message: str,
        start: int,
        end: int,
        *,
        related: tuple[Related, ...] = (),
        fixes: tuple[Fix, ...] = (),
    ) -> Diagnostic:
        """Build a diagnostic with the default severity of its code."""
        return cls(code, message, start, end, code.severity, related, fixes)
