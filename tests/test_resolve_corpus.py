"""Resolution against upstream's own verdicts: profiles, simple_tests and generated conditionals.

Runs only with the corpus (see conftest.corpus_dir) and carries the `corpus` marker.  Only
the diagnostics of resolution are counted here, so other checks cannot move these numbers.
The simple_tests are resolved as upstream runs them: from `parser/tst`, with its
`simple_tests` directory as the include search path.
"""

from __future__ import annotations

import json
import os
import re
import tarfile
from pathlib import Path

import pytest

from armorsmith.diagnostics import Severity
from armorsmith.ide import lint_document
from armorsmith.model import lower
from armorsmith.resolve import (
    DiskFileSystem,
    IncludeCache,
    MemoryFileSystem,
    ResolveConfig,
    is_skipped_name,
    resolve,
)
from armorsmith.syntax import FileRole, guess_role, parse

pytestmark = pytest.mark.corpus

CATEGORIES = ("vars", "conditional", "include_tests", "bare_include_tests", "rewrite", "abi")
"""The simple_tests directories whose verdicts depend on resolution."""

OURS = re.compile(
    r"Could not open|Failed to find declaration|referenced recursively|already defined|previously declared"
    r"|Invalid boolean|Unset boolean|Can only compare"
)
"""Upstream messages of the failures resolution is responsible for."""

ELSEWHERE = frozenset(
    {"simple_tests/abi/bad_16.sd", *(f"simple_tests/vars/vars_dbus_bad_0{n}.sd" for n in range(1, 8))}
)
"""FAIL cases that need other parts of armorsmith: the abi check (`abi "",`) and dbus rules,
whose values hold the undefined variable."""


def _errors(path: str, source: bytes, config: ResolveConfig, cache: IncludeCache) -> list[str]:
    parsed = parse(source)
    fragment = guess_role(path, parsed.root) is FileRole.FRAGMENT
    resolution = resolve(path, parsed, lower(parsed), config, cache=cache, fragment=fragment)
    return [d.message for d in resolution.diagnostics if d.severity is Severity.ERROR]


def test_upstream_profiles_resolve_without_errors(corpus_dir: Path) -> None:
    """Ensure that every file of upstream's policy tree resolves cleanly against that tree."""
    root = corpus_dir / "upstream" / "profiles" / "apparmor.d"
    fs = DiskFileSystem(roots=(str(root),))
    config = ResolveConfig((str(root),), str(root), fs)
    cache = IncludeCache(fs)
    failures = {}
    checked = 0
    for directory, names, files in os.walk(root):
        names[:] = sorted(name for name in names if not is_skipped_name(name) and name != "abi")
        for name in sorted(files):
            path = Path(directory) / name
            if is_skipped_name(name):
                continue
            checked += 1
            errors = _errors(str(path), path.read_bytes(), config, cache)
            if errors:
                failures[str(path.relative_to(root))] = errors
    assert checked > 300
    assert failures == {}


@pytest.fixture(scope="module")
def upstream_tst(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Upstream's layout: `parser/tst/simple_tests` leading to the corpus's simple_tests."""
    tst = tmp_path_factory.mktemp("layout") / "parser" / "tst"
    tst.mkdir(parents=True)
    (tst / "simple_tests").symlink_to(corpus_dir / "upstream" / "simple_tests", target_is_directory=True)
    return tst


def test_simple_tests_agree_with_upstream(corpus_dir: Path, upstream_tst: Path) -> None:
    """Ensure that PASS cases resolve cleanly and FAIL cases upstream rejects for resolution reasons are caught.

    A FAIL case counts as caught when lint, given the same configuration, reports an error:
    some of them are syntax errors in our grammar (`if not @FOO`, `$FOO=1`).
    """
    fs = DiskFileSystem()
    config = ResolveConfig((str(upstream_tst / "simple_tests"),), str(upstream_tst), fs)
    cache = IncludeCache(fs)
    false_errors, missed = {}, []
    index = corpus_dir / "upstream" / "simple_tests_index.jsonl"
    for line in index.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["todo"] or case["disabled"] or case["category"] not in CATEGORIES:
            continue
        path = upstream_tst / case["file"]
        errors = _errors(str(path), path.read_bytes(), config, cache)
        if case["exresult"] == "PASS" and errors:
            false_errors[case["file"]] = errors
        elif case["exresult"] == "FAIL" and OURS.search(case["upstream_parser_stderr"] or ""):
            linted = lint_document(str(path), path.read_bytes(), config=config, cache=cache)
            if not any(d.severity is Severity.ERROR for d in linted):
                missed.append(case["file"])
    assert false_errors == {}
    assert set(missed) <= ELSEWHERE


def test_generated_conditionals_agree_with_upstream(corpus_dir: Path, upstream_tst: Path) -> None:
    """Ensure that every generated conditional case gets upstream's verdict from resolution alone."""
    cases = {}
    with tarfile.open(corpus_dir / "upstream" / "simple_tests_generated.tar.gz") as archive:
        for member in archive:
            if member.isfile() and member.name.startswith("generated_conditional/"):
                handle = archive.extractfile(member)
                assert handle is not None
                cases[member.name] = handle.read()
    assert len(cases) == 1400
    fs = MemoryFileSystem({})
    config = ResolveConfig((str(upstream_tst / "simple_tests"),), str(upstream_tst), fs)
    cache = IncludeCache(fs)
    wrong = []
    for name, source in sorted(cases.items()):
        expected = re.search(rb"#=EXRESULT\s+(\w+)", source)
        assert expected is not None
        failed = bool(_errors(name, source, config, cache))
        if failed != (expected.group(1) == b"FAIL"):
            wrong.append(name)
    assert wrong == []
