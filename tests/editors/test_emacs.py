"""The Emacs snippet (editors/emacs/armorsmith.el) in headless Emacs with eglot, against the real server.

One `emacs -Q --batch` session (tests/editors/emacs_session.el) loads the snippet as an
init file would, opens a profile and lets eglot connect; the tests check what it recorded.
The README shows the snippet, and a test keeps the two the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .headless import EDITORS, ERROR_LINE, HERE, REPO_ROOT, find_editor, prepare_session, probe_paths, run_editor

SNIPPET = EDITORS / "emacs" / "armorsmith.el"

MODES = {"apparmor": "apparmor-mode", "python": "python-mode", None: "fundamental-mode"}
"""The major mode of each language of `probe_paths`."""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The record of one Emacs session."""
    editor = find_editor("emacs", r"GNU Emacs (\d+\.\d+)")
    root = tmp_path_factory.mktemp("emacs")
    result, env = prepare_session(root)
    env.update(ARMORSMITH_TEST_SNIPPET=str(SNIPPET))
    command = [editor.path, "-Q", "--batch", "-l", str(HERE / "emacs_session.el")]
    record = run_editor(command, env=env, cwd=root, result=result)
    record["root"] = str(root)
    return record


def test_modes_by_path(session: dict[str, Any]) -> None:
    """Ensure that policy directories, *.apparmor and abstractions/tunables files open in apparmor-mode."""
    expected = {path: MODES[language] for path, language in probe_paths(Path(session["root"])).items()}
    assert session["modes"] == expected


def test_eglot_connects(session: dict[str, Any]) -> None:
    """Ensure that the profile opens in apparmor-mode and eglot-ensure connects to armorsmith."""
    assert session["mode"] == "apparmor-mode"
    assert session["server"] == "armorsmith", "eglot did not connect"
    assert Path(session["command"][0]).name == "armorsmith"
    assert session["command"][1:] == ["serve"]


def test_diagnostics_arrive(session: dict[str, Any]) -> None:
    """Ensure that flymake shows the profile's one error, and the include path setting was used."""
    found = [(d["line"], d["type"]) for d in session["diagnostics"]]
    assert found == [(ERROR_LINE, "eglot-error")], session["diagnostics"]
    assert "sys_admn" in session["diagnostics"][0]["text"]


def test_hover_on_px(session: dict[str, Any]) -> None:
    """Ensure that eglot's hover (its eldoc function) shows the explanation of Px."""
    hover = session["hover"]
    assert hover, "no hover arrived"
    assert "Px" in hover
    assert "transition" in hover


def test_readme_shows_the_snippet() -> None:
    """Ensure that the README's Emacs snippet is editors/emacs/armorsmith.el, word for word."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```elisp\n{SNIPPET.read_text(encoding='utf-8')}```\n" in readme
