"""The parts many rule kinds share: access words and `name=value` conditionals.

`signal (send receive) set=(hup) peer=foo,` lowers to access words `send`, `receive` and
the conditionals `set` (a list) and `peer`; `peer=(label=foo addr=@x)` is a group of
conditionals.  Which names and values a kind accepts is the kind's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from .span import Span, Word
from .values import Value, value_of, word_of

__all__ = ["Conditional", "ConditionalGroup", "lower_access", "lower_conditionals", "lower_group"]


@dataclass(frozen=True, slots=True)
class Conditional:
    """`name=value`, `name=(v1 v2)`, `name in (v1 v2)`, `name:=value`, or a bare `name`.

    `operator` is None for a bare name (possible inside groups); `is_list` says whether the
    values were written in parentheses.
    """

    name: Word
    operator: str | None
    values: tuple[Value, ...]
    is_list: bool
    span: Span

    def first(self) -> Value | None:
        """Return the first value, or None when there is none."""
        return self.values[0] if self.values else None


@dataclass(frozen=True, slots=True)
class ConditionalGroup:
    """`peer=( ... )` or `xattrs=( ... )`: a named group of conditionals."""

    name: Word
    items: tuple[Conditional, ...]
    span: Span

    def get(self, name: str) -> Conditional | None:
        """Return the last conditional called `name`, or None."""
        for item in reversed(self.items):
            if item.name.text == name:
                return item
        return None


def lower_access(node: Node | None, source: bytes) -> tuple[Word, ...]:
    """Lower the `permissions` field of a non-file rule: one `access` or an `access_list`."""
    if node is None:
        return ()
    if node.type == "access":
        return (word_of(node, source),)
    return tuple(word_of(child, source) for child in node.named_children if child.type == "access")


def _values(node: Node | None, source: bytes) -> tuple[tuple[Value, ...], bool]:
    if node is None or node.is_missing:
        return (), False
    if node.type == "value_list":
        return tuple(value_of(child, source) for child in node.named_children if child.type in ("value", "string")), True
    return (value_of(node, source),), False


def _conditional(node: Node, source: bytes) -> Conditional:
    name_node = node.child_by_field_name("name")
    operator_node = node.child_by_field_name("operator")
    # A condition name may span several tokens (`security.apparmor` inside xattrs=()).
    name_end = operator_node.start_byte if operator_node is not None else node.end_byte
    if name_node is not None:
        name_text = source[name_node.start_byte : name_end].decode("utf-8", "surrogateescape").rstrip()
        name = Word(name_text, Span(name_node.start_byte, name_node.start_byte + len(name_text.encode("utf-8", "surrogateescape"))))
    else:
        name = Word("", Span(node.start_byte, node.start_byte))
    operator = operator_node.type if operator_node is not None else None
    values, is_list = _values(node.child_by_field_name("value"), source)
    return Conditional(name, operator, values, is_list, Span.of(node))


def lower_group(node: Node, source: bytes) -> ConditionalGroup:
    """Lower a `conditional_group` (`peer=(...)`) or an `xattrs` node."""
    name_node = node.child_by_field_name("name") or node.children[0]
    items = tuple(
        _conditional(item, source) for item in node.named_children if item.type == "conditional_item"
    )
    return ConditionalGroup(word_of(name_node, source), items, Span.of(node))


def lower_conditionals(
    node: Node, source: bytes
) -> tuple[tuple[Conditional, ...], tuple[ConditionalGroup, ...]]:
    """Return the conditionals and the conditional groups among the children of `node`."""
    conditionals: list[Conditional] = []
    groups: list[ConditionalGroup] = []
    for child in node.named_children:
        if child.type == "conditional":
            conditionals.append(_conditional(child, source))
        elif child.type == "conditional_group":
            groups.append(lower_group(child, source))
    return tuple(conditionals), tuple(groups)
