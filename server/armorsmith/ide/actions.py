"""Code actions: every diagnostic's fixes, and the source actions that tidy a whole document.

- `fix_actions`: one quick fix per fix of each diagnostic (display-only fixes are not
  offered), preferred only when the fix is safe, as ruff's applicability levels say.
- `fix_all_action`: every safe fix of a document at once (`source.fixAll`), skipping a fix
  that overlaps one already taken.
- `remove_redundant_action`: the safe fixes of `redundant-rule`, which delete rules other
  rules cover.
- `convert_includes_action`: `#include` becomes `include` everywhere in the document.
- `sort_rules_action`: within each paragraph of rules of each block (rules on their own
  lines, not separated by a blank line or another item), rules are ordered by kind (the
  model's `KINDS` order) and then by their canonical text, and rules one rule can say are
  merged with the kind's `merge`.  Comment lines above a rule move with it, and a
  paragraph's heading comment stays on top; rules that are not merged keep their text.

Actions are plain values: a title, a kind (LSP's code action kind strings), edits per
document path as byte-range `Edit`s, whether the action is preferred, and the diagnostics
it resolves.  Nothing here does I/O or knows LSP types.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from armorsmith.diagnostics import Applicability, Code, Diagnostic, Edit
from armorsmith.model import (
    KINDS,
    Block,
    IfBlock,
    Include,
    Item,
    PolicyFile,
    Profile,
    QualifierBlock,
    Rule,
    walk_items,
)

__all__ = [
    "ActionKind",
    "CodeAction",
    "FileEdits",
    "convert_includes_action",
    "fix_actions",
    "fix_all_action",
    "remove_redundant_action",
    "sort_rules_action",
]


class ActionKind(enum.Enum):
    """What an action is, as LSP's CodeActionKind strings name it."""

    QUICKFIX = "quickfix"
    FIX_ALL = "source.fixAll"
    CONVERT_INCLUDES = "source.convertIncludes"
    SORT_RULES = "source.sortRules"
    REMOVE_REDUNDANT = "source.removeRedundant"
    ADD_FROM_LOG = "source.addRulesFromLog"


@dataclass(frozen=True, slots=True)
class FileEdits:
    """Non-overlapping edits of one document, by its path."""

    path: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class CodeAction:
    """One action: its edits may span several documents (a workspace edit)."""

    title: str
    kind: ActionKind
    changes: tuple[FileEdits, ...]
    preferred: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()


def fix_actions(path: str, diagnostics: Iterable[Diagnostic]) -> list[CodeAction]:
    """Return a quick fix for each fix of each diagnostic, preferred when it is safe."""
    found = []
    for diagnostic in diagnostics:
        for fix in diagnostic.fixes:
            if fix.applicability is Applicability.DISPLAY_ONLY or not fix.edits:
                continue
            found.append(
                CodeAction(
                    fix.title,
                    ActionKind.QUICKFIX,
                    (FileEdits(path, fix.edits),),
                    fix.applicability is Applicability.SAFE,
                    (diagnostic,),
                )
            )
    return found


def _disjoint(groups: Iterable[tuple[Edit, ...]]) -> tuple[Edit, ...]:
    """Return the edits of every group that overlaps no group taken before it, sorted."""
    taken: list[Edit] = []
    for edits in groups:
        if any(_overlap(edit, other) for edit in edits for other in taken):
            continue
        taken += [edit for edit in edits if edit not in taken]
    return tuple(sorted(taken, key=lambda edit: (edit.start, edit.end)))


def _overlap(one: Edit, other: Edit) -> bool:
    """Whether two edits touch the same bytes (two insertions at one place count)."""
    if one.start == one.end == other.start == other.end:
        return one != other
    return one.start < other.end and other.start < one.end


def _safe_fixes(diagnostics: Iterable[Diagnostic], codes: tuple[Code, ...] | None = None) -> list[tuple[Diagnostic, tuple[Edit, ...]]]:
    found = []
    for diagnostic in diagnostics:
        if codes is not None and diagnostic.code not in codes:
            continue
        safe = [fix for fix in diagnostic.fixes if fix.applicability is Applicability.SAFE and fix.edits]
        if safe:
            found.append((diagnostic, safe[0].edits))
    return found


def fix_all_action(path: str, diagnostics: Iterable[Diagnostic]) -> CodeAction | None:
    """Return one action applying every safe fix of the document's diagnostics, or None."""
    fixes = _safe_fixes(diagnostics)
    edits = _disjoint(edits for _, edits in fixes)
    if not edits:
        return None
    return CodeAction("Fix all safely fixable problems", ActionKind.FIX_ALL, (FileEdits(path, edits),), False, tuple(d for d, _ in fixes))


def remove_redundant_action(path: str, diagnostics: Iterable[Diagnostic]) -> CodeAction | None:
    """Return one action removing every rule that `redundant-rule` found covered, or None."""
    fixes = _safe_fixes(diagnostics, (Code.REDUNDANT_RULE,))
    edits = _disjoint(edits for _, edits in fixes)
    if not edits:
        return None
    count = len(fixes)
    title = f"Remove {count} rule{'s' if count != 1 else ''} covered by others"
    return CodeAction(title, ActionKind.REMOVE_REDUNDANT, (FileEdits(path, edits),), False, tuple(d for d, _ in fixes))


def convert_includes_action(path: str, file: PolicyFile) -> CodeAction | None:
    """Return one action spelling every `#include` of the document `include`, or None."""
    edits = tuple(
        Edit(item.keyword.span.start, item.keyword.span.end, "include")
        for item in walk_items(file.items)
        if isinstance(item, Include) and item.deprecated_hash
    )
    if not edits:
        return None
    return CodeAction("Convert '#include' to 'include'", ActionKind.CONVERT_INCLUDES, (FileEdits(path, edits),))


# Section - sorting and merging rules.


@dataclass(frozen=True, slots=True)
class _Unit:
    """A rule on its own lines with the comment lines above it: the bytes [start, end)."""

    rule: Rule
    start: int
    rule_start: int
    end: int


def _blocks(items: tuple[Item, ...]) -> Iterator[Block]:
    """Yield every block under `items`: profile bodies, qualifier blocks, `if` branches."""
    for item in items:
        if isinstance(item, (Profile, QualifierBlock)):
            yield item.body
            yield from _blocks(item.body.items)
        elif isinstance(item, IfBlock):
            branch: Block | IfBlock | None = item
            while isinstance(branch, IfBlock):
                yield branch.then
                yield from _blocks(branch.then.items)
                branch = branch.orelse
            if isinstance(branch, Block):
                yield branch
                yield from _blocks(branch.items)


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _line_end(source: bytes, offset: int) -> int:
    """Return the offset just after the newline ending the line of `offset` (or the end)."""
    end = source.find(b"\n", offset)
    return len(source) if end == -1 else end + 1


def _is_comment_line(line: bytes) -> bool:
    stripped = line.strip()
    return stripped.startswith(b"#") and not stripped.startswith(b"#include")


def _paragraphs(source: bytes, block: Block) -> Iterator[list[_Unit]]:
    """Yield the paragraphs of rules of `block` that hold two rules or more.

    A paragraph is a run of rules each alone on its lines, ended by a blank line, by any
    other item, or by a rule that shares a line with something or lacks its `,` (such a
    rule is left where it is).  Comment lines right above a rule belong to it, except
    above the paragraph's first rule: those are the paragraph's heading.
    """
    units: list[_Unit] = []
    previous_end = block.span.start + 1
    for item in block.items:
        if not isinstance(item, Rule):
            if len(units) >= 2:
                yield units
            units, previous_end = [], item.span.end
            continue
        start = _line_start(source, item.span.start)
        end = _line_end(source, item.span.end - 1)
        tail = source[item.span.end : end].strip()
        alone = (
            start >= previous_end
            and not source[start : item.span.start].strip()
            and source[item.span.start : item.span.end].rstrip().endswith(b",")
            and (not tail or tail.startswith(b"#"))
        )
        gap_lines = source[previous_end:start].split(b"\n")[:-1]
        if not alone or any(not line.strip() for line in gap_lines):
            if len(units) >= 2:
                yield units
            units = []
        if not alone:
            previous_end = max(previous_end, item.span.end)
            continue
        comments_start = start
        while units and comments_start > previous_end:
            above = _line_start(source, comments_start - 1)
            if above < previous_end or not _is_comment_line(source[above:comments_start]):
                break
            comments_start = above
        units.append(_Unit(item, comments_start, start, end))
        previous_end = end
    if len(units) >= 2:
        yield units


def _sort_key(rule: Rule) -> tuple[int, str, str]:
    rendered = rule.render()
    return KINDS.index(type(rule)) if type(rule) in KINDS else len(KINDS), rendered.removeprefix(rule.render_qualifiers()), rendered


def _arrange(source: bytes, units: list[_Unit]) -> bytes | None:
    """Return the new text of a paragraph's units sorted and merged, or None when unchanged."""
    groups: list[tuple[Rule, list[_Unit]]] = []
    for unit in units:
        for index, (rule, members) in enumerate(groups):
            if rule.key() != unit.rule.key():
                continue
            merged = rule.merge(unit.rule)
            if merged is not None:
                groups[index] = (merged, [*members, unit])
                break
        else:
            groups.append((unit.rule, [unit]))
    groups.sort(key=lambda group: _sort_key(group[0]))
    indent = source[units[0].rule_start : units[0].rule.span.start].decode("utf-8", "surrogateescape")
    pieces: list[bytes] = []
    for rule, members in groups:
        if len(members) == 1:
            pieces.append(source[members[0].start : members[0].end])
            continue
        lines: list[bytes] = []
        for member in members:
            lines.append(source[member.start : member.rule_start])
            tail = source[member.rule.span.end : member.end].strip()
            if tail:
                lines.append(indent.encode() + tail + b"\n")
        lines.append(f"{indent}{rule.render()}\n".encode("utf-8", "surrogateescape"))
        pieces.append(b"".join(lines))
    text = b"".join(piece if piece.endswith(b"\n") else piece + b"\n" for piece in pieces)
    original = source[units[0].start : units[-1].end]
    if not original.endswith(b"\n"):
        text = text[:-1]
    return None if text == original else text


def sort_rules_action(path: str, source: bytes, file: PolicyFile) -> CodeAction | None:
    """Return one action sorting and merging the rules of every paragraph, or None."""
    edits = []
    for block in _blocks(file.items):
        for units in _paragraphs(source, block):
            text = _arrange(source, units)
            if text is not None:
                edits.append(Edit(units[0].start, units[-1].end, text.decode("utf-8", "surrogateescape")))
    if not edits:
        return None
    return CodeAction("Sort and merge rules", ActionKind.SORT_RULES, (FileEdits(path, tuple(edits)),))
