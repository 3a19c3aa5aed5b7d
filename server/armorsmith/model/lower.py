"""Lowering: from a syntax tree to the frozen `PolicyFile` model, plus diagnostics.

`lower(parse)` walks the tree once.  It never raises on user input: ERROR and MISSING
nodes are skipped (the syntax layer reports them), a half-typed rule still yields a rule
with empty parts, and problems a rule kind finds while lowering become diagnostics.
Rule nodes are dispatched through `armorsmith.model.rules.RULE_KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.syntax import Parse

from .conditionals import lower_group
from .expressions import lower_expression
from .policy import (
    Abi,
    AliasRule,
    Block,
    BooleanAssignment,
    Flag,
    IfBlock,
    Include,
    Item,
    PolicyFile,
    Profile,
    QualifierBlock,
    VariableAssignment,
)
from .qualifiers import lower_qualifiers
from .rule import LowerContext
from .rules import RULE_KINDS
from .span import Span
from .values import Value, value_of

__all__ = ["Lowered", "lower"]


@dataclass(frozen=True, slots=True)
class Lowered:
    """The model of one document and the diagnostics found while building it."""

    file: PolicyFile
    diagnostics: tuple[Diagnostic, ...]


def lower(parsed: Parse) -> Lowered:
    """Lower a parsed document to its model."""
    ctx = LowerContext(parsed.source)
    items = _items(parsed.root, ctx)
    return Lowered(PolicyFile(items, Span.of(parsed.root)), tuple(ctx.diagnostics))


def _items(node: Node, ctx: LowerContext) -> tuple[Item, ...]:
    found: list[Item] = []
    for child in node.named_children:
        if child.is_error or child.is_missing or child.type == "comment":
            continue
        item = _item(child, ctx)
        if item is not None:
            found.append(item)
    return tuple(found)


def _item(node: Node, ctx: LowerContext) -> Item | None:
    kind = node.type
    rule_kind = RULE_KINDS.get(kind)
    if rule_kind is not None:
        return rule_kind.from_cst(node, ctx)
    lowerer = _LOWERERS.get(kind)
    return lowerer(node, ctx) if lowerer is not None else None


MAX_NESTING = 128
"""The deepest nesting of blocks lowered; real profiles rarely nest past 3, upstream's stress test nests 101."""


def _block(node: Node | None, ctx: LowerContext) -> Block:
    if node is None:
        return Block((), Span(0, 0))
    if ctx.depth >= MAX_NESTING:
        # Deeper blocks are reported once and left out, so that everything above the
        # model (resolution, checks, the engine) stays bounded however deep the text nests.
        if not ctx.too_deep:
            ctx.too_deep = True
            ctx.report(
                Code.NESTING_TOO_DEEP,
                f"blocks nest more than {MAX_NESTING} deep here; what is inside is not analysed",
                Span(node.start_byte, node.start_byte + 1),
            )
        return Block((), Span.of(node))
    ctx.depth += 1
    try:
        return Block(_items(node, ctx), Span.of(node))
    finally:
        ctx.depth -= 1


def _target(node: Node | None, ctx: LowerContext) -> tuple[str, bool, Span]:
    """Return the target of an include or abi: its name, whether it was `<...>`, its range."""
    if node is None or node.is_missing:
        return "", False, Span(0, 0)
    text = ctx.text(node)
    span = Span.of(node)
    if node.type == "magic_path":
        inner = text[1:-1]
        if inner.startswith('"') and inner.endswith('"') and len(inner) >= 2:
            inner = inner[1:-1]
        return inner, True, span
    if node.type == "string":
        return text[1:-1], False, span
    return text, False, span


def _include(node: Node, ctx: LowerContext) -> Include:
    keyword = node.child_by_field_name("keyword")
    target, magic, target_span = _target(node.child_by_field_name("path"), ctx)
    return Include(
        ctx.word(keyword) if keyword is not None else ctx.word(node),
        node.child_by_field_name("if_exists") is not None,
        target,
        magic,
        target_span,
        Span.of(node),
    )


def _abi(node: Node, ctx: LowerContext) -> Abi:
    target, magic, target_span = _target(node.child_by_field_name("path"), ctx)
    return Abi(target, magic, target_span, Span.of(node))


def _variable_name(text: str) -> str:
    return text[2:-1] if text.startswith(("@{", "${")) else text[1:]


def _assignment(node: Node, ctx: LowerContext) -> VariableAssignment:
    name = node.child_by_field_name("name")
    operator = node.child_by_field_name("operator")
    values = tuple(ctx.value(child) for child in node.children_by_field_name("value"))
    return VariableAssignment(
        _variable_name(ctx.text(name)) if name is not None else "",
        Span.of(name) if name is not None else Span.of(node),
        ctx.word(operator) if operator is not None else ctx.word(node),
        values,
        Span.of(node),
    )


def _boolean_assignment(node: Node, ctx: LowerContext) -> BooleanAssignment:
    name = node.child_by_field_name("name")
    operator = node.child_by_field_name("operator")
    return BooleanAssignment(
        _variable_name(ctx.text(name)) if name is not None else "",
        Span.of(name) if name is not None else Span.of(node),
        ctx.word(operator) if operator is not None else ctx.word(node),
        lower_expression(node.child_by_field_name("value"), ctx.source),
        Span.of(node),
    )


def _alias(node: Node, ctx: LowerContext) -> AliasRule:
    source = node.child_by_field_name("from")
    target = node.child_by_field_name("to")
    return AliasRule(
        ctx.value(source) if source is not None else None,
        ctx.value(target) if target is not None else None,
        Span.of(node),
    )


def _flags(node: Node | None, ctx: LowerContext) -> tuple[Flag, ...]:
    if node is None:
        return ()
    flags = []
    for child in node.named_children:
        if child.type != "flag":
            continue
        text = ctx.value(child).text
        name, sep, value = text.partition("=")
        flags.append(Flag(name, value if sep else None, Span.of(child)))
    return tuple(flags)


def _optional_value(node: Node | None, ctx: LowerContext) -> Value | None:
    if node is None or node.is_missing:
        return None
    return value_of(node, ctx.source)


def _profile(node: Node, ctx: LowerContext) -> Profile:
    keyword = None
    first = node.children[0] if node.children else None
    if first is not None and first.type in ("profile", "hat", "^"):
        keyword = ctx.word(first)
    xattrs_node = node.child_by_field_name("xattrs")
    xattrs = lower_group(xattrs_node, ctx.source) if xattrs_node is not None else None
    identities: list[Value] = []
    for identity in node.children_by_field_name("identities"):
        identities += [ctx.value(child) for child in identity.named_children if child.type in ("value", "string")]
    flags_node = node.child_by_field_name("flags")
    return Profile(
        keyword,
        _optional_value(node.child_by_field_name("name"), ctx),
        _optional_value(node.child_by_field_name("attachment"), ctx),
        xattrs,
        tuple(identities),
        _flags(flags_node, ctx),
        Span.of(flags_node) if flags_node is not None else None,
        _block(node.child_by_field_name("body"), ctx),
        Span.of(node),
    )


def _qualifier_block(node: Node, ctx: LowerContext) -> QualifierBlock:
    return QualifierBlock(
        lower_qualifiers(node.child_by_field_name("qualifiers"), ctx.source),
        _block(node.child_by_field_name("body"), ctx),
        Span.of(node),
    )


def _if_block(node: Node, ctx: LowerContext) -> IfBlock:
    alternative = node.child_by_field_name("alternative")
    orelse: Block | IfBlock | None = None
    if alternative is not None:
        for child in alternative.named_children:
            if child.type == "block":
                orelse = _block(child, ctx)
            elif child.type == "if_block":
                orelse = _if_block(child, ctx)
    return IfBlock(
        lower_expression(node.child_by_field_name("condition"), ctx.source),
        _block(node.child_by_field_name("consequence"), ctx),
        orelse,
        Span.of(node),
    )


_LOWERERS = {
    "include": _include,
    "abi": _abi,
    "variable_assignment": _assignment,
    "boolean_assignment": _boolean_assignment,
    "alias_rule": _alias,
    "profile": _profile,
    "hat": _profile,
    "qualifier_block": _qualifier_block,
    "if_block": _if_block,
}
