"""Tests of definition, declaration, references, rename and document links (armorsmith.ide.navigation).

Each case is a small workspace in memory (`idecase.World`) whose documents mark the
cursor with `$0`; results are compared as `file:text` strings, the text being what the
location's range holds.
"""

from __future__ import annotations

import dataclasses

import pytest

from armorsmith.ide import navigation
from armorsmith.ide.context import Location

from idecase import World

TUNABLES = {
    "tunables/global": "include <tunables/home>\n",
    "tunables/home": "@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n",
    "tunables/home.d/site": "@{HOMEDIRS}+=/srv/home/\n",
    "abi/4.0": "",
}


def world(**files: str) -> World:
    return World({**TUNABLES, **files})


def shown(w: World, locations: tuple[Location, ...]) -> list[str]:
    """Render locations as `file:text`, the file relative to the search directory."""
    found = []
    for location in locations:
        source = w.sources[location.path]
        text = source[location.span.start : location.span.end].decode()
        found.append(f"{w.project.display(location.path)}:{text}")
    return found


FOO = """\
abi <abi/4$0.0>,
include <tunables/glo$0bal>
@{X} = /usr/bin/baz
profile foo /usr/bin/foo {
  owner @{HO$0ME}/.foo rw,
  /usr/bin/b$0ar P$0x,
  /usr/bin/* pu$0x,
  @{X} Cx -> hel$0per,
  /usr/bin/zz Px -> no$0where,
  signal send peer=ba$0r,
  @{exec_$0path} r,
  change_profile -> ba$0r,
  profile helper { }
}
"""

BAR = """\
profile bar /usr/bin/bar {
  signal receive peer=fo$0o,
  ptrace read peer=foo//helper,
  /usr/bin/foo Px -> foo,
}
"""

QUX = "profile qux /usr/bin/q* { }\n"


@pytest.fixture(scope="module")
def w() -> World:
    return world(**{"usr.bin.foo": FOO, "usr.bin.bar": BAR, "usr.bin.qux": QUX})


@pytest.mark.parametrize(
    ("mark", "expected"),
    [
        (0, ["abi/4.0:"]),
        (1, ["tunables/global:"]),
        (2, ["tunables/home:@{HOME}"]),
        (3, ["usr.bin.bar:bar"]),
        (4, ["usr.bin.bar:bar"]),
        (5, ["usr.bin.foo:foo", "usr.bin.bar:bar", "usr.bin.qux:qux"]),
        (6, ["usr.bin.foo:helper"]),
        (7, []),
        (8, ["usr.bin.bar:bar"]),
        (9, ["usr.bin.foo:/usr/bin/foo"]),
        (10, ["usr.bin.bar:bar"]),
    ],
    ids=["abi", "include", "variable", "Px-path", "Px-attach", "pux-glob", "Cx-target", "missing-target", "peer", "exec_path", "change_profile"],
)
def test_definition(w: World, mark: int, expected: list[str]) -> None:
    """Ensure that definition follows includes, abi, variables, `->` targets, attachments and labels."""
    ctx = w.ctx("usr.bin.foo")
    assert shown(w, navigation.definition(ctx, w.project, w.mark("usr.bin.foo", mark))) == expected


def test_definition_of_a_variable_is_every_assignment_and_declaration_the_first() -> None:
    """Ensure that a variable's definitions are its `=` and every `+=`, its declaration only the `=`."""
    w = world(**{"usr.bin.foo": "include <tunables/global>\nprofile foo { @{HOMED$0IRS}/x r, }\n"})
    ctx, offset = w.ctx("usr.bin.foo"), w.mark("usr.bin.foo")
    assert shown(w, navigation.definition(ctx, w.project, offset)) == [
        "tunables/home:@{HOMEDIRS}",
    ]
    w2 = world(**{"usr.bin.foo": "include <tunables/global>\ninclude <tunables/home.d/site>\nprofile foo { @{HOMED$0IRS}/x r, }\n"})
    ctx2, offset2 = w2.ctx("usr.bin.foo"), w2.mark("usr.bin.foo")
    assert shown(w2, navigation.definition(ctx2, w2.project, offset2)) == [
        "tunables/home:@{HOMEDIRS}",
        "tunables/home.d/site:@{HOMEDIRS}",
    ]
    assert shown(w2, navigation.declaration(ctx2, w2.project, offset2)) == ["tunables/home:@{HOMEDIRS}"]


def test_definition_of_a_profile_in_the_edited_document_uses_its_own_text() -> None:
    """Ensure that a profile defined in the document at hand is found there even when the workspace policy is stale."""
    w = world(**{"usr.bin.foo": "profile foo {\n  signal peer=fo$0o,\n}\n"})
    ctx, offset = w.ctx("usr.bin.foo"), w.mark("usr.bin.foo")
    stale = type(w.project)(documents=w.project.documents, search_dirs=w.project.search_dirs, cache=w.cache)
    assert shown(w, navigation.definition(ctx, stale, offset)) == ["usr.bin.foo:foo"]


def test_references_of_a_profile_across_files(w: World) -> None:
    """Ensure that a profile's references are its header, `->` targets, `peer=` and change_profile uses."""
    ctx = w.ctx("usr.bin.bar")
    found = shown(w, navigation.references(ctx, w.project, w.mark("usr.bin.bar")))
    assert sorted(found) == ["usr.bin.bar:foo", "usr.bin.bar:foo", "usr.bin.foo:foo"]
    without = shown(w, navigation.references(ctx, w.project, w.mark("usr.bin.bar"), include_declaration=False))
    assert sorted(without) == ["usr.bin.bar:foo", "usr.bin.bar:foo"]


def test_references_of_a_child_include_full_names_and_profile_name(w: World) -> None:
    """Ensure that a child's references include `Cx -> child`, `parent//child` and its own `@{profile_name}`."""
    w2 = world(**{
        "usr.bin.foo": "profile foo {\n  /x Cx -> helper,\n  profile hel$0per { @{profile_name} r, }\n}\n",
        "usr.bin.bar": BAR,
    })
    found = shown(w2, navigation.references(w2.ctx("usr.bin.foo"), w2.project, w2.mark("usr.bin.foo")))
    assert sorted(found) == [
        "usr.bin.bar:foo//helper",
        "usr.bin.foo:@{profile_name}",
        "usr.bin.foo:helper",
        "usr.bin.foo:helper",
    ]


def test_references_of_a_variable_across_files(w: World) -> None:
    """Ensure that a variable's references include its assignment in a tunable and its uses."""
    found = shown(w, navigation.references(w.ctx("usr.bin.foo"), w.project, w.mark("usr.bin.foo", 2)))
    assert sorted(found) == ["tunables/home:HOME", "usr.bin.foo:HOME"]


def _applied(w: World, result: navigation.RenameResult) -> dict[str, str]:
    """Apply a rename's edits and return the changed documents by display name."""
    assert result.error is None, result.error
    changed = {}
    for file in result.files:
        text = file.source
        for edit in sorted(file.edits, key=lambda e: e.start, reverse=True):
            text = text[: edit.start] + edit.new_text.encode() + text[edit.end :]
        changed[w.project.display(file.path)] = text.decode()
    return changed


def test_rename_a_profile_everywhere() -> None:
    """Ensure that renaming a profile edits its header and every use by name, in every file."""
    w = world(**{
        "usr.bin.foo": "profile fo$0o /usr/bin/foo {\n  profile helper { }\n}\n",
        "usr.bin.bar": BAR,
    })
    changed = _applied(w, navigation.rename(w.ctx("usr.bin.foo"), w.project, w.mark("usr.bin.foo"), "fooed"))
    assert changed == {
        "usr.bin.foo": "profile fooed /usr/bin/foo {\n  profile helper { }\n}\n",
        "usr.bin.bar": BAR.replace("$0", "").replace("peer=foo", "peer=fooed").replace("-> foo", "-> fooed"),
    }


def test_rename_a_child_edits_relative_and_full_names() -> None:
    """Ensure that renaming a child edits `Cx -> child` and the child part of `parent//child`."""
    w = world(**{
        "usr.bin.foo": "profile foo {\n  /x Cx -> helper,\n  profile hel$0per { }\n}\n",
        "usr.bin.bar": BAR,
    })
    changed = _applied(w, navigation.rename(w.ctx("usr.bin.foo"), w.project, w.mark("usr.bin.foo"), "aid"))
    assert changed["usr.bin.foo"] == "profile foo {\n  /x Cx -> aid,\n  profile aid { }\n}\n"
    assert "peer=foo//aid," in changed["usr.bin.bar"]


def test_rename_a_variable_in_its_tunable_too(w: World) -> None:
    """Ensure that renaming a variable edits its assignment in the tunable and every use."""
    changed = _applied(w, navigation.rename(w.ctx("usr.bin.foo"), w.project, w.mark("usr.bin.foo", 2), "@{HOUSE}"))
    assert changed["tunables/home"] == "@{HOMEDIRS}=/home/\n@{HOUSE}=@{HOMEDIRS}/*/ /root/\n"
    assert "owner @{HOUSE}/.foo rw," in changed["usr.bin.foo"]


@pytest.mark.parametrize(
    ("files", "new_name", "message"),
    [
        ({"usr.bin.foo": "/usr/bin/f$0oo { }\n"}, "x", "is named by a path"),
        ({"usr.bin.foo": "profile fo$0o { }\n", "usr.bin.bar": "profile bar { signal peer=fo*, }\n"}, "x", "pattern 'fo*'"),
        ({"usr.bin.foo": "profile fo$0o { }\n", "usr.bin.bar": "profile bar { }\n"}, "bar", "already exists"),
        ({"usr.bin.foo": "profile fo$0o { }\n"}, "two words", "not a plain profile name"),
        ({"usr.bin.foo": "profile foo { @{exec_pa$0th} r, }\n"}, "X", "defined by apparmor_parser"),
        ({"usr.bin.foo": "include <tunables/global>\nprofile foo { @{HO$0ME} r, }\n"}, "HOMEDIRS", "already exists"),
        ({"usr.bin.foo": "@{A}=/a\nprofile foo { @{$0A} r, }\n"}, "9x", "not a variable name"),
        ({"usr.bin.foo": "profile foo { /a r$0w, }\n"}, "x", "Only profile names and variables"),
    ],
    ids=["path-name", "pattern", "taken", "blank", "builtin", "variable-taken", "bad-variable", "nothing"],
)
def test_rename_refuses_what_it_cannot_rename_safely(files: dict[str, str], new_name: str, message: str) -> None:
    """Ensure that rename refuses, with the reason, names it cannot rename everywhere."""
    w = world(**files)
    result = navigation.rename(w.ctx("usr.bin.foo"), w.project, w.mark("usr.bin.foo"), new_name)
    assert result.files == () and result.error is not None and message in result.error


def test_rename_refuses_to_edit_outside_the_workspace_folders(w: World) -> None:
    """Ensure a variable assigned in a tunable outside the workspace folders is not renamed there."""
    project = dataclasses.replace(w.project, roots=("/home/me/policy",))
    result = navigation.rename(w.ctx("usr.bin.foo"), project, w.mark("usr.bin.foo", 2), "HOUSE")
    assert result.files == () and result.error is not None
    assert "/etc/apparmor.d/tunables/home" in result.error and "outside the workspace folders" in result.error
    inside = dataclasses.replace(w.project, roots=("/etc/apparmor.d",))
    assert navigation.rename(w.ctx("usr.bin.foo"), inside, w.mark("usr.bin.foo", 2), "HOUSE").error is None


def test_prepare_rename_gives_the_name_without_quotes_or_sigil() -> None:
    """Ensure that prepareRename offers the bare name: no quotes, no `@{}`."""
    w = world(**{"usr.bin.foo": 'profile "my$0app" { }\n@{A}=/a\nprofile b { @{$0A} r, }\n'})
    ctx = w.ctx("usr.bin.foo")
    assert navigation.prepare_rename(ctx, w.project, w.mark("usr.bin.foo", 0)).placeholder == "myapp"
    assert navigation.prepare_rename(ctx, w.project, w.mark("usr.bin.foo", 1)).placeholder == "A"


def test_document_links_for_includes_and_abi(w: World) -> None:
    """Ensure that every include and abi whose file exists links to it."""
    ctx = w.ctx("usr.bin.foo")
    links = navigation.document_links(ctx, w.project)
    assert [(ctx.text(link.span), w.project.display(link.target)) for link in links] == [
        ("abi/4.0", "abi/4.0"),
        ("tunables/global", "tunables/global"),
    ]


def test_definition_of_a_directory_include_is_each_file() -> None:
    """Ensure a directory include goes to every file it reads, and links only when that is one file."""
    w = world(**{"usr.bin.foo": "include <tunables/home$0.d>\nprofile foo { }\n"})
    ctx = w.ctx("usr.bin.foo")
    assert shown(w, navigation.definition(ctx, w.project, w.mark("usr.bin.foo"))) == ["tunables/home.d/site:"]
    assert [link.target for link in navigation.document_links(ctx, w.project)] == ["/etc/apparmor.d/tunables/home.d/site"]
    w2 = world(**{"tunables/home.d/other": "", "usr.bin.foo": "include <tunables/home$0.d>\nprofile foo { }\n"})
    ctx2 = w2.ctx("usr.bin.foo")
    assert shown(w2, navigation.definition(ctx2, w2.project, w2.mark("usr.bin.foo"))) == [
        "tunables/home.d/other:",
        "tunables/home.d/site:",
    ]
    assert navigation.document_links(ctx2, w2.project) == ()


def test_document_links_skip_missing_files() -> None:
    """Ensure that an include of a missing file gets no link."""
    w = world(**{"usr.bin.foo": "include if exists <local/nothing>\nprofile foo { }\n"})
    assert navigation.document_links(w.ctx("usr.bin.foo"), w.project) == ()
