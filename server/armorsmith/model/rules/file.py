"""File and link rules (upstream parser_yacc.y `file_rule`, `frule`, `link_rule`).

The forms are `[file] [safe|unsafe] PATH PERMS [-> TARGET],`, the leading form
`[file] [safe|unsafe] PERMS [subset] PATH [-> TARGET],`, the bare `file,` (every permission,
exec as `ix`, on `/{**,}`) and `link [subset] PATH -> TARGET,`.

A permission string is a run of tokens as the grammar splits it: runs of access letters
(`rw`) and single exec modifiers (`ix`, `Px`, `x`).  It reads into a `FilePerm` set and at
most one `ExecMode`, following upstream's `parse_sub_perms` (parser_misc.c) to the letter:
which repeated or mixed modifiers conflict, which upper-case letters are deprecated, and
the three wordings of the conflict message.  The tokens keep their ranges, so a diagnostic
points at `ux` inside `rux`.  A rule's `exec` is the transition in effect: the `safe` and
`unsafe` keywords are folded into it, and so is the `->` target when it names a transition
rather than a link.

Paths, link targets and exec targets are kept as written (`Value`); what a path matches is
decided with `armorsmith.aare` once variables are expanded.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, replace

from tree_sitter import Node

from armorsmith.aare import Aare
from armorsmith.diagnostics import Applicability, Code, Diagnostic, Edit, Fix

from ..event import LogRecord
from ..qualifiers import Access, Owner, Qualifiers
from ..rule import LowerContext, Rule
from ..span import Span, Word
from ..values import Value
from .logged import denied_mask, literal, rule_from_text

__all__ = [
    "ALL_FILES",
    "FAILED_EXEC_INFO",
    "NULL_FILE_NAMES",
    "ExecKind",
    "ExecMode",
    "Fallback",
    "FilePerm",
    "FileRule",
    "LinkRule",
    "LoggedFileAccess",
    "PermissionReading",
    "label_has_namespace",
    "logged_file_access",
    "read_permissions",
]

ALL_FILES = "/{**,}"
"""The path a bare `file,` rule applies to."""


class FilePerm(enum.Flag):
    """The access letters of a file rule; `x` stands for every exec mode."""

    READ = enum.auto()
    WRITE = enum.auto()
    APPEND = enum.auto()
    LINK = enum.auto()
    LOCK = enum.auto()
    MMAP_EXEC = enum.auto()
    EXEC = enum.auto()

    def implied(self) -> FilePerm:
        """Return the set with what it implies: `w` grants append as well."""
        return self | FilePerm.APPEND if FilePerm.WRITE in self else self

    def letters(self) -> str:
        """Return the access letters in canonical order (`mrwalk`), without exec."""
        perms = self & ~FilePerm.APPEND if FilePerm.WRITE in self else self
        return "".join(
            letter for letter, flag in _LETTERS.items() if flag in perms and flag is not FilePerm.EXEC
        )


_LETTERS: dict[str, FilePerm] = {
    "m": FilePerm.MMAP_EXEC,
    "r": FilePerm.READ,
    "w": FilePerm.WRITE,
    "a": FilePerm.APPEND,
    "l": FilePerm.LINK,
    "k": FilePerm.LOCK,
    "x": FilePerm.EXEC,
}
"""Each access letter and its permission, in the order upstream's tools write them."""

EVERY_PERM = (
    FilePerm.READ | FilePerm.WRITE | FilePerm.LINK | FilePerm.LOCK | FilePerm.MMAP_EXEC | FilePerm.EXEC
)
"""What a bare `file,` grants, with `ix` as its exec mode."""


class ExecKind(enum.Enum):
    """Where an exec transition goes (the letter before `x`)."""

    INHERIT = "i"
    """Stay in the current profile."""
    PROFILE = "p"
    """The profile attached to the executable, or the named target."""
    CHILD = "c"
    """A child profile of the current profile."""
    UNCONFINED = "u"
    """Run unconfined."""


class Fallback(enum.Enum):
    """What a `p` or `c` transition does when its target profile is not found."""

    NONE = ""
    """The exec fails."""
    INHERIT = "i"
    """Stay in the current profile (`pix`, `cix`)."""
    UNCONFINED = "u"
    """Run unconfined (`pux`, `cux`)."""


@dataclass(frozen=True, slots=True)
class ExecMode:
    """An exec transition: where it goes, whether the environment is scrubbed, and its target.

    `unsafe` mirrors upstream's unsafe bit: set by the lower-case `p`, `c` and `u` and by the
    `unsafe` keyword, cleared by the upper-case letters and by `safe`.  An unsafe transition
    keeps `LD_PRELOAD` and the like; `ix` has no environment to scrub and is safe unless the
    rule says `unsafe`.  `target` is the `->` name as written, without quotes.
    """

    kind: ExecKind
    unsafe: bool = False
    fallback: Fallback = Fallback.NONE
    target: str | None = None

    @classmethod
    def parse(cls, text: str) -> ExecMode | None:
        """Return the mode one exec token spells, or None for a bare `x` or anything else.

        The 48 spellings are `[iI][xX]`, `[uU][xX]`, `[pPcC][xX]` and `[pPcC][iIuU][xX]`;
        the case of `p`, `c` and a standalone `u` decides safety, every other case is free.
        """
        if len(text) not in (2, 3) or text[-1] not in "xX":
            return None
        first = text[0]
        if len(text) == 2:
            if first in "iI":
                return cls(ExecKind.INHERIT)
            if first in "uU":
                return cls(ExecKind.UNCONFINED, unsafe=first == "u")
        if first not in "pPcC":
            return None
        kind = ExecKind.PROFILE if first in "pP" else ExecKind.CHILD
        fallback = Fallback.NONE
        if len(text) == 3:
            if text[1] in "iI":
                fallback = Fallback.INHERIT
            elif text[1] in "uU":
                fallback = Fallback.UNCONFINED
            else:
                return None
        return cls(kind, unsafe=first.islower(), fallback=fallback)

    @property
    def spelling(self) -> str:
        """Return the canonical spelling (`ix ux Ux px Px pix Pix pux PUx`, and with `c`)."""
        if self.kind is ExecKind.INHERIT:
            return "ix"
        letter = self.kind.value if self.unsafe else self.kind.value.upper()
        if self.kind is ExecKind.UNCONFINED:
            return letter + "x"
        fallback = self.fallback.value
        if fallback == "u" and not self.unsafe:
            fallback = "U"
        return letter + fallback + "x"

    @property
    def needs_unsafe_keyword(self) -> bool:
        """Whether the spelling cannot say the mode is unsafe (`unsafe ... ix`)."""
        return self.kind is ExecKind.INHERIT and self.unsafe


@dataclass(frozen=True, slots=True)
class PermissionReading:
    """What a permission string means, and what upstream says about it, token by token.

    `exec` is the first exec modifier (the one in effect: upstream stops at a conflicting
    one); `exec_tokens` are the tokens that spell it, `bare_x` the bare `x` tokens.
    """

    perms: FilePerm
    exec: ExecMode | None
    exec_tokens: tuple[Word, ...]
    bare_x: tuple[Word, ...]
    conflict: bool
    diagnostics: tuple[Diagnostic, ...]


def _is_exec_token(text: str) -> bool:
    return text[-1:] in ("x", "X")


def _deprecated_upper(text: str) -> list[int]:
    """Return the offsets of the letters upstream warns about as deprecated upper case.

    That is `R W L M` among access letters, a bare `X`, `I` and `X` in `ix`, and the `X` of
    a two-letter modifier; upstream never warns inside three-letter modifiers (`PIX`).
    """
    if not _is_exec_token(text):
        return [i for i, char in enumerate(text) if char in "RWLM"]
    if len(text) == 1:
        return [0] if text == "X" else []
    if len(text) == 2:
        found = [0] if text[0] == "I" else []
        return found + ([1] if text[1] == "X" else [])
    return []


def _remove(tokens: Sequence[Word]) -> tuple[Edit, ...]:
    return tuple(Edit(token.span.start, token.span.end, "") for token in tokens)


def _conflict(
    token: Word, mode: ExecMode, current: ExecMode | None, bare_x: list[Word], typed: list[Word]
) -> Diagnostic | None:
    """Return upstream's complaint about `mode` after what the string already had, if any.

    Upstream compares exec types bit by bit: `i` conflicts only with a `p`, `c` or `u`
    type before it; any other modifier conflicts with a different type before it, and with
    a bare `x` before it (whose type is empty).
    """
    if mode.kind is ExecKind.INHERIT:
        if current is None or current.kind is ExecKind.INHERIT:
            return None
        shown = "i"
    else:
        if current == mode or (current is None and not bare_x):
            return None
        shown = token.text[:2] if len(token.text) == 3 else token.text[0]
    message = f"Exec qualifier '{shown}' invalid, conflicting qualifier already specified"
    if current is None:
        fixes = (Fix("Remove the bare 'x'", _remove(bare_x), Applicability.SAFE),)
    else:
        fixes = (
            Fix(f"Keep '{typed[0].text}'", _remove([token]), Applicability.UNSAFE),
            Fix(f"Keep '{token.text}'", _remove(typed), Applicability.UNSAFE),
        )
    return Diagnostic.of(Code.EXEC_MODE_CONFLICT, message, token.span.start, token.span.end, fixes=fixes)


def _uppercase_warning(token: Word) -> Diagnostic | None:
    upper = _deprecated_upper(token.text)
    if not upper:
        return None
    lowered = "".join(c.lower() if i in upper else c for i, c in enumerate(token.text))
    fix = Fix(f"Write '{lowered}'", (Edit(token.span.start, token.span.end, lowered),), Applicability.SAFE)
    return Diagnostic.of(
        Code.UPPERCASE_PERMISSION,
        'Uppercase qualifiers "RWLIMX" are deprecated, please convert to lowercase',
        token.span.start + upper[0],
        token.span.start + upper[-1] + 1,
        fixes=(fix,),
    )


def _unsafe_unconfined_warning(token: Word) -> Diagnostic:
    edit = Edit(token.span.start, token.span.start + 1, "U")
    return Diagnostic.of(
        Code.UNSAFE_UNCONFINED_EXEC,
        "Unconfined exec qualifier (ux) allows some dangerous environment variables "
        "to be passed to the unconfined process; 'man 5 apparmor.d' for details.",
        token.span.start,
        token.span.end,
        fixes=(Fix("Write 'Ux' (scrub the environment)", (edit,), Applicability.UNSAFE),),
    )


def _unscrubbed_exec_note(token: Word) -> Diagnostic:
    upper = token.text[0].upper()
    edit = Edit(token.span.start, token.span.start + 1, upper)
    return Diagnostic.of(
        Code.UNSCRUBBED_EXEC,
        f"'{token.text}' does not scrub the environment: LD_PRELOAD, LD_LIBRARY_PATH and the "
        f"like pass to the new program; write '{upper}{token.text[1:]}' unless it needs them",
        token.span.start,
        token.span.end,
        fixes=(Fix(f"Write '{upper}{token.text[1:]}' (scrub the environment)", (edit,), Applicability.UNSAFE),),
    )


def _append_write_conflict(tokens: Sequence[Word], position: int) -> Diagnostic:
    appends = tuple(
        Edit(token.span.start + offset, token.span.start + offset + 1, "")
        for token in tokens
        if not _is_exec_token(token.text)
        for offset, char in enumerate(token.text)
        if char == "a"
    )
    return Diagnostic.of(
        Code.APPEND_WRITE_CONFLICT,
        "Conflict 'a' and 'w' perms are mutually exclusive.",
        position,
        position + 1,
        fixes=(Fix("Remove the 'a' ('w' grants append)", appends, Applicability.SAFE),),
    )


def read_permissions(tokens: Sequence[Word]) -> PermissionReading:
    """Read permission tokens as upstream's `parse_sub_perms` does, keeping every finding.

    Findings are the `a`/`w` conflict and conflicting exec modifiers (the first of each,
    as upstream stops there), deprecated upper-case letters and the unsafe `ux`.  The
    checks that depend on the rest of the rule (deny, `->`, `subset`) are `FileRule`'s.
    """
    perms = FilePerm(0)
    current: ExecMode | None = None
    typed: list[Word] = []
    bare_x: list[Word] = []
    found: list[Diagnostic] = []
    conflict = append_clash = False
    for token in tokens:
        warning = _uppercase_warning(token)
        if warning is not None:
            found.append(warning)
        if not _is_exec_token(token.text):
            for offset, char in enumerate(token.text):
                perm = _LETTERS.get(char.lower(), FilePerm(0))
                # Upstream: `w` sets write and append, so `w` clashes with an earlier lone `a`.
                clash = FilePerm.WRITE in perms if perm is FilePerm.APPEND else (
                    perm is FilePerm.WRITE and FilePerm.APPEND in perms and FilePerm.WRITE not in perms
                )
                if clash and not append_clash:
                    append_clash = True
                    found.append(_append_write_conflict(tokens, token.span.start + offset))
                perms |= perm
            continue
        perms |= FilePerm.EXEC
        mode = ExecMode.parse(token.text)
        if mode is None:
            bare_x.append(token)
            continue
        if mode.kind is ExecKind.UNCONFINED and mode.unsafe:
            found.append(_unsafe_unconfined_warning(token))
        elif mode.kind in (ExecKind.PROFILE, ExecKind.CHILD) and mode.unsafe:
            found.append(_unscrubbed_exec_note(token))
        if conflict:
            continue
        problem = _conflict(token, mode, current, bare_x, typed)
        if problem is not None:
            found.append(problem)
            conflict = True
            continue
        current = current or mode
        typed.append(token)
    return PermissionReading(perms, current, tuple(typed), tuple(bare_x), conflict, tuple(found))


def label_has_namespace(label: str) -> bool:
    """Whether a transition label names a namespace (`:ns:name`, `&:ns:name`), as upstream parses it."""
    label = label[1:] if label.startswith("&") else label
    if not label.startswith(":"):
        return False
    end = label.find(":", 1)
    if end <= 1:
        return False
    name = label[end + 1 :]
    return bool(name[2:] if name.startswith("//") else name)


def _matches(pattern: Value | None, path: Value | None, bare: bool = False) -> bool:
    """Whether a rule's glob matches a request's concrete path (variables never match)."""
    if path is None:
        return False
    if pattern is None:
        text = ALL_FILES if bare else None
    else:
        text = None if pattern.variables else pattern.text
    if text is None:
        return False
    glob, _ = Aare.parse(text)
    return glob is not None and glob.matches(path.text)


def _covers(outer: Value | None, inner: Value | None, *, everything: bool = False) -> bool:
    """Whether glob `outer` matches every path of `inner` (`everything`: `outer` is `/{**,}`).

    Texts that still hold variables can only be compared as text.
    """
    if everything:
        outer_text = ALL_FILES
    elif outer is None:
        return inner is None
    else:
        outer_text = outer.text
    if inner is None:
        return False
    if outer_text == inner.text:
        return True
    if (outer is not None and outer.variables) or inner.variables:
        return False
    mine, _ = Aare.parse(outer_text)
    theirs, _ = Aare.parse(inner.text)
    return mine is not None and theirs is not None and mine.covers(theirs)


def _applies_to_owner(rule: Qualifiers, request: Qualifiers) -> bool:
    """Whether a rule's `owner`/`other` condition holds for a request (`owner`: the task owns the file)."""
    owned = request.owner is Owner.OWNER
    return rule.owner is None or owned == (rule.owner is Owner.OWNER)


_LOGGED_LETTERS = {"r": "r", "w": "w", "a": "a", "c": "w", "d": "w", "m": "m", "k": "k", "l": "l"}
"""File mask letters of a log record and the permission each needs in policy (mediation.md
§2.4): the kernel logs create and delete apart, policy grants both with `w`; `x` is an
exec and is read apart; other letters (the old `I`, `U`, `P`) have no allow form."""

FAILED_EXEC_INFO = frozenset({
    "profile transition not found",
    "no new privs",
    "ptrace prevents transition",
    "conflicting profile attachments",
    "no change_onexec valid for executable",
})
"""`info=` of exec records whose failure no exec rule fixes (mediation.md §3.5, F6): a rule
exists and its target is missing, or the kernel forbids the transition."""

NULL_FILE_NAMES = frozenset({"apparmor/.null", "/apparmor/.null"})
"""The names of AppArmor's null file, which replaces descriptors a new profile may not
inherit; later records on it are consequences, not causes (mediation.md F2)."""


@dataclass(frozen=True, slots=True)
class LoggedFileAccess:
    """A file record read as policy wants it: the path, letters, owner, and whether it execs."""

    path: str
    letters: str
    owner: bool
    exec: bool


def logged_file_access(record: LogRecord) -> LoggedFileAccess | None:
    """Read a file record's path, permissions and owner as aa-logprof does (mediation.md §2.2).

    The mask is the denied one (the requested one when there is none, as in AUDIT
    records).  The old `owner::other` mask form says the owner side itself; otherwise a
    rule is `owner` when the task's fsuid is the file's owner (`fsuid == ouid`, §2.3, or
    an `aa-log` line's `owner`).
    An exec record (`operation="exec"`) asks for `x`; elsewhere an `x` among other letters
    is dropped, as upstream does.  `a` goes when `w` is there, since `w` grants it.
    None without a name, for names that are not absolute paths (disconnected objects) or
    the null file, and for masks with no letter policy can grant.
    """
    name = record.name
    mask = denied_mask(record)
    if not name or not name.startswith("/") or name in NULL_FILE_NAMES or not mask:
        return None
    if "::" in mask:
        mine, _, others = mask.partition("::")
        owner = bool(mine) and not others
        mask = mine + others
    else:
        owner = record.owner is True
    if record.operation == "exec":
        return LoggedFileAccess(name, "", False, True) if "x" in mask else None
    letters = ""
    for char in mask:
        letter = _LOGGED_LETTERS.get(char, "")
        if letter and letter not in letters:
            letters += letter
    if "w" in letters:
        letters = letters.replace("a", "")
    return LoggedFileAccess(name, letters, owner, False) if letters else None


@dataclass(frozen=True, slots=True)
class FileRule(Rule):
    """A file rule: a path, permissions, maybe an exec mode, maybe a `->` target.

    `path` is None only for the bare `file,` (see `ALL_FILES`).  `tokens` are the pieces of
    the permission string as written; `perms` and `exec` are their meaning (a rule built by
    `merge` has no tokens).  `leading` says the permissions come before the path.
    `complete` is False when the permission string did not split into tokens (a syntax
    error follows it), so checks that need the whole string stay quiet.
    """

    KIND = "file"
    NODE_TYPES = ("file_rule",)

    keyword: Word | None
    safety: Word | None
    path: Value | None
    tokens: tuple[Word, ...]
    leading: bool
    subset: Word | None
    target: Value | None
    perms: FilePerm
    exec: ExecMode | None
    complete: bool = True

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> FileRule:
        keyword = safety = subset = None
        for child in node.children:
            if child.type == "file":
                keyword = ctx.word(child)
            elif child.type in ("safe", "unsafe"):
                safety = ctx.word(child)
            elif child.type == "subset":
                subset = ctx.word(child)
        path_node = node.child_by_field_name("path")
        perms_node = node.child_by_field_name("permissions")
        target_node = node.child_by_field_name("target")
        path = ctx.value(path_node) if path_node is not None and not path_node.is_missing else None
        target = ctx.value(target_node) if target_node is not None and not target_node.is_missing else None
        tokens: tuple[Word, ...] = ()
        leading = complete = False
        if perms_node is not None:
            pieces = perms_node.named_children
            tokens = tuple(ctx.word(child) for child in pieces if child.type in ("file_mode", "exec_mode"))
            leading = path_node is None or perms_node.start_byte < path_node.start_byte
            end = perms_node.end_byte
            complete = not any(child.is_error and child.start_byte == end for child in node.children)
        qualifiers = ctx.qualifiers(node)
        if perms_node is None and path_node is None and keyword is not None:
            everything = ExecMode(ExecKind.INHERIT)
            return cls(Span.of(node), qualifiers, keyword, None, None, (), False, None, None, EVERY_PERM, everything)
        reading = read_permissions(tokens)
        exec_mode = reading.exec
        if exec_mode is not None and safety is not None:
            exec_mode = replace(exec_mode, unsafe=safety.text == "unsafe")
        rule = cls(
            Span.of(node), qualifiers, keyword, safety, path, tokens, leading, subset, target,
            reading.perms, exec_mode, complete,
        )
        if exec_mode is not None and rule.exec_target is not None:
            rule = replace(rule, exec=replace(exec_mode, target=rule.exec_target.text))
        return rule

    @classmethod
    def from_event(cls, record: LogRecord) -> FileRule | None:
        """Return the file rule that allows a file record (mediation.md §2.2, §3.5).

        An exec gets upstream's default advice without a policy: `ix` with `mr`, which keeps
        the program in the profile (aa-logprof's default answer when no profile exists for
        it; a caller that knows the policy may advise `Px` or `Cx` instead).  None when no
        file rule helps: see `logged_file_access`, and exec records whose `info=` says the
        transition itself failed (`FAILED_EXEC_INFO`).
        """
        access = logged_file_access(record)
        if access is None:
            return None
        if access.exec:
            if record.info in FAILED_EXEC_INFO:
                return None
            text = f"{literal(access.path)} mrix,"
        else:
            text = f"{'owner ' if access.owner else ''}{literal(access.path)} {access.letters},"
        rule = rule_from_text(cls, text)
        return rule if isinstance(rule, FileRule) else None

    @property
    def is_bare(self) -> bool:
        """Whether this is the bare `file,` rule."""
        return self.path is None and not self.tokens and self.keyword is not None

    @property
    def path_text(self) -> str:
        """Return the path as upstream matches it: without quotes, `/{**,}` for `file,`."""
        if self.path is None:
            return ALL_FILES if self.is_bare else ""
        return self.path.text

    @property
    def exec_span(self) -> Span:
        """Return the range of the exec modifier in effect, or of the rule without one."""
        for token in self.tokens:
            if ExecMode.parse(token.text) is not None:
                return token.span
        return self.keyword.span if self.is_bare and self.keyword is not None else self.span

    @property
    def link_target(self) -> Value | None:
        """Return the `->` target when it is a link target (link permission and no exec)."""
        if self.target is None or FilePerm.LINK not in self.perms:
            return None
        if FilePerm.EXEC in self.perms and not self.leading:
            return None
        return self.target

    @property
    def exec_target(self) -> Value | None:
        """Return the `->` target when it names an exec transition."""
        if self.target is None or self.link_target is not None:
            return None
        return self.target

    def render(self) -> str:
        prefix = self.render_qualifiers()
        if self.is_bare:
            return f"{prefix}file,"
        perms = self.perms.letters()
        if self.exec is not None:
            perms += self.exec.spelling
            if self.exec.needs_unsafe_keyword:
                prefix += "unsafe "
        elif FilePerm.EXEC in self.perms:
            perms += "x"
        path = self.path.raw if self.path is not None else ""
        arrow = f" -> {self.target.raw}" if self.target is not None else ""
        if self.subset is not None:
            return f"{prefix}{perms} subset {path}{arrow},"
        return f"{prefix}{path} {perms}{arrow},"

    def validate(self) -> Iterator[Diagnostic]:
        deny = self.qualifiers.access is Access.DENY
        if self.is_bare:
            if deny:
                yield self._deny_bare_file()
            return
        reading = read_permissions(self.tokens)
        yield from reading.diagnostics
        if self.complete and not reading.conflict:
            yield from self._exec_qualifier(reading, deny)
        if self.safety is not None and FilePerm.EXEC not in reading.perms:
            yield Diagnostic.of(
                Code.EXEC_SAFETY_WITHOUT_EXEC,
                f"{self.safety.text} rule missing exec permissions",
                self.safety.span.start,
                self.safety.span.end,
                fixes=(self._removal_fix(self.safety, Applicability.SAFE),),
            )
        yield from self._link_checks(reading.perms)

    def exec_qualifier_problem(self, deny: bool) -> Diagnostic | None:
        """Return upstream's `check_x_qualifier` complaint for this rule under `deny` or allow.

        Upstream checks each rule with its own qualifiers and again with those of every
        enclosing qualifier block, so a check of blocks asks with the block's `deny`.
        """
        if self.is_bare:
            return self._deny_bare_file() if deny else None
        reading = read_permissions(self.tokens)
        if not self.complete or reading.conflict:
            return None
        return next(self._exec_qualifier(reading, deny), None)

    def _exec_qualifier(self, reading: PermissionReading, deny: bool) -> Iterator[Diagnostic]:
        if FilePerm.EXEC not in reading.perms:
            return
        if deny and reading.exec_tokens:
            first = reading.exec_tokens[0]
            edits = [Edit(first.span.start, first.span.end, "" if reading.bare_x else "x")]
            edits += _remove(reading.exec_tokens[1:])
            if self.target is not None and self.link_target is None:
                edits.append(Edit(self._arrow_start(), self.target.span.end, ""))
            fix = Fix("Deny every exec with a bare 'x'", tuple(sorted(edits, key=lambda e: e.start)), Applicability.SAFE)
            yield Diagnostic.of(
                Code.DENY_EXEC_MODE,
                "Invalid perms, in deny rules 'x' must not be preceded by exec qualifier 'i', 'p', or 'u'",
                first.span.start,
                first.span.end,
                fixes=(fix,),
            )
        elif not deny and reading.exec is None and reading.bare_x:
            first = reading.bare_x[0]
            choices = ("Px", "Cx") if self.exec_target is not None else ("ix", "Px")
            others = _remove(reading.bare_x[1:])
            fixes = tuple(
                Fix(f"Write '{mode}'", (Edit(first.span.start, first.span.end, mode), *others), Applicability.UNSAFE)
                for mode in choices
            )
            yield Diagnostic.of(
                Code.EXEC_MODE_REQUIRED,
                "Invalid perms, 'x' must be preceded by exec qualifier 'i', 'p', or 'u'",
                first.span.start,
                first.span.end,
                fixes=fixes,
            )

    def _deny_bare_file(self) -> Diagnostic:
        anchor = self.keyword.span if self.keyword is not None else self.span
        replacement = Fix(
            f"Write '{ALL_FILES} mrwlkx' for 'file'",
            (Edit(anchor.start, self.span.end, f"{ALL_FILES} mrwlkx,"),),
            Applicability.UNSAFE,
        )
        return Diagnostic.of(
            Code.DENY_EXEC_MODE,
            "Invalid perms, in deny rules 'x' must not be preceded by exec qualifier 'i', 'p', or 'u' "
            "(a bare 'file,' grants 'ix')",
            anchor.start,
            anchor.end,
            fixes=(replacement,),
        )

    def _link_checks(self, perms: FilePerm) -> Iterator[Diagnostic]:
        link = FilePerm.LINK in perms
        if self.subset is not None and perms & ~FilePerm.LINK:
            yield Diagnostic.of(
                Code.INVALID_SUBSET,
                "subset can only be used with link rules.",
                self.subset.span.start,
                self.subset.span.end,
                fixes=(self._removal_fix(self.subset, Applicability.UNSAFE),),
            )
        if self.target is None or not link:
            return
        exec_bits = FilePerm.EXEC in perms
        if self.leading and exec_bits:
            span = self._permissions_span()
            yield Diagnostic.of(
                Code.LINK_EXEC_TARGET_CONFLICT,
                "link and exec perms conflict on a file rule using ->",
                span.start,
                span.end,
            )
        elif self.leading and label_has_namespace(self.target.text):
            yield Diagnostic.of(
                Code.LINK_TO_NAMED_PROFILE,
                "link perms are not allowed on a named profile transition.",
                self.target.span.start,
                self.target.span.end,
            )
        elif not self.leading and exec_bits:
            yield Diagnostic.of(
                Code.AMBIGUOUS_LINK_EXEC_TARGET,
                "ambiguous rule specifies both link target and exec transition target. "
                "Using as exec transition",
                self.target.span.start,
                self.target.span.end,
            )

    def _permissions_span(self) -> Span:
        if not self.tokens:
            return self.span
        return Span(self.tokens[0].span.start, self.tokens[-1].span.end)

    def _arrow_start(self) -> int:
        """Return where the ` -> target` part starts: just after what precedes the arrow."""
        return self.path.span.end if self.leading and self.path is not None else self._permissions_span().end

    def _removal_fix(self, word: Word, applicability: Applicability) -> Fix:
        """Return the fix that removes a keyword and the space after it."""
        following = [span.start for span in self._spans_after(word.span.end)]
        edit = Edit(word.span.start, min(following, default=word.span.end), "")
        return Fix(f"Remove '{word.text}'", (edit,), applicability)

    def _spans_after(self, offset: int) -> Iterator[Span]:
        if self.path is not None and self.path.span.start >= offset:
            yield self.path.span
        for token in self.tokens:
            if token.span.start >= offset:
                yield token.span
        if self.subset is not None and self.subset.span.start >= offset:
            yield self.subset.span

    def key(self) -> Hashable:
        q = self.qualifiers
        return (self.KIND, q.access, q.owner, q.is_audit, q.priority)

    def requested(self) -> FilePerm:
        return self.perms

    def grants(self, request: Rule) -> FilePerm:
        """Return the permissions of `request` (a concrete path) that this rule applies to.

        Which exec transition applies is the engine's business; here `x` is one permission.
        A link permission with a link target applies only to links to a matching target.
        """
        none = FilePerm(0)
        if not isinstance(request, FileRule) or not _applies_to_owner(self.qualifiers, request.qualifiers):
            return none
        if not _matches(self.path, request.path, self.is_bare):
            return none
        granted = request.perms & self.perms.implied()
        if FilePerm.LINK in granted and self.link_target is not None:
            if not _matches(self.link_target, request.link_target):
                granted &= ~FilePerm.LINK
        return granted

    def covers(self, other: Rule) -> bool:
        if not isinstance(other, FileRule) or other.key() != self.key():
            return False
        if not (other.is_bare and self.is_bare) and not _covers(self.path, other.path, everything=self.is_bare):
            return False
        if other.perms.implied() not in self.perms.implied():
            return False
        if other.exec is not None and other.exec != self.exec:
            return False
        if FilePerm.LINK in other.perms:
            if self.is_bare:
                return other.link_target is None
            if not _covers(self.link_target, other.link_target):
                return False
            if self.subset is not None and other.subset is None:
                return False
        return True

    def merge(self, other: Rule) -> FileRule | None:
        if not isinstance(other, FileRule) or other.key() != self.key():
            return None
        if self.covers(other) or other.covers(self):
            return self if self.covers(other) else other
        if self.is_bare or other.is_bare:
            return None
        if self.path_text != other.path_text or (self.subset is None) != (other.subset is None):
            return None
        mine = self.target.text if self.target is not None else None
        theirs = other.target.text if other.target is not None else None
        if mine is not None and theirs is not None and mine != theirs:
            return None
        exec_modes = {mode for mode in (self.exec, other.exec) if mode is not None}
        if len(exec_modes) > 1:
            return None
        perms = self.perms | other.perms
        if FilePerm.LINK in perms and FilePerm.EXEC in perms and (mine or theirs):
            return None
        return replace(
            self,
            tokens=(),
            safety=None,
            target=self.target if self.target is not None else other.target,
            perms=perms & ~FilePerm.APPEND if FilePerm.WRITE in perms else perms,
            exec=exec_modes.pop() if exec_modes else None,
        )


@dataclass(frozen=True, slots=True)
class LinkRule(Rule):
    """`link [subset] PATH -> TARGET,`: may PATH be made a hard link to TARGET.

    With `subset` the link is allowed only when PATH's permissions are a subset of
    TARGET's.  `path` and `target` are None only while the rule is being typed.
    """

    KIND = "link"
    NODE_TYPES = ("link_rule",)

    keyword: Word
    subset: Word | None
    path: Value | None
    target: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> LinkRule:
        keyword = subset = None
        for child in node.children:
            if child.type == "link":
                keyword = ctx.word(child)
            elif child.type == "subset":
                subset = ctx.word(child)
        path_node = node.child_by_field_name("path")
        target_node = node.child_by_field_name("target")
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            keyword if keyword is not None else Word("link", Span(node.start_byte, node.start_byte)),
            subset,
            ctx.value(path_node) if path_node is not None and not path_node.is_missing else None,
            ctx.value(target_node) if target_node is not None and not target_node.is_missing else None,
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> LinkRule | None:
        """Return `link PATH -> TARGET,` for a `link` record denied only `l` with a target.

        aa-logprof drops the target and proposes `PATH l,`, which lets PATH link to any
        file (mediation.md §2.5, pitfall 3); the target keeps the rule to the link made.
        """
        access = logged_file_access(record)
        target = record.name2
        if record.operation != "link" or access is None or access.letters != "l":
            return None
        if not target or not target.startswith("/"):
            return None
        text = f"{'owner ' if access.owner else ''}link {literal(access.path)} -> {literal(target)},"
        rule = rule_from_text(cls, text)
        return rule if isinstance(rule, LinkRule) else None

    def render(self) -> str:
        subset = "subset " if self.subset is not None else ""
        path = self.path.raw if self.path is not None else ""
        target = self.target.raw if self.target is not None else ""
        return f"{self.render_qualifiers()}link {subset}{path} -> {target},"

    def key(self) -> Hashable:
        q = self.qualifiers
        return (self.KIND, q.access, q.owner, q.is_audit, q.priority)

    def requested(self) -> FilePerm:
        return FilePerm.LINK

    def grants(self, request: Rule) -> FilePerm:
        """Return `l` when `request` links a path this rule matches to a target it matches."""
        if not isinstance(request, LinkRule) or not _applies_to_owner(self.qualifiers, request.qualifiers):
            return FilePerm(0)
        if _matches(self.path, request.path) and _matches(self.target, request.target):
            return FilePerm.LINK
        return FilePerm(0)

    def covers(self, other: Rule) -> bool:
        if not isinstance(other, LinkRule) or other.key() != self.key():
            return False
        if self.subset is not None and other.subset is None:
            return False
        return _covers(self.path, other.path) and _covers(self.target, other.target)

    def merge(self, other: Rule) -> LinkRule | None:
        if self.covers(other):
            return self
        if isinstance(other, LinkRule) and other.covers(self):
            return other
        return None
