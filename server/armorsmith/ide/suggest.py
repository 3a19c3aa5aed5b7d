"""Suggesting rules from log records, for front ends: with a policy, as text, JSON or a diff.

`prepare_policy` readies a loaded policy for `armorsmith.logs.suggest`: the abstractions it
may offer (each resolved as a profile that includes it, so `decide` answers whether it
allows a rule), and the tunables each policy file can use (the values of `@{HOME}`,
`@{PROC}`... as that file's includes define them).  `suggest_records` runs the
suggestions; `render_text`, `to_json` and `policy_diff` present them:

- text nests children and hats in their parents (`^hat {`, `profile child {`), puts new
  flags in the header and says in comments why a rule is proposed and what no rule fixes;
- JSON is a list of `{"profile", "file", "rules"}`, rules as canonical text;
- the diff adds the rules to the policy files, each after the last rule of its kind in the
  profile (or after the profile's last rule, or at the top of its body), indented as its
  neighbours, nests new children and hats in their parents, adds flags to the header, and
  writes profiles the policy lacks as new files named as aa-logprof names them.

Everything is pure: documents are read through the `ResolveConfig`'s file system.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from armorsmith.engine import build_policy
from armorsmith.logs.suggest import (
    Abstraction,
    ProfileSuggestion,
    SuggestContext,
    Suggestions,
    suggest,
)
from armorsmith.logs.suggest_tunables import DEFAULT_TUNABLES, Tunables
from armorsmith.model import Include, LogRecord, Profile, Rule, lower
from armorsmith.resolve import IncludeCache, Resolution, ResolveConfig, SetVariable, resolve
from armorsmith.syntax import parse

from .query import LoadedPolicy

__all__ = [
    "FileEdit",
    "SuggestPolicy",
    "new_file_name",
    "policy_diff",
    "prepare_policy",
    "render_text",
    "suggest_records",
    "to_json",
    "unified_diff",
]

TUNABLE_NAMES = ("HOME", "PROC", "sys", "run", "pid", "tid", "uid", "multiarch")
"""The variables suggestions may use (see `armorsmith.logs.suggest_tunables`)."""

_PROBE = "armorsmith-suggest"
"""The name of the profile an abstraction is resolved in."""


@dataclass(frozen=True)
class SuggestPolicy:
    """A loaded policy readied for suggestions: its abstractions and each file's tunables.

    `global_tunables` are what a new profile file gets from `include <tunables/global>`.
    """

    loaded: LoadedPolicy
    abstractions: tuple[Abstraction, ...] = ()
    tunables: Mapping[str, Tunables] = field(default_factory=dict)
    global_tunables: Tunables = DEFAULT_TUNABLES

    def context(self) -> SuggestContext:
        """Return the context `armorsmith.logs.suggest` takes."""

        def tunables_of(path: str | None) -> Tunables:
            if path is None:
                return self.global_tunables
            return self.tunables.get(path, Tunables({}, True))

        return SuggestContext(self.loaded.policy, tunables_of, self.abstractions)

    def source(self, path: str) -> bytes | None:
        """Return the bytes of a policy document, when the policy read it."""
        for resolution in self.loaded.resolutions:
            document = resolution.documents.get(path)
            if document is not None:
                return document.source
        return None


def _tunables_of(resolution: Resolution) -> Tunables:
    values = {}
    for name in TUNABLE_NAMES:
        if not isinstance(resolution.variables.get(name), SetVariable):
            continue
        expanded = resolution.expander.text(f"@{{{name}}}", ())
        if isinstance(expanded, tuple) and expanded:
            values[name] = expanded
    return Tunables(values, True)


def _probe(path: str, preamble: str, body: str, config: ResolveConfig, cache: IncludeCache) -> Resolution:
    source = f"{preamble}profile {_PROBE} {{\n{body}}}\n".encode()
    parsed = parse(source)
    return resolve(path, parsed, lower(parsed), config, cache=cache)


def prepare_policy(
    loaded: LoadedPolicy, abstraction_names: Iterable[str], config: ResolveConfig
) -> SuggestPolicy:
    """Ready `loaded` for suggestions, offering the abstractions named (`abstractions/base`).

    Each abstraction is resolved inside a profile that includes `tunables/global` and it,
    as a profile using it would; abstractions that do not resolve to any rule are left out.
    They are kept smallest first, the order in which equally narrow ones are offered.
    """
    cache = IncludeCache(config.fs)
    base = config.base_dir.rstrip("/")
    globals_ = _probe(f"{base}/<{_PROBE}>", "include <tunables/global>\n", "", config, cache)
    abstractions = []
    for name in abstraction_names:
        resolution = _probe(
            f"{base}/<{_PROBE} {name}>", "include <tunables/global>\n", f"  include <{name}>\n", config, cache
        )
        profile = build_policy([resolution]).get(_PROBE)
        if profile is not None and profile.rules:
            abstractions.append(Abstraction(name, profile))
    abstractions.sort(key=lambda item: (len(item.profile.rules), item.name))
    tunables = {resolution.main.path: _tunables_of(resolution) for resolution in loaded.resolutions}
    return SuggestPolicy(loaded, tuple(abstractions), tunables, _tunables_of(globals_))


def suggest_records(records: Iterable[LogRecord], policy: SuggestPolicy | None = None) -> Suggestions:
    """Return the suggestions for `records`, against `policy` when given."""
    return suggest(records, policy.context() if policy is not None else None)


def to_json(suggestions: Suggestions) -> list[dict[str, object]]:
    """Return the JSON of `armorsmith suggest --format json`: one object per profile."""
    return [
        {"profile": item.profile, "file": item.file, "rules": list(item.texts())}
        for item in suggestions.profiles
        if item.rules
    ]


# Rendering profiles as text.


@dataclass
class _Node:
    """A profile in the tree of suggestions: its suggestion (None for a mere parent)."""

    name: str
    hat: bool
    namespace: str | None
    suggestion: ProfileSuggestion | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def _tree(suggestions: Iterable[ProfileSuggestion]) -> list[_Node]:
    roots: dict[tuple[str | None, str], _Node] = {}
    for item in suggestions:
        target = item.target
        key = (target.namespace, target.components[0])
        node = roots.setdefault(key, _Node(target.components[0], False, target.namespace))
        for name, hat in zip(target.components[1:], target.hats, strict=True):
            node = node.children.setdefault(name, _Node(name, hat, None))
        node.suggestion = item
    return list(roots.values())


def _quoted(name: str) -> str:
    return f'"{name}"' if re.search(r'[\s"#,]', name) or not name else name


def _header(node: _Node, top: bool, flags: Iterable[str]) -> str:
    if not top:
        head = f"^{_quoted(node.name)}" if node.hat else f"profile {_quoted(node.name)}"
    elif node.namespace:
        head = f"profile :{node.namespace}:{_quoted(node.name)}"
    elif node.name.startswith("/"):
        head = _quoted(node.name)
    else:
        head = f"profile {_quoted(node.name)}"
    flags = list(flags)
    return f"{head} flags=({', '.join(flags)}) {{" if flags else f"{head} {{"


def _body_lines(item: ProfileSuggestion | None, comments: bool) -> list[str]:
    if item is None:
        return []
    lines = [f"# {note}" for note in item.notes] if comments else []
    seen: set[str] = set()
    for rule in item.rules:
        if rule.text in seen:
            continue
        seen.add(rule.text)
        if comments:
            if rule.include:
                lines.append(f"# {rule.include} allows `{rule.rule.render()}`")
            if rule.reason:
                lines.append(f"# {rule.reason}")
            if rule.narrower:
                lines.append(f"# narrower: {rule.narrower}")
        lines.append(rule.text)
    return lines


def _block(node: _Node, indent: str, unit: str, top: bool, comments: bool = True) -> list[str]:
    flags = node.suggestion.flags if node.suggestion is not None else ()
    lines = [indent + _header(node, top, flags)]
    lines += [indent + unit + line for line in _body_lines(node.suggestion, comments)]
    for child in node.children.values():
        lines += _block(child, indent + unit, unit, False, comments)
    lines.append(indent + "}")
    return lines


def render_text(suggestions: Suggestions, *, policy: bool = False) -> str:
    """Return the suggestions as profile text, one block per top-level profile.

    With `policy`, each block says which file defines the profile, or that the policy
    lacks it; without, a first comment says where the variables used come from.
    """
    out: list[str] = []
    if not policy and any("@{" in rule.text for item in suggestions.profiles for rule in item.rules):
        out += ["# @{HOME}, @{PROC}... are the variables of tunables/global: the profile's file must include it", ""]
    for root in _tree(suggestions.profiles):
        file = next((item.file for item in _walk(root) if item.file), None)
        if policy:
            out.append(f"# in {file}" if file else "# not in the policy: a new profile")
        out += _block(root, "", "  ", True)
        out.append("")
    for record, why in suggestions.unplaced:
        where = f"{record.file}:{record.line}" if record.file else f"line {record.line}"
        out.append(f"# {where}: {why}")
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def _walk(node: _Node) -> Iterable[ProfileSuggestion]:
    if node.suggestion is not None:
        yield node.suggestion
    for child in node.children.values():
        yield from _walk(child)


# Editing policy files.


@dataclass(frozen=True, slots=True)
class FileEdit:
    """A policy file before and after the suggestions (`old` is None for a new file)."""

    path: str
    old: bytes | None
    new: bytes


@dataclass
class _Edits:
    """Insertions and replacements in one file, applied together."""

    source: bytes
    changes: list[tuple[int, int, int, bytes]] = field(default_factory=list)

    def put(self, start: int, end: int, text: str) -> None:
        self.changes.append((start, end, len(self.changes), text.encode("utf-8", "surrogateescape")))

    def result(self) -> bytes:
        out, position = [], 0
        for start, end, _, text in sorted(self.changes):
            out.append(self.source[position:start])
            out.append(text)
            position = max(position, end)
        out.append(self.source[position:])
        return b"".join(out)


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _line_after(source: bytes, offset: int, limit: int) -> int | None:
    """Return the offset after the newline ending the line of `offset`, if before `limit`."""
    newline = source.find(b"\n", offset, limit)
    return newline + 1 if newline >= 0 else None


def _indent_of(source: bytes, offset: int) -> str:
    start = _line_start(source, offset)
    line = source[start:offset].decode("utf-8", "replace")
    return line[: len(line) - len(line.lstrip(" \t"))]


def _unit(source: bytes) -> str:
    """The file's indentation step: a tab when lines are indented with tabs, else two spaces."""
    return "\t" if re.search(rb"^\t", source, re.MULTILINE) else "  "


def _anchor(profile: Profile, kind: type[Rule] | type[Include]) -> object | None:
    """Return the item of `profile`'s body after which new lines of `kind` go: the last
    line of that kind, else (for rules) the last rule, else None (the top of the body)."""
    items = profile.body.items
    same = [item for item in items if isinstance(item, kind)]
    if same:
        return same[-1]
    rules = [item for item in items if isinstance(item, Rule)]
    return rules[-1] if rules and kind is not Include else None


def _body_indent(source: bytes, profile: Profile) -> str:
    items = profile.body.items
    if items:
        return _indent_of(source, items[0].span.start)
    return _indent_of(source, profile.span.start) + _unit(source)


def _put_lines(edits: _Edits, profile: Profile, anchor: object | None, lines: list[str]) -> None:
    """Insert whole lines after the line of `anchor` (None: at the top of the body)."""
    source = edits.source
    body = profile.body.span
    text = "".join(f"{_body_indent(source, profile)}{line}\n" for line in lines)
    start = anchor.span.end if anchor is not None else body.start  # type: ignore[attr-defined]
    at = _line_after(source, start, body.end - 1)
    if at is None:
        # A body on one line: open it up before its closing brace.
        edits.put(body.end - 1, body.end - 1, "\n" + text + _indent_of(source, profile.span.start))
    else:
        edits.put(at, at, text)


def _insert_block(edits: _Edits, profile: Profile, lines: list[str]) -> None:
    """Insert a child block after the profile's last child, else after its last rule,
    else after its last item."""
    items = profile.body.items
    children = [item for item in items if isinstance(item, Profile)]
    rules = [item for item in items if isinstance(item, Rule)]
    anchor = children[-1] if children else rules[-1] if rules else items[-1] if items else None
    _put_lines(edits, profile, anchor, lines)


def _add_flags(edits: _Edits, profile: Profile, flags: Iterable[str]) -> None:
    flags = list(flags)
    if not flags:
        return
    source = edits.source
    if profile.flags_span is not None:
        written = [source[flag.span.start : flag.span.end].decode("utf-8", "replace") for flag in profile.flags]
        span = profile.flags_span
        edits.put(span.start, span.end, f"flags=({', '.join([*written, *flags])})")
        return
    start = profile.body.span.start
    space = "" if source[start - 1 : start] in (b" ", b"\t") else " "
    edits.put(start, start, f"{space}flags=({', '.join(flags)}) ")


def _edit_node(edits: _Edits, node: _Node, model: Profile, comments: bool) -> None:
    """Add a profile's suggestions, and its new children, to its definition."""
    item = node.suggestion
    unit = _unit(edits.source)
    if item is not None:
        _add_flags(edits, model, item.flags)
        groups: dict[type, list[str]] = {}
        for rule in item.rules:
            kind = Include if rule.include else type(rule.rule)
            lines = groups.setdefault(kind, [])
            comment = []
            if comments and rule.reason:
                comment.append(f"# {rule.reason}")
            for line in (*comment, rule.text):
                if line not in lines:
                    lines.append(line)
        for kind, lines in groups.items():
            _put_lines(edits, model, _anchor(model, kind), lines)
    for child in node.children.values():
        child_model = _child_model(model, child.name)
        if child_model is not None:
            _edit_node(edits, child, child_model, comments)
        else:
            _insert_block(edits, model, _block(child, "", unit, False, comments))


def _child_model(model: Profile, name: str) -> Profile | None:
    for item in model.body.items:
        if isinstance(item, Profile) and item.name is not None and item.name.text == name:
            return item
    return None


def new_file_name(name: str) -> str:
    """Return the file name aa-logprof gives a new profile (`/usr/bin/foo` -> `usr.bin.foo`)."""
    return name.strip("/").replace("/", ".") or "profile"


def policy_diff(suggestions: Suggestions, policy: SuggestPolicy | None, *, comments: bool = False) -> list[FileEdit]:
    """Return each policy file the suggestions change, before and after.

    Profiles the policy defines are edited where they are written; profiles it lacks
    become new files (`new_file_name`, relative to the policy directory) that include
    `tunables/global`.  Profiles in another policy namespace are left out: their policy
    is not this one.
    """
    edits: dict[str, _Edits] = {}
    created: list[FileEdit] = []
    for root in _tree(suggestions.profiles):
        if root.namespace:
            continue
        model_profile = _root_profile(root, policy)
        if model_profile is None:
            lines = ["include <tunables/global>", "", *_block(root, "", "  ", True, comments)]
            created.append(FileEdit(new_file_name(root.name), None, ("\n".join(lines) + "\n").encode()))
            continue
        path, model = model_profile
        source = policy.source(path) if policy is not None else None
        if source is None:
            continue
        file_edits = edits.setdefault(path, _Edits(source))
        _edit_node(file_edits, root, model, comments)
    changed = [FileEdit(path, item.source, item.result()) for path, item in edits.items()]
    return [edit for edit in changed if edit.new != edit.old] + created


def _root_profile(root: _Node, policy: SuggestPolicy | None) -> tuple[str, Profile] | None:
    if policy is None:
        return None
    profile = policy.loaded.policy.get(root.name)
    if profile is None or profile.model is None or profile.path is None:
        return None
    return profile.path, profile.model


def unified_diff(files: Iterable[FileEdit], label: Callable[[str], str]) -> str:
    """Return the edits as one unified diff; `label` names a file in the headers."""
    out = []
    for edit in files:
        old = edit.old.decode("utf-8", "surrogateescape").splitlines(keepends=True) if edit.old is not None else []
        new = edit.new.decode("utf-8", "surrogateescape").splitlines(keepends=True)
        before = f"a/{label(edit.path)}" if edit.old is not None else "/dev/null"
        out += difflib.unified_diff(old, new, before, f"b/{label(edit.path)}")
    return "".join(out)
