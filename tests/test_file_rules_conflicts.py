"""Tests of exec transitions that conflict across the rules of a profile (checks.exec_conflicts)."""

from __future__ import annotations

import itertools

import pytest

from armorsmith.aare import is_exact
from armorsmith.checks.exec_conflicts import ExecRule, find_conflicts
from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.ide import lint_document
from armorsmith.model import Access, Span
from armorsmith.model.rules.file import ExecKind, ExecMode
from armorsmith.resolve import MemoryFileSystem, ResolveConfig

MODES = ["ix", "ux", "Ux", "px", "Px", "cx", "Cx", "pix", "Pix", "cix", "Cix", "pux", "PUx", "cux", "CUx"]
TARGETED = [mode for mode in MODES if mode[0] in "pPcC"]
TRANSITIONS = MODES + [f"{mode} -> {target}" for mode in TARGETED for target in ("target", "target2")]

# The shapes of gen-xtrans.py: two paths and whether they can conflict at all.
SHAPES = {
    "conflict": ("/bin/cat", "/bin/cat", True),
    "exact": ("/bin/cat", "/bin/*", False),
    "dominate": ("/bin/*", "/bin/**", True),
    "ambiguous": ("/bin/a*", "/bin/*b", True),
}


def _conflicts(body: str) -> list[Diagnostic]:
    source = f"/usr/bin/foo {{\n{body}}}\n".encode()
    return [d for d in lint_document("foo", source) if d.code is Code.EXEC_RULE_CONFLICT]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_conflict_matrix(shape: str) -> None:
    """Ensure that every pair of transitions conflicts exactly when upstream's matrix says."""
    first_path, second_path, can_conflict = SHAPES[shape]
    for first, second in itertools.product(TRANSITIONS, repeat=2):
        for owner in ("", "owner "):
            body = f"  {first_path} {first},\n  {owner}{second_path} {second},\n"
            expected = can_conflict and first != second
            assert bool(_conflicts(body)) is expected, body


def test_same_path_message_and_related() -> None:
    """Ensure that a same-path conflict uses upstream's words and points at both modifiers."""
    body = "  /bin/cat rix,\n  /bin/ls r,\n  /bin/cat Px,\n"
    source = f"/usr/bin/foo {{\n{body}}}\n".encode()
    (diagnostic,) = _conflicts(body)
    assert diagnostic.message.startswith("profile /usr/bin/foo: has merged rule /bin/cat with conflicting x modifiers")
    assert source[diagnostic.start : diagnostic.end] == b"Px"
    (related,) = diagnostic.related
    assert source[related.start : related.end] == b"ix"


def test_glob_message() -> None:
    """Ensure that an overlap of globs names both rules."""
    (diagnostic,) = _conflicts("  /bin/a* ix,\n  /bin/*b px,\n")
    assert diagnostic.message == (
        "profile /usr/bin/foo has merged rule with conflicting x modifiers: "
        "'/bin/*b px' and '/bin/a* ix' can match the same file"
    )


@pytest.mark.parametrize(
    ("body", "conflict"),
    [
        ("  /bin/* ix,\n  /bin/** px,\n", True),
        ("  /bin/* px,\n  /bin/** px,\n", False),
        ("  /bin/{a,b} ix,\n  /bin/* px,\n", False),
        ("  /bin/{a,b} ix,\n  /bin/{b,c} px,\n", True),
        ("  /bin/{a,b} ix,\n  /bin/{c,d} px,\n", False),
        ("  /bin/[ab] ix,\n  /bin/a px,\n", True),
        ("  /bin/? ix,\n  /bin/a px,\n", False),
        ("  /usr/*/x ix,\n  /opt/** px,\n", False),
        ("  owner /bin/x ix,\n  /bin/x px,\n", True),
        ("  owner /bin/x ix,\n  other /bin/x px,\n", False),
        ("  /bin/* px,\n  owner /bin/** px,\n", False),
        ("  deny /bin/x x,\n  /bin/x px,\n", False),
        ("  priority=1 /bin/x ix,\n  /bin/x px,\n", False),
        ("  priority=1 /bin/* ix,\n  priority=1 /bin/** px,\n", True),
        ("  priority=1 /bin/** Px,\n  /bin/* ix,\n  /bin/** px,\n", False),
        ("  deny /bin/** x,\n  /bin/a* ix,\n  /bin/*b px,\n", False),
        ("  audit /bin/x ix,\n  /bin/x px,\n", True),
        ("  prompt /bin/x ix,\n  /bin/x px,\n", False),
        ("  file,\n  /bin/* px,\n", True),
        ("  file,\n  /bin/cat px,\n", False),
        ("  /bin/x ix -> t,\n  /bin/x Pix -> t,\n", False),
        ("  /bin/x ux -> t,\n  /bin/x px -> t,\n", False),
        ("  /bin/x cx -> t,\n  /bin/x px -> /usr/bin/foo//t,\n", False),
        ("  /bin/x cx -> /bin/x,\n  /bin/x cx,\n", False),
        ("  /bin/x cx -> :ns:t,\n  /bin/x px -> :ns:t,\n", False),
        ("  /bin/x Cx -> :ns:t,\n  /bin/x px -> :ns:t,\n", True),
        ("  @{bin}/x ix,\n  @{bin}/x px,\n", True),
        ("  @{bin}/* ix,\n  /usr/bin/** px,\n", False),
        ("  owner {\n    /bin/x ix,\n  }\n  /bin/x px,\n", True),
        ("  if ${a} {\n    /bin/x ix,\n  } else {\n    /bin/x px,\n  }\n", False),
        ("  if ${a} {\n    /bin/x ix,\n  }\n  /bin/x px,\n", True),
        ("  /bin/x ix,\n  ^hat {\n    /bin/x px,\n  }\n", False),
        ("  /bin/x ix,\n  profile child {\n    /bin/x px,\n  }\n", False),
    ],
)
def test_conflict_cases(body: str, conflict: bool) -> None:
    """Ensure precedence, owners, deny, priorities, targets, blocks and scopes decide conflicts."""
    assert bool(_conflicts(body)) is conflict


def test_fragment_rules_conflict_without_a_profile() -> None:
    """Ensure that an abstraction's rules are checked together and named without a profile."""
    source = b"/bin/x ix,\n/bin/x px,\n"
    (diagnostic,) = [d for d in lint_document("abstractions/foo", source) if d.code is Code.EXEC_RULE_CONFLICT]
    assert diagnostic.message.startswith("has merged rule /bin/x with conflicting x modifiers")


def test_find_conflicts_takes_resolved_records() -> None:
    """Ensure that the check works on records built without a syntax tree (resolved rules)."""
    everyone = frozenset({"user", "other"})
    records = [
        ExecRule("/usr/lib/a*", True, ExecMode(ExecKind.INHERIT), Access.ALLOW, everyone, 0, Span(0, 2)),
        ExecRule("/usr/lib/*b", True, ExecMode(ExecKind.PROFILE), Access.ALLOW, everyone, 0, Span(10, 12)),
        ExecRule("/usr/lib/ab", True, ExecMode(ExecKind.CHILD), Access.ALLOW, everyone, 0, Span(20, 22)),
    ]
    found = [(c.rule.span.start, c.other.span.start, c.same_path) for c in find_conflicts(records, "p")]
    assert found == [(10, 0, False)]


@pytest.mark.parametrize(
    ("path", "exact"),
    [("/bin/cat", True), ("/bin/{a,b}", True), ("/bin/[ab]", True), ("/bin/\\*", True), ("/bin/*", False), ("/bin/?", False), ("/bin/[^a]", False), ("/{**,}", False)],
)
def test_is_exact(path: str, exact: bool) -> None:
    """Ensure that exactness follows upstream: alternations and plain classes stay exact."""
    assert is_exact(path) is exact


def _resolved(main: str, files: dict[str, str]) -> tuple[bytes, list[Diagnostic]]:
    contents = {path: text.encode() for path, text in files.items()}
    contents["/work/main"] = main.encode()
    config = ResolveConfig(("/etc/apparmor.d",), "/work", MemoryFileSystem(contents))
    source = main.encode()
    found = [d for d in lint_document("/work/main", source, config=config) if d.code is Code.EXEC_RULE_CONFLICT]
    return source, found


def test_resolved_rules_from_an_include() -> None:
    """Ensure that an included rule conflicts with the profile's own, shown on the own rule.

    The glob loses to the exact paths `@{bin}/sh` stands for; the alternation is exact too.
    """
    main = "include <tunables/bin>\nprofile p {\n  include <abstractions/x>\n  @{bin}/sh px,\n}\n"
    files = {
        "/etc/apparmor.d/tunables/bin": "@{bin} = /usr/bin /bin\n",
        "/etc/apparmor.d/abstractions/x": "/{usr/,}bin/* ix,\n/{usr/,}bin/{sh,bash} ix,\n",
    }
    source, (diagnostic,) = _resolved(main, files)
    assert source[diagnostic.start : diagnostic.end] == b"px"
    (related,) = diagnostic.related
    assert related.path == "/etc/apparmor.d/abstractions/x"


def test_resolved_conflict_between_includes_is_shown_on_the_include() -> None:
    """Ensure that two included rules that conflict are reported on the include of the later one."""
    main = "profile p {\n  include <abstractions/a>\n  include <abstractions/b>\n}\n"
    files = {"/etc/apparmor.d/abstractions/a": "/bin/sh ix,\n", "/etc/apparmor.d/abstractions/b": "/bin/sh Px,\n"}
    source, (diagnostic,) = _resolved(main, files)
    assert source[diagnostic.start : diagnostic.end] == b"include <abstractions/b>"
    assert {related.path for related in diagnostic.related} == {
        "/etc/apparmor.d/abstractions/a",
        "/etc/apparmor.d/abstractions/b",
    }


def test_resolved_branches_and_variables() -> None:
    """Ensure that only the taken branch counts and variables are compared by their values."""
    main = (
        "@{a} = /bin/a\n@{b} = /bin/b\n${on} = true\n"
        "profile p {\n  @{a} ix,\n  @{b} px,\n  if ${on} {\n    /bin/c ix,\n  } else {\n    /bin/c px,\n  }\n}\n"
    )
    assert _resolved(main, {})[1] == []
    _, (diagnostic,) = _resolved(main.replace("@{b} = /bin/b", "@{b} = /bin/a"), {})
    assert "has merged rule /bin/a" in diagnostic.message


def test_resolved_alias_copies_rules() -> None:
    """Ensure that a rule under an alias's source also conflicts under its target."""
    main = "alias /usr/ -> /mnt/usr/,\nprofile p {\n  /usr/bin/* ix,\n  /mnt/usr/bin/** px,\n}\n"
    _, (diagnostic,) = _resolved(main, {})
    assert "'/mnt/usr/bin/** px' and '/mnt/usr/bin/* ix'" in diagnostic.message
    assert _resolved(main.replace("alias /usr/ -> /mnt/usr/,\n", ""), {})[1] == []
