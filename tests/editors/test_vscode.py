"""The VS Code extension (editors/vscode): its unit tests, its package, and its agreement with the server.

The unit tests are node's (`npm test`: activation with `vscode` stubbed, the commands, and
the TextMate grammar run by vscode-textmate); this module runs them, checks that the
`.vsix` holds exactly what the extension needs, and checks that the settings and words the
extension declares are the server's.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest

from armorsmith.ide import vocabulary
from armorsmith.lsp import settings as server_settings

from . import screenshots
from .conftest import EXTENSION_DIR

PACKAGE = json.loads((EXTENSION_DIR / "package.json").read_text(encoding="utf-8"))
GRAMMAR = json.loads((EXTENSION_DIR / "syntaxes" / "apparmor.tmLanguage.json").read_text(encoding="utf-8"))
SETTINGS = PACKAGE["contributes"]["configuration"]["properties"]

CLIENT_SETTINGS = {"armorsmith.server.path", "armorsmith.server.pythonPath", "armorsmith.server.logLevel", "armorsmith.trace.server"}
"""The settings only the extension reads (the server ignores `server` and `trace`)."""


def test_unit_tests_pass(vsix: Path) -> None:
    result = subprocess.run(["npm", "test", "--silent"], cwd=EXTENSION_DIR, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    passed = int(re.search(r"^# pass (\d+)$", output, re.MULTILINE).group(1))
    assert re.search(r"^# fail 0$", output, re.MULTILINE), output[-6000:]
    assert passed >= 50, f"only {passed} node tests ran:\n{output[-3000:]}"


def test_vsix_holds_the_bundle_and_the_declarative_files_only(vsix: Path) -> None:
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("extension/package.json"))
        bundle = archive.read("extension/dist/extension.js").decode("utf-8")
    assert names == {
        "extension.vsixmanifest",
        "[Content_Types].xml",
        "extension/package.json",
        "extension/readme.md",
        "extension/language-configuration.json",
        "extension/syntaxes/apparmor.tmLanguage.json",
        "extension/dist/extension.js",
    }
    assert manifest["main"] == "./dist/extension.js"
    assert manifest["version"] == PACKAGE["version"]
    # The language client is bundled: the only module left to load at run time is VS Code's own.
    external = set(re.findall(r'require\("([^"]+)"\)', bundle))
    assert "vscode" in external
    others = {name for name in external if not name.startswith("node:") and name != "vscode"}
    assert others <= _NODE_BUILTINS, others - _NODE_BUILTINS


_NODE_BUILTINS = {
    "assert", "buffer", "child_process", "crypto", "events", "fs", "net", "os", "path", "readline", "stream",
    "string_decoder", "tty", "url", "util", "zlib",
}


def test_contributed_settings_are_the_servers_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    original = server_settings._Reader.get

    def recording_get(self: server_settings._Reader, key: str) -> tuple[bool, object]:
        read.append(key)
        return original(self, key)

    monkeypatch.setattr(server_settings._Reader, "get", recording_get)
    _read_defaults()
    server_keys = {f"armorsmith.{key}" for key in read}
    declared = set(SETTINGS) - CLIENT_SETTINGS
    assert declared == server_keys, f"declared only: {declared - server_keys}; server only: {server_keys - declared}"


def _read_defaults() -> tuple[server_settings.Settings, list[str]]:
    """Read the settings VS Code sends when the user changed none: the contributed defaults."""
    nested: dict[str, object] = {}
    for name, schema in SETTINGS.items():
        parts = name.split(".")[1:]
        target = nested
        for part in parts[:-1]:
            target = target.setdefault(part, {})  # type: ignore[assignment]
        target[parts[-1]] = schema["default"]
    return server_settings.read_settings(nested, docs_url=None)


def test_contributed_defaults_are_the_servers_defaults() -> None:
    settings, problems = _read_defaults()
    assert problems == []
    assert settings == server_settings.Settings(docs_url=None)


def _alternatives(pattern: str) -> set[str]:
    """The words of a `\\b(?:a|b|c)\\b` pattern (dots escaped)."""
    match = re.search(r"\(\?:([\w|\\.]+)\)", pattern)
    assert match, pattern
    return {word.replace("\\.", ".") for word in match.group(1).split("|")}


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("capability", set(vocabulary.CAPABILITIES)),
        ("network", set(vocabulary.NETWORK_FAMILIES) | set(vocabulary.SOCKET_TYPES) | set(vocabulary.NETWORK_PROTOCOLS)),
        ("rlimit", set(vocabulary.RLIMITS)),
        ("flags", set(vocabulary.FLAGS)),
    ],
)
def test_grammar_words_are_the_servers_vocabulary(rule: str, words: set[str]) -> None:
    patterns = [item["match"] for item in GRAMMAR["repository"][rule]["patterns"] if item.get("match", "").startswith("\\b(?:")]
    assert _alternatives(patterns[0]) == words


def test_grammar_keywords_cover_every_rule_kind_and_qualifier() -> None:
    keywords = _alternatives(GRAMMAR["repository"]["keyword"]["match"])
    assert set(vocabulary.RULE_KINDS) <= keywords
    assert set(vocabulary.QUALIFIERS) <= _alternatives(GRAMMAR["repository"]["qualifier"]["match"])


def test_language_contribution() -> None:
    (language,) = PACKAGE["contributes"]["languages"]
    assert language["id"] == "apparmor"
    assert {"/etc/apparmor.d/**", "**/apparmor.d/**"} <= set(language["filenamePatterns"])
    assert language["extensions"] == [".apparmor"]
    assert {command["command"] for command in PACKAGE["contributes"]["commands"]} == {
        "armorsmith.explainDenials",
        "armorsmith.insertRulesFromDenials",
        "armorsmith.restartServer",
        "armorsmith.installServer",
    }


def _png(rows: list[bytes], width: int, kind: int) -> bytes:
    """Encode RGB rows as a PNG whose every row uses the filter `kind` (0 to 4)."""

    def filtered(row: bytes, previous: bytes) -> bytes:
        out = bytearray()
        for x, value in enumerate(row):
            left = row[x - 3] if x >= 3 else 0
            up = previous[x]
            corner = previous[x - 3] if x >= 3 else 0
            predictor = [0, left, up, (left + up) // 2, screenshots._paeth(left, up, corner)][kind]
            out.append((value - predictor) & 0xFF)
        return bytes([kind]) + bytes(out)

    previous = bytes(len(rows[0]))
    raw = b""
    for row in rows:
        raw += filtered(row, previous)
        previous = row

    def chunk(kind_: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind_ + body + struct.pack(">I", zlib.crc32(kind_ + body))

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


_ROWS = [bytes((x * 37 + y * 11 + channel * 5) % 256 for x in range(40) for channel in range(3)) for y in range(30)]


@pytest.mark.parametrize("kind", range(5))
def test_png_decoding_undoes_every_filter(kind: int) -> None:
    assert screenshots.decode_png(_png(_ROWS, 40, kind)) == (40, 30, _ROWS)


def test_a_screenshot_is_replaced_only_when_more_than_a_few_pixels_changed(tmp_path: Path) -> None:
    committed, fresh = tmp_path / "committed.png", tmp_path / "fresh.png"
    assert screenshots.update(_write(fresh, _ROWS), committed)  # a new screenshot is always written
    assert committed.read_bytes() == fresh.read_bytes()
    one_pixel = [_ROWS[0][:3] + bytes(3) + _ROWS[0][6:], *_ROWS[1:]]
    assert not screenshots.update(_write(fresh, one_pixel, kind=1), committed)
    many = [bytes(len(row)) for row in _ROWS[:10]] + _ROWS[10:]
    assert screenshots.update(_write(fresh, many), committed)
    assert screenshots.decode_png(committed.read_bytes())[2] == many


def _write(path: Path, rows: list[bytes], kind: int = 0) -> Path:
    path.write_bytes(_png(rows, 40, kind))
    return path


def test_no_workspace_chooses_a_program_and_restricted_mode_limits_the_rest() -> None:
    programs = {"armorsmith.server.path", "armorsmith.server.pythonPath", "armorsmith.parserCrossCheck.path"}
    assert {name for name, schema in SETTINGS.items() if schema.get("scope") == "machine"} == programs
    restricted = PACKAGE["capabilities"]["untrustedWorkspaces"]
    assert restricted["supported"] == "limited"
    assert set(restricted["restrictedConfigurations"]) == {
        "armorsmith.logSources",
        "armorsmith.docsUrl",
        "armorsmith.parserCrossCheck.enabled",
    }
