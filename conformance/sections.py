"""The format shared by the committed lists (known deviations, baseline): sections of entries.

A section is opened by a ``[suite-name]`` line. Each entry is a key, then a tab or at
least two spaces, then its value; a key may itself contain single spaces. Blank lines
and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SECTION = re.compile(r"^\[([A-Za-z0-9_-]+)\]$")
_ENTRY = re.compile(r"^(\S(?:.*?\S)?)(?:\t+| {2,})\s*(\S.*)$")


class ListingError(Exception):
    """A committed list cannot be read as specified."""


@dataclass(frozen=True)
class Entry:
    """One ``key  value`` line and where it is."""

    line: int
    key: str
    value: str


def read_sections(path: Path, entry_shape: str) -> dict[str, list[Entry]]:
    """Read ``path`` into its sections' entries; ``entry_shape`` describes an entry in errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ListingError(f"{path}: cannot read ({error.strerror})") from error
    sections: dict[str, list[Entry]] = {}
    current: list[Entry] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line or line.lstrip().startswith("#"):
            continue
        section = _SECTION.match(line)
        if section:
            current = sections.setdefault(section.group(1), [])
            continue
        if current is None:
            raise ListingError(f"{path}:{number}: entry before any [suite] section")
        entry = _ENTRY.match(line)
        if entry is None:
            raise ListingError(f"{path}:{number}: expected '{entry_shape}', got {line!r}")
        if any(known.key == entry.group(1) for known in current):
            raise ListingError(f"{path}:{number}: {entry.group(1)} is listed twice in its section")
        current.append(Entry(number, entry.group(1), entry.group(2)))
    return sections
