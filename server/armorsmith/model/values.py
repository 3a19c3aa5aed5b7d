"""Values as written in policy: paths, names, conditional values, with their variables.

A `Value` keeps the text exactly as written (its range, whether it was quoted) and the
variable references inside it, each with its own range, so resolution can expand them and
diagnostics can point at one reference.  Escapes are left as written: the meaning of a
backslash depends on where the value ends up (AARE globs keep `\\*`, names drop quotes),
so turning text into a glob or a name is the job of the layers that know which it is.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass

from tree_sitter import Node

from .span import Span, Word

__all__ = ["Value", "VarRef", "node_text", "replace_values", "value_of", "values_in", "word_of"]

_VARIABLE = re.compile(rb"@\{([A-Za-z][A-Za-z0-9_]*)\}")


def node_text(node: Node, source: bytes) -> str:
    """Return the source text of `node`, invalid UTF-8 kept as surrogate escapes."""
    return source[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")


def word_of(node: Node, source: bytes) -> Word:
    """Return the text and range of a single-token node such as a keyword or a name."""
    return Word(node_text(node, source), Span.of(node))


@dataclass(frozen=True, slots=True)
class VarRef:
    """A reference to a set variable, `@{name}`, inside a value."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Value:
    """A value as written: `raw` is the source text, `text` the same without its quotes."""

    raw: str
    text: str
    span: Span
    quoted: bool
    variables: tuple[VarRef, ...]

    @property
    def has_glob(self) -> bool:
        """Whether the text holds an AARE pattern character outside escapes."""
        escaped = False
        for char in self.text:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char in "*?[{":
                return True
        return False


def value_of(node: Node, source: bytes) -> Value:
    """Lower any value-like node (a path, value, string, name or reference) to a `Value`.

    A wrapper node with a single string or value child (`profile_name`, `profile_ref`) is
    looked through.  Variables are found by the `variable` nodes of unquoted text and by
    scanning the content of quoted strings, since inside quotes the grammar has no nodes.
    """
    if node.type in ("profile_name", "profile_ref") and node.named_child_count == 1:
        only = node.named_children[0]
        if only.type in ("string", "value") and only.start_byte == node.start_byte:
            node = only
    raw = node_text(node, source)
    start = node.start_byte
    # A string aliased to another node type (a quoted top-level profile name) is a string.
    quoted = node.type == "string" or (node.named_child_count == 0 and raw.startswith('"'))
    if quoted:
        body = source[start + 1 : max(start + 1, node.end_byte - 1)]
        variables = tuple(
            VarRef(match.group(1).decode("ascii"), Span(start + 1 + match.start(), start + 1 + match.end()))
            for match in _VARIABLE.finditer(body)
        )
        text = raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]
        return Value(raw, text, Span.of(node), True, variables)
    variables = tuple(_variables_under(node, source))
    return Value(raw, raw, Span.of(node), False, variables)


def _variables_under(node: Node, source: bytes) -> list[VarRef]:
    if node.type == "variable":
        match = _VARIABLE.fullmatch(source[node.start_byte : node.end_byte])
        return [VarRef(match.group(1).decode("ascii"), Span.of(node))] if match else []
    found: list[VarRef] = []
    for child in node.named_children:
        found += _variables_under(child, source)
    return found


_FIELDS: dict[type, tuple[str, ...]] = {}
"""The fields of each model dataclass type that may hold a `Value`, read once per type
(the set of types is fixed, so this cache cannot grow without bound)."""

_MAY_HOLD_VALUES = ("Value", "Conditional", "Group", "Item", "Rule", "Expr", "object", "Any")
"""Words in a field's annotation that mean it may hold a `Value`; other fields (words,
ranges, flags, enums, strings) are never looked into."""

_ATOMS = (str, bytes, int, float, bool, type(None), enum.Enum, Word, Span)
"""Types that never hold a `Value`."""


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        fields = dataclasses.fields(kind) if dataclasses.is_dataclass(kind) else ()
        names = tuple(
            f.name for f in fields if not isinstance(f.type, str) or any(word in f.type for word in _MAY_HOLD_VALUES)
        )
        _FIELDS[kind] = names
    return names


def values_in(obj: object) -> list[Value]:
    """Return every `Value` held by a model object (a rule, a conditional ...), in order.

    It looks through dataclass fields and tuples; this runs for every rule of every
    resolved profile, so it reads each type's fields once and skips plain atoms.
    """
    found: list[Value] = []
    pending = [obj]
    while pending:
        current = pending.pop()
        if isinstance(current, Value):
            found.append(current)
        elif isinstance(current, _ATOMS):
            continue
        elif isinstance(current, tuple):
            pending.extend(reversed(current))
        else:
            pending.extend(getattr(current, name) for name in reversed(_field_names(type(current))))
    return found


def replace_values(obj: object, texts: dict[Value, str]) -> object:
    """Return `obj` with each `Value` found in `texts` given that text and no variables.

    Objects that hold none of those values are returned as they are (not copied).
    """
    if isinstance(obj, Value):
        text = texts.get(obj)
        return obj if text is None else dataclasses.replace(obj, text=text, variables=())
    if isinstance(obj, _ATOMS):
        return obj
    if isinstance(obj, tuple):
        items = tuple(replace_values(item, texts) for item in obj)
        return obj if all(a is b for a, b in zip(items, obj)) else items
    changes = {}
    for name in _field_names(type(obj)):
        current = getattr(obj, name)
        new = replace_values(current, texts)
        if new is not current:
            changes[name] = new
    return dataclasses.replace(obj, **changes) if changes else obj
