"""Tests of the tree-sitter queries that tree_sitter_apparmor ships (grammar/queries/*.scm).

Each query is read through the package, as the server and editors read it, compiled against
the packaged language and run on small samples: highlights must give each kind of token its
documented capture, folds must cover the blocks, locals must find the variable definitions
and tags the profiles and hats.
"""

from __future__ import annotations

import json
import re

import pytest
import tree_sitter_apparmor
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from conftest import REPO_ROOT

LANGUAGE = Language(tree_sitter_apparmor.language())
QUERY_NAMES = ["HIGHLIGHTS_QUERY", "FOLDS_QUERY", "LOCALS_QUERY", "TAGS_QUERY"]
HIGHLIGHT_FIXTURES = sorted((REPO_ROOT / "grammar" / "test" / "highlight").glob("*.apparmor"))

HIGHLIGHT_SAMPLE = b"""\
abi <abi/4.0>,
include <tunables/global>
@{bins} = /usr/bin /bin
$strict = true

profile ping @{bins}/ping flags=(complain) {
  # Raw sockets.
  capability net_raw,
  network inet raw,
  owner @{HOME}/.ping_history rw,
  audit deny /etc/shadow w,
  @{exec_path} mixr,
  /usr/lib/** mr,
  /usr/bin/lpr Px -> lpr,
  ^hat {
  }
  if $strict {
  }
}
"""

HIGHLIGHT_EXPECTED = {
    ("keyword.directive", "abi"),
    ("string.special.path", "<abi/4.0>"),
    ("keyword.import", "include"),
    ("string.special.path", "<tunables/global>"),
    ("variable", "@{bins}"),
    ("operator", "="),
    ("string", "/usr/bin"),
    ("variable", "$strict"),
    ("boolean", "true"),
    ("keyword", "profile"),
    ("type", "ping"),
    ("string.special.path", "@{bins}/ping"),
    ("keyword", "flags"),
    ("attribute", "complain"),
    ("punctuation.bracket", "{"),
    ("comment", "# Raw sockets."),
    ("keyword", "capability"),
    ("constant", "net_raw"),
    ("punctuation.delimiter", ","),
    ("keyword", "network"),
    ("constant", "inet"),
    ("constant", "raw"),
    ("keyword.modifier", "owner"),
    ("variable", "@{HOME}"),
    ("character", "rw"),
    ("keyword.modifier", "audit"),
    ("keyword.modifier", "deny"),
    ("string.special.path", "/etc/shadow"),
    ("character", "w"),
    ("variable.builtin", "@{exec_path}"),
    ("character", "m"),
    ("character.special", "ix"),
    ("character.special", "**"),
    ("character.special", "Px"),
    ("operator", "->"),
    ("type", "lpr"),
    ("punctuation.special", "^"),
    ("type", "hat"),
    ("keyword.conditional", "if"),
}

LOCALS_SAMPLE = b"""\
@{HOMEDIRS} = /home/
@{HOMEDIRS} += /srv/home/
@{HOME} ?= @{HOMEDIRS}/*/
$strict := true

profile p {
  owner @{HOME}/** rw,
  if $strict {
  }
}
"""

TAGS_SAMPLE = b"""\
/usr/bin/foo {
  /usr/bin/lpr Px -> lpr,
  /usr/bin/helper Cx -> helper,
  change_profile -> :ns://other,
  pivot_root /new/ -> newroot,

  ^first_hat {
  }
  hat second_hat {
  }
  profile helper {
  }
}
"""

FOLDS_SAMPLE = b"""\
profile p {
  ^hat {
  }
  audit {
  }
  if $strict {
  } else {
  }
  dbus send
       bus=system,
  capability,
}
"""


def _query(name: str) -> Query:
    return Query(LANGUAGE, getattr(tree_sitter_apparmor, name))


def _root(source: bytes) -> Node:
    tree = Parser(LANGUAGE).parse(source)
    assert not tree.root_node.has_error, "the sample must parse cleanly"
    return tree.root_node


def _text(node: Node) -> str:
    assert node.text is not None
    return node.text.decode()


def _captures(name: str, source: bytes) -> set[tuple[str, str]]:
    """The (capture name, captured text) pairs of a query over a sample."""
    captures = QueryCursor(_query(name)).captures(_root(source))
    return {(capture, _text(node)) for capture, nodes in captures.items() for node in nodes}


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_compiles(name: str) -> None:
    """Ensure that each shipped query compiles against the packaged language."""
    assert _query(name).pattern_count > 0


def test_highlights_capture_each_kind_of_token() -> None:
    """Ensure that highlights gives each kind of token of a small profile its capture."""
    assert HIGHLIGHT_EXPECTED <= _captures("HIGHLIGHTS_QUERY", HIGHLIGHT_SAMPLE)


def test_highlights_builtin_variables_are_not_plain_variables() -> None:
    """Ensure that the variables the parser defines are captured as builtins only."""
    captures = _captures("HIGHLIGHTS_QUERY", HIGHLIGHT_SAMPLE)
    assert ("variable.builtin", "@{exec_path}") in captures
    assert ("variable", "@{exec_path}") not in captures
    assert ("variable.builtin", "@{HOME}") not in captures


def test_highlights_capture_each_node_once() -> None:
    """Ensure that no node is captured by two patterns, so editors agree whichever wins."""
    query = _query("HIGHLIGHTS_QUERY")
    for fixture in HIGHLIGHT_FIXTURES:
        patterns_by_node: dict[int, set[int]] = {}
        for pattern, captures in QueryCursor(query).matches(_root(fixture.read_bytes())):
            for nodes in captures.values():
                for node in nodes:
                    patterns_by_node.setdefault(node.id, set()).add(pattern)
        assert all(len(patterns) == 1 for patterns in patterns_by_node.values()), fixture.name


def test_highlight_fixtures_use_every_pattern() -> None:
    """Ensure that the files of grammar/test/highlight exercise every highlights pattern."""
    query = _query("HIGHLIGHTS_QUERY")
    used = {
        pattern
        for fixture in HIGHLIGHT_FIXTURES
        for pattern, _ in QueryCursor(query).matches(_root(fixture.read_bytes()))
    }
    assert set(range(query.pattern_count)) - used == set()


def test_highlights_cover_every_token_of_the_grammar() -> None:
    """Ensure that every keyword, operator and punctuation token and every named leaf is highlighted."""
    text = tree_sitter_apparmor.HIGHLIGHTS_QUERY
    literals = set(re.findall(r'"((?:[^"\\]|\\.)*)"', text))
    node_types = json.loads((REPO_ROOT / "grammar" / "src" / "node-types.json").read_text())
    anonymous = {entry["type"] for entry in node_types if not entry["named"]}
    # implicit_rule_end is a zero-width marker of a missing ',': there is nothing to colour.
    leaves = {
        entry["type"]
        for entry in node_types
        if entry["named"] and not entry["type"].startswith("_") and not {"children", "fields"} & entry.keys()
    } - {"implicit_rule_end"}
    assert anonymous - literals == set()
    assert {leaf for leaf in leaves if f"({leaf})" not in text} == set()


def test_highlights_header_documents_every_capture() -> None:
    """Ensure that the capture scheme at the top of highlights.scm lists exactly the captures used."""
    query = _query("HIGHLIGHTS_QUERY")
    used = {query.capture_name(i) for i in range(query.capture_count)}
    header = tree_sitter_apparmor.HIGHLIGHTS_QUERY.split("\n\n", 1)[0]
    documented = set(re.findall(r"^;\s+@([\w.]+)", header, flags=re.MULTILINE))
    assert used == documented


def test_locals_find_definitions_and_references() -> None:
    """Ensure that assignments define their variable, except `+=`, and that uses are references."""
    root = _root(LOCALS_SAMPLE)
    captures = QueryCursor(_query("LOCALS_QUERY")).captures(root)
    definitions = [(node.start_point.row, _text(node)) for node in captures["local.definition"]]
    assert sorted(definitions) == [(0, "@{HOMEDIRS}"), (2, "@{HOME}"), (3, "$strict")]
    references = {(node.start_point.row, _text(node)) for node in captures["local.reference"]}
    assert {(1, "@{HOMEDIRS}"), (2, "@{HOMEDIRS}"), (6, "@{HOME}"), (7, "$strict")} <= references
    assert [node.type for node in captures["local.scope"]] == ["source_file"]


def test_tags_find_profiles_hats_and_transitions() -> None:
    """Ensure that tags defines the profiles and hats of a file and references the `->` targets."""
    tags = []
    for _, captures in QueryCursor(_query("TAGS_QUERY")).matches(_root(TAGS_SAMPLE)):
        (kind,) = (capture for capture in captures if capture != "name")
        tags.append((kind, _text(captures["name"][0])))
    assert sorted(tags) == [
        ("definition.class", "/usr/bin/foo"),
        ("definition.class", "helper"),
        ("definition.method", "first_hat"),
        ("definition.method", "second_hat"),
        ("reference.class", ":ns://other"),
        ("reference.class", "helper"),
        ("reference.class", "lpr"),
        ("reference.class", "newroot"),
    ]


def test_folds_cover_blocks_and_multiline_rules() -> None:
    """Ensure that folds covers profile, hat, qualifier and if bodies, and rules over several lines."""
    captures = QueryCursor(_query("FOLDS_QUERY")).captures(_root(FOLDS_SAMPLE))
    multiline = {
        (node.start_point.row, node.end_point.row)
        for node in captures["fold"]
        if node.end_point.row > node.start_point.row
    }
    assert multiline == {(0, 11), (1, 2), (3, 4), (5, 6), (6, 7), (8, 9)}
