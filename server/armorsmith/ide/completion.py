"""Completion: what may be written at the cursor, read from the syntax tree and the words before it.

How the place is found:

1. Inside a comment, or inside a quoted string that is not an include path, nothing is
   offered.  A variable being typed (`@{`, `${`) gets the variables, and an include or abi
   path being typed (`include <abstractions/`) gets the files and directories of the
   search path, listed through the `FileSystem`.
2. Otherwise the statement the cursor is in is found in the syntax tree: the enclosing block
   (or the file, or the ERROR node that error recovery made of a half-typed rule) and, in it,
   the last item that ended before the cursor with its `,`, its `}` or the grammar's
   `implicit_rule_end` (a rule whose `,` is missing at the end of a line).  The statement is
   the text from there to the cursor: the rule being typed, however broken.
3. That text is split into words as the grammar splits them (paths keep `{a,b}`, `name=`
   and parentheses stand apart), qualifiers are skipped, and the first word names the rule
   kind.  What follows decides: permissions after a path, access words and conditional
   names after a rule keyword, values after `name=` or inside `name=(`, the access words
   of the kind inside a list opened right after the keyword, flags inside `flags=(`,
   conditionals of the other end inside `peer=(`, profile names after `->` and `peer=`.

A word that starts a line inside a statement begun on an earlier line may continue a rule
written over several lines or start a new one (whose `,` was forgotten): both are offered.

Every word list comes from the rule kinds' own vocabularies (`armorsmith.model.rules`)
and the profile flags check, so completion can never offer a word the checks reject;
the explanations come from `armorsmith.ide.vocabulary`, which the hover shows too.
Results are in byte offsets: the range the chosen item replaces, and the items.
"""

from __future__ import annotations

import dataclasses
import enum
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.checks.profile_flags import FLAG_SWITCHES, VALUED_FLAGS
from armorsmith.engine.profiles import Mode
from armorsmith.model import (
    KINDS,
    RULE_KINDS,
    Access,
    BooleanAssignment,
    Owner,
    PolicyFile,
    Profile,
    VariableAssignment,
    lower,
    walk_items,
)
from armorsmith.model.rules.capability import CAPABILITIES
from armorsmith.model.rules.dbus import DBUS_ACCESS, DBUS_CONDITIONALS, DBUS_PEER_CONDITIONALS, DBUS_PEER_ONLY
from armorsmith.model.rules.file import ExecKind, ExecMode, Fallback, FilePerm
from armorsmith.model.rules.io_uring import IO_URING_ACCESS, IO_URING_CONDITIONALS
from armorsmith.model.rules.mount import MOUNT_CONDITIONALS, MOUNT_OPTIONS
from armorsmith.model.rules.mqueue import MQUEUE_ACCESS, MQUEUE_CONDITIONALS, MqueueType
from armorsmith.model.rules.network import (
    FAMILIES,
    NETWORK_ACCESS,
    NETWORK_CONDITIONALS,
    NETWORK_PEER_CONDITIONALS,
    PROTOCOLS,
    SOCKET_TYPES,
)
from armorsmith.model.rules.pivot_root import PIVOT_ROOT_CONDITIONALS
from armorsmith.model.rules.ptrace import PTRACE_ACCESS, PTRACE_CONDITIONALS
from armorsmith.model.rules.rlimit import RLIMITS
from armorsmith.model.rules.signal import SIGNAL_ACCESS, SIGNAL_CONDITIONALS, SIGNALS
from armorsmith.model.rules.unix import UNIX_CONDITIONALS, UNIX_PEER_CONDITIONALS, UNIX_SOCKET_TYPES
from armorsmith.model.rules.userns import USERNS_ACCESS
from armorsmith.resolve import FileKind, FileSystem, IncludeCache, Resolution, ResolveConfig, is_skipped_name, resolve
from armorsmith.syntax import FileRole, Parse, guess_role, parse

from . import vocabulary

__all__ = [
    "CompletionEnv",
    "CompletionItem",
    "Completions",
    "ItemKind",
    "Statement",
    "complete",
    "completion_env",
    "document_env",
    "access_words",
    "conditional_names",
    "flag_words",
    "open_list",
    "peer_conditional_names",
    "statement_at",
    "value_words",
]


class ItemKind(enum.Enum):
    """What an item is, named as LSP's CompletionItemKind names the closest kind."""

    KEYWORD = "keyword"
    ENUM_MEMBER = "enum-member"
    """A word from a fixed vocabulary: a capability, a permission, a family, a signal ..."""
    PROPERTY = "property"
    """A conditional name (`set=`, `peer=`)."""
    VALUE = "value"
    VARIABLE = "variable"
    FILE = "file"
    FOLDER = "folder"
    PROFILE = "class"
    """A profile name (tags.scm calls profiles class definitions)."""
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class CompletionItem:
    """One thing that may be written: `label` is shown, `insert_text` (the label by default)
    replaces the range of the `Completions`."""

    label: str
    kind: ItemKind
    detail: str | None = None
    documentation: str | None = None
    insert_text: str | None = None

    @property
    def text(self) -> str:
        """The text written when the item is chosen."""
        return self.insert_text if self.insert_text is not None else self.label


@dataclass(frozen=True, slots=True)
class Completions:
    """The items valid at one cursor, and the bytes [start, end) the chosen item replaces."""

    start: int
    end: int
    items: tuple[CompletionItem, ...]


@dataclass(frozen=True, slots=True)
class CompletionEnv:
    """What completion knows beyond the document: variables with their values (tunables
    included), boolean variables, profile names of the workspace, and where includes are
    searched (`search_dirs` for `<x>`, `base_dir` for `"x"`) through `fs`."""

    variables: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    booleans: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    search_dirs: tuple[str, ...] = ()
    base_dir: str = "/"
    fs: FileSystem | None = None


def completion_env(
    resolution: Resolution | None,
    *,
    profiles: Iterable[str] = (),
    search_dirs: tuple[str, ...] = (),
    base_dir: str = "/",
    fs: FileSystem | None = None,
) -> CompletionEnv:
    """Return the environment of a document: the variables of its `resolution` (with those
    of its includes, and the per-profile ones such as `@{profile_name}`), the workspace's
    `profiles` and those the resolution defines, and the include search path."""
    variables: dict[str, tuple[str, ...]] = {}
    booleans: list[str] = []
    names = dict.fromkeys(profiles)
    if resolution is not None:
        for name, variable in resolution.variables.items():
            if hasattr(variable, "values"):
                variables[name] = tuple(value.text for value in variable.values)
            else:
                booleans.append(name)
        for profile in resolution.walk_profiles():
            names.setdefault(profile.name)
            for builtin, values in profile.builtins:
                variables.setdefault(builtin, values)
    return CompletionEnv(variables, tuple(booleans), tuple(names), search_dirs, base_dir, fs)


def document_env(
    path: str,
    parsed: Parse,
    config: ResolveConfig,
    *,
    cache: IncludeCache | None = None,
    profiles: Iterable[str] = (),
) -> CompletionEnv:
    """Return the environment of the document `path` as every place in it sees it: its
    variables and those of its includes, its profiles' names and built-in variables, the
    workspace's `profiles`, and the include search path of `config`.

    The document is resolved with the bodies of its top-level profiles blanked (offsets
    kept), which is all completion needs and costs little however long the profiles are.
    """
    masked = bytearray(parsed.source)
    for child in parsed.root.children:
        body = child.child_by_field_name("body") if child.type in ("profile", "hat") else None
        if body is not None and body.end_byte - body.start_byte > 2:
            for index in range(body.start_byte + 1, body.end_byte - 1):
                if masked[index] != 0x0A:
                    masked[index] = 0x20
    outline = parse(bytes(masked))
    fragment = guess_role(path, outline.root) is FileRole.FRAGMENT
    resolution = resolve(path, outline, lower(outline), config, cache=cache, fragment=fragment)
    return completion_env(
        resolution, profiles=profiles, search_dirs=config.search_dirs, base_dir=config.base_dir, fs=config.fs
    )


# Section - vocabularies, read from the rule kinds.

_ACCESS: dict[str, Mapping[str, object]] = {
    "network": NETWORK_ACCESS,
    "unix": NETWORK_ACCESS,
    "signal": SIGNAL_ACCESS,
    "ptrace": PTRACE_ACCESS,
    "dbus": DBUS_ACCESS,
    "mqueue": MQUEUE_ACCESS,
    "io_uring": IO_URING_ACCESS,
    "userns": USERNS_ACCESS,
}
"""The permission words of each rule kind that has them."""

_CONDITIONALS: dict[str, tuple[str, ...]] = {
    "network": NETWORK_CONDITIONALS,
    "unix": UNIX_CONDITIONALS,
    "signal": SIGNAL_CONDITIONALS,
    "ptrace": PTRACE_CONDITIONALS,
    "dbus": tuple(name for name in DBUS_CONDITIONALS if name not in DBUS_PEER_ONLY),
    "mqueue": MQUEUE_CONDITIONALS,
    "io_uring": IO_URING_CONDITIONALS,
    "mount": tuple(sorted(MOUNT_CONDITIONALS)),
    "pivot_root": PIVOT_ROOT_CONDITIONALS,
}
"""The conditionals each kind accepts outside `peer=(...)`."""

_PEER_CONDITIONALS: dict[str, tuple[str, ...]] = {
    "network": NETWORK_PEER_CONDITIONALS,
    "unix": UNIX_PEER_CONDITIONALS,
    "dbus": DBUS_PEER_CONDITIONALS,
}
"""The conditionals each kind accepts inside `peer=(...)`."""

_KEYWORD_KIND = {
    node_type.removesuffix("_rule"): kind.KIND for kind in KINDS for node_type in kind.NODE_TYPES
} | {"unmount": "mount", "set": "rlimit"}
"""Each word that opens a rule and the kind it opens (`umount` is a mount rule)."""

_RULE_KEYWORDS = tuple(sorted(word for word in _KEYWORD_KIND if word != "rlimit"))

_FLAGS = (*(mode.value for mode in Mode), *sorted(FLAG_SWITCHES), *sorted(VALUED_FLAGS))


def _exec_spellings() -> tuple[str, ...]:
    """Every canonical exec mode spelling (`ix`, `px`, `Px`, `pix`, `PUx` ...)."""
    modes = [ExecMode(ExecKind.INHERIT)]
    modes += [ExecMode(ExecKind.UNCONFINED, unsafe=unsafe) for unsafe in (True, False)]
    for kind in (ExecKind.PROFILE, ExecKind.CHILD):
        for fallback in Fallback:
            modes += [ExecMode(kind, unsafe=unsafe, fallback=fallback) for unsafe in (True, False)]
    return tuple(dict.fromkeys(mode.spelling for mode in modes))


_EXEC_SPELLINGS = _exec_spellings()
_FILE_LETTERS = tuple(perm.letters() for perm in FilePerm if perm.letters())


def _describe_exec(spelling: str) -> str:
    mode = ExecMode.parse(spelling)
    assert mode is not None
    where = {
        ExecKind.INHERIT: "stay in this profile",
        ExecKind.PROFILE: "the program's own profile",
        ExecKind.CHILD: "a child profile",
        ExecKind.UNCONFINED: "run unconfined",
    }[mode.kind]
    fallback = {Fallback.NONE: "", Fallback.INHERIT: ", else inherit", Fallback.UNCONFINED: ", else unconfined"}
    scrub = "" if mode.kind is ExecKind.INHERIT else ("; environment kept" if mode.unsafe else "; environment scrubbed")
    return f"exec: {where}{fallback[mode.fallback]}{scrub}"


# Section - items.


def _items(
    words: Iterable[str],
    kind: ItemKind,
    detail: str,
    docs: Mapping[str, str] | None = None,
    *,
    suffix: str = "",
    exclude: Iterable[str] = (),
) -> list[CompletionItem]:
    skip = set(exclude)
    return [
        CompletionItem(word + suffix, kind, detail, (docs or {}).get(word), None)
        for word in words
        if word not in skip
    ]


def _keyword_items(words: Iterable[str]) -> list[CompletionItem]:
    docs = {**vocabulary.KEYWORDS, **vocabulary.RULE_KINDS}
    return [CompletionItem(word, ItemKind.KEYWORD, "keyword", docs.get(word)) for word in words]


_QUALIFIER_ORDER: tuple[tuple[str, ...], ...] = (
    ("priority",),
    ("audit",),
    tuple(access.value for access in Access),
    (*(owner.value for owner in Owner), "user"),
)
"""The qualifiers in the order upstream accepts them, one group per position."""


def _qualifier_items(after: int) -> list[CompletionItem]:
    """Return the qualifiers allowed after the qualifier group `after` (-1: none written)."""
    found = []
    for group in _QUALIFIER_ORDER[after + 1 :]:
        for word in group:
            text = "priority=" if word == "priority" else word
            found.append(CompletionItem(text, ItemKind.KEYWORD, "qualifier", vocabulary.QUALIFIERS.get(word)))
    return found


def access_words(kind: str) -> list[str]:
    """Return the permission words of rules of `kind` (without the letter aliases `r`, `w`)."""
    return [word for word in _ACCESS.get(kind, {}) if len(word) > 2]


def conditional_names(kind: str) -> tuple[str, ...]:
    """Return the conditionals rules of `kind` accept outside `peer=(...)`."""
    return _CONDITIONALS.get(kind, ())


def peer_conditional_names(kind: str) -> tuple[str, ...]:
    """Return the conditionals rules of `kind` accept inside `peer=(...)`."""
    return _PEER_CONDITIONALS.get(kind, ())


def flag_words() -> list[str]:
    """Return the profile flags, valued ones with their `=`."""
    return [f"{flag}=" if flag in VALUED_FLAGS else flag for flag in _FLAGS]


_PROFILE_VALUED = frozenset({"peer", "label"})
"""Conditionals whose values are profile names (labels)."""


def _value_vocabulary(kind: str, name: str) -> tuple[list[str], str, Mapping[str, str] | None] | None:
    """Return the fixed values of the conditional `name` of rules of `kind`, a detail word
    for them and their explanations, or None when the values are free (paths, labels)."""
    if kind == "signal" and name == "set":
        return list(SIGNALS), "signal", vocabulary.SIGNALS
    if kind == "unix" and name == "type":
        return list(UNIX_SOCKET_TYPES), "socket type", vocabulary.SOCKET_TYPES
    if kind == "mqueue" and name == "type":
        return [queue.value for queue in MqueueType], "queue type", None
    if kind == "mount" and name in ("options", "option"):
        return list(MOUNT_OPTIONS), "mount option", None
    return None


def value_words(kind: str, name: str, env: CompletionEnv) -> list[str]:
    """Return the values the conditional `name` of rules of `kind` takes: its fixed
    vocabulary, or the profile names of the workspace for a peer label."""
    fixed = _value_vocabulary(kind, name)
    if fixed is not None:
        return fixed[0]
    return list(env.profiles) if name in _PROFILE_VALUED else []


def _access_items(kind: str, exclude: Iterable[str] = ()) -> list[CompletionItem]:
    return _items(access_words(kind), ItemKind.ENUM_MEMBER, f"{kind} permission", vocabulary.ACCESS_WORDS.get(kind), exclude=exclude)


def _conditional_items(names: Iterable[str], kind: str, exclude: Iterable[str] = ()) -> list[CompletionItem]:
    return _items(names, ItemKind.PROPERTY, f"{kind} conditional", suffix="=", exclude=exclude)


def _profile_items(env: CompletionEnv) -> list[CompletionItem]:
    return [CompletionItem(name, ItemKind.PROFILE, "profile") for name in env.profiles]


def _value_items(kind: str, name: str, env: CompletionEnv, exclude: Iterable[str]) -> list[CompletionItem]:
    """Return the values the conditional `name` of a rule of `kind` takes."""
    fixed = _value_vocabulary(kind, name)
    if fixed is not None:
        words, detail, docs = fixed
        return _items(words, ItemKind.ENUM_MEMBER, detail, docs, exclude=exclude)
    return _profile_items(env) if name in _PROFILE_VALUED else []


def _flag_items(exclude: Iterable[str]) -> list[CompletionItem]:
    skip = set(exclude)
    return [
        CompletionItem(word, ItemKind.ENUM_MEMBER, "profile flag", vocabulary.FLAGS.get(word.rstrip("=")))
        for word in flag_words()
        if word.rstrip("=") not in skip
    ]


def _permission_items(written: str, *, deny: bool) -> tuple[int, list[CompletionItem]]:
    """Return the file permissions that may follow `written`, and how many of its last
    characters the items replace (an exec mode being typed, such as the `P` of `rP`)."""
    pending = ""
    for size in (2, 1):
        tail = written[-size:] if len(written) >= size else ""
        if tail and all(char in "iIpPcCuU" for char in tail) and any(
            spelling.startswith(tail) and spelling != tail for spelling in _EXEC_SPELLINGS
        ):
            pending = tail
            break
    head = written[: len(written) - len(pending)]
    has_exec = any(char in "xX" for char in head)
    items: list[CompletionItem] = []
    if not pending:
        for letter in _FILE_LETTERS:
            if letter not in head:
                items.append(CompletionItem(letter, ItemKind.ENUM_MEMBER, "file permission", vocabulary.FILE_LETTERS.get(letter)))
    if deny:
        if not has_exec and not pending:
            items.append(CompletionItem("x", ItemKind.ENUM_MEMBER, "file permission", vocabulary.FILE_LETTERS.get("x")))
        return 0, items
    if not has_exec:
        for spelling in _EXEC_SPELLINGS:
            if spelling.startswith(pending):
                items.append(CompletionItem(spelling, ItemKind.ENUM_MEMBER, _describe_exec(spelling)))
    return len(pending), items


# Section - the statement at the cursor.


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int


_LEX = re.compile(
    rb"""
      (?P<blank>\s+)
    | (?P<comment>\#(?!include\b)[^\n]*)
    | (?P<string>"(?:[^"\\]|\\.)*"?)
    | (?P<op>->|<=|\+=|:=|[(),{}=^<>])
    | (?P<path>[/@](?:\\.|,(?=[^\s,])|[^\s,])*)
    | (?P<word>\#include\b|(?:\\.|[^\s(),={}"\#<>])+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
"""Words as the grammar splits them: a path keeps `{a,b}` and a `,` followed by more text,
`name=` and parentheses stand apart, comments are dropped."""

_SEPARATORS = frozenset({"(", ")", "=", ":=", "+=", ",", "->", "<=", "^", "{", "}", "<", ">"})


_OPENERS = frozenset({"(", ",", "=", ":=", "+=", "->", "in", "<="})
"""Words after which a value follows, so the next line continues the rule."""


def _starts_statement(text: str) -> bool:
    """Whether a word starting a line starts a rule or another item, as a rule keyword, a
    qualifier, a path or an item keyword does (as the grammar's `implicit_rule_end`)."""
    return (
        text in _KEYWORD_KIND
        or any(text in group for group in _QUALIFIER_ORDER)
        or text in ("include", "#include", "profile", "hat", "^", "abi", "alias", "if")
        or _is_path(text)
    )


def _tokens(source: bytes, start: int, end: int) -> list[_Token]:
    """Split source[start:end] into words and operators, and keep those of the statement
    being typed: after the last `,`, `{` or `}` outside parentheses, and after the end of a
    line whose rule lacks its `,` when the next line starts another item."""
    found: list[_Token] = []
    depth = 0
    for match in _LEX.finditer(source, start, end):
        if match.lastgroup in ("blank", "comment"):
            continue
        text = match.group().decode("utf-8", "surrogateescape")
        line_start = source.rfind(b"\n", 0, match.start()) + 1
        first_on_line = not source[line_start : match.start()].strip()
        if found and first_on_line and found[-1].text not in _OPENERS and _starts_statement(text):
            found, depth = [], 0
        if text == "(":
            depth += 1
        elif text == ")":
            depth = max(0, depth - 1)
        elif text in ("{", "}") or text == "," and depth == 0:
            found, depth = [], 0
            continue
        found.append(_Token(text, match.start(), match.end()))
    return found


_ITEMS = frozenset(RULE_KINDS) | {"abi", "alias_rule", "profile", "hat", "qualifier_block", "if_block"}
"""The items of a block or file that end with a `,` or a `}`."""

_UNTERMINATED = frozenset({"include", "variable_assignment", "boolean_assignment", "comment"})
"""The items that need no terminator."""


def _closed(node: Node, source: bytes, offset: int) -> bool:
    """Whether an item ended before `offset`: a rule with its `,`, a block with its `}`, an
    item that needs no terminator, or a rule whose `,` is missing at the end of a line
    (the grammar's `implicit_rule_end`) when the cursor is on a later line."""
    if node.type in _UNTERMINATED:
        return True
    if node.type not in _ITEMS or not node.child_count:
        return False
    last = node.children[-1]
    if last.is_missing:
        return False
    if last.type in ("block", "else_clause"):
        closing = last.children[-1] if last.child_count else None
        while closing is not None and closing.type in ("block", "if_block", "else_clause"):
            closing = closing.children[-1] if closing.child_count else None
        return closing is not None and closing.type == "}" and not closing.is_missing
    if last.type == "implicit_rule_end":
        previous = node.children[-2] if node.child_count >= 2 else node
        return b"\n" in source[previous.end_byte : offset]
    return last.type in (",", "}")


def _container(root: Node, offset: int) -> Node:
    """Return the innermost block (cursor between its braces), ERROR node or file holding `offset`."""
    node: Node | None = root.descendant_for_byte_range(offset, offset)
    while node is not None:
        if node.type in ("source_file", "ERROR"):
            return node
        if node.type == "block" and node.child_count and node.children[0].end_byte <= offset:
            closing = node.children[-1]
            if closing.type != "}" or closing.is_missing or closing.start_byte >= offset:
                return node
        node = node.parent
    return root


def _statement_start(container: Node, source: bytes, offset: int) -> int:
    """Return the end of the last item of `container` that was closed before `offset`."""
    start = container.start_byte
    for child in container.children:
        if child.start_byte >= offset:
            break
        if child.end_byte <= offset and (child.type in ("{", "}") or _closed(child, source, offset)):
            start = child.end_byte
    return start


def _in_comment(root: Node, source: bytes, offset: int) -> bool:
    node = root.descendant_for_byte_range(max(0, offset - 1), offset)
    if node is not None and node.type == "comment" and node.start_byte < offset:
        return True
    line = source[source.rfind(b"\n", 0, offset) + 1 : offset]
    return any(match.lastgroup == "comment" for match in _LEX.finditer(line))


# Section - lexical places: variables and include paths.

_VARIABLE = re.compile(rb"(?:@\{?|\$\{?)[A-Za-z0-9_]*\Z")
_INCLUDE = re.compile(rb"(?:^|[\s{])(?:#?include|abi)\s+(?:if\s+exists\s+)?([<\"])([^<>\"\n]*)\Z")


def _variable_completions(source: bytes, offset: int, env: CompletionEnv, document: _Document) -> Completions | None:
    line_start = source.rfind(b"\n", 0, offset) + 1
    match = _VARIABLE.search(source, line_start, offset)
    if match is None:
        return None
    if match.group().startswith(b"$"):
        booleans = sorted({*env.booleans, *document.booleans})
        items = [CompletionItem(f"${{{name}}}", ItemKind.VARIABLE, "boolean variable") for name in booleans]
        return Completions(match.start(), offset, tuple(items))
    variables = {**document.variables, **env.variables}
    items = []
    for name, values in sorted(variables.items()):
        shown = " ".join(values[:4]) + (" ..." if len(values) > 4 else "")
        items.append(CompletionItem(f"@{{{name}}}", ItemKind.VARIABLE, f"= {shown}" if shown else "variable"))
    return Completions(match.start(), offset, tuple(items))


def _include_items(env: CompletionEnv, opener: str, typed: str, *, prefix: str = "") -> list[CompletionItem]:
    """Return the files and directories an include path may continue with after `typed`:
    in the search directories for `<`, relative to the base directory for `"`."""
    if env.fs is None:
        return []
    directory = typed.rpartition("/")[0]
    closer = ">" if opener == "<" else '"'
    if opener == "<":
        roots = env.search_dirs
    else:
        roots = ("/",) if typed.startswith("/") else (env.base_dir,)
    seen: dict[str, CompletionItem] = {}
    for root in roots:
        folder = posixpath.join(root, directory) if directory else root
        for name in env.fs.list_dir(folder) or ():
            if name in seen or is_skipped_name(name):
                continue
            kind = env.fs.kind(posixpath.join(folder, name))
            if kind is FileKind.DIRECTORY:
                seen[name] = CompletionItem(name + "/", ItemKind.FOLDER, folder, None, prefix + name + "/")
            elif kind is FileKind.FILE:
                seen[name] = CompletionItem(name, ItemKind.FILE, folder, None, prefix + name + closer)
    return list(seen.values())


def _include_completions(source: bytes, offset: int, env: CompletionEnv) -> Completions | None:
    line_start = source.rfind(b"\n", 0, offset) + 1
    match = _INCLUDE.search(source, line_start, offset)
    if match is None:
        return None
    typed = match.group(2).decode("utf-8", "surrogateescape")
    directory = typed.rpartition("/")[0]
    start = match.start(2) + (len(directory.encode("utf-8", "surrogateescape")) + 1 if directory else 0)
    items = _include_items(env, match.group(1).decode(), typed)
    return Completions(start, offset, tuple(items))


# Section - what the words of the statement allow next.


def _open_paren(tokens: list[_Token]) -> tuple[int, str | None] | None:
    """Return the index of the innermost unclosed `(` and its owner: the conditional name
    before `=` or `in`, or None for an access list right after the rule keyword."""
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.text == "(":
            stack.append(index)
        elif token.text == ")" and stack:
            stack.pop()
    if not stack:
        return None
    index = stack[-1]
    before = tokens[index - 1].text if index >= 1 else ""
    if before in ("=", ":=", "in") and index >= 2:
        return index, tokens[index - 2].text
    return index, None


def _skip_qualifiers(words: list[str]) -> tuple[int, int]:
    """Return the index of the first word after the qualifiers, and the position in
    `_QUALIFIER_ORDER` of the last qualifier written (-1 for none)."""
    index, group = 0, -1
    while index < len(words):
        word = words[index]
        if word == "priority":
            index, group = index + 1, 0
            if index < len(words) and words[index] == "=":
                index += 1
            if index < len(words) and words[index].lstrip("+-").isdigit():
                index += 1
            continue
        found = next((number for number, names in enumerate(_QUALIFIER_ORDER) if number and word in names), None)
        if found is None:
            break
        index, group = index + 1, found
    return index, group


def _is_path(word: str) -> bool:
    return word[:1] in ("/", "@", '"')


@dataclass(frozen=True, slots=True)
class _RuleWords:
    """The words after a rule keyword, read as the grammar reads them: an access word or
    list first, then positional words (family, type) and `name=value` conditionals."""

    access: bool
    positional: tuple[str, ...]
    conditionals: frozenset[str]

    @classmethod
    def of(cls, words: list[str], access: Mapping[str, object]) -> _RuleWords:
        index, given = 0, False
        if words and words[0] == "(":
            given = True
            index = words.index(")") + 1 if ")" in words else len(words)
        elif words and words[0] in access:
            given, index = True, 1
        positional: list[str] = []
        named: set[str] = set()
        while index < len(words):
            if index + 1 < len(words) and words[index + 1] in ("=", ":=", "in"):
                named.add(words[index])
                index += 2
                if index < len(words) and words[index] == "(":
                    index = words.index(")", index) + 1 if ")" in words[index:] else len(words)
                else:
                    index += 1
                continue
            if words[index] not in _SEPARATORS:
                positional.append(words[index])
            index += 1
        return cls(given, tuple(positional), frozenset(named))


def _rule_start(container: str, qualifier_group: int) -> list[CompletionItem]:
    """Return what may start an item: rule keywords and the qualifiers still allowed, and
    without qualifiers the other items of a block or of the file."""
    items = _qualifier_items(qualifier_group)
    if qualifier_group >= 0:
        return items + _keyword_items(word for word in _RULE_KEYWORDS if word != "set")
    items += _keyword_items(_RULE_KEYWORDS)
    if container == "source_file":
        items += _keyword_items(("include", "abi", "alias", "profile"))
    else:
        items += _keyword_items(("include", "profile", "hat", "if"))
    return items


def _socket_like(kind: str, words: list[str]) -> list[CompletionItem]:
    """Return what may follow the words of a rule with access words and conditionals."""
    read = _RuleWords.of(words, _ACCESS.get(kind, {}))
    items: list[CompletionItem] = []
    if kind in _ACCESS and not read.access and not read.positional and not read.conditionals:
        items += _access_items(kind)
    if kind == "network" and not read.conditionals:
        if not read.positional:
            protocols = sorted({word for table in PROTOCOLS.values() for word in table})
            items += _items(FAMILIES, ItemKind.ENUM_MEMBER, "network family", vocabulary.NETWORK_FAMILIES)
            items += _items(SOCKET_TYPES, ItemKind.ENUM_MEMBER, "socket type", vocabulary.SOCKET_TYPES)
            items += _items(protocols, ItemKind.ENUM_MEMBER, "protocol", vocabulary.NETWORK_PROTOCOLS)
        elif len(read.positional) == 1 and read.positional[0] in FAMILIES:
            items += _items(SOCKET_TYPES, ItemKind.ENUM_MEMBER, "socket type", vocabulary.SOCKET_TYPES)
            items += _items(PROTOCOLS.get(read.positional[0], {}), ItemKind.ENUM_MEMBER, "protocol", vocabulary.NETWORK_PROTOCOLS)
    items += _conditional_items(_CONDITIONALS.get(kind, ()), kind, exclude=read.conditionals)
    if kind in _PEER_CONDITIONALS and "peer" not in read.conditionals:
        items.append(CompletionItem("peer=(", ItemKind.PROPERTY, f"{kind} peer conditionals"))
    return items


def _after_keyword(kind: str, words: list[str], env: CompletionEnv) -> list[CompletionItem]:
    """Return what may follow `words`, the words after the keyword of a rule of `kind`."""
    if words and words[-1] in ("=", ":="):
        return _value_items(kind, words[-2] if len(words) >= 2 else "", env, ())
    if words and words[-1] == "->":
        return _profile_items(env) if kind in ("change_profile", "pivot_root") else []
    if kind == "capability":
        return _items(sorted(CAPABILITIES), ItemKind.ENUM_MEMBER, "capability", vocabulary.CAPABILITIES, exclude=words)
    if kind == "rlimit":
        if not words:
            return _keyword_items(("rlimit",))
        if words == ["rlimit"]:
            return _items(RLIMITS, ItemKind.ENUM_MEMBER, "resource limit", vocabulary.RLIMITS)
        return [CompletionItem("<=", ItemKind.OPERATOR)] if len(words) == 2 else []
    if kind == "change_profile":
        items = [] if words else _keyword_items(("safe", "unsafe"))
        return items + [CompletionItem("->", ItemKind.OPERATOR, "the profile to change to")]
    if kind == "link":
        if not words:
            return _keyword_items(("subset",))
        return [CompletionItem("->", ItemKind.OPERATOR, "the link target")] if _is_path(words[-1]) else []
    if kind in ("file", "all"):
        return []
    return _socket_like(kind, words)


def _file_rule(words: list[str], partial: str, env: CompletionEnv, *, deny: bool) -> tuple[int | None, list[CompletionItem]]:
    """Return what may follow the words of a file rule (`file`, `safe` and qualifiers gone)."""
    if words and words[-1] == "->":
        return None, _profile_items(env)
    if len(words) == 1 and _is_path(words[0]):
        replaced, items = _permission_items(partial, deny=deny)
        return replaced, items
    if len(words) == 2 and _is_path(words[0]) and not partial:
        exec_mode = next((ExecMode.parse(word) for word in re.findall(r"[iIpPcCuU]{1,2}[xX]", words[1])), None)
        if exec_mode is not None and exec_mode.kind in (ExecKind.PROFILE, ExecKind.CHILD):
            return None, [CompletionItem("->", ItemKind.OPERATOR, "the profile the program runs under")]
    return None, []


def _header(words: list[str], env: CompletionEnv) -> list[CompletionItem]:
    """Return what may follow the words of a profile or hat header."""
    if words and words[-1] == "flags":
        return [CompletionItem("=(", ItemKind.OPERATOR)]
    if words and words[-1] in ("=",):
        return []
    if len(words) >= 2 or words and _is_path(words[0]):
        return [CompletionItem("flags=(", ItemKind.KEYWORD, "profile flags", vocabulary.KEYWORDS.get("flags"))]
    return []


def _complete_statement(
    tokens: list[_Token], partial: str, container: str, env: CompletionEnv
) -> tuple[int | None, list[CompletionItem]]:
    """Return the items that may follow `tokens`, and how many bytes before the cursor they
    replace when that is not the whole partial word (a permission being typed)."""
    words = [token.text for token in tokens]
    first, group = _skip_qualifiers(words)
    keyword = words[first] if first < len(words) else None
    kind = _KEYWORD_KIND.get(keyword or "", "file" if keyword and _is_path(keyword) else "")
    paren = _open_paren(tokens)
    if paren is not None:
        index, owner = paren
        inside = [token.text for token in tokens[index + 1 :]]
        if owner == "flags":
            return None, _flag_items(inside)
        if owner is None:
            return None, _access_items(kind, exclude=inside)
        if owner == "peer" and kind in _PEER_CONDITIONALS:
            if inside and inside[-1] in ("=", ":="):
                return None, _value_items(kind, inside[-2] if len(inside) >= 2 else "", env, ())
            named = _RuleWords.of(inside, {}).conditionals
            return None, _conditional_items(_PEER_CONDITIONALS[kind], kind, exclude=named)
        return None, _value_items(kind, owner, env, inside)
    if keyword is None:
        # A path being typed starts a file rule: no word list applies to it.
        return None, [] if _is_path(partial) else _rule_start(container, group)
    rest = words[first + 1 :]
    if keyword in ("include", "#include"):
        if rest in ([], ["if", "exists"]):
            items = [] if rest else _keyword_items(("if exists",))
            return None, items + _include_items(env, "<", "", prefix="<")
        return None, []
    if keyword in ("profile", "hat", "^") or container == "source_file" and kind == "file":
        return None, _header(words[first:], env)
    if kind == "file":
        deny = Access.DENY.value in words[:first]
        body = [word for word in words[first:] if word not in ("file", "safe", "unsafe")]
        return _file_rule(body, partial, env, deny=deny)
    if not kind:
        return None, []
    return None, _after_keyword(kind, rest, env)


@dataclass(frozen=True, slots=True)
class _Document:
    """What the document itself defines: variables, booleans and profile names."""

    variables: Mapping[str, tuple[str, ...]]
    booleans: tuple[str, ...]
    profiles: tuple[str, ...]

    @classmethod
    def of(cls, file: PolicyFile | None) -> _Document:
        variables: dict[str, tuple[str, ...]] = {}
        booleans: list[str] = []
        profiles: list[str] = []
        for item in walk_items(file.items if file is not None else ()):
            if isinstance(item, VariableAssignment):
                variables[item.name] = variables.get(item.name, ()) + tuple(value.text for value in item.values)
            elif isinstance(item, BooleanAssignment):
                booleans.append(item.name)
            elif isinstance(item, Profile) and item.name is not None:
                profiles.append(item.name.text)
        return cls(variables, tuple(booleans), tuple(profiles))


@dataclass(frozen=True, slots=True)
class Statement:
    """The statement being typed at a cursor, as `complete` and signature help read it.

    `tokens` are the complete words before the cursor (a word the cursor touches is
    `partial`, starting at `partial_start`), `container` the type of the node holding the
    statement (`block`, `source_file` or `ERROR`).
    """

    tokens: tuple[_Token, ...]
    partial: str
    partial_start: int
    container: str

    @property
    def words(self) -> list[str]:
        """The texts of the complete words."""
        return [token.text for token in self.tokens]

    def kind(self) -> str:
        """The rule kind the statement's first word after the qualifiers opens, or ""."""
        words = self.words
        first, _ = _skip_qualifiers(words)
        keyword = words[first] if first < len(words) else ""
        return _KEYWORD_KIND.get(keyword, "file" if _is_path(keyword) else "")


def statement_at(parsed: Parse, offset: int) -> Statement | None:
    """Return the statement being typed at byte `offset`, or None inside a comment."""
    source, root = parsed.source, parsed.root
    offset = max(0, min(offset, len(source)))
    if _in_comment(root, source, offset):
        return None
    container = _container(root, offset)
    tokens = _tokens(source, _statement_start(container, source, offset), offset)
    partial, partial_start = "", offset
    if tokens and tokens[-1].end == offset and tokens[-1].text not in _SEPARATORS:
        last = tokens.pop()
        partial, partial_start = last.text, last.start
    return Statement(tuple(tokens), partial, partial_start, container.type)


def open_list(statement: Statement) -> tuple[str | None, list[str]] | None:
    """Return the owner of the innermost `(` open at the end of `statement` (a conditional
    or `flags`, None for an access list) and the words written in it, or None."""
    paren = _open_paren(list(statement.tokens))
    if paren is None:
        return None
    index, owner = paren
    return owner, [token.text for token in statement.tokens[index + 1 :]]


def complete(
    parsed: Parse, offset: int, env: CompletionEnv = CompletionEnv(), *, file: PolicyFile | None = None
) -> Completions | None:
    """Return what may be written at byte `offset` of the parsed document, or None where
    nothing can be (inside a comment or a quoted string).

    `file` is the document's model, when the caller has it: the variables and profiles it
    defines are offered besides those of `env` (see `document_env`).
    """
    source = parsed.source
    offset = max(0, min(offset, len(source)))
    statement = statement_at(parsed, offset)
    if statement is None:
        return None
    found = _include_completions(source, offset, env)
    if found is not None:
        return found
    document = _Document.of(file)
    found = _variable_completions(source, offset, env, document)
    if found is not None:
        return found
    if statement.partial.startswith('"'):
        return None
    env = dataclasses.replace(env, profiles=tuple(dict.fromkeys((*env.profiles, *document.profiles))))
    tokens = list(statement.tokens)
    replaced, items = _complete_statement(tokens, statement.partial, statement.container, env)
    replace_from = statement.partial_start if replaced is None else offset - replaced
    line_start = source.rfind(b"\n", 0, replace_from) + 1
    if tokens and tokens[0].start < line_start and not source[line_start:replace_from].strip():
        # A word starting a line may continue a rule written over several lines, or start
        # the next rule of one whose ',' was forgotten.
        items += [item for item in _rule_start(statement.container, -1) if item not in items]
    return Completions(replace_from, offset, tuple(items))
