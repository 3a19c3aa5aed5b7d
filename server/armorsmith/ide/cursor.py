"""What stands at a cursor: the model items around a byte offset, and the token under it.

Hover, definition and the other navigation features start from the same question: which
profile, block and rule is the cursor in, and which part of that rule (a permission token,
a conditional's value, a variable reference) is under it.  `locate` answers it from the
model alone: items are walked from the file down (profiles, qualifier and `if` blocks,
preamble items and rules), then the innermost item's fields are searched for the nested
values whose range holds the offset (`Word`, `Value`, `VarRef`, `Flag`, `Conditional` ...),
in field order, so the first field that holds the offset wins.  Keywords the model keeps
no value for (`capability`, `network`, `profile` ...) come from the grammar's highlight
captures, through `token_at`.

A range holds an offset when start <= offset <= end: a cursor just after a word is on it,
unless the next item starts there (an assignment's range ends where the next line starts).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from armorsmith.model import Block, IfBlock, Item, PolicyFile, Profile, QualifierBlock, Value
from armorsmith.syntax import Parse
from armorsmith.syntax.queries import Capture, highlights

__all__ = ["Located", "items_with_profiles", "locate", "token_at", "values_in"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Located:
    """The model around one offset.

    `items` are the items holding the offset, outermost first (a profile, a block inside
    it, a rule inside that); `parts` are the values inside the innermost item that hold
    it, outermost first (a conditional, then one of its values, then a variable in it).
    """

    offset: int
    items: tuple[Item, ...]
    parts: tuple[object, ...]

    @property
    def item(self) -> Item | None:
        """The innermost item, or None at file level between items."""
        return self.items[-1] if self.items else None

    @property
    def part(self) -> object | None:
        """The innermost part, or None when the offset is on no part of the item."""
        return self.parts[-1] if self.parts else None

    @property
    def profiles(self) -> tuple[Profile, ...]:
        """The profiles holding the offset, outermost first (a hat after its parent)."""
        return tuple(item for item in self.items if isinstance(item, Profile))

    def innermost(self, kind: type[T]) -> T | None:
        """Return the innermost part or item of type `kind`, or None."""
        for candidate in (*reversed(self.parts), *reversed(self.items)):
            if isinstance(candidate, kind):
                return candidate
        return None


def _holds(obj: object, offset: int) -> bool:
    span = getattr(obj, "span", None)
    return span is not None and span.start <= offset <= span.end


def _child(items: tuple[Item, ...], offset: int) -> Item | None:
    """Return the item holding `offset`: one it falls inside, else one it ends at."""
    touching = None
    for item in items:
        if item.span.start <= offset < item.span.end:
            return item
        if touching is None and item.span.end == offset:
            touching = item
    return touching


def _branches(block: IfBlock, offset: int) -> Block | None:
    """Return the branch of an `if` chain whose block holds `offset` (the chain's `if`s too)."""
    branch: Block | IfBlock | None = block
    while isinstance(branch, IfBlock):
        if _holds(branch.then, offset):
            return branch.then
        branch = branch.orelse
    return branch if isinstance(branch, Block) and _holds(branch, offset) else None


def _body(item: Item, offset: int) -> tuple[Item, ...]:
    """Return the items of the block of `item` that holds `offset`, if any."""
    if isinstance(item, (Profile, QualifierBlock)) and _holds(item.body, offset):
        return item.body.items
    if isinstance(item, IfBlock):
        block = _branches(item, offset)
        return block.items if block is not None else ()
    return ()


def _parts(obj: object, offset: int) -> list[object]:
    """Return the chain of nested values of `obj` holding `offset`, outermost first."""
    for field in dataclasses.fields(obj):  # type: ignore[arg-type]
        if field.name in ("span", "body", "then", "orelse"):
            continue
        found = _part_of(getattr(obj, field.name), offset)
        if found:
            return found
    return []


def _part_of(value: object, offset: int) -> list[object]:
    if isinstance(value, tuple):
        # Of two adjacent parts (`r` and `Px` in `rPx`), the one starting at the cursor wins.
        touching: list[object] = []
        for element in value:
            found = _part_of(element, offset)
            if found and getattr(found[0], "span", None) is not None and found[0].span.end == offset:
                touching = touching or found
            elif found:
                return found
        return touching
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return []
    span = getattr(value, "span", None)
    if span is None:
        return _parts(value, offset)
    if not (span.start <= offset <= span.end):
        return []
    return [value, *_parts(value, offset)]


def locate(file: PolicyFile, offset: int) -> Located:
    """Return the items and parts of `file` that hold `offset`."""
    chain: list[Item] = []
    items = file.items
    while True:
        found = _child(items, offset)
        if found is None:
            break
        chain.append(found)
        items = _body(found, offset)
    parts = tuple(_parts(chain[-1], offset)) if chain else ()
    return Located(offset, tuple(chain), parts)


def token_at(parsed: Parse, offset: int) -> tuple[Capture, str] | None:
    """Return the innermost highlight capture holding `offset` and its text, or None.

    The capture names are those of `highlights.scm` (`keyword`, `constant`, ...); an
    offset just after a token is on it when no token starts there.
    """
    captures = highlights(parsed, max(0, offset - 1), offset + 1)
    # Captures come outer first, so the last one holding the offset is the innermost.
    inside = [c for c in captures if c.start <= offset < c.end]
    before = [c for c in captures if c.end == offset and c.start < offset]
    best = inside[-1] if inside else before[-1] if before else None
    if best is None:
        return None
    return best, parsed.source[best.start : best.end].decode("utf-8", "surrogateescape")


def items_with_profiles(items: tuple[Item, ...], chain: tuple[Profile, ...]) -> Iterator[tuple[Item, tuple[Profile, ...]]]:
    """Yield every item with the profiles holding it (the item itself when it is one)."""
    for item in items:
        inner = (*chain, item) if isinstance(item, Profile) else chain
        yield item, inner
        if isinstance(item, (Profile, QualifierBlock)):
            yield from items_with_profiles(item.body.items, inner)
        elif isinstance(item, IfBlock):
            branch: Block | IfBlock | None = item
            while isinstance(branch, IfBlock):
                yield from items_with_profiles(branch.then.items, inner)
                branch = branch.orelse
            if branch is not None:
                yield from items_with_profiles(branch.items, inner)


def values_in(obj: object) -> Iterator[Value]:
    """Yield every `Value` held by a model item, through dataclass fields and tuples.

    The items inside a block (a profile's body, an `if` branch) are not the item's own.
    """
    if isinstance(obj, Value):
        yield obj
    elif isinstance(obj, tuple):
        for element in obj:
            yield from values_in(element)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            if field.name not in ("body", "then", "orelse"):
                yield from values_in(getattr(obj, field.name))
