"""The loaded AppArmor grammar and the facts about it that the syntax layer relies on.

This module owns the one `tree_sitter.Language` object, loaded from the compiled
extension when the module is imported; that is the only work done at import time.
"""

from __future__ import annotations

import tree_sitter_apparmor
from tree_sitter import Language

__all__ = ["LANGUAGE", "ROOT_KIND"]

LANGUAGE = Language(tree_sitter_apparmor.language())
"""The AppArmor grammar, loaded once from the compiled extension."""

ROOT_KIND = "source_file"
"""The type of the root node, and the grammar's start rule.

tree-sitter numbers terminal symbols (external tokens included) before every nonterminal,
and the start rule is the first nonterminal, so its id is also the number of terminals.
"""
