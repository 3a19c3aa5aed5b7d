"""Resolving one document: includes spliced, conditionals decided, variables and aliases read.

`resolve(path, parsed, lowered, config)` walks the main document as apparmor_parser reads
it and returns a `Resolution`:

- `profiles`: every profile, with its child profiles and hats, and its effective rules:
  its own, the file-like rules of qualifier blocks (their qualifiers combined into each
  rule; upstream drops every other rule and profile in a block), those of the taken branch
  of each `if`, and those of included files where they are included; each rule keeps its
  `Origin` (document, range, include chain);
- `variables`: the variable table with provenance, and `expand(value, profile)`, every
  concrete string a value stands for in a profile (None of the strings when it fails);
- `aliases`, `documents` (every file read), and the diagnostics.

How upstream reads includes (parser_lex.l, parser_include.c), and so how this does:

- `include <x>` tries `DIR/x` for each search directory in order; `include "x"` and
  `include x` open `x` relative to the base directory (the parser's working directory);
- each profile body has its own set of files already included (upstream's include cache,
  keyed by the path as spelled): a second include of one of them in the same body is
  skipped silently, so a file including itself is no error; the file level has one set;
- a directory includes its regular files but the skipped names, in reverse name order
  (upstream pushes them all on the lexer's stack, so the last is read first);
- includes inside an `if` branch that is not taken are still read (the lexer splices them
  before the condition is evaluated), and so count for the skipping above;
- included text is spliced where it stands: in a profile body it must be body content,
  at file level it must be preamble or profiles (`include-content-misplaced`).

Which document a diagnostic belongs to: `diagnostics` are for the main document only.
A problem inside an included file (its syntax errors, an undefined variable in one of its
rules, a missing nested include) is kept in `problems` under that file's path and shown in
the main document once, as an `include-has-errors` summary on the include that led there,
with the problems as related locations.

When an include could not be read (or the search path is empty), variables it might have
defined are unknown: undefined variables and unset booleans are then not reported, and
conditions on them are left undecided (both branches dropped).  A main document that is a
fragment (an abstraction, a tunable) is resolved the same way, since the variables come
from whatever includes it.
"""

from __future__ import annotations

import dataclasses
import enum
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from armorsmith.diagnostics import Code, Diagnostic, Related, Severity
from armorsmith.model import (
    Abi,
    AliasRule,
    Block,
    BooleanAssignment,
    Expr,
    IfBlock,
    Include,
    Item,
    Lowered,
    Profile,
    QualifierBlock,
    Qualifiers,
    Rule,
    Span,
    Value,
    VariableAssignment,
    values_in,
)
from armorsmith.syntax import Parse

from .conditions import evaluate
from .documents import Document, IncludeCache
from .filesystem import FileKind, FileSystem
from .names import is_skipped_name
from .provenance import IncludeSite, Origin
from .variables import (
    BooleanVariable,
    Builtins,
    ExpansionError,
    Expander,
    SetValue,
    SetVariable,
    Variable,
    collapse_slashes,
    escape_name,
)

__all__ = ["Alias", "PlacedRule", "Resolution", "ResolveConfig", "ResolvedProfile", "resolve"]

MAX_RELATED = 20
"""How many related locations an include summary lists."""


@dataclass(frozen=True, slots=True)
class ResolveConfig:
    """Where includes are found and how far expansion may go.

    `search_dirs` are tried in order for `include <x>` (upstream: each `-I`, then the base
    directory, by default /etc/apparmor.d); `base_dir` is the directory `include "x"` and
    `include x` are relative to (upstream: the working directory of apparmor_parser).
    """

    search_dirs: tuple[str, ...]
    base_dir: str
    fs: FileSystem
    max_alternatives: int = 100_000


@dataclass(frozen=True, slots=True)
class PlacedRule:
    """A rule as it applies in a profile: qualifiers of enclosing blocks combined in."""

    rule: Rule
    origin: Origin


@dataclass(frozen=True, slots=True)
class ResolvedProfile:
    """A profile, child profile or hat after resolution.

    `name` is upstream's hierarchical name (`parent//child`) with variables expanded;
    `builtins` holds `profile_name`, and `attach_path` and `exec_path` when the profile
    has an attachment or a path for a name.
    """

    profile: Profile
    origin: Origin
    name: str
    rules: tuple[PlacedRule, ...]
    children: tuple[ResolvedProfile, ...]
    builtins: Builtins

    def walk(self) -> Iterator[ResolvedProfile]:
        """Yield this profile and every profile nested in it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Alias:
    """`alias SOURCE -> TARGET,`: file rules under SOURCE also apply under TARGET."""

    source: str
    target: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class Resolution:
    """The main document with everything it includes resolved; see the module docstring."""

    main: Document
    documents: Mapping[str, Document]
    profiles: tuple[ResolvedProfile, ...]
    loose_rules: tuple[PlacedRule, ...]
    variables: Mapping[str, Variable]
    aliases: tuple[Alias, ...]
    diagnostics: tuple[Diagnostic, ...]
    problems: Mapping[str, tuple[Diagnostic, ...]]
    complete: bool
    expander: Expander = field(repr=False, compare=False)
    includes: tuple[IncludeSite, ...] = ()
    """Every include that named an existing file or directory, in any document read:
    where it is written and the path it opened (a directory for a directory include)."""

    def walk_profiles(self) -> Iterator[ResolvedProfile]:
        """Yield every profile, child profile and hat, depth first."""
        for profile in self.profiles:
            yield from profile.walk()

    def expand(
        self, value: Value, profile: ResolvedProfile | None = None, *, collapse: bool = True
    ) -> tuple[str, ...]:
        """Return the concrete strings `value` stands for inside `profile`.

        Variables are replaced by each of their values (the cross product when there are
        several); with `collapse`, `//` is then folded as upstream does for paths (keep a
        leading `//`; pass False for names).  Globs and `{a,b}` in the text are kept.
        An expansion that failed (reported as a diagnostic) gives ().
        """
        result = self.expander.text(value.text, profile.builtins if profile else (), collapse=collapse)
        return () if isinstance(result, ExpansionError) else result


class _Context(enum.Enum):
    """Where included text lands, which decides what it may contain."""

    PREAMBLE = "preamble"
    BODY = "body"
    FRAGMENT = "fragment"
    """The file level of a main document that is a fragment: anything goes."""


@dataclass
class _Pending:
    """A profile while its body is walked."""

    profile: Profile
    origin: Origin
    rules: list[PlacedRule] = field(default_factory=list)
    children: list[_Pending] = field(default_factory=list)


@dataclass
class _Block:
    """The state of the body being walked: shared lists, and this block's own settings."""

    included: set[str]
    rules: list[PlacedRule]
    children: list[_Pending]
    live: bool = True
    qualifiers: Qualifiers | None = None


@dataclass(frozen=True, slots=True)
class _Located:
    """Where an include target was found: upstream's cache key, the path, its kind.

    `skipped` says the key was already included in this block, so upstream skips it.
    """

    key: str
    path: str
    kind: FileKind
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class _Nested:
    """A problem inside an included document, to be summarized at its main include site."""

    site: IncludeSite
    document: Document
    diagnostic: Diagnostic
    misplaced: bool


def _inside(context: _Context) -> _Context:
    """Return the context of the items of a block standing in `context`."""
    return _Context.BODY if context is _Context.PREAMBLE else context


KEPT_IN_BLOCKS = frozenset({"file", "link", "change_profile"})
"""The rule kinds apparmor_parser keeps inside qualifier blocks (its file entries): it drops
every other rule, hat and child profile a block holds (parser_yacc.y `rules opt_prefix block`)."""

_MISPLACED_IN_BODY = {
    VariableAssignment: "a variable assignment, which is only allowed at file level before the first profile",
    BooleanAssignment: "a boolean assignment, which is only allowed at file level before the first profile",
    AliasRule: "an alias rule, which is only allowed at file level before the first profile",
}


@dataclass(frozen=True, slots=True)
class _At:
    """Where the walk stands.

    The document being read, the includes that led to it, the context its items land in,
    and the block that receives them.
    """

    document: Document
    via: tuple[IncludeSite, ...]
    context: _Context
    block: _Block

    def origin(self, span: Span) -> Origin:
        """Return the origin of `span` in the current document."""
        return Origin(self.document.path, span, self.via)

    def text(self, span: Span) -> str:
        """Return the source text of `span` in the current document."""
        return self.document.source[span.start : span.end].decode("utf-8", "surrogateescape")


class _Walker:
    """One resolution in progress."""

    def __init__(self, main: Document, config: ResolveConfig, cache: IncludeCache, fragment: bool) -> None:
        self.main = main
        self.config = config
        self.cache = cache
        self.fragment = fragment
        self.complete = not fragment
        self.table: dict[str, Variable] = {}
        self.expander = Expander(self.table, config.max_alternatives)
        self.documents: dict[str, Document] = {main.path: main}
        self.visited: set[str] = set()
        self.active: list[tuple[str, int, Origin]] = []
        self.own: list[Diagnostic] = []
        self.nested: list[_Nested] = []
        self.problems: dict[str, list[Diagnostic]] = {}
        self.aliases: list[Alias] = []
        self.profiles: list[_Pending] = []
        self.loose: list[PlacedRule] = []
        self.seen_profile = False
        self.sites: list[IncludeSite] = []

    # Reporting.

    def report(
        self,
        document: Document,
        via: tuple[IncludeSite, ...],
        diagnostic: Diagnostic,
        *,
        misplaced: bool = False,
    ) -> None:
        self.problems.setdefault(document.path, []).append(diagnostic)
        if via:
            self.nested.append(_Nested(via[0], document, diagnostic, misplaced))
        else:
            self.own.append(diagnostic)

    def diagnose(
        self,
        document: Document,
        via: tuple[IncludeSite, ...],
        code: Code,
        message: str,
        span: Span,
        related: tuple[Related, ...] = (),
    ) -> None:
        self.report(document, via, Diagnostic.of(code, message, span.start, span.end, related=related))

    def misplaced(self, at: _At, what: str, span: Span) -> None:
        """Report included text that cannot stand where it is spliced.

        The main document's own misplaced items are syntax and structure errors already.
        """
        if at.via:
            diagnostic = Diagnostic.of(Code.INCLUDE_CONTENT_MISPLACED, what, span.start, span.end)
            self.report(at.document, at.via, diagnostic, misplaced=True)

    # Walking.

    def walk_main(self) -> None:
        block = _Block(set(), self.loose, self.profiles)
        context = _Context.FRAGMENT if self.fragment else _Context.PREAMBLE
        identity = self.cache.canonical(self._absolute(self.main.path))
        self.active.append((identity, id(block.included), Origin(self.main.path, self.main.file.span)))
        self.items(self.main.file.items, _At(self.main, (), context, block))
        self.active.pop()

    def items(self, items: tuple[Item, ...], at: _At) -> None:
        for item in items:
            self.item(item, at)

    def item(self, item: Item, at: _At) -> None:
        if isinstance(item, Include):
            self.include(item, at)
        elif isinstance(item, Abi):
            # The abi file itself is not read: which ones exist depends on the installed AppArmor.
            if at.context is _Context.PREAMBLE and self.seen_profile:
                self.misplaced(at, "an abi rule after a profile, where only profiles may follow", item.span)
        elif isinstance(item, (VariableAssignment, BooleanAssignment, AliasRule)):
            self.preamble_item(item, at)
        elif isinstance(item, Profile):
            self.profile(item, at)
        elif isinstance(item, QualifierBlock):
            if at.context is _Context.PREAMBLE:
                self.misplaced(at, "a block of rules, which is only allowed inside a profile", item.span)
            combined = item.qualifiers
            if at.block.qualifiers is not None:
                combined = combined.combined_with(at.block.qualifiers)
            block = dataclasses.replace(at.block, qualifiers=combined)
            self.items(item.body.items, dataclasses.replace(at, context=_inside(at.context), block=block))
        elif isinstance(item, IfBlock):
            if at.context is _Context.PREAMBLE:
                self.misplaced(at, "an 'if' block, which is only allowed inside a profile", item.span)
            self.if_block(item, dataclasses.replace(at, context=_inside(at.context)))
        else:
            if at.context is _Context.PREAMBLE:
                self.misplaced(at, "a rule, which is only allowed inside a profile", item.span)
            self.rule(item, at)

    def preamble_item(self, item: VariableAssignment | BooleanAssignment | AliasRule, at: _At) -> None:
        if at.context is _Context.BODY:
            self.misplaced(at, _MISPLACED_IN_BODY[type(item)], item.span)
        elif at.context is _Context.PREAMBLE and self.seen_profile:
            what = "a preamble item after a profile: variables and aliases must come before the first profile"
            self.misplaced(at, what, item.span)
        if isinstance(item, VariableAssignment):
            self.assign(item, at)
        elif isinstance(item, BooleanAssignment):
            self.assign_boolean(item, at)
        elif item.source is not None and item.target is not None:
            self.aliases.append(Alias(item.source.text, item.target.text, at.origin(item.span)))

    def profile(self, item: Profile, at: _At) -> None:
        if at.context is _Context.BODY and item.keyword is None:
            what = "a profile without the 'profile' keyword, which cannot stand inside a profile body"
            self.misplaced(at, what, item.span)
        if at.context is not _Context.BODY:
            self.seen_profile = True
        pending = _Pending(item, at.origin(item.span))
        live = at.block.live and at.block.qualifiers is None
        body = _Block(set(), pending.rules, pending.children, live)
        self.items(item.body.items, dataclasses.replace(at, context=_Context.BODY, block=body))
        if live:
            at.block.children.append(pending)

    def if_block(self, item: IfBlock, at: _At) -> None:
        # A branch is live when every condition before it was false and its own is true;
        # an undecided condition makes the rest of the chain dead.  Every condition is
        # evaluated, and every branch walked, live or not.
        branch: IfBlock | None = item
        reachable = at.block.live
        while branch is not None:
            value = self.condition(branch, at)
            live = reachable and value is True
            self.items(branch.then.items, dataclasses.replace(at, block=dataclasses.replace(at.block, live=live)))
            reachable = reachable and value is False
            orelse = branch.orelse
            branch = orelse if isinstance(orelse, IfBlock) else None
            if isinstance(orelse, Block):
                block = dataclasses.replace(at.block, live=reachable)
                self.items(orelse.items, dataclasses.replace(at, block=block))

    def condition(self, branch: IfBlock, at: _At) -> bool | None:
        if branch.condition is None:
            return None
        return self.evaluate(branch.condition, at)

    def evaluate(self, expr: Expr, at: _At) -> bool | None:
        value, problems = evaluate(expr, self.table, self.expander, at.text, complete=self.complete)
        for problem in problems:
            self.diagnose(at.document, at.via, problem.code, problem.message, problem.span, problem.related)
        return value

    def rule(self, item: Rule, at: _At) -> None:
        if not at.block.live:
            return
        if at.block.qualifiers is not None:
            if item.KIND not in KEPT_IN_BLOCKS:
                return
            item = dataclasses.replace(item, qualifiers=item.qualifiers.combined_with(at.block.qualifiers))
        at.block.rules.append(PlacedRule(item, at.origin(item.span)))

    # Variables.

    def assign(self, item: VariableAssignment, at: _At) -> None:
        if not item.name or not item.values:
            return
        raw = at.text(item.name_span)
        here = at.origin(item.name_span)
        values = tuple(SetValue(value.text, at.origin(value.span)) for value in item.values)
        existing = self.table.get(item.name)
        operator = item.operator.text
        if operator == "+=":
            if existing is None:
                if self.complete:
                    message = f"variable {raw} was not previously declared, but is being assigned additional values"
                    self.diagnose(at.document, at.via, Code.APPEND_TO_UNDECLARED, message, item.name_span)
                return
            if isinstance(existing, BooleanVariable):
                message = f"Variable {item.name} is not a set variable"
                self.diagnose(at.document, at.via, Code.VARIABLE_KIND_MISMATCH, message, item.name_span)
                return
            self.table[item.name] = dataclasses.replace(
                existing, values=existing.values + values, appended=(*existing.appended, here)
            )
        elif operator == "=" and existing is not None:
            self.redefined(raw, existing, at, item.name_span)
            return
        elif operator == "?=" and existing is not None:
            return
        else:
            self.table[item.name] = SetVariable(item.name, values, here)
        self.expander.forget()

    def assign_boolean(self, item: BooleanAssignment, at: _At) -> None:
        if not item.name:
            return
        operator = item.operator.text
        if operator == "+=":
            message = "Invalid assignment += not allowed with boolean variables"
            self.diagnose(at.document, at.via, Code.BOOLEAN_APPEND, message, item.operator.span)
            return
        value = self.evaluate(item.value, at) if item.value is not None else None
        existing = self.table.get(item.name)
        if existing is not None and operator == "=":
            self.redefined(at.text(item.name_span), existing, at, item.name_span)
            return
        if existing is not None and operator == "?=":
            return
        self.table[item.name] = BooleanVariable(item.name, value, at.origin(item.name_span))
        self.expander.forget()

    def redefined(self, raw: str, existing: Variable, at: _At, span: Span) -> None:
        first = existing.declared
        related = (Related("first declared here", first.span.start, first.span.end, first.document),)
        message = f"variable {raw} was previously declared"
        self.diagnose(at.document, at.via, Code.VARIABLE_REDEFINED, message, span, related)

    # Includes.

    def _absolute(self, path: str) -> str:
        return path if path.startswith("/") else posixpath.join(self.config.base_dir, path)

    def locate(self, target: str, magic: bool, block: _Block) -> _Located:
        """Find an include target as upstream does, its cache key included."""
        # The lexer trims blanks inside `< ... >` and around a quoted name.
        target = target.strip()
        if not magic:
            path = self._absolute(target)
            kind = self.cache.kind(path) if target else FileKind.MISSING
            return _Located(target, path, kind, target in block.included)
        for directory in self.config.search_dirs:
            key = directory.rstrip("/") + "/" + target
            if key in block.included:
                return _Located(key, key, FileKind.FILE, True)
            kind = self.cache.kind(key)
            if kind is not FileKind.MISSING:
                return _Located(key, key, kind)
        return _Located(target, target, FileKind.MISSING)

    def include(self, item: Include, at: _At) -> None:
        if item.magic and not self.config.search_dirs:
            # Nowhere to look: the include is not checked, and what it defines is unknown.
            if at.context is not _Context.BODY:
                self.complete = False
            return
        found = self.locate(item.target, item.magic, at.block)
        if found.kind is not FileKind.MISSING:
            self.sites.append(IncludeSite(at.document.path, item, found.path))
        if found.skipped:
            return
        if found.kind is FileKind.MISSING:
            if not item.if_exists:
                where = f" (searched {', '.join(self.config.search_dirs)})" if item.magic else ""
                message = f"Could not open '{item.target}'{where}"
                self.diagnose(at.document, at.via, Code.INCLUDE_NOT_FOUND, message, item.target_span)
                if at.context is not _Context.BODY:
                    self.complete = False
            return
        at.block.included.add(found.key)
        if found.kind is FileKind.FILE:
            self.include_file(found.path, item, at)
        elif found.kind is FileKind.DIRECTORY:
            self.include_directory(found.path, item, at)
        else:
            # A FIFO, socket or device: reading it could block or never end, so it is not read.
            message = f"Could not open '{item.target}': '{found.path}' is not a regular file or directory"
            self.diagnose(at.document, at.via, Code.INCLUDE_NOT_FOUND, message, item.target_span)

    def include_directory(self, path: str, item: Include, at: _At) -> None:
        names = self.cache.list_dir(path)
        if names is None:
            message = f"Could not process include directory '{path}' in '{item.target}'"
            self.diagnose(at.document, at.via, Code.INCLUDE_DIRECTORY_ERROR, message, item.target_span)
            return
        entries = []
        for name in names:
            entry = f"{path}/{name}"
            if is_skipped_name(name) or entry in at.block.included or self.cache.kind(entry) is not FileKind.FILE:
                continue
            at.block.included.add(entry)
            entries.append(entry)
        for entry in reversed(entries):
            self.include_file(entry, item, at)

    def include_file(self, path: str, item: Include, at: _At) -> None:
        identity = self.cache.canonical(path)
        for active, scope, origin in self.active:
            # Within one body upstream's include cache ends any recursion; across a profile
            # boundary (a new cache) it never ends.
            if active == identity and scope != id(at.block.included):
                chain = tuple(
                    Related(
                        f"'{site.include.target}' is included here",
                        site.include.span.start,
                        site.include.span.end,
                        site.document,
                    )
                    for site in at.via
                )
                message = f"include cycle: '{item.target}' is already being read here ({origin.document})"
                self.diagnose(at.document, at.via, Code.INCLUDE_CYCLE, message, item.target_span, chain)
                return
        included = self.cache.document(path)
        if included is None:
            self.diagnose(at.document, at.via, Code.INCLUDE_NOT_FOUND, f"Could not open '{path}'", item.target_span)
            return
        via = (*at.via, IncludeSite(at.document.path, item, included.path))
        self.documents.setdefault(included.path, included)
        if identity not in self.visited:
            self.visited.add(identity)
            for problem in included.problems:
                self.report(included, via, problem)
        self.active.append((identity, id(at.block.included), Origin(at.document.path, item.span, at.via)))
        self.items(included.file.items, dataclasses.replace(at, document=included, via=via))
        self.active.pop()

    # After the walk: names, builtins and expansion.

    def freeze(self, pending: _Pending, parent: str | None) -> ResolvedProfile:
        profile = pending.profile
        document = self.documents[pending.origin.document]
        via = pending.origin.via
        names = self.check_value(profile.name, document, via, (), collapse=False) if profile.name else ()
        name = names[0] if names else (profile.name.text if profile.name else "")
        full = f"{parent}//{name}" if parent else name
        builtins: dict[str, tuple[str, ...]] = {"profile_name": (escape_name(full),)}
        attachments: tuple[str, ...] = ()
        if profile.attachment is not None:
            attachments = self.check_value(profile.attachment, document, via, (), collapse=False)
        elif names and all(each.startswith("/") for each in names):
            attachments = tuple(dict.fromkeys(collapse_slashes(each) for each in names))
        if attachments:
            builtins["attach_path"] = builtins["exec_path"] = attachments
        frozen_builtins = tuple(sorted(builtins.items()))
        for placed in pending.rules:
            self.check_rule(placed, frozen_builtins)
        children = tuple(self.freeze(child, full) for child in pending.children)
        return ResolvedProfile(profile, pending.origin, full, tuple(pending.rules), children, frozen_builtins)

    def check_rule(self, placed: PlacedRule, builtins: Builtins) -> None:
        document = self.documents[placed.origin.document]
        for value in values_in(placed.rule):
            if value.variables:
                self.check_value(value, document, placed.origin.via, builtins, collapse=True)

    def check_value(
        self, value: Value, document: Document, via: tuple[IncludeSite, ...], builtins: Builtins, *, collapse: bool
    ) -> tuple[str, ...]:
        """Expand `value`, reporting why when it cannot be expanded."""
        if not value.variables:
            return (value.text,)
        result = self.expander.text(value.text, builtins, collapse=collapse)
        if not isinstance(result, ExpansionError):
            return result
        silent = (Code.UNDEFINED_VARIABLE, Code.ATTACH_PATH_UNDEFINED)
        if not (result.code in silent and not self.complete):
            span = next((ref.span for ref in value.variables if ref.name == result.variable), value.span)
            self.diagnose(document, via, result.code, result.message, span, result.related)
        return ()

    def summaries(self) -> list[Diagnostic]:
        """Return one diagnostic per main-document include that led to problems."""
        by_site: dict[int, list[_Nested]] = {}
        for nested in self.nested:
            if nested.diagnostic.severity is Severity.ERROR:
                by_site.setdefault(id(nested.site.include), []).append(nested)
        found = []
        for group in by_site.values():
            site = group[0].site
            for misplaced in (True, False):
                chosen = list({_nested_key(n): n for n in group if n.misplaced is misplaced}.values())
                if chosen:
                    found.append(_summary(site, chosen, misplaced))
        return found


def _nested_key(nested: _Nested) -> tuple[str, int, int, str, str]:
    d = nested.diagnostic
    return (nested.document.path, d.start, d.end, d.code.value, d.message)


def _summary(site: IncludeSite, group: list[_Nested], misplaced: bool) -> Diagnostic:
    first = group[0]
    where = f"{first.document.path}:{first.document.line(first.diagnostic.start)}"
    related = tuple(
        Related(n.diagnostic.message, n.diagnostic.start, n.diagnostic.end, n.document.path)
        for n in group[:MAX_RELATED]
    )
    span = site.include.target_span
    if misplaced:
        message = f"'{site.include.target}' cannot be included here: it holds {first.diagnostic.message} ({where})"
        return Diagnostic.of(Code.INCLUDE_CONTENT_MISPLACED, message, span.start, span.end, related=related)
    count = "an error" if len(group) == 1 else f"{len(group)} errors"
    message = f"'{site.include.target}' brings in {count}; the first: {first.diagnostic.message} ({where})"
    return Diagnostic.of(Code.INCLUDE_HAS_ERRORS, message, span.start, span.end, related=related)


def resolve(
    path: str,
    parsed: Parse,
    lowered: Lowered,
    config: ResolveConfig,
    *,
    cache: IncludeCache | None = None,
    fragment: bool = False,
) -> Resolution:
    """Resolve the document `path` (already parsed and lowered) under `config`.

    `cache` keeps parsed includes between calls (a fresh one is used when None); with
    `fragment`, the document is an abstraction or tunable, resolved without the variables
    of whatever includes it.
    """
    cache = cache if cache is not None else IncludeCache(config.fs)
    main = Document(path, parsed.source, parsed, lowered.file, ())
    walker = _Walker(main, config, cache, fragment)
    walker.walk_main()
    profiles = tuple(walker.freeze(pending, None) for pending in walker.profiles)
    if fragment:
        for placed in walker.loose:
            walker.check_rule(placed, ())
    diagnostics = sorted(
        (*walker.own, *walker.summaries()), key=lambda d: (d.start, d.end, d.code.value)
    )
    return Resolution(
        main=main,
        documents=dict(walker.documents),
        profiles=profiles,
        loose_rules=tuple(walker.loose),
        variables=dict(walker.table),
        aliases=tuple(walker.aliases),
        diagnostics=tuple(diagnostics),
        problems={path: tuple(found) for path, found in walker.problems.items()},
        complete=walker.complete,
        includes=tuple(walker.sites),
        expander=walker.expander,
    )
