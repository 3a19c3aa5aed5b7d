"""Go to definition and declaration, references, rename and document links.

The symbols of AppArmor policy are profiles and variables:

- a profile is defined by its header and used by name in `->` targets (exec transitions,
  `change_profile`, `pivot_root`), in `peer=` labels of signal, ptrace, unix, dbus and
  network rules, and inside itself as `@{profile_name}`; a `Px` or `Cx` rule without `->`
  uses whichever profiles attach to its path, found by the engine's attachment search
  over the workspace policy (`exec_targets`);
- a variable is assigned with `=`, `?=`, `:=` and `+=`, in the document or in the tunables
  it includes (resolution keeps each assignment's origin), and used as `@{name}` (or
  `${name}` for booleans) in values and conditions.

Includes and `abi` go to the file they open.  References search every document of the
workspace index and the document at hand.  Rename edits every use that names the symbol
exactly, and refuses, with the reason, when that would not rename it everywhere: a name
that is also an attachment, a name matched by a pattern, a new name already taken or not
writable as a plain word.

Everything is pure and in byte offsets; locations are (path, span) pairs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from armorsmith.aare import Aare
from armorsmith.diagnostics import Edit
from armorsmith.engine import EngineProfile, Landing, Transition, exec_transition
from armorsmith.model import (
    Abi,
    BooleanAssignment,
    IfBlock,
    Include,
    Item,
    PolicyFile,
    Profile,
    Span,
    Value,
    VariableAssignment,
    VarRef,
    walk_items,
)
from armorsmith.model.expressions import BoolVar, Defined
from armorsmith.model.rules import ChangeProfileRule, PivotRootRule
from armorsmith.model.rules.file import ExecKind, ExecMode, FileRule
from armorsmith.resolve import FileKind, SetVariable, is_skipped_name

from .context import DocumentContext, Location, Project, exec_relevant
from .cursor import Located, items_with_profiles, locate, values_in

__all__ = [
    "BUILTIN_VARIABLES",
    "ExecLanding",
    "ExecTargets",
    "FileEdits",
    "Link",
    "RenameResult",
    "Symbol",
    "declaration",
    "definition",
    "document_links",
    "exec_targets",
    "find_file",
    "references",
    "rename",
    "symbol_at",
]

BUILTIN_VARIABLES = frozenset({"profile_name", "attach_path", "exec_path"})
"""The variables apparmor_parser defines for each profile itself."""

_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.+:-][A-Za-z0-9_.+:@-]*")
_VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


# Section - exec transitions.


@dataclass(frozen=True, slots=True)
class ExecLanding:
    """Where one path of an exec rule leads.

    For a literal path `transition` is the engine's full answer (the rule that really
    decides it included); for a pattern, `candidates` are the profiles that attach to some
    of the paths it matches.
    """

    path: str
    transition: Transition | None
    candidates: tuple[EngineProfile, ...] = ()


@dataclass(frozen=True, slots=True)
class ExecTargets:
    """What an exec rule's transition reaches, in the workspace policy.

    `profile` is the engine profile holding the rule (None for a rule outside a profile,
    in an abstraction); `target` is the `->` name with variables expanded, `named` the
    profiles it names; `landings` hold one entry per path the rule's path expands to.
    """

    rule: FileRule
    mode: ExecMode
    profile: EngineProfile | None
    target: str | None
    named: tuple[EngineProfile, ...]
    landings: tuple[ExecLanding, ...]

    def profiles(self) -> tuple[EngineProfile, ...]:
        """Every profile the rule may land in, once each, in order."""
        found: dict[int, EngineProfile] = {id(p): p for p in self.named}
        for landing in self.landings:
            transition = landing.transition
            if transition is not None and transition.landing is Landing.PROFILE and transition.target is not None:
                if transition.rule is None or transition.rule.rule.span == self.rule.span:
                    found.setdefault(id(transition.target), transition.target)
            for candidate in landing.candidates:
                found.setdefault(id(candidate), candidate)
        return tuple(found.values())


def _literal(path: str) -> bool:
    glob, _ = Aare.parse(path)
    return glob is not None and glob.is_literal


def _attaching(path: str, candidates: Iterator[EngineProfile]) -> tuple[EngineProfile, ...]:
    """Return the profiles among `candidates` with an attachment sharing a path with `path`."""
    glob, _ = Aare.parse(path)
    if glob is None:
        return ()
    found = []
    for profile in candidates:
        for attachment in profile.attachments:
            other, _ = Aare.parse(attachment)
            if other is not None and glob.intersects(other):
                found.append(profile)
                break
    return tuple(found)


def exec_targets(ctx: DocumentContext, project: Project, located: Located, rule: FileRule) -> ExecTargets | None:
    """Return where the exec rule `rule` (found at `located`) transitions, or None without exec."""
    mode = rule.exec
    if mode is None:
        return None
    profile = project.engine_profile(ctx, located.profiles[-1]) if located.profiles else None
    resolved = ctx.resolved(located.profiles[-1]) if located.profiles else None
    target: str | None = None
    named: tuple[EngineProfile, ...] = ()
    if mode.target is not None and rule.exec_target is not None:
        written = rule.exec_target
        expanded = ctx.resolution.expand(written, resolved, collapse=False) if ctx.resolution and written.variables else ()
        target = (expanded[0] if expanded else written.text).lstrip("&")
        named = _named_exec_targets(project, profile, mode, target)
    paths: tuple[str, ...] = (rule.path_text,)
    if rule.path is not None and rule.path.variables and ctx.resolution is not None:
        paths = ctx.resolution.expand(rule.path, resolved) or paths
    landings = []
    if mode.kind in (ExecKind.PROFILE, ExecKind.CHILD, ExecKind.UNCONFINED, ExecKind.INHERIT):
        for path in dict.fromkeys(paths):
            if profile is not None and _literal(path):
                view = ctx.memo(("exec-view", id(profile)), lambda: _exec_view(profile))
                landings.append(ExecLanding(path, exec_transition(project.policy, view, path)))
            elif mode.target is None and mode.kind is ExecKind.PROFILE:
                landings.append(ExecLanding(path, None, _attaching(path, project.policy.top_level())))
            elif mode.target is None and mode.kind is ExecKind.CHILD and profile is not None:
                landings.append(ExecLanding(path, None, _attaching(path, iter(profile.children.values()))))
            else:
                landings.append(ExecLanding(path, None))
    return ExecTargets(rule, mode, profile, target, named, tuple(landings))


def _exec_view(profile: EngineProfile) -> EngineProfile:
    """Return `profile` with only the rules an exec decision reads (`exec_relevant`)."""
    return dataclasses.replace(profile, rules=tuple(ref for ref in profile.rules if exec_relevant(ref.rule)))


def _named_exec_targets(
    project: Project, profile: EngineProfile | None, mode: ExecMode, target: str
) -> tuple[EngineProfile, ...]:
    if mode.kind is ExecKind.CHILD:
        child = profile.children.get(target) if profile is not None else None
        return (child,) if child is not None else ()
    found = project.policy.get(target)
    return (found,) if found is not None else ()


# Section - what the cursor names.


@dataclass(frozen=True, slots=True)
class Symbol:
    """A profile or a variable, as the cursor names it.

    `kind` is "profile" (`name` is the fully qualified name), "variable" (`name` without
    `@{}`) or "boolean" (`name` without `${}`); `span` is the written name under the cursor.
    """

    kind: str
    name: str
    span: Span


def _profile_fqname(profiles: tuple[Profile, ...]) -> str | None:
    names = [profile.name.text for profile in profiles if profile.name is not None]
    if len(names) != len(profiles) or any(profile.name.variables for profile in profiles if profile.name):
        return None
    return "//".join(names)


def _bool_name(text: str) -> str:
    return text[2:-1] if text.startswith("${") else text[1:]


def _var_name(text: str) -> str:
    return text[2:-1] if text.startswith("@{") else text[1:]


def _label_name(value: Value) -> tuple[str, Span]:
    """Return a label as written without a leading `&` (a stacked label), and its span."""
    text, span = value.text, value.span
    if value.quoted:
        span = Span(span.start + 1, max(span.start + 1, span.end - 1))
    if text.startswith("&"):
        return text[1:], Span(span.start + 1, span.end)
    return text, span


def symbol_at(ctx: DocumentContext, located: Located) -> Symbol | None:
    """Return the profile or variable the cursor is on, if any."""
    part, item = located.part, located.item
    if isinstance(part, VarRef):
        if part.name == "profile_name" and located.profiles:
            name = _profile_fqname(located.profiles)
            return Symbol("profile", name, part.span) if name is not None else None
        return Symbol("variable", part.name, part.span)
    if isinstance(item, VariableAssignment) and item.name_span.contains(located.offset):
        return Symbol("variable", item.name, item.name_span)
    if isinstance(item, BooleanAssignment) and item.name_span.contains(located.offset):
        return Symbol("boolean", item.name, item.name_span)
    if isinstance(part, BoolVar):
        return Symbol("boolean", part.name, part.span)
    if isinstance(part, Defined):
        kind = "boolean" if part.name.startswith("$") else "variable"
        name = _bool_name(part.name) if kind == "boolean" else _var_name(part.name)
        return Symbol(kind, name, part.span)
    if isinstance(item, Profile) and item.name is not None and part is item.name:
        name = _profile_fqname(located.profiles)
        return Symbol("profile", name, item.name.span) if name is not None else None
    if isinstance(part, Value):
        for use in _profile_uses_in(item, located.profiles):
            if use.value is part:
                return Symbol("profile", use.name, use.span)
    return None


# Section - profile uses.


@dataclass(frozen=True, slots=True)
class _ProfileUse:
    """A place naming a profile: `span` is the name to rename (without `&` or quotes)."""

    name: str
    span: Span
    value: Value | None
    pattern: bool
    renamable: bool = True


def _peer_values(rule: object) -> Iterator[Value]:
    for conditional in getattr(rule, "conditionals", ()):
        if conditional.name.text == "peer":
            yield from conditional.values
    for group in getattr(rule, "groups", ()):
        if group.name.text == "peer":
            for conditional in group.items:
                if conditional.name.text == "label":
                    yield from conditional.values


def _use(value: Value, name: str, span: Span) -> _ProfileUse:
    glob, _ = Aare.parse(name, collapse_slashes=False)
    pattern = glob is None or not glob.is_literal
    return _ProfileUse(name, span, value, pattern, renamable=not value.variables)


def _profile_uses_in(item: object, profiles: tuple[Profile, ...]) -> Iterator[_ProfileUse]:
    """Yield the profile names a rule uses; `profiles` are those holding it, outermost first."""
    if isinstance(item, FileRule) and item.exec is not None and item.exec_target is not None:
        name, span = _label_name(item.exec_target)
        if item.exec.kind is ExecKind.CHILD:
            parent = _profile_fqname(profiles)
            if parent is None:
                return
            name = f"{parent}//{name}"
        yield _use(item.exec_target, name, span)
    elif isinstance(item, (ChangeProfileRule, PivotRootRule)) and item.target is not None:
        name, span = _label_name(item.target)
        yield _use(item.target, name, span)
    for value in _peer_values(item):
        name, span = _label_name(value)
        yield _use(value, name, span)


def _all_profile_uses(file: PolicyFile) -> Iterator[tuple[_ProfileUse, str]]:
    """Yield every use and definition of a profile name in a document, with its kind.

    Kinds: "definition" (a header), "use" (a label or target), "self" (`@{profile_name}`).
    """
    for item, profiles in items_with_profiles(file.items, ()):
        if isinstance(item, Profile):
            name = _profile_fqname(profiles)
            if name is not None and item.name is not None:
                written = item.name
                span = Span(written.span.start + 1, written.span.end - 1) if written.quoted else written.span
                yield _ProfileUse(name, span, written, False, renamable=not written.text.startswith("/")), "definition"
            continue
        for use in _profile_uses_in(item, profiles):
            yield use, "use"
        if profiles:
            name = _profile_fqname(profiles)
            if name is None:
                continue
            for value in values_in(item):
                for ref in value.variables:
                    if ref.name == "profile_name":
                        yield _ProfileUse(name, ref.span, None, False, renamable=False), "self"


# Section - variable uses.


def _variable_uses(file: PolicyFile, source: bytes, kind: str, name: str) -> Iterator[tuple[Span, str]]:
    """Yield (span of the name inside its sigil, "definition" | "append" | "use") for a variable."""
    for item in walk_items(file.items):
        if kind == "variable" and isinstance(item, VariableAssignment) and item.name == name:
            role = "append" if item.operator.text == "+=" else "definition"
            yield _inner(item.name_span, source), role
        elif kind == "boolean" and isinstance(item, BooleanAssignment) and item.name == name:
            yield _inner(item.name_span, source), "definition"
        if kind == "variable":
            for value in values_in(item):
                for ref in value.variables:
                    if ref.name == name:
                        yield _inner(ref.span, source), "use"
        for expr in _expressions(item):
            if isinstance(expr, Defined) and expr.name.startswith("@" if kind == "variable" else "$"):
                written = _var_name(expr.name) if kind == "variable" else _bool_name(expr.name)
                if written == name:
                    start = source.find(expr.name.encode(), expr.span.start, expr.span.end)
                    if start >= 0:
                        yield _inner(Span(start, start + len(expr.name.encode())), source), "use"
            elif kind == "boolean" and isinstance(expr, BoolVar) and expr.name == name:
                yield _inner(expr.span, source), "use"


def _expressions(item: object) -> Iterator[object]:
    """Yield the expression nodes of an `if` condition or a boolean assignment."""
    root: object | None = None
    if isinstance(item, IfBlock):
        root = item.condition
    elif isinstance(item, BooleanAssignment):
        root = item.value
    stack = [root] if root is not None else []
    while stack:
        expr = stack.pop()
        yield expr
        for attribute in ("operand", "left", "right"):
            inner = getattr(expr, attribute, None)
            if inner is not None and not isinstance(inner, Value):
                stack.append(inner)


def _inner(span: Span, source: bytes) -> Span:
    """Return the name inside `@{name}`, `${name}`, `@name` or `$name`."""
    text = source[span.start : span.end]
    if text[1:2] == b"{" and text.endswith(b"}"):
        return Span(span.start + 2, span.end - 1)
    return Span(span.start + 1, span.end)


# Section - documents to search.


def _documents(ctx: DocumentContext, project: Project) -> Iterator[tuple[str, PolicyFile, bytes]]:
    """Yield every document to search: the one at hand, then the workspace's others."""
    yield ctx.path, ctx.file, ctx.source
    seen = {ctx.path}
    for path, document in project.documents.items():
        if path not in seen:
            seen.add(path)
            yield path, document.file, document.source
    if ctx.resolution is not None:
        for path, document in ctx.resolution.documents.items():
            if path not in seen:
                seen.add(path)
                yield path, document.file, document.source


# Section - definition and declaration.


def find_file(project: Project, target: str, magic: bool) -> str | None:
    """Return the path `include`/`abi` `target` opens: the first search directory holding
    it for `<target>`, the base directory otherwise; None when it does not exist."""
    target = target.strip()
    if not target or project.cache is None:
        return None
    if magic:
        candidates = [directory.rstrip("/") + "/" + target for directory in project.search_dirs]
    else:
        candidates = [target if target.startswith("/") else project.base_dir.rstrip("/") + "/" + target]
    for candidate in candidates:
        if project.cache.kind(candidate) is not FileKind.MISSING:
            return candidate
    return None


def _include_targets(ctx: DocumentContext, project: Project, item: Include) -> tuple[str, ...]:
    """Return the files an include reads: its file, or each file of its directory."""
    found: tuple[str, ...] = ()
    if ctx.resolution is not None:
        found = tuple(dict.fromkeys(site.target for site in ctx.resolution.includes if site.include is item))
    if not found:
        path = find_file(project, item.target, item.magic)
        found = (path,) if path is not None else ()
    files: list[str] = []
    for path in found:
        if project.cache is not None and project.cache.kind(path) is FileKind.DIRECTORY:
            names = project.cache.list_dir(path) or ()
            files += (
                f"{path}/{name}"
                for name in names
                if not is_skipped_name(name) and project.cache.kind(f"{path}/{name}") is FileKind.FILE
            )
        else:
            files.append(path)
    return tuple(files)


def _profile_location(profile: EngineProfile) -> Location | None:
    if profile.model is None or profile.path is None:
        return None
    name = profile.model.name
    return Location(profile.path, name.span if name is not None else profile.model.span)


def _variable_definitions(ctx: DocumentContext, symbol: Symbol, *, first_only: bool) -> tuple[Location, ...]:
    if ctx.resolution is not None:
        variable = ctx.resolution.variables.get(symbol.name)
        if variable is not None:
            found = [Location(variable.declared.document, variable.declared.span)]
            if isinstance(variable, SetVariable) and not first_only:
                found += (Location(origin.document, origin.span) for origin in variable.appended)
            return tuple(found)
    found = [
        Location(ctx.path, item.name_span)
        for item in walk_items(ctx.file.items)
        if isinstance(item, (VariableAssignment, BooleanAssignment))
        and item.name == symbol.name
        and (symbol.kind == "variable") == isinstance(item, VariableAssignment)
    ]
    return tuple(found[:1] if first_only else found)


def _headers(items: tuple[Item, ...], chain: tuple[Profile, ...]) -> Iterator[tuple[Profile, tuple[Profile, ...]]]:
    """Yield every profile of `items` with the profiles holding it (itself last)."""
    for item, profiles in items_with_profiles(items, chain):
        if isinstance(item, Profile):
            yield item, profiles


def _profile_definitions(project: Project, ctx: DocumentContext, name: str) -> tuple[Location, ...]:
    found = project.policy.get(name)
    if found is not None:
        location = _profile_location(found)
        if location is not None and location.path != ctx.path:
            return (location,)
    # The document at hand is newer than the workspace policy: read its own headers.
    own = [
        Location(ctx.path, profile.name.span)
        for profile, profiles in _headers(ctx.file.items, ())
        if profile.name is not None and _profile_fqname(profiles) == name
    ]
    if own:
        return tuple(own)
    location = _profile_location(found) if found is not None else None
    return (location,) if location is not None else ()


def definition(ctx: DocumentContext, project: Project, offset: int, *, first_only: bool = False) -> tuple[Location, ...]:
    """Return where the thing at `offset` is defined (every assignment, for a variable).

    With `first_only` (go to declaration), a variable goes to its first assignment only.
    """
    located = locate(ctx.file, offset)
    item = located.item
    if isinstance(item, Include) and Span(item.target_span.start, item.target_span.end).contains(offset):
        return tuple(Location(path, Span(0, 0)) for path in _include_targets(ctx, project, item))
    if isinstance(item, Abi) and item.target_span.contains(offset):
        path = find_file(project, item.target, item.magic)
        return (Location(path, Span(0, 0)),) if path is not None else ()
    if isinstance(item, FileRule) and item.exec is not None:
        token = located.part
        on_mode = token is not None and (token is item.path or any(token is word for word in item.tokens))
        if on_mode and item.exec_target is None and item.exec.kind in (ExecKind.PROFILE, ExecKind.CHILD):
            targets = exec_targets(ctx, project, located, item)
            if targets is not None:
                return tuple(
                    location for location in map(_profile_location, targets.profiles()) if location is not None
                )
    symbol = symbol_at(ctx, located)
    if symbol is None:
        return ()
    if symbol.kind == "profile":
        if isinstance(located.part, VarRef) and located.profiles:
            header = located.profiles[-1].name
            return (Location(ctx.path, header.span),) if header is not None else ()
        return _profile_definitions(project, ctx, symbol.name)
    if symbol.kind == "variable" and symbol.name in BUILTIN_VARIABLES:
        profile = located.profiles[-1] if located.profiles else None
        if profile is None:
            return ()
        written = profile.attachment if symbol.name != "profile_name" and profile.attachment else profile.name
        return (Location(ctx.path, written.span),) if written is not None else ()
    return _variable_definitions(ctx, symbol, first_only=first_only)


def declaration(ctx: DocumentContext, project: Project, offset: int) -> tuple[Location, ...]:
    """Return where the thing at `offset` is declared: a variable's first assignment."""
    return definition(ctx, project, offset, first_only=True)


# Section - references.


def _references_of(
    ctx: DocumentContext, project: Project, symbol: Symbol, *, nested: bool = False
) -> Iterator[tuple[Location, str, _ProfileUse | None]]:
    """Yield every place naming `symbol`; with `nested`, also the names of its children
    and hats written in full (`parent//child`), which a rename of the parent changes."""
    for path, file, source in _documents(ctx, project):
        if symbol.kind == "profile":
            for use, role in _all_profile_uses(file):
                if use.name == symbol.name or nested and use.name.startswith(symbol.name + "//"):
                    yield Location(path, use.span), role, use
        else:
            for span, role in _variable_uses(file, source, symbol.kind, symbol.name):
                yield Location(path, span), role, None


def references(
    ctx: DocumentContext, project: Project, offset: int, *, include_declaration: bool = True
) -> tuple[Location, ...]:
    """Return every place naming the profile or variable at `offset`, across the workspace."""
    symbol = symbol_at(ctx, locate(ctx.file, offset))
    if symbol is None:
        return ()
    found = [
        location
        for location, role, _ in _references_of(ctx, project, symbol)
        if include_declaration or role not in ("definition",)
    ]
    return tuple(dict.fromkeys(found))


# Section - rename.


@dataclass(frozen=True, slots=True)
class FileEdits:
    """The edits of one document, and its text they apply to."""

    path: str
    source: bytes
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class RenameResult:
    """Either the edits of a rename, or why it was refused (`error`)."""

    files: tuple[FileEdits, ...] = ()
    error: str | None = None
    span: Span | None = None
    """The name under the cursor, for `prepareRename`."""
    placeholder: str | None = None


def _refuse(message: str) -> RenameResult:
    return RenameResult(error=message)


def prepare_rename(ctx: DocumentContext, project: Project, offset: int) -> RenameResult:
    """Return the range and current text of the name at `offset`, or why it cannot be renamed."""
    symbol = symbol_at(ctx, locate(ctx.file, offset))
    if symbol is None:
        return _refuse("Only profile names and variables can be renamed.")
    problem = _rename_problem(ctx, project, symbol, None)
    if problem is not None:
        return _refuse(problem)
    span = _inner(symbol.span, ctx.source) if symbol.kind != "profile" else symbol.span
    if symbol.kind == "profile":
        text = ctx.text(span)
        if text.startswith('"') and text.endswith('"') and len(text) > 1:
            span = Span(span.start + 1, span.end - 1)
        elif text.startswith("&"):
            span = Span(span.start + 1, span.end)
    return RenameResult(span=span, placeholder=ctx.text(span))


def _rename_problem(ctx: DocumentContext, project: Project, symbol: Symbol, new_name: str | None) -> str | None:
    """Return why `symbol` cannot be renamed (to `new_name`, when given), or None."""
    if symbol.kind == "profile":
        return _profile_rename_problem(ctx, project, symbol, new_name)
    if symbol.name in BUILTIN_VARIABLES:
        return f"@{{{symbol.name}}} is defined by apparmor_parser for every profile and cannot be renamed."
    if new_name is None:
        return None
    if not _VARIABLE_NAME.fullmatch(new_name):
        return f"'{new_name}' is not a variable name: use ASCII letters, digits and '_', starting with a letter."
    if new_name in BUILTIN_VARIABLES:
        return f"@{{{new_name}}} is defined by apparmor_parser itself."
    if ctx.resolution is not None and new_name in ctx.resolution.variables and new_name != symbol.name:
        existing = ctx.resolution.variables[new_name]
        where = project.where(Location(existing.declared.document, existing.declared.span), ctx)
        return f"A variable named '{new_name}' already exists ({where})."
    return None


def _profile_rename_problem(ctx: DocumentContext, project: Project, symbol: Symbol, new_name: str | None) -> str | None:
    leaf = symbol.name.rsplit("//", 1)[-1]
    if leaf.startswith("/"):
        return (
            f"The profile '{symbol.name}' is named by a path, which is also its attachment: renaming it "
            "would change which programs it confines. Give it a name and an attachment "
            f"(`profile NAME {leaf} {{`) first."
        )
    uses = list(_references_of(ctx, project, symbol))
    for location, _, use in uses:
        if use is not None and not use.renamable and use.value is not None:
            return f"The name is built from variables at {project.where(location, ctx)}; rename it by hand."
    for path, file, _ in _documents(ctx, project):
        for use, _ in _all_profile_uses(file):
            if use.pattern and use.name != symbol.name and _pattern_names(use.name, symbol.name):
                where = project.where(Location(path, use.span), ctx)
                return (
                    f"The pattern '{use.name}' at {where} matches '{symbol.name}': renaming would "
                    "silently change what it matches. Edit the pattern first."
                )
    if new_name is None:
        return None
    if not _PLAIN_NAME.fullmatch(new_name) or "//" in new_name:
        return f"'{new_name}' is not a plain profile name: use letters, digits and '_.+-:@', without blanks, quotes, globs or '//'."
    parent = symbol.name[: -len(leaf)]
    full = parent + new_name
    if full != symbol.name and project.policy.get(full) is not None:
        return f"A profile named '{full}' already exists."
    return None


def _pattern_names(pattern: str, name: str) -> bool:
    glob, _ = Aare.parse(pattern, collapse_slashes=False)
    return glob is not None and glob.matches(name)


def _renamed_segment(name: str, use: _ProfileUse, source: bytes) -> Span | None:
    """Return the bytes of `use` that spell the last part of the profile `name`.

    A use may write a hierarchical name in full (`parent//child`) or relative to the
    profile it is in (`Cx -> child`); the renamed part is found from the end of what is
    written, and is absent when the use writes only names below it.
    """
    written = source[use.span.start : use.span.end]
    full = use.name.encode("utf-8", "surrogateescape")
    leaf = name.rsplit("//", 1)[-1].encode("utf-8", "surrogateescape")
    start_in_full = len(name.encode("utf-8", "surrogateescape")) - len(leaf)
    start = start_in_full - (len(full) - len(written))
    if start < 0 or written[start : start + len(leaf)] != leaf:
        return None
    return Span(use.span.start + start, use.span.start + start + len(leaf))


def rename(ctx: DocumentContext, project: Project, offset: int, new_name: str) -> RenameResult:
    """Rename the profile or variable at `offset` to `new_name` everywhere in the workspace."""
    symbol = symbol_at(ctx, locate(ctx.file, offset))
    if symbol is None:
        return _refuse("Only profile names and variables can be renamed.")
    new_name = new_name.strip()
    if symbol.kind != "profile":
        new_name = _var_name(new_name) if new_name.startswith("@") else new_name
        new_name = _bool_name(new_name) if new_name.startswith("$") else new_name
    problem = _rename_problem(ctx, project, symbol, new_name)
    if problem is not None:
        return _refuse(problem)
    by_path: dict[str, list[Edit]] = {}
    sources: dict[str, bytes] = {path: source for path, _, source in _documents(ctx, project)}
    for location, role, use in _references_of(ctx, project, symbol, nested=True):
        if role == "self":
            continue
        span = location.span
        if use is not None:
            span = _renamed_segment(symbol.name, use, sources[location.path])
            if span is None:
                continue
        by_path.setdefault(location.path, []).append(Edit(span.start, span.end, new_name))
    outside = sorted(path for path in by_path if path != ctx.path and not project.in_roots(path))
    if outside:
        more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
        return _refuse(
            f"Renaming would edit {outside[0]}{more}, outside the workspace folders; "
            "open that directory as a workspace folder to rename there too."
        )
    files = tuple(
        FileEdits(path, sources[path], tuple(sorted(set(edits), key=lambda edit: edit.start)))
        for path, edits in by_path.items()
    )
    return RenameResult(files=files)


# Section - document links.


@dataclass(frozen=True, slots=True)
class Link:
    """A link from `span` (an include or abi target) to the file `target`."""

    span: Span
    target: str
    tooltip: str


def _unquoted(ctx: DocumentContext, span: Span) -> Span:
    """Return `span` without the `<>` or `""` around an include or abi target."""
    text = ctx.source[span.start : span.end]
    if len(text) >= 2 and text[:1] + text[-1:] in (b"<>", b'""'):
        return Span(span.start + 1, span.end - 1)
    return span


def document_links(ctx: DocumentContext, project: Project) -> tuple[Link, ...]:
    """Return a link for every include and abi of the document whose file exists."""
    found: list[Link] = []
    for item in walk_items(ctx.file.items):
        if isinstance(item, Include):
            # A directory include of several files has no single file to link to.
            targets = _include_targets(ctx, project, item)
            if len(targets) == 1:
                found.append(Link(_unquoted(ctx, item.target_span), targets[0], f"Open {targets[0]}"))
        elif isinstance(item, Abi):
            path = find_file(project, item.target, item.magic)
            if path is not None:
                found.append(Link(_unquoted(ctx, item.target_span), path, f"Open {path}"))
    return tuple(found)
