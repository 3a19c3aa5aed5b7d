"""`Aare`: one compiled glob as a frozen value, and the bounded caches behind it.

An `Aare` is only its text and one reading option; what they compile to (the syntax, the
automaton, and the answers of `intersects` and `covers` for pairs) lives in bounded
least-recently-used caches keyed by them, so equal globs share work and memory stays
bounded however many profiles are read.  Build one with `Aare.parse`, which also returns
the problems of the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .automaton import Automaton, includes, intersects
from .syntax import GlobError, Syntax, read

__all__ = ["Aare", "glob_errors"]

_Key = tuple[str, bool]
"""A glob's text and whether its runs of `/` are collapsed."""


@lru_cache(maxsize=16384)
def _syntax(key: _Key) -> Syntax:
    return read(key[0], collapse_slashes=key[1])


@lru_cache(maxsize=4096)
def _automaton(key: _Key) -> Automaton:
    tree = _syntax(key).tree
    if tree is None:
        raise ValueError(f"not a valid glob: {key[0]!r}")
    return Automaton(tree)


@lru_cache(maxsize=65536)
def _intersects(left: _Key, right: _Key) -> bool:
    return intersects(_automaton(left), _automaton(right))


@lru_cache(maxsize=65536)
def _covers(outer: _Key, inner: _Key) -> bool:
    return includes(_automaton(outer), _automaton(inner))


def glob_errors(text: str) -> tuple[GlobError, ...]:
    """Return the problems of the glob `text`, with byte offsets into its UTF-8 encoding.

    `text` is a value as written without its quotes (escapes kept) and with its variables
    expanded; `GlobError.diagnostic(offset)` places a problem in a document.
    """
    return _syntax((text, True)).errors


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class Aare:
    """A valid AppArmor glob (AARE), compared and hashed by its text and reading option.

    `text` is as written (escapes kept, quotes and variables gone).  Matching is over the
    UTF-8 bytes of paths, as the kernel matches: `?` is one byte, a class holds bytes.
    `collapse_slashes` applies upstream's filter_slashes (runs of `/` match one `/`, a
    leading `//` stays): upstream does it for file and link paths and attachments, and not
    for labels, profile names, change_profile targets or the values of other rule kinds,
    where `//` separates a profile from its child.
    Constructing one directly from text that is not a valid glob raises `ValueError`;
    `Aare.parse` never raises.
    """

    text: str
    collapse_slashes: bool = True
    _key: _Key = field(init=False, repr=False, compare=False)
    _reading: Syntax = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (self.text, self.collapse_slashes)
        reading = _syntax(key)
        if reading.tree is None:
            raise ValueError(f"not a valid glob: {self.text!r}; use Aare.parse")
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_reading", reading)

    @classmethod
    def parse(cls, text: str, *, collapse_slashes: bool = True) -> tuple[Aare | None, tuple[GlobError, ...]]:
        """Return the glob of `text` (None when it cannot be used) and its problems.

        Problems have byte offsets into `text` encoded as UTF-8 and a severity: errors
        (upstream rejects the glob) come with None, warnings with a usable glob.
        """
        syntax = _syntax((text, collapse_slashes))
        if syntax.tree is None:
            return None, syntax.errors
        return cls(text, collapse_slashes), syntax.errors

    @property
    def is_literal(self) -> bool:
        """Whether the glob has no glob construct (`*`, `?`, `[`, `{`) and so matches one path."""
        return self._reading.is_literal

    @property
    def literal_prefix(self) -> str:
        """The text before the first glob construct, escapes decoded.

        Every path the glob matches starts with it; upstream ranks attachments by the length
        of this literal left part.
        """
        return self._reading.literal_prefix.decode("utf-8", "surrogateescape")

    def matches(self, path: str) -> bool:
        """Return whether the glob matches the whole of `path`."""
        syntax = self._reading
        if syntax.is_literal:
            return syntax.literal_prefix == _encode(path)
        return _automaton(self._key).matches(_encode(path))

    def intersects(self, other: Aare) -> bool:
        """Return whether some path matches both globs."""
        if self == other:
            return True
        if other.is_literal:
            return self.matches(other.literal_prefix)
        if self.is_literal:
            return other.matches(self.literal_prefix)
        mine, theirs = self._reading.literal_prefix, other._reading.literal_prefix
        if not (mine.startswith(theirs) or theirs.startswith(mine)):
            return False
        left, right = sorted((self._key, other._key))
        return _intersects(left, right)

    def covers(self, other: Aare) -> bool:
        """Return whether every path `other` matches is matched by this glob too."""
        if self == other:
            return True
        if other.is_literal:
            return self.matches(other.literal_prefix)
        if not self.intersects(other):
            return _automaton(other._key).is_empty
        return _covers(self._key, other._key)


def is_exact(path: str) -> bool:
    """Whether upstream compiles `path` as an exact match, which beats every wildcard.

    libapparmor_re calls a rule exact when its expression has no star, plus, any-character
    or negated class (aare_rules.cc `add_rule_vec`): so alternations (`{a,b}`) and plain
    classes (`[ab]`) stay exact, while `*`, `**`, `?` and `[^...]` do not.
    """
    escaped = in_class = False
    for index, char in enumerate(path):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "*?":
            return False
        elif char == "[" and not in_class:
            if path[index + 1 : index + 2] == "^":
                return False
            in_class = True
        elif char == "]":
            in_class = False
    return True
