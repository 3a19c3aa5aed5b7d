"""Set and boolean variables: their values with provenance, and expansion to concrete strings.

Upstream keeps one symbol table for both kinds (symtab.cc), so `@{X}` and `${X}` cannot
both be declared.  A set variable's values are kept as written, each with its `Origin`;
expansion follows variable.cc: a value's first reference `@{NAME}` (a `\\@` is no
reference) is replaced by every value of NAME, itself fully expanded, and the result is
the sorted set of strings.  Expanding a rule's value (`Expander.text`) also follows
`expand_by_alternation`: next to a `/` the substituted value loses its own leading or
trailing slashes, and `collapse_slashes` then folds `//` as `filter_slashes` does.

Expansion is bounded: more than `limit` strings is an `ExpansionError`, never a hang.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from armorsmith.diagnostics import Code, Related

from .provenance import Origin

__all__ = [
    "BooleanVariable",
    "ExpansionError",
    "Expander",
    "SetValue",
    "SetVariable",
    "Variable",
    "collapse_slashes",
    "escape_name",
    "reference_name",
    "split_reference",
]


@dataclass(frozen=True, slots=True)
class SetValue:
    """One value of a set variable as written (quotes removed), and where it was written."""

    text: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class SetVariable:
    """`@{name}`: its values in order of assignment, where it was declared and appended to."""

    name: str
    values: tuple[SetValue, ...]
    declared: Origin
    appended: tuple[Origin, ...] = ()


@dataclass(frozen=True, slots=True)
class BooleanVariable:
    """`${name}`: its value (None when its expression could not be evaluated)."""

    name: str
    value: bool | None
    declared: Origin


Variable = SetVariable | BooleanVariable
"""Either kind of variable."""


@dataclass(frozen=True, slots=True)
class ExpansionError:
    """Why a text could not be expanded.

    `variable` is the reference in the expanded text itself that failed (the diagnostic
    goes on it), `related` the places inside variable definitions that explain why.
    """

    code: Code
    message: str
    variable: str
    related: tuple[Related, ...] = ()


class _Name(enum.Enum):
    """How upstream's `is_var` judges the text of a reference."""

    VALID = "valid"
    COMMA = "comma"
    INVALID = "invalid"


def _judge(reference: str) -> _Name:
    """Judge `@{name}` or `@name` as `is_var` does (ASCII letters, digits and `_`)."""
    body = reference[1:]
    if body.startswith("{"):
        if not body.endswith("}"):
            return _Name.INVALID
        body = body[1:-1]
    if not body or not (body[0].isascii() and body[0].isalpha()):
        return _Name.INVALID
    for char in body[1:]:
        if char == ",":
            return _Name.COMMA
        if not (char == "_" or (char.isascii() and char.isalnum())):
            return _Name.INVALID
    return _Name.VALID


def _bare(reference: str) -> str:
    """Return the name inside `@{name}` or `@name`."""
    body = reference[1:]
    return body[1:-1] if body.startswith("{") else body


def reference_name(text: str) -> str | None:
    """Return NAME when `text` is exactly one reference, `@{NAME}` or `@NAME`; else None."""
    if text.startswith("@") and _judge(text) is _Name.VALID:
        return _bare(text)
    return None


def split_reference(text: str) -> tuple[str, str, str] | None:
    """Split `text` around its first variable reference: (prefix, `@{...}`, suffix).

    A backslash escapes the next `@` or `}`, as in upstream's `extract_variable`; None
    when there is no reference.
    """
    escaped = False
    start = -1
    i = 0
    length = len(text)
    while i < length:
        char = text[i]
        if char == "\\":
            escaped = not escaped
        elif char == "@":
            if escaped:
                escaped = False
            elif text[i + 1 : i + 2] == "{":
                start = i
                # Upstream steps over the brace and the character after it.
                i += 3
                continue
        elif char == "}":
            if escaped:
                escaped = False
            elif start != -1:
                return text[:start], text[start : i + 1], text[i + 1 :]
        else:
            escaped = False
        i += 1
    return None


_SLASHES = re.compile(r"/{2,}")


def collapse_slashes(path: str) -> str:
    """Fold runs of `/` into one, keeping a leading `//` (not `///`), as `filter_slashes` does."""
    if len(path) < 2:
        return path
    if path.startswith("//") and path[2:3] != "/":
        return "//" + _SLASHES.sub("/", path[2:])
    return _SLASHES.sub("/", path)


def escape_name(name: str) -> str:
    """Escape the glob characters of a profile name, as `@{profile_name}` holds it (`escape_re`)."""
    out: list[str] = []
    i = 0
    while i < len(name):
        char = name[i]
        if char == "\\":
            out.append(name[i : i + 2])
            i += 2
            continue
        if char in "{}[]*?":
            out.append("\\")
        out.append(char)
        i += 1
    return "".join(out)


def _byte_order(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


Builtins = tuple[tuple[str, tuple[str, ...]], ...]
"""Per-profile variables (`profile_name`, `attach_path`, `exec_path`) as sorted pairs."""


class Expander:
    """Expands variables and texts against a table, remembering every answer.

    The table is read, never written; call `forget` after it changes.
    """

    def __init__(self, table: dict[str, Variable], limit: int) -> None:
        self._table = table
        self.limit = limit
        self._variables: dict[tuple[str, Builtins], tuple[str, ...] | ExpansionError] = {}
        self._texts: dict[tuple[str, Builtins, bool], tuple[str, ...] | ExpansionError] = {}

    def forget(self) -> None:
        """Drop remembered expansions (the table changed)."""
        self._variables.clear()
        self._texts.clear()

    def variable(self, name: str, builtins: Builtins = ()) -> tuple[str, ...] | ExpansionError:
        """Return the sorted strings of `@{name}`, or why it cannot be expanded."""
        return self._variable(name, builtins, ())

    def _variable(self, name: str, builtins: Builtins, stack: tuple[str, ...]) -> tuple[str, ...] | ExpansionError:
        for builtin, values in builtins:
            if builtin == name:
                return values
        key = (name, builtins)
        known = self._variables.get(key)
        if known is not None:
            return known
        found = self._table.get(name)
        if found is None:
            return _undefined(name, builtins)
        if isinstance(found, BooleanVariable):
            return ExpansionError(
                Code.VARIABLE_KIND_MISMATCH, f"Referenced variable {name} is a boolean used in set context", name
            )
        if name in stack:
            return ExpansionError(
                Code.RECURSIVE_VARIABLE,
                f"Variable @{{{name}}} is referenced recursively (by @{{{stack[-1]}}})",
                name,
            )
        result = self._expand_set(found, builtins, (*stack, name))
        if not stack or not isinstance(result, ExpansionError) or result.code is not Code.RECURSIVE_VARIABLE:
            self._variables[key] = result
        return result

    def _expand_set(
        self, variable: SetVariable, builtins: Builtins, stack: tuple[str, ...]
    ) -> tuple[str, ...] | ExpansionError:
        first: dict[str, Origin] = {}
        for value in variable.values:
            first.setdefault(value.text, value.origin)
        work = [(text, first[text]) for text in sorted(first, key=_byte_order)]
        done: set[str] = set()
        index = 0
        while index < len(work):
            text, origin = work[index]
            index += 1
            split = split_reference(text)
            if split is None:
                done.add(text)
                continue
            prefix, reference, suffix = split
            here = Related(f"in the value of @{{{variable.name}}}", origin.span.start, origin.span.end, origin.document)
            if _judge(reference) is not _Name.VALID:
                return ExpansionError(
                    Code.UNDEFINED_VARIABLE, f"Failed to find declaration for: {reference}", variable.name, (here,)
                )
            inner = self._variable(_bare(reference), builtins, stack)
            if isinstance(inner, ExpansionError):
                return ExpansionError(inner.code, inner.message, variable.name, (*inner.related, here))
            work += [(prefix + value + suffix, origin) for value in inner]
            if len(work) - index > self.limit:
                return _too_large(variable.name, self.limit)
        return tuple(sorted(done, key=_byte_order))

    def text(self, text: str, builtins: Builtins = (), *, collapse: bool = True) -> tuple[str, ...] | ExpansionError:
        """Return every concrete string `text` stands for, or why it cannot be expanded.

        With `collapse`, slashes are then folded as upstream does for paths.
        """
        key = (text, builtins, collapse)
        known = self._texts.get(key)
        if known is None:
            known = self._texts[key] = self._text(text, builtins, collapse)
        return known

    def _text(self, text: str, builtins: Builtins, collapse: bool) -> tuple[str, ...] | ExpansionError:
        results = [""]
        rest = text
        while True:
            split = split_reference(rest)
            if split is None:
                break
            prefix, reference, suffix = split
            judged = _judge(reference)
            if judged is _Name.COMMA:
                # Upstream reads `@{a,b}` as a deprecated alternation, not a variable, and stops.
                break
            if judged is _Name.INVALID:
                message = f"Failed to find declaration for: {reference}"
                return ExpansionError(Code.UNDEFINED_VARIABLE, message, reference)
            name = _bare(reference)
            values = self._variable(name, builtins, ())
            if isinstance(values, ExpansionError):
                return ExpansionError(values.code, values.message, name, values.related)
            heads = [head + prefix for head in results]
            if len(heads) * len(values) > self.limit:
                return _too_large(name, self.limit)
            trim_end = suffix.startswith("/")
            results = []
            for head in heads:
                trim_start = head.endswith("/") and head.strip("/") != ""
                for value in values:
                    if trim_start:
                        value = value.lstrip("/")
                    if trim_end:
                        value = value.rstrip("/")
                    results.append(head + value)
            rest = suffix
        strings = [result + rest for result in results]
        if collapse:
            strings = [collapse_slashes(string) for string in strings]
        return tuple(dict.fromkeys(strings))


def _undefined(name: str, builtins: Builtins) -> ExpansionError:
    if name in ("attach_path", "exec_path") and any(builtin == "profile_name" for builtin, _ in builtins):
        return ExpansionError(
            Code.ATTACH_PATH_UNDEFINED,
            f"Failed to find declaration for: @{{{name}}}: the profile has no attachment "
            "and its name does not start with '/'",
            name,
        )
    return ExpansionError(Code.UNDEFINED_VARIABLE, f"Failed to find declaration for: @{{{name}}}", name)


def _too_large(name: str, limit: int) -> ExpansionError:
    return ExpansionError(
        Code.EXPANSION_TOO_LARGE,
        f"expanding @{{{name}}} here gives more than {limit} strings; it is not checked further",
        name,
    )
