"""The Vim files (editors/vim: filetype detection and an ALE linter) in headless Vim, against the real server.

One `vim -es` session (tests/editors/vim_session.vim) puts editors/vim on the runtimepath,
adds ALE and opens a profile; the tests check what it recorded.  The README shows both
files, and a test keeps them the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .headless import (
    EDITORS,
    ERROR_LINE,
    HERE,
    REPO_ROOT,
    find_editor,
    prepare_session,
    probe_paths,
    run_editor,
    unavailable,
)

PLUGIN = EDITORS / "vim"
SNIPPETS = [PLUGIN / "ftdetect" / "apparmor.vim", PLUGIN / "ale_linters" / "apparmor" / "armorsmith.vim"]
ALE = Path("/usr/share/vim/vimfiles/pack/dist-bundle/opt/ale")
"""Where Debian's vim-ale puts ALE, on Vim's default packpath."""


MODES = {"apparmor": "apparmor", "python": "python", None: ""}
"""The filetype of each language of `probe_paths`."""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The record of one Vim session."""
    editor = find_editor("vim", r"VIM - Vi IMproved (\d+\.\d+)")
    if not ALE.is_dir():
        unavailable(f"ALE is not installed at {ALE}")
    root = tmp_path_factory.mktemp("vim")
    result, env = prepare_session(root)
    env.update(ARMORSMITH_TEST_PLUGIN=str(PLUGIN))
    command = [editor.path, "-N", "-u", "NONE", "-i", "NONE", "-es", "-S", str(HERE / "vim_session.vim")]
    record = run_editor(command, env=env, cwd=root, result=result)
    record["root"] = str(root)
    return record


def test_filetypes_by_path(session: dict[str, Any]) -> None:
    """Ensure that policy directories, *.apparmor and abstractions/tunables files are apparmor."""
    expected = {path: MODES[language] for path, language in probe_paths(Path(session["root"])).items()}
    assert session["filetypes"] == expected


def test_ale_runs_armorsmith(session: dict[str, Any]) -> None:
    """Ensure that the profile is apparmor and ALE's linter for it is armorsmith."""
    assert session["filetype"] == "apparmor"
    assert session["linters"] == ["armorsmith"]


def test_diagnostics_arrive(session: dict[str, Any]) -> None:
    """Ensure that ALE shows the profile's one error, and the include path setting was used."""
    found = [(d["line"], d["type"], d["code"], d["linter"]) for d in session["diagnostics"]]
    assert found == [(ERROR_LINE, "E", "unknown-capability", "armorsmith")], session["diagnostics"]
    assert "sys_admn" in session["diagnostics"][0]["text"]


def test_hover_on_px(session: dict[str, Any]) -> None:
    """Ensure that :ALEHover shows the explanation of Px in the preview window."""
    hover = session["hover"]
    assert hover, "no hover arrived"
    assert "Px" in hover
    assert "transition" in hover


def test_readme_shows_the_files() -> None:
    """Ensure that the README's Vim snippets are the files under editors/vim, word for word."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for snippet in SNIPPETS:
        assert f"```vim\n{snippet.read_text(encoding='utf-8')}```\n" in readme, snippet
