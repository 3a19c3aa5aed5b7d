"""The LSP benchmark's client and measurements, on a small policy tree (bench/lsp.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.lsp import _armorsmith, _edits, _indexing, _places, _position_of, _requests

SOURCE = b"""include <tunables/global>

profile one /usr/bin/one {
  include <abstractions/base>
  capability chown,
  /etc/one r,
}

profile two /usr/bin/two {
  /etc/two r,
}
"""


def _tree(root: Path) -> Path:
    include_dir = root / "apparmor.d"
    (include_dir / "tunables").mkdir(parents=True)
    (include_dir / "abstractions").mkdir()
    (include_dir / "tunables" / "global").write_bytes(b"@{HOME}=/home/*/\n")
    (include_dir / "abstractions" / "base").write_bytes(b"  /etc/ld.so.cache r,\n")
    return include_dir


def test_places_and_positions() -> None:
    """Ensure edits go after read-only rules inside profiles, and requests at the word asked for."""
    assert _places(SOURCE, 2) == [6, 10]
    assert _position_of(SOURCE, rb"^\s*capability (\w+)") == {"line": 4, "character": 15}
    assert _position_of(SOURCE, rb"^\s+include <(abstractions/[^>]+)>") == {"line": 3, "character": 19}


def test_edits_and_requests_against_armorsmith(tmp_path: Path) -> None:
    """Ensure each edit is seen in the diagnostics it causes, and requests and indexing are timed."""
    include_dir = _tree(tmp_path)

    async def run() -> tuple[list[float], list[float], float]:
        seconds, peak, server, uri = await _edits(_armorsmith(), SOURCE, include_dir, 2)
        try:
            assert peak is not None and peak > 10_000_000
            hovers = await _requests(server, uri, "textDocument/hover", _position_of(SOURCE, rb"^\s*capability (\w+)"))
        finally:
            await server.stop()
        indexed, _ = await _indexing(_armorsmith(), tmp_path, include_dir)
        return seconds, hovers, indexed

    seconds, hovers, indexed = asyncio.run(run())
    assert len(seconds) == 2 and all(0 < value < 60 for value in seconds)
    assert len(hovers) == 20 and all(value > 0 for value in hovers)
    assert 0 < indexed < 60
