"""The syntax layer: the tree-sitter language, parsing, syntax errors and positions.

It owns everything that touches tree-sitter directly and the conversion between byte
offsets and line/column positions. It knows nothing about AppArmor semantics: callers
above it read nodes and give them meaning. Only `armorsmith.diagnostics` is below it.
"""

from .language import LANGUAGE, ROOT_KIND
from .lines import LineCol, LineIndex, PositionEncoding, byte_point
from .parse import Parse, parse, reparse
from .structure import FileRole, guess_role, is_feature_file, structure_errors

__all__ = [
    "FileRole",
    "LANGUAGE",
    "ROOT_KIND",
    "LineCol",
    "LineIndex",
    "Parse",
    "PositionEncoding",
    "byte_point",
    "guess_role",
    "is_feature_file",
    "parse",
    "reparse",
    "structure_errors",
]
