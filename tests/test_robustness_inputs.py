"""Hostile files get a clear diagnostic and nothing worse, through the library and the CLI.

Each case builds its input in `tmp_path` and runs it through `armorsmith.ide.lint_document`
(with a disk-backed `ResolveConfig`, as the CLI and the server use) and through
`armorsmith lint --format json`: no exception escapes, the expected diagnostic code is
reported, and the run finishes within a time bound.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from armorsmith.cli import main
from armorsmith.ide import lint_document
from armorsmith.resolve import DiskFileSystem, IncludeCache, ResolveConfig


def _config(base: Path) -> ResolveConfig:
    return ResolveConfig((str(base),), str(base), DiskFileSystem())


def _lint(path: Path, base: Path) -> list[str]:
    """Lint the file at `path` in-process and return the codes found, in order."""
    config = _config(base)
    found = lint_document(str(path), path.read_bytes(), config=config, cache=IncludeCache(config.fs))
    return [diagnostic.code.value for diagnostic in found]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, object]]]:
    """Run `armorsmith lint --format json` and return its status and records."""
    status = main(["lint", "--format", "json", *argv])
    return status, json.loads(capsys.readouterr().out)


def _codes(records: list[dict[str, object]]) -> list[object]:
    return [record["code"] for record in records]


def test_binary_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "binary"
    target.write_bytes(bytes(range(256)) * 64 + b"\x00\xff\xfe" * 1000)
    assert "invalid-utf8" in _lint(target, tmp_path)
    status, records = _cli(capsys, str(target))
    assert status == 1
    assert "invalid-utf8" in _codes(records)


def test_invalid_utf8_points_at_the_bad_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "latin1"
    target.write_bytes(b"profile p /usr/bin/p {\n  /tmp/caf\xe9 r,\n}\n")
    config = _config(tmp_path)
    found = lint_document(str(target), target.read_bytes(), config=config)
    bad = [diagnostic for diagnostic in found if diagnostic.code.value == "invalid-utf8"]
    assert len(bad) == 1
    assert (bad[0].start, bad[0].end) == (33, 34)
    assert "e9" in bad[0].message
    _, records = _cli(capsys, str(target))
    [record] = [record for record in records if record["code"] == "invalid-utf8"]
    assert (record["line"], record["column"]) == (2, 11)


def test_fifty_megabyte_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 50 MB file around one profile: read and parsed in bounded time, with a clear
    `file-too-large` warning instead of an analysis that would take minutes (50 MB of rules
    measured 497 s and 3.5 GB before the limit)."""
    target = tmp_path / "huge"
    filler = b"# " + b"x" * 1021 + b"\n"
    with open(target, "wb") as handle:
        handle.write(b"profile huge /usr/bin/huge {\n  /etc/hosts r,\n  /etc/hosts rw,\n}\n")
        for _ in range(50 * 1024):
            handle.write(filler)
    assert target.stat().st_size > 50 * 1024 * 1024
    started = time.perf_counter()
    status, records = _cli(capsys, str(target))
    assert time.perf_counter() - started < 60
    assert status == 0
    assert [(record["code"], record["line"]) for record in records] == [("file-too-large", 1)]


def test_ten_thousand_nested_braces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Deep nesting is reported once and the rest stays bounded (no recursion limit hit)."""
    target = tmp_path / "nested"
    target.write_bytes(b"profile p /usr/bin/p {\n" + b"{" * 10_000 + b"}" * 10_000 + b"\n}\n")
    started = time.perf_counter()
    codes = _lint(target, tmp_path)
    assert codes, "deep nesting must be reported"
    status, records = _cli(capsys, str(target))
    assert status == 1
    assert _codes(records) == codes
    assert time.perf_counter() - started < 60


def test_include_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`a` defines a profile whose body includes `a` again: upstream never ends that recursion."""
    (tmp_path / "a").write_text('profile q /usr/bin/q {\n  include "a"\n}\n')
    main_file = tmp_path / "main"
    main_file.write_text('include "a"\n')
    monkeypatch.chdir(tmp_path)
    assert _lint(tmp_path / "a", tmp_path) == ["include-cycle"]
    assert _lint(main_file, tmp_path) == ["include-has-errors"]
    status, records = _cli(capsys, str(main_file))
    assert status == 1
    assert _codes(records) == ["include-has-errors"]
    assert "include cycle" in str(records[0]["message"])


def test_include_of_a_directory_with_thousands_of_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for number in range(3000):
        (many / f"f{number:05d}").write_text(f"/srv/data{number}/** r,\n")
    main_file = tmp_path / "main"
    main_file.write_text("profile p /usr/bin/p {\n  include <many>\n}\n")
    started = time.perf_counter()
    assert _lint(main_file, tmp_path) == []
    status, records = _cli(capsys, "-I", str(tmp_path), str(main_file))
    assert (status, records) == (0, [])
    assert time.perf_counter() - started < 120


def test_symlink_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    main_file = tmp_path / "main"
    main_file.write_text("profile p /usr/bin/p {\n  include <loop>\n}\n")
    assert "include-not-found" in _lint(main_file, tmp_path)
    status, records = _cli(capsys, "-I", str(tmp_path), str(main_file))
    assert "include-not-found" in _codes(records)
    # Named on the command line, the loop is a usage error with a message, not a traceback.
    status = main(["lint", str(loop)])
    assert status == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_symlink_loop_inside_a_walked_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(tree, tree / "self")
    (tree / "p").write_text("profile p /usr/bin/p {\n  /etc/hosts r,\n}\n")
    status, records = _cli(capsys, str(tree))
    assert status == 0
    assert records == []


@pytest.mark.parametrize("kind", ["fifo", "dangling"])
def test_file_that_cannot_be_opened(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    """Tests run as root, so chmod 000 does not stop a read: a FIFO or a dangling link does."""
    target = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        os.symlink(tmp_path / "nowhere", target)
    main_file = tmp_path / "main"
    main_file.write_text("profile p /usr/bin/p {\n  include <target>\n}\n")
    assert _lint(main_file, tmp_path) == ["include-not-found"]
    status, records = _cli(capsys, "-I", str(tmp_path), str(main_file))
    assert (status, _codes(records)) == (1, ["include-not-found"])
    if kind == "fifo":
        assert "not a regular file or directory" in str(records[0]["message"])
    if kind == "fifo":
        status, records = _cli(capsys, str(target))
        assert status == 1
        assert _codes(records) == ["unreadable-file"]
        assert "not a regular file" in str(records[0]["message"])


def test_variable_with_millions_of_alternatives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "vars"
    target.write_text(
        "@{A}=a b c d e f g h i j\n"
        "@{B}=@{A}@{A}@{A}\n"
        "profile p /usr/bin/p {\n"
        "  /x/@{B}/@{B}/@{A} r,\n"  # 10^7 strings
        "}\n"
    )
    started = time.perf_counter()
    assert "expansion-too-large" in _lint(target, tmp_path)
    status, records = _cli(capsys, str(target))
    assert "expansion-too-large" in _codes(records)
    assert time.perf_counter() - started < 30


def test_file_over_the_analysis_limit_gets_syntax_only() -> None:
    """A file past MAX_ANALYSED_BYTES is parsed for syntax and says it was not analysed."""
    from armorsmith.ide import lint_document
    from armorsmith.ide.lint import MAX_ANALYSED_BYTES

    rule = b"  /usr/lib/foo/bar/baz r,\n"
    source = b"profile p /usr/bin/p {\n" + rule * (MAX_ANALYSED_BYTES // len(rule) + 1) + b"  capability\n}\n"
    started = time.perf_counter()
    codes = [d.code.value for d in lint_document("/tmp/big", source)]
    assert time.perf_counter() - started < 60
    assert codes == ["file-too-large", "missing-token"]
