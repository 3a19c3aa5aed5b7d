"""Tests of the glob_errors check: which values are read as globs, and upstream's verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armorsmith.checks import CheckContext, glob_errors
from armorsmith.diagnostics import Code, Severity
from armorsmith.model import lower, walk_rules
from armorsmith.syntax import parse


def _found(source: bytes) -> list[tuple[Code, bytes]]:
    """Return the code and the flagged text of every finding of the check over `source`."""
    ctx = CheckContext("profile", source, lower(parse(source)).file)
    return [(d.code, source[d.start : d.end]) for d in glob_errors.run(ctx)]


ERROR = Code.GLOB_SYNTAX_ERROR

PROFILE_CASES = [
    # (profile text, expected findings as (code, flagged bytes))
    (b"profile p /usr/bin/{a} {\n}\n", [(ERROR, b"{a}")]),
    (b"profile p{a} {\n}\n", [(ERROR, b"{a}")]),
    (b"profile p{a} /usr/bin/x {\n}\n", []),
    (b"profile :ns:p{a} {\n}\n", [(ERROR, b"{a}")]),
    (b"profile p//{a} {\n}\n", [(ERROR, b"{a}")]),
    (b'profile "p {a}" {\n}\n', [(ERROR, b"{a}")]),
    (b"profile p {\n  ^h{a} {\n  }\n}\n", [(ERROR, b"{a}")]),
    (b"profile p xattrs=(user.x=a{b}) {\n}\n", [(ERROR, b"{b}")]),
    (b"profile p /usr/bin/\\q {\n}\n", [(Code.GLOB_UNNECESSARY_ESCAPE, b"\\q")]),
    # Values with variables are checked by resolution once expanded.
    (b"profile p @{x}/{a} {\n}\n", []),
]


@pytest.mark.parametrize(("source", "expected"), PROFILE_CASES)
def test_profile_glob_values(source: bytes, expected: list[tuple[Code, bytes]]) -> None:
    """Ensure that attachments, names without an attachment and xattrs values are read as globs."""
    assert _found(source) == expected


RULE_CASES = [
    (b"profile p {\n  /usr/bin/{}snort rw,\n}\n", [(ERROR, b"{}")]),
    (b'profile p {\n  "/a b/{x}" r,\n}\n', [(ERROR, b"{x}")]),
    (b"profile p {\n  /a/{b,c} r,\n  /a/\\{b\\} r,\n}\n", []),
    (b"profile p {\n  /a l -> /b/{c},\n}\n", [(ERROR, b"{c}")]),
    (b"profile p {\n  /a px -> {c},\n}\n", []),
    (b"profile p {\n  link /a/[b -> /c,\n}\n", [(ERROR, b"[")]),
    (b"profile p {\n  mount /dev/{a} -> /mnt/,\n}\n", [(ERROR, b"{a}")]),
    (b"profile p {\n  mount fstype=(ext{4) /dev/a -> /mnt/,\n}\n", [(ERROR, b"{")]),
    (b"profile p {\n  umount /mnt/x],\n}\n", [(ERROR, b"]")]),
    (b"profile p {\n  pivot_root oldroot=/a/{b} /c,\n}\n", [(ERROR, b"{b}")]),
    (b"profile p {\n  change_profile /bin/{a} -> b,\n}\n", [(ERROR, b"{a}")]),
    (b"profile p {\n  change_profile -> {a},\n}\n", [(ERROR, b"{a}")]),
    (b"profile p {\n  /a/\\q r,\n}\n", [(Code.GLOB_UNNECESSARY_ESCAPE, b"\\q")]),
    (b"profile p {\n  /a/[*] r,\n}\n", [(Code.GLOB_CHARACTER_IN_CLASS, b"*")]),
    (b"profile p {\n  dbus send bus=s{ession,ystem peer=(label=splat),\n}\n", [(ERROR, b"{")]),
    (b"profile p {\n  dbus bind name=abcd]efg,\n}\n", [(ERROR, b"]")]),
    (b"profile p {\n  signal peer={/bin/true,\n}\n", [(ERROR, b"{")]),
    (b"profile p {\n  ptrace peer=a{b},\n}\n", [(ERROR, b"{b}")]),
    (b"profile p {\n  unix send addr=@foo{one,two peer=(label=splat),\n}\n", [(ERROR, b"{")]),
    (b"profile p {\n  unix send addr=none peer=(addr=@a{b}),\n}\n", [(ERROR, b"{b}")]),
    (b"profile p {\n  network interface=eth{0} ,\n}\n", [(ERROR, b"{0}")]),
    (b"profile p {\n  mqueue label=a{b},\n}\n", [(ERROR, b"{b}")]),
    (b"profile p {\n  io_uring label=a{b},\n}\n", [(ERROR, b"{b}")]),
    (b"profile p {\n  @{HOME}/{a} r,\n}\n", []),
]


@pytest.mark.parametrize(("source", "expected"), RULE_CASES)
def test_rule_glob_values(source: bytes, expected: list[tuple[Code, bytes]]) -> None:
    """Ensure that the check reads exactly the rule values upstream compiles as globs, precisely located.

    A rule kind the model does not lower yet is skipped: the check sees only lowered rules.
    """
    if not any(True for _ in walk_rules(lower(parse(source)).file.items)):
        pytest.skip("the model does not lower this rule kind yet")
    assert _found(source) == expected


def _cases(corpus_dir: Path) -> list[dict[str, object]]:
    index = corpus_dir / "upstream" / "simple_tests_index.jsonl"
    rows = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines()]
    return [row for row in rows if not row["todo"] and not row["disabled"]]


@pytest.mark.corpus
def test_no_pass_case_gets_a_glob_error(corpus_dir: Path) -> None:
    """Ensure that no static simple_test upstream accepts gets a glob error."""
    flagged = []
    for row in _cases(corpus_dir):
        if row["exresult"] != "PASS":
            continue
        source = (corpus_dir / "upstream" / str(row["file"])).read_bytes()
        ctx = CheckContext(str(row["file"]), source, lower(parse(source)).file)
        if any(d.severity is Severity.ERROR for d in glob_errors.run(ctx)):
            flagged.append(row["file"])
    assert flagged == []


@pytest.mark.corpus
def test_upstream_regex_errors_are_caught(corpus_dir: Path) -> None:
    """Ensure that every case upstream rejects with a regex error gets a glob error.

    A case whose rule kind the model does not lower yet cannot be checked and is counted
    apart; every case that can be checked must be caught.
    """
    caught, unlowered = [], []
    cases = [row for row in _cases(corpus_dir) if "Regex" in str(row["upstream_parser_stderr"])]
    assert len(cases) == 11
    for row in cases:
        source = (corpus_dir / "upstream" / str(row["file"])).read_bytes()
        lowered = lower(parse(source)).file
        if not any(True for _ in walk_rules(lowered.items)):
            unlowered.append(row["file"])
            continue
        ctx = CheckContext(str(row["file"]), source, lowered)
        if any(d.code is ERROR for d in glob_errors.run(ctx)):
            caught.append(row["file"])
    assert len(caught) + len(unlowered) == len(cases), sorted(set(map(str, cases)) - set(caught))
