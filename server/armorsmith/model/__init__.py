"""The model layer: the policy as typed, frozen values lowered from the syntax tree.

It owns the shape of a lowered document (`PolicyFile`, `Profile`, blocks, preamble items),
the rule interface and one module per rule kind (`armorsmith.model.rules`), and the values
as written (`Value`, with variable references and byte ranges).  It is pure: no I/O, no
include or variable resolution (that is `armorsmith.resolve`), and it never raises on
user input.
"""

from .conditionals import Conditional, ConditionalGroup
from .event import LogRecord
from .expressions import Expr
from .lower import Lowered, lower
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
    walk_items,
    walk_rules,
)
from .qualifiers import Access, Owner, Qualifiers
from .rule import LowerContext, Rule, WholeAccess
from .rules import KINDS, RULE_KINDS
from .span import Span, Word
from .values import Value, VarRef, replace_values, values_in

__all__ = [
    "KINDS",
    "RULE_KINDS",
    "Abi",
    "Access",
    "AliasRule",
    "Block",
    "BooleanAssignment",
    "Conditional",
    "ConditionalGroup",
    "Expr",
    "Flag",
    "IfBlock",
    "Include",
    "Item",
    "LogRecord",
    "LowerContext",
    "Lowered",
    "Owner",
    "PolicyFile",
    "Profile",
    "QualifierBlock",
    "Qualifiers",
    "Rule",
    "Span",
    "Value",
    "VarRef",
    "WholeAccess",
    "Word",
    "lower",
    "replace_values",
    "values_in",
    "walk_items",
    "walk_rules",
]
