"""Tests of document and workspace symbols (armorsmith.ide.symbols)."""

from __future__ import annotations

import pytest

from armorsmith.ide.symbols import Symbol, document_symbols, matches_query, workspace_symbols
from armorsmith.model import lower
from armorsmith.resolve import load_document
from armorsmith.syntax import parse

SOURCE = b"""\
@{BINS} = /usr/bin /bin
${STRICT} = true
profile foo /usr/bin/foo flags=(complain) {
  ^hat_a { }
  hat hat_b { }
  profile child /usr/bin/child {
    ^inner { }
  }
  owner {
    profile in_block { }
  }
  if ${STRICT} {
    profile in_branch { }
  } else {
    profile in_else { }
  }
}
/usr/bin/bar { }
"""


def _tree(symbols: tuple[Symbol, ...], depth: int = 0) -> list[str]:
    """Render symbols one per line: indentation, kind, name, detail."""
    lines = []
    for symbol in symbols:
        detail = f" [{symbol.detail}]" if symbol.detail else ""
        lines.append(f"{'  ' * depth}{symbol.kind} {symbol.name}{detail}")
        lines += _tree(symbol.children, depth + 1)
    return lines


def test_document_symbols_are_a_tree_of_profiles_with_variables() -> None:
    """Ensure that profiles hold their hats and children (through blocks) and variables stand beside them."""
    symbols = document_symbols(lower(parse(SOURCE)).file, SOURCE)
    assert _tree(symbols) == [
        "variable @{BINS} [= /usr/bin /bin]",
        "boolean ${STRICT} [= true]",
        "class foo [/usr/bin/foo (complain)]",
        "  method ^hat_a",
        "  method hat_b",
        "  class child [/usr/bin/child]",
        "    method ^inner",
        "  class in_block",
        "  class in_branch",
        "  class in_else",
        "class /usr/bin/bar",
    ]


def test_symbol_ranges_hold_their_names() -> None:
    """Ensure that each symbol's selection range is its name, inside its whole range."""
    def check(symbols: tuple[Symbol, ...]) -> None:
        for symbol in symbols:
            assert symbol.span.start <= symbol.selection.start <= symbol.selection.end <= symbol.span.end
            assert symbol.name.lstrip("^") in SOURCE[symbol.selection.start : symbol.selection.end].decode()
            check(symbol.children)

    check(document_symbols(lower(parse(SOURCE)).file, SOURCE))


@pytest.mark.parametrize(
    ("name", "query", "matches"),
    [
        ("usr.bin.firefox", "ff", True),
        ("usr.bin.firefox", "FIRE", True),
        ("usr.bin.firefox", "xf", False),
        ("anything", "", True),
    ],
)
def test_matches_query(name: str, query: str, matches: bool) -> None:
    """Ensure that a query matches when its characters appear in order, ignoring case."""
    assert matches_query(name, query) is matches


def test_workspace_symbols_flatten_with_containers(corpus_dir) -> None:
    """Ensure that workspace symbols come from every file, profiles first, with their parent profile."""
    files = [("/w/foo", lower(parse(SOURCE)).file, SOURCE)]
    found = workspace_symbols("inner", files)
    assert [(s.name, s.container, s.path) for s in found] == [("^inner", "foo//child", "/w/foo")]
    profiles = corpus_dir / "upstream" / "profiles" / "apparmor.d"
    documents = [load_document(str(path), path.read_bytes()) for path in sorted(profiles.glob("usr.sbin.*"))]
    found = workspace_symbols("dnsmasq", [(d.path, d.file, d.source) for d in documents])
    assert found and found[0].kind == "class" and found[0].name == "dnsmasq"
    assert all(matches_query(symbol.name, "dnsmasq") for symbol in found)
