"""Tests of variables, booleans, conditionals and expansion in resolution (armorsmith.resolve).

Profiles here attach to `@{...}` texts so that `expand` can be asked about a stable model
value (the attachment) whatever rule kinds exist.
"""

from __future__ import annotations

import pytest

from armorsmith.model.rules import CapabilityRule
from armorsmith.resolve import BooleanVariable, Resolution, SetVariable, collapse_slashes
from test_resolve import MAIN, found, run


def expand_attachment(resolution: Resolution, index: int = 0, *, collapse: bool = True) -> tuple[str, ...]:
    """Return the expansion of the attachment of the index-th profile."""
    profile = list(resolution.walk_profiles())[index]
    assert profile.profile.attachment is not None
    return resolution.expand(profile.profile.attachment, profile, collapse=collapse)


def capability_names(resolution: Resolution) -> list[str]:
    """Return the capabilities the first profile ends up with."""
    return [
        name.text
        for placed in resolution.profiles[0].rules
        if isinstance(placed.rule, CapabilityRule)
        for name in placed.rule.names
    ]


@pytest.mark.parametrize(
    ("preamble", "expected"),
    [
        ("@{A} = /a /b\n", ("/a/x", "/b/x")),
        ("@{A} = /a\n@{A} += /b\n", ("/a/x", "/b/x")),
        ("@{A} = /a\n@{A} := /b\n", ("/b/x",)),
        ("@{A} = /a\n@{A} ?= /b\n", ("/a/x",)),
        ("@{A} ?= /b\n", ("/b/x",)),
        ("@{B} = /b /c\n@{A} = @{B}/d /e\n", ("/b/d/x", "/c/d/x", "/e/x")),
        ('@{A} = "/with space" /a /a\n', ("/a/x", "/with space/x")),
        ("@{A} = /{a,b}\n", ("/{a,b}/x",)),
    ],
)
def test_set_variables_expand_to_every_value(preamble: str, expected: tuple[str, ...]) -> None:
    """Ensure that =, +=, := and ?= build the values upstream expands, sorted and without repeats."""
    resolution = run(f"{preamble}profile p @{{A}}/x {{\n}}\n")
    assert found(resolution) == []
    assert expand_attachment(resolution) == expected


def test_several_variables_give_the_cross_product() -> None:
    """Ensure that two variables with several values give every combination."""
    resolution = run("@{A} = a b\n@{B} = 1 2\nprofile p /@{A}/@{B} {\n}\n")
    assert expand_attachment(resolution) == ("/a/1", "/a/2", "/b/1", "/b/2")


@pytest.mark.parametrize(
    ("values", "attachment", "expected"),
    [
        ("/home/*/", "@{A}/x", ("/home/*/x",)),
        ("/home/*/", "/pre/@{A}/x", ("/pre/home/*/x",)),
        ("/", "@{A}/x", ("/x",)),
        ("//srv", "@{A}/x", ("//srv/x",)),
        ("/a", "///x/@{A}", ("/x/a",)),
        ("/a//b//", "@{A}", ("/a/b/",)),
    ],
)
def test_expansion_folds_slashes_as_upstream(values: str, attachment: str, expected: tuple[str, ...]) -> None:
    """Ensure that `//` is folded after expansion, except a leading `//`, and values lose slashes next to `/`."""
    resolution = run(f"@{{A}} = {values}\nprofile p {attachment} {{\n}}\n")
    assert expand_attachment(resolution) == expected


def test_names_can_be_expanded_without_folding() -> None:
    """Ensure that collapse=False keeps the slashes of the values."""
    resolution = run("@{A} = a//b\nprofile p /x/@{A} {\n}\n")
    assert expand_attachment(resolution, collapse=False) == ("/x/a//b",)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("//a//b", "//a/b"), ("///a", "/a"), ("/a///b/", "/a/b/"), ("//", "//"), ("/", "/"), ("a//b", "a/b")],
)
def test_collapse_slashes(path: str, expected: str) -> None:
    """Ensure that collapse_slashes is upstream's filter_slashes."""
    assert collapse_slashes(path) == expected


def test_escaped_reference_is_not_a_variable() -> None:
    """Ensure that `\\@{A}` stays as written and needs no declaration."""
    resolution = run("profile p /x/\\@{A}/@{B} {\n}\n@{B} = b\n".replace("profile", "@{B} = b\nprofile", 1))
    assert expand_attachment(resolution) == ("/x/\\@{A}/b",)


def test_expansion_is_bounded() -> None:
    """Ensure that an expansion beyond the limit is a warning and gives no strings."""
    resolution = run("@{A} = 1 2 3 4\nprofile p /@{A}/@{A}/@{A} {\n}\n", limit=50)
    assert found(resolution) == [("expansion-too-large", "@{A}")]
    assert expand_attachment(resolution) == ()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # An undefined variable is reported where it is used, and only there.
        ("/usr/bin/p {\n  @{NOPE}/x r,\n}\n", [("undefined-variable", "@{NOPE}")]),
        ("@{A} = @{NOPE}\n/usr/bin/p {\n}\n", []),
        ("@{A} = /a/@{NOPE}\n/usr/bin/p {\n  @{A}/x r,\n}\n", [("undefined-variable", "@{A}")]),
        ("/usr/bin/p@{NOPE} {\n}\n", [("undefined-variable", "@{NOPE}")]),
        ("@{A} = /a\n@{A} = /b\n/usr/bin/p {\n}\n", [("variable-redefined", "@{A}")]),
        ("@{A} ?= /a\n@{A} = /b\n/usr/bin/p {\n}\n", [("variable-redefined", "@{A}")]),
        ("${A} = true\n@{A} = /b\n/usr/bin/p {\n}\n", [("variable-redefined", "@{A}")]),
        ("@{A} += /a\n/usr/bin/p {\n}\n", [("append-to-undeclared-variable", "@{A}")]),
        ("${A} = true\n@{A} += /a\n/usr/bin/p {\n}\n", [("variable-kind-mismatch", "@{A}")]),
        ("@{A} = @{A}\n/usr/bin/p {\n  @{A} r,\n}\n", [("recursive-variable", "@{A}")]),
        ("@{A} = @{B}\n@{B} = /x @{A}\n/usr/bin/p {\n  @{A} r,\n}\n", [("recursive-variable", "@{A}")]),
        ("${B} = true\n/usr/bin/p {\n  @{B} r,\n}\n", [("variable-kind-mismatch", "@{B}")]),
    ],
)
def test_variable_errors(source: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that each variable error is reported with its code on the offending text."""
    assert found(run(source)) == expected


def test_messages_use_upstream_wording() -> None:
    """Ensure that the messages start with what apparmor_parser prints."""
    cases = {
        "/usr/bin/p {\n  @{NOPE} r,\n}\n": "Failed to find declaration for: @{NOPE}",
        "@{A} = /a\n@{A} = /b\n": "variable @{A} was previously declared",
        "@A += /a\n": "variable @A was not previously declared, but is being assigned additional values",
        "@{A} = @{B}\n@{B} = @{A}\n/usr/bin/p {\n  @{A} r,\n}\n": "Variable @{A} is referenced recursively (by @{B})",
        "${B} += true\n": "Invalid assignment += not allowed with boolean variables",
        "${B} = maybe\n": "Invalid boolean : 'maybe' is not true or false",
        "/usr/bin/p {\n  if $B {\n  }\n}\n": "Unset boolean variable $B used in if-expression",
        "@{A} = x\n/usr/bin/p {\n  if @{A} > 1 {\n  }\n}\n": "Can only compare numbers with numbers",
        "/usr/bin/p {\n  if @{A} == 1 {\n  }\n}\n": "Error retrieving variable @{A}",
    }
    for source, message in cases.items():
        assert [d.message for d in run(source).diagnostics] == [message], source


def test_nested_undefined_variable_points_into_the_definition() -> None:
    """Ensure that an undefined variable inside a definition is related to that definition's value."""
    resolution = run("@{A} = /a/@{NOPE}\n/usr/bin/p {\n  @{A}/x r,\n}\n")
    [diagnostic] = resolution.diagnostics
    assert diagnostic.message == "Failed to find declaration for: @{NOPE}"
    [related] = diagnostic.related
    assert related.path == MAIN and resolution.main.source[related.start : related.end] == b"/a/@{NOPE}"


def test_redefinition_is_related_to_the_first_declaration() -> None:
    """Ensure that a redefinition points back at the first declaration, in its own file."""
    files = {"/etc/apparmor.d/tunables/t": "@{A} = /a\n"}
    resolution = run("include <tunables/t>\n@{A} = /b\n/usr/bin/p {\n}\n", files)
    [diagnostic] = resolution.diagnostics
    assert diagnostic.related[0].path == "/etc/apparmor.d/tunables/t"


def test_variables_keep_their_provenance() -> None:
    """Ensure that every value knows the document, range and include chain it came from."""
    files = {
        "/etc/apparmor.d/tunables/global": "include <tunables/home>\n",
        "/etc/apparmor.d/tunables/home": "@{HOME} = /home/*/ /root/\n",
    }
    resolution = run("include <tunables/global>\n@{HOME} += /srv/\n/usr/bin/p {\n}\n", files)
    home = resolution.variables["HOME"]
    assert isinstance(home, SetVariable)
    assert [value.text for value in home.values] == ["/home/*/", "/root/", "/srv/"]
    first, _, last = home.values
    assert first.origin.document == "/etc/apparmor.d/tunables/home"
    assert [site.include.target for site in first.origin.via] == ["tunables/global", "tunables/home"]
    assert last.origin.document == MAIN and last.origin.via == ()
    assert home.declared.document == "/etc/apparmor.d/tunables/home"
    assert [origin.document for origin in home.appended] == [MAIN]


@pytest.mark.parametrize(
    ("source", "index", "name", "profile_name", "attach_path"),
    [
        ("/usr/bin/p {\n}\n", 0, "/usr/bin/p", "/usr/bin/p", "/usr/bin/p"),
        ("profile p /usr/{bin,sbin}/p {\n}\n", 0, "p", "p", "/usr/{bin,sbin}/p"),
        ("profile p {\n}\n", 0, "p", "p", None),
        ("/usr//bin/p* {\n}\n", 0, "/usr//bin/p*", "/usr//bin/p\\*", "/usr/bin/p*"),
        ("profile p /a {\n  ^hat {\n  }\n}\n", 1, "p//hat", "p//hat", None),
        ("profile p {\n  profile /x/y {\n  }\n}\n", 1, "p///x/y", "p///x/y", "/x/y"),
        ("@{N} = n\nprofile p@{N} {\n}\n", 0, "pn", "pn", None),
    ],
)
def test_builtin_variables(source: str, index: int, name: str, profile_name: str, attach_path: str | None) -> None:
    """Ensure that @{profile_name} is always defined and @{attach_path}/@{exec_path} only with an attachment."""
    resolution = run(source)
    profile = list(resolution.walk_profiles())[index]
    assert profile.name == name
    expected = {"profile_name": (profile_name,)}
    if attach_path is not None:
        expected["attach_path"] = expected["exec_path"] = (attach_path,)
    assert dict(profile.builtins) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("/usr/bin/p {\n  ^hat {\n    @{attach_path} r,\n  }\n}\n", [("attach-path-undefined", "@{attach_path}")]),
        ("profile p {\n  @{exec_path} r,\n}\n", [("attach-path-undefined", "@{exec_path}")]),
        ("profile p /a {\n  @{exec_path} r,\n  ^hat {\n    /run/@{profile_name} r,\n  }\n}\n", []),
        ("profile @{profile_name} {\n}\n", [("undefined-variable", "@{profile_name}")]),
    ],
)
def test_builtin_variable_errors(source: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that builtins missing where upstream lacks them are reported on the reference."""
    assert found(run(source)) == expected


@pytest.mark.parametrize(
    ("preamble", "condition", "taken"),
    [
        ("", "true", True),
        ("", "FALSE", False),
        ("${B} = true\n", "${B}", True),
        ("$B = false\n", "not $B", True),
        ("${A} = true\n${B} = ${A} and not ${A}\n", "${B}", False),
        ("${A} = true\n", "${A} or false", True),
        ("${A} = true\n", "(${A} and true) and not false", True),
        ("@{V} = x\n", "defined @{V}", True),
        ("", "defined @{V}", False),
        ("${B} = true\n${B} := false\n", "${B}", False),
        ("${B} = true\n${B} ?= false\n", "${B}", True),
        ("@{V} = a b\n", "@{V} == @{W}", True),
        ("@{V} = a b\n", "a in @{V}", True),
        ("@{V} = a b\n", "@{V} in a", False),
        ("@{V} = a b\n", "@{V} != b", True),
        ("@{V} = 10\n", "@{V} > 9", True),
        ("@{V} = 10\n", "@{V} > 0x9", True),
        ("@{V} = 010\n", "@{V} == 8", False),
        ("@{V} = 010\n", "@{V} >= 8", True),
        ("@{V} = b\n", "@{V} > a", True),
        ("@{V} = a b\n", "@{V} < @{W}", False),
        ("@{V} = 3.1\n", "@{V} > 3", None),
    ],
)
def test_conditions_choose_their_branch(preamble: str, condition: str, taken: bool | None) -> None:
    """Ensure that `if` is evaluated as upstream does: literals, booleans, defined, comparisons."""
    preamble += "@{W} = b a\n" if "@{W}" in condition else ""
    body = f"  if {condition} {{\n    capability chown,\n  }} else {{\n    capability kill,\n  }}\n"
    resolution = run(f"{preamble}profile p {{\n{body}}}\n")
    if taken is None:
        assert [d.code.value for d in resolution.diagnostics] == ["invalid-comparison"]
        assert capability_names(resolution) == []
    else:
        assert found(resolution) == []
        assert capability_names(resolution) == (["chown"] if taken else ["kill"])


def test_else_if_chains_take_the_first_true_branch() -> None:
    """Ensure that only the first branch whose condition holds is kept."""
    source = (
        "profile p {\n  if false {\n    capability chown,\n  } else if true {\n    capability kill,\n"
        "  } else if true {\n    capability fowner,\n  } else {\n    capability setuid,\n  }\n}\n"
    )
    assert capability_names(run(source)) == ["kill"]


def test_conditions_in_dead_branches_are_still_checked() -> None:
    """Ensure that upstream's parse-time evaluation reports errors in branches not taken."""
    source = "profile p {\n  if false {\n    if ${UNSET} {\n    }\n  } else {\n    if maybe {\n    }\n  }\n}\n"
    assert found(run(source)) == [("unset-boolean", "${UNSET}"), ("invalid-boolean", "maybe")]


def test_every_factor_is_evaluated() -> None:
    """Ensure that `and` and `or` do not short-circuit the errors of their right side."""
    assert found(run("profile p {\n  if false and $U {\n  }\n}\n")) == [("unset-boolean", "$U")]


def test_hats_exist_only_in_the_taken_branch() -> None:
    """Ensure that hats and child profiles of a dead branch are not defined."""
    source = "profile p {\n  if true {\n    ^yes {\n    }\n  } else {\n    ^no {\n    }\n  }\n}\n"
    assert [child.name for child in run(source).profiles[0].children] == ["p//yes"]


def test_defined_on_a_boolean_warns_and_is_false() -> None:
    """Ensure that `defined ${B}` is always false upstream, with a warning."""
    resolution = run("${B} = true\nprofile p {\n  if defined ${B} {\n    capability chown,\n  }\n}\n")
    assert found(resolution) == [("defined-on-boolean", "defined ${B}")]
    assert capability_names(resolution) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("${B} = maybe\n", [("invalid-boolean", "maybe")]),
        ("${B} = true\n${B} = false\n", [("variable-redefined", "${B}")]),
        ("${B} += true\n", [("boolean-append", "+=")]),
        ("@{V} = x\nprofile p {\n  if ${V} {\n  }\n}\n", [("variable-kind-mismatch", "${V}")]),
        ("${B} = true\nprofile p {\n  if @{B} == x {\n  }\n}\n", [("variable-kind-mismatch", "@{B}")]),
        ("@{V} = 1 2\nprofile p {\n  if @{V} < 3 {\n  }\n}\n", [("invalid-comparison", "@{V} < 3")]),
        ('@{V} = ""\nprofile p {\n  if @{V} >= 3 {\n  }\n}\n', [("invalid-comparison", "@{V} >= 3")]),
        ("profile p {\n  if 99999999999999999999 > 1 {\n  }\n}\n", [("invalid-comparison", "99999999999999999999")]),
    ],
)
def test_boolean_and_comparison_errors(source: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that errors in boolean assignments and conditions are located on their text."""
    assert found(run(source)) == expected


def test_booleans_are_kept_with_their_value() -> None:
    """Ensure that the table holds booleans with their evaluated value and origin."""
    variable = run("${A} = true\n${B} = ${A} and false\n").variables["B"]
    assert isinstance(variable, BooleanVariable) and variable.value is False
    assert variable.declared.document == MAIN


def test_fragment_documents_do_not_report_undefined_variables() -> None:
    """Ensure that an abstraction linted alone leaves its variables to whatever includes it."""
    resolution = run("@{PROC}/@{pid}/maps r,\nif $B {\n}\n", fragment=True)
    assert found(resolution) == [] and len(resolution.loose_rules) == 1
