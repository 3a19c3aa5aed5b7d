"""Tests of the tree_sitter_apparmor package: the compiled language and the shipped queries."""

from __future__ import annotations

import pytest
import tree_sitter_apparmor
from tree_sitter import Language, Parser

from conftest import REPO_ROOT

QUERIES = {
    "HIGHLIGHTS_QUERY": "highlights.scm",
    "FOLDS_QUERY": "folds.scm",
    "LOCALS_QUERY": "locals.scm",
    "TAGS_QUERY": "tags.scm",
}


def test_language_parses() -> None:
    """Ensure that the extension hands py-tree-sitter a language it can parse with."""
    language = Language(tree_sitter_apparmor.language())
    tree = Parser(language).parse(b"# a comment\n")
    assert tree.root_node.type == "source_file"


@pytest.mark.parametrize(("name", "file_name"), QUERIES.items())
def test_query_constants_match_grammar_queries(name: str, file_name: str) -> None:
    """Ensure that each query constant is the text of grammar/queries, or absent when that file is."""
    source = REPO_ROOT / "grammar" / "queries" / file_name
    if source.is_file():
        assert getattr(tree_sitter_apparmor, name) == source.read_text(encoding="utf-8")
    else:
        with pytest.raises(FileNotFoundError):
            getattr(tree_sitter_apparmor, name)


def test_unknown_attribute_is_an_attribute_error() -> None:
    """Ensure that the lazy loader does not swallow misspelled names."""
    with pytest.raises(AttributeError):
        tree_sitter_apparmor.HIGHLIGHT_QUERY  # noqa: B018
