"""Which profile attaches to an executable: the kernel's `find_attach()`.

Candidates are the profiles with an attachment (or a path for a name).  As the kernel does
(mediation.md §3.3, apparmor.d(5) "longest left match"):

- an attachment without glob characters that equals the path wins at once;
- otherwise, among the attachments whose glob matches, the one with the longest literal
  left part wins;
- a tie between different profiles is a conflict: nothing attaches, and the kernel logs
  `info="conflicting profile attachments"`.

Known limit: extended attributes (`xattrs=`) take no part, since a request carries none;
the kernel breaks ties on the number of matching xattrs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from armorsmith.aare import Aare

from .profiles import EngineProfile

__all__ = ["Attachment", "find_attach"]


@dataclass(frozen=True, slots=True)
class Attachment:
    """The result of an attachment search: the winner, or the profiles that tied."""

    profile: EngineProfile | None
    attachment: str | None
    exact: bool
    conflicting: tuple[EngineProfile, ...] = ()


def find_attach(path: str, candidates: Iterable[EngineProfile]) -> Attachment:
    """Return the profile among `candidates` that attaches to the executable `path`."""
    best: list[tuple[EngineProfile, str]] = []
    best_length = -1
    for profile in candidates:
        for attachment in profile.attachments:
            glob, _ = Aare.parse(attachment)
            if glob is None or not glob.matches(path):
                continue
            if glob.is_literal:
                return Attachment(profile, attachment, True)
            length = len(glob.literal_prefix)
            if length > best_length:
                best, best_length = [(profile, attachment)], length
            elif length == best_length and all(other is not profile for other, _ in best):
                best.append((profile, attachment))
    if not best:
        return Attachment(None, None, False)
    if len(best) > 1:
        return Attachment(None, None, False, tuple(profile for profile, _ in best))
    profile, attachment = best[0]
    return Attachment(profile, attachment, False)
