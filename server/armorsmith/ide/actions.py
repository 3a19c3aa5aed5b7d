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
- `replace_pasted_action` and `add_from_log_action`: the rules that allow some log
  records, each added where the suggestion engine places it (`armorsmith.ide.suggest`:
  the profile, hat or child the record belongs to, the peer's profile for the other half
  of a cross-check, in whatever file defines it, or a new file), as one workspace edit;
  the first also removes the pasted lines.  `workspace_policy` gives them the policy of
  the workspace with the document as it is being edited.

Actions are plain values: a title, a kind (LSP's code action kind strings), edits per
document path as byte-range `Edit`s, whether the action is preferred, and the diagnostics
it resolves.  Nothing here does I/O or knows LSP types.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from armorsmith.diagnostics import Applicability, Code, Diagnostic, Edit
from armorsmith.engine import build_policy
from armorsmith.model import (
    KINDS,
    Block,
    IfBlock,
    Include,
    Item,
    LogRecord,
    PolicyFile,
    Profile,
    QualifierBlock,
    Rule,
    lower,
    walk_items,
)
from armorsmith.resolve import IncludeCache, OverlayFileSystem, Resolution, ResolveConfig, resolve
from armorsmith.syntax import FileRole, guess_role, parse

from .pasted import PastedLog, find_pasted_logs, mask_pasted_logs
from .query import LoadedPolicy
from .suggest import policy_diff, prepare_policy, suggest_records

__all__ = [
    "ActionKind",
    "CodeAction",
    "FileEdits",
    "add_from_log_action",
    "convert_includes_action",
    "fix_actions",
    "fix_all_action",
    "remove_redundant_action",
    "replace_pasted_action",
    "sort_rules_action",
    "workspace_policy",
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
    """Non-overlapping edits of one document, by its path.

    `source` is the text the edits apply to when the action read it (so the front end can
    convert offsets without reading the file again); `create` says the file is new and
    its one edit is its whole text.
    """

    path: str
    edits: tuple[Edit, ...]
    source: bytes | None = None
    create: bool = False


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


# Section - rules from log records.


def _line_edits(old: bytes, new: bytes) -> list[Edit]:
    """Return line-wise edits turning `old` into `new`."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return [
        Edit(starts[i1], starts[i2], b"".join(new_lines[j1:j2]).decode("utf-8", "surrogateescape"))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _absorb(edits: list[Edit], removed: tuple[int, int]) -> list[Edit]:
    """Return `edits` plus the removal of the bytes `removed`, an insertion that falls inside
    them becoming the removal's new text, so that no two edits overlap."""
    start, end = removed
    inside = [edit for edit in edits if start <= edit.start and edit.end <= end]
    kept = [edit for edit in edits if edit not in inside]
    text = "".join(edit.new_text for edit in sorted(inside, key=lambda edit: edit.start))
    return sorted([*kept, Edit(start, end, text)], key=lambda edit: (edit.start, edit.end))


def workspace_policy(
    path: str, source: bytes, config: ResolveConfig, indexed: Iterable[Resolution], cache: IncludeCache | None = None
) -> tuple[LoadedPolicy, ResolveConfig]:
    """Return the policy of the workspace with the document `path` as `source` (its pasted
    log lines blanked), and the configuration that reads that text for `path`.

    `indexed` are the resolutions the workspace already has (its index); the document's
    own replaces any of them for the same path.
    """
    masked = mask_pasted_logs(source, find_pasted_logs(source))
    config = dataclasses.replace(config, fs=OverlayFileSystem(config.fs, {path: masked}))
    parsed = parse(masked)
    fragment = guess_role(path, parsed.root) is FileRole.FRAGMENT
    own = resolve(path, parsed, lower(parsed), config, cache=cache, fragment=fragment)
    resolutions = [own, *(item for item in indexed if item.main.path != path)]
    return LoadedPolicy(build_policy(resolutions), tuple(resolutions)), config


def _rules_action(
    title: str,
    kind: ActionKind,
    path: str,
    records: tuple[LogRecord, ...],
    loaded: LoadedPolicy,
    config: ResolveConfig,
    removed: tuple[int, int] | None,
) -> CodeAction | None:
    """Return the action adding the rules `records` ask for where the engine places them."""
    policy = prepare_policy(loaded, (), config)
    suggestions = suggest_records(records, policy)
    count = sum(len(item.texts()) for item in suggestions.profiles)
    changes: list[FileEdits] = []
    own: list[Edit] = []
    folder = posixpath.dirname(path)
    for edit in policy_diff(suggestions, policy):
        if edit.old is None:
            target = posixpath.join(folder, edit.path)
            text = edit.new.decode("utf-8", "surrogateescape")
            changes.append(FileEdits(target, (Edit(0, 0, text),), None, True))
        elif edit.path == path:
            own = _line_edits(edit.old, edit.new)
        else:
            changes.append(FileEdits(edit.path, tuple(_line_edits(edit.old, edit.new)), edit.old))
    if removed is not None:
        own = _absorb(own, removed)
    if not count and removed is None:
        return None
    source = policy.source(path)
    if own:
        changes.insert(0, FileEdits(path, tuple(own), source))
    where = sorted({posixpath.basename(change.path) for change in changes if change.path != path})
    rules = f"{count} rule{'s' if count != 1 else ''}"
    suffix = f" (also in {', '.join(where)})" if where else ""
    return CodeAction(title.format(rules=rules) + suffix, kind, tuple(changes), removed is not None)


def replace_pasted_action(path: str, run: PastedLog, loaded: LoadedPolicy, config: ResolveConfig) -> CodeAction | None:
    """Return the action replacing the pasted log lines `run` with the rules they ask for.

    `loaded` and `config` come from `workspace_policy` for the document.  The action is
    preferred: it is what the `pasted-denial` diagnostic asks for.
    """
    if not run.records:
        return None
    return _rules_action("Replace with {rules}", ActionKind.QUICKFIX, path, run.records, loaded, config, (run.start, run.end))


def add_from_log_action(
    path: str,
    records: Iterable[LogRecord],
    loaded: LoadedPolicy,
    config: ResolveConfig,
    title: str = "Add {rules} from the system log",
) -> CodeAction | None:
    """Return the action adding the rules a log asks for, for the profiles of the document
    `path` (records of other profiles are left out), or None when none is needed.

    `title` names the action, with `{rules}` where the count of rules goes ("2 rules").
    """
    own = {
        profile.fqname.split("//")[0]
        for profile in loaded.policy
        if profile.path == path
    }
    wanted = tuple(record for record in records if (record.profile or "").split("//")[0] in own)
    if not wanted:
        return None
    return _rules_action(title, ActionKind.ADD_FROM_LOG, path, wanted, loaded, config, None)
