"""Tests of the `armorsmith` command line: exit codes, output shapes and awkward files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from inline_snapshot import snapshot

from armorsmith.cli import main
from conftest import REPO_ROOT

TEXT_LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|info|hint): .+ \[[a-z0-9-]+\]$"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in-process and return its status, stdout and stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A policy directory with clean files, a broken one in a subdirectory, and names AppArmor skips."""
    (tmp_path / "clean").write_bytes(b"# nothing to see\n")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "broken").write_bytes(b"# comment\n}\n")
    for skipped in (".hidden", "README", "x.dpkg-old", "x.rpmnew", "x.pacsave", "x.orig", "x~"):
        (tmp_path / skipped).write_bytes(b"}\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_bytes(b"}\n")
    return tmp_path


def test_clean_files_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that clean input exits 0, prints nothing on stdout and a summary on stderr."""
    (tmp_path / "a").write_bytes(b"# a comment\n")
    code, out, err = run(capsys, "lint", str(tmp_path / "a"))
    assert (code, out) == (0, "")
    assert "checked 1 file: no problems found" in err


def test_examples_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that the shipped examples lint clean, as `make demo` expects."""
    code, out, _ = run(capsys, "lint", str(REPO_ROOT / "examples" / "apparmor.d"))
    assert (code, out) == (0, "")


def test_directory_walk_skips_what_apparmor_skips(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that directories are walked recursively, skipping dotfiles, README and backups."""
    code, out, err = run(capsys, "lint", str(tree))
    assert code == 1
    paths = {TEXT_LINE.match(line)["path"] for line in out.splitlines()}
    assert paths == {str(tree / "sub" / "broken")}
    assert "checked 3 files" in err


def test_text_output_shape(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that text output is 'file:line:col: severity: message [code]' with 1-based positions."""
    code, out, _ = run(capsys, "lint", str(tree / "sub" / "broken"))
    assert code == 1
    first = TEXT_LINE.match(out.splitlines()[0])
    assert first and first["severity"] == "error"
    assert (first["line"], first["column"]) == ("2", "1")


def test_json_output_shape(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that JSON output is a list of objects with the documented keys and 1-based positions."""
    code, out, err = run(capsys, "lint", "--format", "json", str(tree))
    assert code == 1 and err == ""
    records = json.loads(out)
    assert records and isinstance(records, list)
    for record in records:
        assert set(record) == {"path", "line", "column", "end_line", "end_column", "severity", "code", "message"}
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(record[key], int) and record[key] >= 1
    assert records[0]["path"] == str(tree / "sub" / "broken")
    assert (records[0]["line"], records[0]["column"], records[0]["code"]) == (2, 1, "syntax-error")


def test_clean_json_is_an_empty_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a clean run in JSON prints an empty list."""
    (tmp_path / "a").write_bytes(b"")
    assert run(capsys, "lint", "--format=json", str(tmp_path)) == (0, "[]\n", "")


def test_invalid_utf8_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ensure that a file that is not UTF-8 is linted, with one warning at the first bad byte."""
    monkeypatch.chdir(tmp_path)
    Path("latin1").write_bytes(b"# caf\xe9 au lait\n# na\xefve\n")
    code, out, _ = run(capsys, "lint", "latin1")
    assert code == 0
    assert out == snapshot(
        "latin1:1:6: warning: file is not valid UTF-8 (first invalid byte sequence: e9) [invalid-utf8]\n"
    )


def test_undecodable_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a file name that is not UTF-8 is printed with a replacement character."""
    name = os.fsdecode(b"caf\xe9")
    (tmp_path / name).write_bytes(b"}\n")
    code, out, _ = run(capsys, "lint", str(tmp_path))
    assert code == 1
    assert "caf\ufffd:1:1: error:" in out


def test_unreadable_files_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a dangling symlink and a FIFO are reported as unreadable instead of crashing or blocking."""
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "fifo")
    code, out, _ = run(capsys, "lint", str(tmp_path), str(tmp_path / "fifo"))
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path / 'dangling'}:1:1: error: cannot read file: No such file or directory [unreadable-file]",
        f"{tmp_path / 'fifo'}:1:1: error: cannot read file: not a regular file [unreadable-file]",
    ]


def test_permission_denied_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ensure that a read error such as EACCES becomes an unreadable-file diagnostic."""
    target = tmp_path / "secret"
    target.write_bytes(b"")

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", deny)
    code, out, _ = run(capsys, "lint", str(target))
    assert code == 1
    assert out == f"{target}:1:1: error: cannot read file: Permission denied [unreadable-file]\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lint", "/nonexistent/profile"], "no such file or directory: /nonexistent/profile"),
        (["lint", "--format", "xml", "."], "invalid choice: 'xml'"),
        (["lint", "--bogus", "."], "unrecognized arguments: --bogus"),
        (["lint"], "the following arguments are required: PATH"),
        (["lint", "-I", "/nonexistent/dir", "."], "include directory is not a directory: /nonexistent/dir"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "a command is required"),
    ],
)
def test_usage_errors_exit_two(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that bad arguments exit 2 with a clear message on stderr and no traceback."""
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_include_dirs_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that -I takes existing directories, repeatedly."""
    (tmp_path / "a").write_bytes(b"")
    assert run(capsys, "lint", "-I", str(tmp_path), "-I", str(tmp_path), str(tmp_path / "a"))[0] == 0


def test_python_dash_m(tmp_path: Path) -> None:
    """Ensure that `python -m armorsmith` runs the same command line in a real process."""
    (tmp_path / "broken").write_bytes(b"}\n")
    done = subprocess.run(
        [sys.executable, "-m", "armorsmith", "lint", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)[0]["code"] == "syntax-error"
