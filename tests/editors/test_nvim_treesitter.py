"""The tree-sitter side of the Neovim plugin: its queries, its parser registration, in Neovim 0.11.

The plugin ships copies of grammar/queries/*.scm under editors/nvim/queries/apparmor/, so
Neovim finds them on the runtimepath; they must stay identical to the grammar's.  The
parser is compiled here from the grammar directory the registration names, with the files
it lists, as nvim-treesitter's `:TSInstall` does, and Neovim's own tree-sitter runs the
queries on a profile.  (Neovim 0.7's tree-sitter reads parsers of ABI 14 at most; the
grammar is ABI 15, so these run on 0.11 only.)
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .headless import EDITORS, HERE, REPO_ROOT, find_neovim, hermetic_env, neovim_command, run_editor, unavailable

GRAMMAR = REPO_ROOT / "grammar"
QUERIES = EDITORS / "nvim" / "queries" / "apparmor"
SOURCES = ["src/parser.c", "src/scanner.c"]

PROFILE = """@{BIN}=/usr/bin
include <tunables/global>

profile foo @{BIN}/foo {
  capability sys_admin,
  /usr/bin/bar Px -> bar,

  ^hat {
    /tmp/** rw,
  }
}
"""

CAPTURES = {
    (0, 0): "variable",
    (1, 0): "keyword.import",
    (1, 10): "string.special.path",
    (3, 0): "keyword",
    (3, 8): "type",
    (4, 2): "keyword",
    (4, 13): "constant",
    (5, 15): "character.special",
    (5, 21): "type",
    (7, 2): "punctuation.special",
    (8, 4): "string.special.path",
    (10, 0): "punctuation.bracket",
}
"""The highlight a capture at (line, column) must include, 0-based."""


def test_queries_are_the_grammars() -> None:
    """Ensure that editors/nvim/queries/apparmor holds exactly the grammar's queries."""
    grammar = {path.name: path.read_bytes() for path in (GRAMMAR / "queries").glob("*.scm")}
    plugin = {path.name: path.read_bytes() for path in QUERIES.glob("*.scm")}
    assert sorted(grammar) == ["folds.scm", "highlights.scm", "locals.scm", "tags.scm"]
    stale = sorted(name for name in grammar.keys() | plugin.keys() if grammar.get(name) != plugin.get(name))
    assert not stale, f"{stale} differ; run: cp grammar/queries/*.scm editors/nvim/queries/apparmor/"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The record of one Neovim 0.11 session with the compiled parser."""
    editor = find_neovim((0, 11))
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        unavailable("no C compiler to build the parser")
    root = tmp_path_factory.mktemp("treesitter")
    parser = root / "apparmor.so"
    # nvim-treesitter's master branch compiles the listed files in the grammar directory so.
    subprocess.run(
        [compiler, "-o", str(parser), "-I./src", *SOURCES, "-Os", "-shared", "-fPIC"],
        cwd=GRAMMAR,
        check=True,
        timeout=300,
    )
    profile = root / "profiles" / "foo.apparmor"
    profile.parent.mkdir()
    profile.write_text(PROFILE, encoding="utf-8")
    result = root / "result.json"
    env = hermetic_env(root / "home")
    env.update(
        ARMORSMITH_TEST_OUT=str(result),
        ARMORSMITH_TEST_PARSER=str(parser),
        ARMORSMITH_TEST_PROFILE=str(profile),
        ARMORSMITH_TEST_POSITIONS=json.dumps(list(CAPTURES)),
    )
    return run_editor(neovim_command(editor, HERE / "nvim_treesitter.lua"), env=env, cwd=root, result=result)


def test_registration_for_nvim_treesitter_master(session: dict[str, Any]) -> None:
    """Ensure that the master branch's parser config names the grammar and the files compiled above."""
    master = session["master"]
    assert master["registered"] is True
    assert master["entry"] == {
        "install_info": {
            "url": str(GRAMMAR),
            "files": SOURCES,
            "generate_requires_npm": False,
            "requires_generate_from_grammar": False,
        },
        "filetype": "apparmor",
    }


def test_registration_for_nvim_treesitter_main(session: dict[str, Any]) -> None:
    """Ensure that the main branch's parser entry names the grammar, also after `User TSUpdate`."""
    main = session["main"]
    assert main["registered"] is True
    assert main["entry"] == {"install_info": {"path": str(GRAMMAR)}}
    assert main["after_update"] == main["entry"]
    assert (GRAMMAR / "tree-sitter.json").is_file(), "the main branch builds with `tree-sitter build` there"


def test_registration_without_nvim_treesitter(session: dict[str, Any]) -> None:
    """Ensure that registering without nvim-treesitter reports that nothing was registered."""
    assert session["without"] is False


def test_queries_load_in_neovim(session: dict[str, Any]) -> None:
    """Ensure that Neovim's tree-sitter reads all four queries from the plugin's runtimepath."""
    assert session["filetype"] == "apparmor"
    queries = session["queries"]
    assert sorted(queries) == ["folds", "highlights", "locals", "tags"]
    for name, captures in queries.items():
        assert isinstance(captures, list) and captures, f"{name}: {captures}"


def test_highlights(session: dict[str, Any]) -> None:
    """Ensure that the highlight captures at chosen positions are the documented ones."""
    found = dict(zip(CAPTURES, session["captures"], strict=True))
    wrong = {position: names for position, names in found.items() if CAPTURES[position] not in names}
    assert not wrong, f"expected {{position: capture}} {CAPTURES}, got {wrong}"


def test_folds(session: dict[str, Any]) -> None:
    """Ensure that the profile and the hat fold."""
    assert session["folds"] == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 1]


def test_locals_and_tags(session: dict[str, Any]) -> None:
    """Ensure that the variable's definition and use, and the profiles and hat, are found."""
    pairs = [tuple(pair) for pair in session["locals"]]
    assert ("local.definition", "@{BIN}") in pairs
    assert ("local.reference", "@{BIN}") in pairs
    tags = [tuple(pair) for pair in session["tags"] if pair[0] == "name"]
    assert tags == [("name", "foo"), ("name", "bar"), ("name", "hat")]
