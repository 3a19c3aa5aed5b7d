"""Position automata over bytes: matching, intersection and inclusion, all exact.

A glob's tree becomes its Glushkov (position) automaton: one state per byte-set leaf, no
epsilon moves.  A set of positions is a Python int used as a bitset, bit 0 being the start,
so one step of the subset construction is two bitwise operations:
`next = follow_union(state) & positions_of(byte)`.  Deterministic states are built lazily
as inputs need them, and the step tables are bounded.

For two automata, the bytes that no position set tells apart behave alike, so intersection
and inclusion walk the product of the two subset constructions over one representative
byte per class of that partition: a few classes (the literal bytes of both globs, `/`, NUL
and "any other byte") instead of 256.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from .syntax import Alt, Cat, Leaf, Node, Star

__all__ = ["Automaton", "intersects", "includes"]

_STEP_LIMIT = 4096
"""Entries kept in one automaton's step tables before they are cleared."""


def _bits(value: int) -> list[int]:
    """Return the indexes of the set bits of `value`."""
    found = []
    while value:
        low = value & -value
        found.append(low.bit_length() - 1)
        value ^= low
    return found


class Automaton:
    """The position automaton of one regex tree, with lazily built step tables."""

    __slots__ = ("_follow", "_accept", "_by_mask", "_by_byte", "_union", "_steps", "_moves", "is_empty")

    def __init__(self, tree: Node) -> None:
        masks: list[int] = [0]
        follow: list[int] = [0]

        def build(node: Node) -> tuple[bool, int, int]:
            """Return (nullable, first, last) of `node`, adding its follow pairs."""
            if isinstance(node, Leaf):
                masks.append(node.mask)
                follow.append(0)
                bit = 1 << (len(masks) - 1)
                return False, bit, bit
            if isinstance(node, Star):
                _, first, last = build(node.item)
                for position in _bits(last):
                    follow[position] |= first
                return True, first, last
            if isinstance(node, Alt):
                nullable, first, last = False, 0, 0
                for item in node.items:
                    item_nullable, item_first, item_last = build(item)
                    nullable |= item_nullable
                    first |= item_first
                    last |= item_last
                return nullable, first, last
            nullable, first, last = True, 0, 0
            for item in node.items:
                item_nullable, item_first, item_last = build(item)
                for position in _bits(last):
                    follow[position] |= item_first
                if nullable:
                    first |= item_first
                last = last | item_last if item_nullable else item_last
                nullable &= item_nullable
            return nullable, first, last

        nullable, first, last = build(tree)
        follow[0] = first
        self._follow = follow
        self._accept = last | (1 if nullable else 0)
        by_mask: dict[int, int] = {}
        for position, mask in enumerate(masks[1:], start=1):
            by_mask[mask] = by_mask.get(mask, 0) | 1 << position
        self._by_mask = by_mask
        live = 0
        for mask, positions in by_mask.items():
            if mask:
                live |= positions
        reached, frontier = 1, 1
        while frontier:
            after = 0
            for position in _bits(frontier):
                after |= follow[position]
            frontier = after & live & ~reached
            reached |= frontier
        # Empty only when every way to an accepting position crosses a class of no byte.
        self.is_empty = not reached & self._accept
        self._by_byte: list[int | None] = [None] * 256
        self._union: dict[int, int] = {}
        self._steps: dict[tuple[int, int], int] = {}
        self._moves: dict[int, tuple[int, ...]] = {}

    def positions_of(self, byte: int) -> int:
        """Return the positions whose byte set holds `byte`."""
        found = self._by_byte[byte]
        if found is None:
            found = 0
            for mask, positions in self._by_mask.items():
                if mask >> byte & 1:
                    found |= positions
            self._by_byte[byte] = found
        return found

    def _follow_union(self, state: int) -> int:
        """Return the positions that may come after the positions of `state`."""
        union = self._union.get(state)
        if union is None:
            union = 0
            for position in _bits(state):
                union |= self._follow[position]
            if len(self._union) >= _STEP_LIMIT:
                self._union.clear()
            self._union[state] = union
        return union

    def moves(self, state: int) -> tuple[int, ...]:
        """Return the distinct byte sets of the positions that may come after `state`."""
        found = self._moves.get(state)
        if found is None:
            union = self._follow_union(state)
            found = tuple(mask for mask, positions in self._by_mask.items() if mask and positions & union)
            if len(self._moves) >= _STEP_LIMIT:
                self._moves.clear()
            self._moves[state] = found
        return found

    def step(self, state: int, byte: int) -> int:
        """Return the state after reading `byte` in `state` (0 is the dead state)."""
        key = (state, byte)
        found = self._steps.get(key)
        if found is None:
            found = self._follow_union(state) & self.positions_of(byte)
            if len(self._steps) >= _STEP_LIMIT:
                self._steps.clear()
            self._steps[key] = found
        return found

    def accepts(self, state: int) -> bool:
        """Return whether `state` holds an accepting position."""
        return bool(state & self._accept)

    def matches(self, data: bytes) -> bool:
        """Return whether the automaton accepts `data` whole."""
        state = 1
        step = self.step
        for byte in data:
            state = step(state, byte)
            if not state:
                return False
        return bool(state & self._accept)


def _representatives(domain: int, masks: set[int]) -> list[int]:
    """Return one byte of `domain` for each class of bytes that none of `masks` tells apart."""
    blocks = [domain] if domain else []
    for mask in masks:
        refined = []
        for block in blocks:
            refined += [part for part in (block & mask, block & ~mask) if part]
        blocks = refined
    return [(block & -block).bit_length() - 1 for block in blocks]


def _pairs(left: Automaton, right: Automaton, *, left_alive: bool) -> Iterator[tuple[int, int]]:
    """Yield the reachable pairs of states of the product, breadth first, lazily.

    A pair whose right state is dead is not explored, nor one whose left state is dead
    when `left_alive` is set.  From each pair only the bytes that keep the right state
    alive (and the left one, with `left_alive`) are tried, one per class of bytes that
    the two states' next positions do not tell apart.
    """
    start = (1, 1)
    seen = {start}
    queue = deque([start])
    while queue:
        pair = queue.popleft()
        yield pair
        left_moves, right_moves = left.moves(pair[0]), right.moves(pair[1])
        domain = 0
        for mask in right_moves:
            domain |= mask
        if left_alive:
            reach = 0
            for mask in left_moves:
                reach |= mask
            domain &= reach
        for byte in _representatives(domain, {*left_moves, *right_moves}):
            after = (left.step(pair[0], byte), right.step(pair[1], byte))
            if after[1] and (after[0] or not left_alive) and after not in seen:
                seen.add(after)
                queue.append(after)


def intersects(left: Automaton, right: Automaton) -> bool:
    """Return whether some byte string is accepted by both automata."""
    return any(
        left.accepts(mine) and right.accepts(theirs)
        for mine, theirs in _pairs(left, right, left_alive=True)
    )


def includes(outer: Automaton, inner: Automaton) -> bool:
    """Return whether every byte string `inner` accepts is accepted by `outer` too."""
    return not any(
        inner.accepts(theirs) and not outer.accepts(mine)
        for mine, theirs in _pairs(outer, inner, left_alive=False)
    )
