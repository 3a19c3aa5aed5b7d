"""`Aare`: one compiled glob as a frozen value, and the bounded caches behind it.

An `Aare` is only its text; what the text compiles to (its syntax, its automaton, and the
answers of `intersects` and `covers` for pairs) lives in bounded least-recently-used caches
keyed by text, so equal globs share work and memory stays bounded however many profiles
are read.  Build one with `Aare.parse`, which also returns the problems of the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .automaton import Automaton, includes, intersects
from .syntax import GlobError, Syntax, read

__all__ = ["Aare", "glob_errors"]


@lru_cache(maxsize=16384)
def _syntax(text: str) -> Syntax:
    return read(text)


@lru_cache(maxsize=4096)
def _automaton(text: str) -> Automaton:
    tree = _syntax(text).tree
    if tree is None:
        raise ValueError(f"not a valid glob: {text!r}")
    return Automaton(tree)


@lru_cache(maxsize=65536)
def _intersects(left: str, right: str) -> bool:
    return intersects(_automaton(left), _automaton(right))


@lru_cache(maxsize=65536)
def _covers(outer: str, inner: str) -> bool:
    return includes(_automaton(outer), _automaton(inner))


def glob_errors(text: str) -> tuple[GlobError, ...]:
    """Return the problems of the glob `text`, with byte offsets into its UTF-8 encoding.

    `text` is a value as written without its quotes (escapes kept) and with its variables
    expanded; `GlobError.diagnostic(offset)` places a problem in a document.
    """
    return _syntax(text).errors


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class Aare:
    """A valid AppArmor glob (AARE), compared and hashed by its text.

    `text` is as written (escapes kept, quotes and variables gone).  Matching is over the
    UTF-8 bytes of paths, as the kernel matches: `?` is one byte, a class holds bytes.
    Constructing one directly from text that is not a valid glob raises `ValueError`;
    `Aare.parse` never raises.
    """

    text: str

    def __post_init__(self) -> None:
        if _syntax(self.text).tree is None:
            raise ValueError(f"not a valid glob: {self.text!r}; use Aare.parse")

    @classmethod
    def parse(cls, text: str) -> tuple[Aare | None, tuple[GlobError, ...]]:
        """Return the glob of `text` (None when it cannot be used) and its problems.

        Problems have byte offsets into `text` encoded as UTF-8 and a severity: errors
        (upstream rejects the glob) come with None, warnings with a usable glob.
        """
        syntax = _syntax(text)
        if syntax.tree is None:
            return None, syntax.errors
        return cls(text), syntax.errors

    @property
    def is_literal(self) -> bool:
        """Whether the glob has no glob construct (`*`, `?`, `[`, `{`) and so matches one path."""
        return _syntax(self.text).is_literal

    @property
    def literal_prefix(self) -> str:
        """The text before the first glob construct, escapes decoded.

        Every path the glob matches starts with it; upstream ranks attachments by the length
        of this literal left part.
        """
        return _syntax(self.text).literal_prefix.decode("utf-8", "surrogateescape")

    def matches(self, path: str) -> bool:
        """Return whether the glob matches the whole of `path`."""
        if self.is_literal:
            return _syntax(self.text).literal_prefix == _encode(path)
        return _automaton(self.text).matches(_encode(path))

    def intersects(self, other: Aare) -> bool:
        """Return whether some path matches both globs."""
        if self.text == other.text:
            return True
        if other.is_literal:
            return self.matches(other.literal_prefix)
        if self.is_literal:
            return other.matches(self.literal_prefix)
        mine, theirs = _encode(self.literal_prefix), _encode(other.literal_prefix)
        if not (mine.startswith(theirs) or theirs.startswith(mine)):
            return False
        left, right = sorted((self.text, other.text))
        return _intersects(left, right)

    def covers(self, other: Aare) -> bool:
        """Return whether every path `other` matches is matched by this glob too."""
        if self.text == other.text:
            return True
        if other.is_literal:
            return self.matches(other.literal_prefix)
        if not self.intersects(other):
            return _automaton(other.text).is_empty
        return _covers(self.text, other.text)

