"""Incremental lint (armorsmith.ide.incremental) against lint_document, its definition.

The incremental linter must report exactly what `lint_document` reports, whatever the
document and whatever edits led to it; these tests compare the two over the real corpus and
over sequences of edits, and check what an edit re-analyses.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from armorsmith.diagnostics import Diagnostic, Edit
from armorsmith.ide import lint_document
from armorsmith.ide.incremental import IncrementalLint
from armorsmith.resolve import DiskFileSystem, IncludeCache, MemoryFileSystem, ResolveConfig
from armorsmith.syntax import parse, reparse

MEMORY = {
    "/p/tunables/global": b"@{HOME}=/home/*/ /root/\n",
    "/p/abstractions/base": b"  /etc/ld.so.cache r,\n  /usr/lib/** mr,\n",
    "/p/abstractions/broken": b"  capability sys_admn,\n",
}

DOCUMENT = b"""abi <abi/3.0>,
include <tunables/global>
@{APP}=/usr/bin/app

# A comment between profiles.
profile one @{APP} {
  include <abstractions/base>
  /etc/ld.so.cache r,
  capability chwn,
  ^hat {
    /tmp/x rw,
    /tmp/x r,
  }
}

alias /usr/ -> /mnt/usr/,

profile two /usr/bin/two flags=(complain) {
  include <abstractions/broken>
  @{HOME}/.x r,
  @{UNDEFINED}/y r,
}

profile one /usr/bin/again {
}
"""


def _key(diagnostic: Diagnostic) -> tuple[object, ...]:
    return (diagnostic.start, diagnostic.end, diagnostic.code, diagnostic.message, diagnostic.severity, diagnostic.related, diagnostic.fixes)


def _same(left: list[Diagnostic], right: list[Diagnostic]) -> bool:
    return Counter(map(_key, left)) == Counter(map(_key, right))


def _memory_config() -> ResolveConfig:
    return ResolveConfig(("/p",), "/p", MemoryFileSystem(MEMORY))


def test_equal_on_a_document_of_every_kind_of_unit() -> None:
    """Ensure the preamble, profile and names units together report what lint_document does."""
    config = _memory_config()
    cache = IncludeCache(config.fs)
    full = lint_document("/p/doc", DOCUMENT, config=config, cache=cache)
    incremental = IncrementalLint().lint("/p/doc", parse(DOCUMENT), config=config, cache=cache)
    assert {d.code.value for d in full} >= {"unknown-capability", "redundant-rule", "duplicate-profile", "undefined-variable", "include-has-errors"}
    assert _same(incremental, full)
    assert [(d.start, d.end) for d in incremental] == sorted((d.start, d.end) for d in incremental)


def test_equal_after_random_edits() -> None:
    """Ensure incremental results stay equal to a full lint through a sequence of edits."""
    config = _memory_config()
    cache = IncludeCache(config.fs)
    linter = IncrementalLint()
    parsed = parse(DOCUMENT)
    rng = random.Random(5)
    pieces = [" ", "\n", ",", "}", "{", "r", "capability chown,\n", "profile x {\n", "é", "@{HOME}"]
    for _ in range(150):
        source = parsed.source
        start = rng.randrange(len(source) + 1)
        end = min(len(source), start + rng.choice((0, 0, 1, 3)))
        parsed = reparse(parsed, Edit(start, end, rng.choice(pieces)))
        expected = lint_document("/p/doc", parsed.source, config=config, cache=cache)
        assert _same(linter.lint("/p/doc", parsed, config=config, cache=cache), expected), parsed.source


def test_edit_reanalyses_only_the_touched_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure an edit inside one profile analyses its unit alone, and an unchanged text none.

    The two profiles called `one` share a unit, as duplicates interact; `two` has its own.
    """
    from armorsmith.ide import incremental

    calls: list[bytes] = []
    real = incremental.semantic_diagnostics

    def counting(path: str, parsed, **kwargs):  # noqa: ANN001, ANN003 - the real signature.
        calls.append(parsed.source)
        return real(path, parsed, **kwargs)

    monkeypatch.setattr(incremental, "semantic_diagnostics", counting)
    config = _memory_config()
    cache = IncludeCache(config.fs)
    linter = IncrementalLint()
    parsed = parse(DOCUMENT)
    linter.lint("/p/doc", parsed, config=config, cache=cache)
    assert len(calls) == 4  # names, preamble, both `one`, `two`
    calls.clear()
    at = DOCUMENT.index(b"capability chwn")
    edited = reparse(parsed, Edit(at, at, "  "))
    linter.lint("/p/doc", edited, config=config, cache=cache)
    assert len(calls) == 1
    assert b"capability chwn" in calls[0] and b"/usr/bin/again" in calls[0] and b"profile two" not in calls[0]
    calls.clear()
    at = DOCUMENT.index(b"@{UNDEFINED}") + 2
    linter.lint("/p/doc", reparse(edited, Edit(at, at, "X")), config=config, cache=cache)
    assert len(calls) == 1 and b"profile two" in calls[0] and b"capability chwn" not in calls[0]
    calls.clear()
    linter.lint("/p/doc", edited, config=config, cache=cache)
    assert calls == []  # undone: the previous version's units are kept
    linter.lint("/p/doc", parsed, config=config, cache=cache)
    assert len(calls) == 1 and b"capability chwn" in calls[0]  # two versions back: analysed again


def test_invalidate_drops_units_that_read_a_file() -> None:
    """Ensure invalidating an included file re-analyses only the units that read it."""
    fs = MemoryFileSystem(MEMORY)
    config = ResolveConfig(("/p",), "/p", fs)
    cache = IncludeCache(fs)
    linter = IncrementalLint()
    parsed = parse(DOCUMENT)
    before = linter.lint("/p/doc", parsed, config=config, cache=cache)
    assert "include-has-errors" in {d.code.value for d in before}
    fixed = MemoryFileSystem({**MEMORY, "/p/abstractions/broken": b"  capability sys_admin,\n"})
    config = ResolveConfig(("/p",), "/p", fixed)
    cache.fs = fixed
    cache.forget("/p/abstractions/broken")
    linter.invalidate(["/p/abstractions/broken"])
    after = linter.lint("/p/doc", parsed, config=config, cache=cache)
    assert "include-has-errors" not in {d.code.value for d in after}
    assert _same(after, lint_document("/p/doc", DOCUMENT, config=config, cache=IncludeCache(fixed)))


@pytest.mark.corpus
def test_equal_over_the_upstream_profiles(corpus_dir: Path) -> None:
    """Ensure incremental lint equals lint_document on every upstream profile and abstraction."""
    root = corpus_dir / "upstream" / "profiles"
    config = ResolveConfig((str(root / "apparmor.d"),), "/", DiskFileSystem())
    cache = IncludeCache(config.fs)
    linter = IncrementalLint()
    files = sorted(path for path in root.rglob("*") if path.is_file())
    assert len(files) > 400
    differ = []
    for path in files:
        source = path.read_bytes()
        full = lint_document(str(path), source, config=config, cache=cache)
        if not _same(linter.lint(str(path), parse(source), config=config, cache=cache), full):
            differ.append(str(path.relative_to(root)))
    assert differ == []
