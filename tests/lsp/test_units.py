"""The server's pure parts: settings, URIs and positions, reading apparmor_parser's output."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types

from armorsmith.diagnostics import Applicability, Code, Edit, Fix
from armorsmith.lsp.convert import path_to_uri, to_edit, to_lsp_range, uri_to_path
from armorsmith.lsp.crosscheck import ParserRun, parser_diagnostics
from armorsmith.lsp.diagnostics import fix_data, read_fixes
from armorsmith.lsp.settings import CrossCheckSettings, Settings, read_settings
from armorsmith.syntax import LineIndex, PositionEncoding, parse

SETTINGS = [
    # (raw settings, what differs from the defaults, words every problem message must hold)
    (None, {}, []),
    ({}, {}, []),
    ({"includePaths": ["/a", "rel"], "baseDir": "/b"}, {"include_paths": ("/a", "rel"), "base_dir": "/b"}, []),
    ({"index": {"enabled": False, "maxFiles": 10}}, {"index_enabled": False, "index_max_files": 10}, []),
    ({"diagnostics": {"debounceMs": 25}}, {"debounce_ms": 25}, []),
    (
        {"parserCrossCheck": {"enabled": True, "path": "/x/parser", "timeoutSeconds": 3, "featuresFile": "/f"}},
        {"cross_check": CrossCheckSettings(True, "/x/parser", 3.0, "/f")},
        [],
    ),
    ({"logSources": ["journald"]}, {"log_sources": ("journald",)}, []),
    ({"includePaths": "/etc/apparmor.d"}, {}, ["includePaths", "the string '/etc/apparmor.d'", "a list"]),
    ({"includePaths": ["/a", 3]}, {}, ["includePaths"]),
    ({"index": {"maxFiles": -1}}, {}, ["index.maxFiles", "-1"]),
    ({"index": {"enabled": "yes"}}, {}, ["index.enabled", "true or false"]),
    ({"diagnostics": {"debounceMs": True}}, {}, ["diagnostics.debounceMs", "true"]),
    ({"parserCrossCheck": {"timeoutSeconds": 0}}, {}, ["parserCrossCheck.timeoutSeconds"]),
    ({"parserCrossCheck": {"timeoutSeconds": float("nan")}}, {}, ["parserCrossCheck.timeoutSeconds"]),
    ({"parserCrossCheck": {"path": ""}}, {}, ["parserCrossCheck.path", "an empty string"]),
    ({"colour": "blue", "index": {"speed": 1}}, {}, ["unknown settings", "colour", "index.speed"]),
    ({"trace": {"server": "verbose"}, "server": {"path": "x"}}, {}, []),
    ([1, 2], {}, ["a list, not an object"]),
]


@pytest.mark.parametrize(("raw", "changed", "words"), SETTINGS)
def test_read_settings(raw: Any, changed: dict[str, Any], words: list[str]) -> None:
    """Ensure good settings are read, and each bad one falls back to its default with a reason."""
    settings, problems = read_settings(raw, docs_url="file:///docs.md")
    expected = Settings(docs_url="file:///docs.md", **changed)
    assert settings == expected
    assert bool(problems) == bool(words)
    text = " ".join(problems)
    for word in words:
        assert word in text


URIS = [
    ("file:///etc/apparmor.d/usr.bin.foo", "/etc/apparmor.d/usr.bin.foo"),
    ("file:///home/u/T%C3%A9l%C3%A9chargements/a%20b", "/home/u/Téléchargements/a b"),
    ("file:///tmp/%25literal", "/tmp/%literal"),
    ("untitled:Untitled-1", "untitled:Untitled-1"),
]


@pytest.mark.parametrize(("uri", "path"), URIS)
def test_uri_and_path(uri: str, path: str) -> None:
    """Ensure a URI maps to one path and back to the same URI."""
    assert uri_to_path(uri) == path
    assert path_to_uri(path) == uri


def test_uri_spellings_agree() -> None:
    """Ensure the spellings clients use for the same file give the same path."""
    assert uri_to_path("file://localhost/etc/x") == uri_to_path("file:///etc/x") == "/etc/x"
    assert uri_to_path("file:///tmp/%c3%a9") == uri_to_path("file:///tmp/%C3%A9") == "/tmp/é"
    assert uri_to_path("file:///tmp/%FF") == "/tmp/\udcff"


TEXT = "ab\n/Téléchargements/😀 r,\r\nx\n".encode()


@pytest.mark.parametrize(
    ("encoding", "columns"),
    [(PositionEncoding.UTF8, (19, 23)), (PositionEncoding.UTF16, (17, 19)), (PositionEncoding.UTF32, (17, 18))],
)
def test_ranges_in_each_encoding(encoding: PositionEncoding, columns: tuple[int, int]) -> None:
    """Ensure byte ranges and LSP ranges convert both ways in each encoding, past astral characters."""
    index = LineIndex(TEXT)
    start = TEXT.index("😀".encode())
    end = start + len("😀".encode())
    range_ = to_lsp_range(index, start, end, encoding)
    assert (range_.start.line, range_.start.character, range_.end.character) == (1, *columns)
    edit = to_edit(index, types.TextDocumentContentChangePartial(range=range_, text="x"), encoding)
    assert edit == Edit(start, end, "x")


def test_fixes_round_trip_through_data() -> None:
    """Ensure fixes serialised into Diagnostic.data read back as the same edits, and junk reads as none."""
    index = LineIndex(TEXT)
    fix = Fix("Insert ','", (Edit(2, 2, ","), Edit(3, 4, "")), Applicability.UNSAFE)
    data = fix_data([fix], index, PositionEncoding.UTF16, 7)
    diagnostic = types.Diagnostic(range=to_lsp_range(index, 0, 1, PositionEncoding.UTF16), message="m", data=data)
    (read,) = read_fixes(diagnostic)
    assert (read.title, read.applicability, read.version) == ("Insert ','", Applicability.UNSAFE, 7)
    assert [(e.range.start.line, e.range.start.character, e.range.end.character, e.new_text) for e in read.edits] == [
        (0, 2, 2, ","),
        (1, 0, 1, ""),
    ]
    assert fix_data([], index, PositionEncoding.UTF16, 1) is None
    for junk in (None, 3, {"fixes": 1}, {"fixes": [{"title": 1}]}, {"fixes": [{"title": "t", "applicability": "maybe", "edits": []}]},
                 {"fixes": [{"title": "t", "applicability": "safe", "edits": [{"range": {"start": {"line": -1, "character": 0}}}]}]}):
        assert read_fixes(types.Diagnostic(range=diagnostic.range, message="m", data=junk)) == ()


PARSED = parse(b"include <tunables/global>\nprofile foo /usr/bin/foo {\n  capability sys_admn,\n}\n")

PARSER_OUTPUTS = [
    # (exit status, stderr, [(code, line, message part)])
    (0, "Cache read/write disabled: interface file missing. (Kernel needs AppArmor 2.4 compatibility patch.)\n", []),
    (
        1,
        "AppArmor parser error for /p/usr.bin.foo in profile /p/usr.bin.foo at line 3: Invalid capability sys_admn.\n",
        [(Code.PARSER_ERROR, 2, "Invalid capability sys_admn.")],
    ),
    (1, "AppArmor parser error at line 3: Invalid capability sys_admn.\n", [(Code.PARSER_ERROR, 2, "sys_admn")]),
    (
        1,
        "AppArmor parser error for /p/usr.bin.foo in profile /p/abstractions/base at line 1: Invalid capability x.\n",
        [(Code.PARSER_ERROR, 0, "/p/abstractions/base:1: Invalid capability x.")],
    ),
    (
        1,
        "profile foo: has merged rule /a with conflicting x modifiers\nERROR merging rules for profile foo, failed to load\n",
        [(Code.PARSER_ERROR, 1, "conflicting x modifiers / ERROR merging")],
    ),
    (1, "", [(Code.PARSER_ERROR, 0, "exit status 1")]),
    (None, "", [(Code.PARSER_WARNING, 0, "did not finish within 10 seconds")]),
    (0, "Warning from /p/usr.bin.foo (/p/usr.bin.foo line 3): something odd\n", [(Code.PARSER_WARNING, 2, "something odd")]),
]


@pytest.mark.parametrize(("status", "output", "expected"), PARSER_OUTPUTS)
def test_parser_output(status: int | None, output: str, expected: list[tuple[Code, int, str]]) -> None:
    """Ensure apparmor_parser's messages become diagnostics on the lines they name."""
    found = parser_diagnostics(ParserRun(status, output), "/p/usr.bin.foo", PARSED, 10.0)
    index = LineIndex(PARSED.source)
    assert len(found) == len(expected)
    for diagnostic, (code, line, part) in zip(found, expected):
        assert diagnostic.code is code
        assert index.position(diagnostic.start, PositionEncoding.UTF8).line == line
        assert part in diagnostic.message
    if expected and expected[0][1] == 2:
        assert PARSED.source[found[0].start : found[0].end] == b"capability sys_admn,"


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        (None, None),
        ([], None),
        (["utf-16"], "utf-16"),
        (["utf-32", "utf-16"], "utf-16"),
        (["utf-16", "utf-8"], "utf-8"),
        (["utf-32", "utf-8", "utf-16"], "utf-8"),
        (["utf-32"], "utf-16"),
    ],
)
def test_position_encoding_choice(offered: list[str] | None, chosen: str | None) -> None:
    """Ensure UTF-8 is chosen whenever the client offers it, and UTF-16 otherwise."""
    from armorsmith.lsp.server import _preferred_encoding

    general = types.GeneralClientCapabilities(position_encodings=offered) if offered is not None else None
    params = types.InitializeParams(capabilities=types.ClientCapabilities(general=general))
    narrowed = _preferred_encoding(params).capabilities.general
    if chosen is None:
        assert narrowed is general
    else:
        assert narrowed is not None and narrowed.position_encodings == [chosen]
