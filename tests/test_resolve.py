"""Tests of include resolution (armorsmith.resolve): forms, search, splicing, errors, file systems.

Every case runs on an in-memory file system: `/etc/apparmor.d` is the search directory and
`/work` the directory relative includes are opened from.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from armorsmith.diagnostics import Severity
from armorsmith.ide import lint_document
from armorsmith.model import lower
from armorsmith.model.rules import CapabilityRule
from armorsmith.resolve import (
    DiskFileSystem,
    FileKind,
    IncludeCache,
    MemoryFileSystem,
    OverlayFileSystem,
    Resolution,
    ResolveConfig,
    resolve,
)
from armorsmith.syntax import parse

SEARCH = ("/etc/apparmor.d",)
BASE = "/work"
MAIN = "/work/main"


def run(
    main: str,
    files: dict[str, str] | None = None,
    *,
    search: tuple[str, ...] = SEARCH,
    fragment: bool = False,
    limit: int = 100_000,
    cache: IncludeCache | None = None,
) -> Resolution:
    """Resolve `main` (the document /work/main) with `files` (absolute path -> text) on disk."""
    contents = {path: text.encode() for path, text in (files or {}).items()}
    contents[MAIN] = main.encode()
    fs = MemoryFileSystem(contents)
    parsed = parse(main.encode())
    config = ResolveConfig(search, BASE, fs, limit)
    return resolve(MAIN, parsed, lower(parsed), config, cache=cache, fragment=fragment)


def found(resolution: Resolution) -> list[tuple[str, str]]:
    """Return (code, text under the range) of each diagnostic of the main document."""
    source = resolution.main.source
    return [(d.code.value, source[d.start : d.end].decode()) for d in resolution.diagnostics]


def capabilities(resolution: Resolution, index: int = 0) -> list[str]:
    """Return the capability names a profile ends up with, in order."""
    profile = list(resolution.walk_profiles())[index]
    rules = [placed.rule for placed in profile.rules]
    return [name.text for rule in rules if isinstance(rule, CapabilityRule) for name in rule.names]


ABS = "/etc/apparmor.d/abstractions"


@pytest.mark.parametrize(
    ("include", "files"),
    [
        ("include <abstractions/a>", {f"{ABS}/a": "capability chown,\n"}),
        ("#include <abstractions/a>", {f"{ABS}/a": "capability chown,\n"}),
        ('include <"abstractions/with space">', {f"{ABS}/with space": "capability chown,\n"}),
        ('include "rel/a"', {"/work/rel/a": "capability chown,\n"}),
        ("include rel/a", {"/work/rel/a": "capability chown,\n"}),
        ('include "/abs/a"', {"/abs/a": "capability chown,\n"}),
        ("include if exists <abstractions/a>", {f"{ABS}/a": "capability chown,\n"}),
        ("include <abstractions/dir>", {f"{ABS}/dir/x": "capability chown,\n"}),
    ],
)
def test_every_include_form_is_spliced(include: str, files: dict[str, str]) -> None:
    """Ensure that each include form finds its file where upstream looks and splices its rules."""
    resolution = run(f"profile p {{\n  {include}\n}}\n", files)
    assert found(resolution) == []
    assert capabilities(resolution) == ["chown"]


def test_search_directories_are_tried_in_order() -> None:
    """Ensure that the first search directory holding the file wins, as with repeated -I."""
    files = {"/first/x": "capability chown,\n", "/second/x": "capability kill,\n", "/second/y": "capability kill,\n"}
    resolution = run("profile p {\n  include <x>\n  include <y>\n}\n", files, search=("/first", "/second"))
    assert capabilities(resolution) == ["chown", "kill"]


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ("include <abstractions/nope>", "Could not open 'abstractions/nope' (searched /etc/apparmor.d)"),
        ('include "nope/x"', "Could not open 'nope/x'"),
        ("include nope/x", "Could not open 'nope/x'"),
    ],
)
def test_missing_include_is_reported_at_its_target(include: str, message: str) -> None:
    """Ensure that a missing include gives upstream's message on the include's target."""
    resolution = run(f"profile p {{\n  {include}\n}}\n")
    [diagnostic] = resolution.diagnostics
    assert diagnostic.code.value == "include-not-found" and diagnostic.message == message
    assert found(resolution)[0][1] in include


def test_missing_include_with_if_exists_is_silent() -> None:
    """Ensure that `include if exists` of a missing file or directory reports nothing."""
    resolution = run("include if exists <tunables/nope>\nprofile p {\n  include if exists <local/p>\n}\n")
    assert found(resolution) == []


def test_directory_includes_regular_files_but_skipped_names() -> None:
    """Ensure that a directory include reads its files, not dotfiles, backups or subdirectories."""
    files = {
        f"{ABS}/d/good": "capability chown,\n",
        f"{ABS}/d/.hidden": "capability kill,\n",
        f"{ABS}/d/README": "capability kill,\n",
        f"{ABS}/d/x.dpkg-old": "capability kill,\n",
        f"{ABS}/d/x~": "capability kill,\n",
        f"{ABS}/d/sub/deeper": "capability kill,\n",
    }
    resolution = run("profile p {\n  include <abstractions/d>\n}\n", files)
    assert found(resolution) == [] and capabilities(resolution) == ["chown"]


def test_directory_files_are_read_last_name_first() -> None:
    """Ensure that a directory's files are spliced in reverse name order, as upstream's lexer stack reads them."""
    files = {"/etc/apparmor.d/tunables/d/a": "@{X} += two\n", "/etc/apparmor.d/tunables/d/b": "@{X} = one\n"}
    resolution = run("include <tunables/d>\nprofile p {}\n", files)
    assert found(resolution) == []
    assert [value.text for value in resolution.variables["X"].values] == ["one", "two"]


def test_duplicate_include_is_skipped_per_profile_body() -> None:
    """Ensure that a file included twice in one body is read once, and again in another body."""
    files = {f"{ABS}/a": "capability chown,\n"}
    main = (
        "profile p {\n  include <abstractions/a>\n  include <abstractions/a>\n"
        "  ^hat {\n    include <abstractions/a>\n  }\n}\n"
    )
    resolution = run(main, files)
    assert capabilities(resolution, 0) == ["chown"]
    assert capabilities(resolution, 1) == ["chown"]


def test_self_include_in_one_body_is_skipped_silently() -> None:
    """Ensure that a file including itself in the same body is no error: upstream's cache skips it."""
    files = {f"{ABS}/r": "capability chown,\ninclude <abstractions/r>\n"}
    resolution = run("profile p {\n  include <abstractions/r>\n}\n", files)
    assert found(resolution) == [] and capabilities(resolution) == ["chown"]


def test_cycle_across_a_profile_body_is_reported() -> None:
    """Ensure that a cycle upstream would follow forever (a new body each time) is an include-cycle."""
    files = {f"{ABS}/r": "profile child {\n  include <abstractions/r>\n}\n"}
    resolution = run("profile p {\n  include <abstractions/r>\n}\n", files)
    assert found(resolution) == [("include-has-errors", "<abstractions/r>")]
    [diagnostic] = resolution.diagnostics
    assert "include cycle: 'abstractions/r'" in diagnostic.message
    assert diagnostic.related[0].path == f"{ABS}/r"


def test_main_document_including_itself_in_a_body_is_a_cycle() -> None:
    """Ensure that the main file included in its own profile is a cycle (upstream: a syntax error)."""
    resolution = run("profile p {\n  include <main>\n}\n", search=("/work",))
    assert found(resolution) == [("include-cycle", "<main>")]


def test_problems_in_included_files_are_summarized_at_the_include() -> None:
    """Ensure that errors inside an include chain are one diagnostic on the main document's include."""
    files = {
        f"{ABS}/outer": "include <abstractions/inner>\n",
        f"{ABS}/inner": "capability frobnicate,\n}\ninclude <abstractions/nope>\n",
    }
    resolution = run("profile p {\n  include <abstractions/outer>\n}\n", files)
    [diagnostic] = resolution.diagnostics
    assert found(resolution) == [("include-has-errors", "<abstractions/outer>")]
    assert diagnostic.message.startswith("'abstractions/outer' brings in 3 errors; the first: ")
    assert {related.path for related in diagnostic.related} == {f"{ABS}/inner"}
    assert any("Could not open 'abstractions/nope'" in related.message for related in diagnostic.related)
    problems = resolution.problems[f"{ABS}/inner"]
    assert {problem.code.value for problem in problems} >= {"unknown-capability", "include-not-found"}


def test_included_file_problems_are_reported_once() -> None:
    """Ensure that a broken abstraction included by two profiles is summarized at the first include only."""
    files = {f"{ABS}/broken": "capability frobnicate,\n"}
    main = "profile a {\n  include <abstractions/broken>\n}\nprofile b {\n  include <abstractions/broken>\n}\n"
    resolution = run(main, files)
    assert [d.start for d in resolution.diagnostics] == [main.index("<abstractions")]


@pytest.mark.parametrize(
    ("main", "content", "expected"),
    [
        ("profile p {\n  include <x>\n}\n", "@{V} = /v\n", "a variable assignment"),
        ("profile p {\n  include <x>\n}\n", "${B} = true\n", "a boolean assignment"),
        ("profile p {\n  include <x>\n}\n", "alias /a/ -> /b/,\n", "an alias rule"),
        ("profile p {\n  include <x>\n}\n", "/bin/q {\n}\n", "a profile without the 'profile' keyword"),
        ("include <x>\nprofile p {}\n", "capability chown,\n", "a rule"),
        ("include <x>\nprofile p {}\n", "audit {\n  capability chown,\n}\n", "a block of rules"),
        ("profile p {}\ninclude <x>\n", "@{V} = /v\n", "a preamble item after a profile"),
    ],
)
def test_content_misplaced_by_an_include_is_reported(main: str, content: str, expected: str) -> None:
    """Ensure that included text that cannot stand where it is spliced is reported at the include."""
    resolution = run(main, {"/etc/apparmor.d/x": content})
    [diagnostic] = resolution.diagnostics
    assert diagnostic.code.value == "include-content-misplaced"
    assert f"'x' cannot be included here: it holds {expected}" in diagnostic.message
    assert diagnostic.related[0].path == "/etc/apparmor.d/x"


def test_body_content_is_accepted_inside_profiles() -> None:
    """Ensure that hats, child profiles, blocks, `if` and abi in an abstraction are fine in a body."""
    content = (
        "abi <abi/4.0>,\n^hat {\n}\nprofile child {\n}\n"
        "audit {\n  capability chown,\n}\nif true {\n  capability kill,\n}\n"
    )
    resolution = run("profile p {\n  include <x>\n}\n", {"/etc/apparmor.d/x": content})
    assert found(resolution) == []
    [profile] = resolution.profiles
    assert [child.name for child in profile.children] == ["p//hat", "p//child"]
    assert capabilities(resolution) == ["kill"]


def test_qualifier_blocks_keep_only_file_like_rules() -> None:
    """Ensure that a block's file rules get its qualifiers and the rest is dropped, as upstream does."""
    main = "profile p {\n  audit deny {\n    /a r,\n    capability chown,\n    ^hat {\n    }\n  }\n  /b r,\n}\n"
    resolution = run(main)
    [profile] = resolution.profiles
    assert [placed.rule.KIND for placed in profile.rules] == ["file", "file"]
    inside, outside = (placed.rule.qualifiers for placed in profile.rules)
    assert inside.is_deny and inside.is_audit and not outside.is_deny
    assert profile.children == ()


def test_rules_carry_their_origin_and_combined_qualifiers() -> None:
    """Ensure that a spliced rule knows its document and include chain, and takes its block's qualifiers."""
    files = {f"{ABS}/a": "include <abstractions/b>\n", f"{ABS}/b": "/x r,\n"}
    resolution = run("profile p {\n  deny {\n    include <abstractions/a>\n  }\n  /y r,\n}\n", files)
    first, second = resolution.profiles[0].rules
    assert first.origin.document == f"{ABS}/b"
    assert [site.include.target for site in first.origin.via] == ["abstractions/a", "abstractions/b"]
    assert first.origin.via[0].document == MAIN and first.origin.via[1].document == f"{ABS}/a"
    assert first.rule.qualifiers.is_deny and not second.rule.qualifiers.is_deny
    assert second.origin.document == MAIN and second.origin.via == ()


def test_includes_in_a_branch_not_taken_are_read_but_not_spliced() -> None:
    """Ensure that includes in a dead branch are still checked and still count as included."""
    files = {f"{ABS}/a": "capability chown,\n"}
    main = (
        "profile p {\n  if false {\n    include <abstractions/a>\n    include <abstractions/nope>\n  }\n"
        "  include <abstractions/a>\n}\n"
    )
    resolution = run(main, files)
    assert found(resolution) == [("include-not-found", "<abstractions/nope>")]
    assert capabilities(resolution) == []


def test_unreadable_search_path_leaves_variables_unknown() -> None:
    """Ensure that without a search path `<...>` includes are skipped and undefined variables not reported."""
    main = "include <tunables/global>\n/usr/bin/p {\n  @{HOME}/x r,\n  include <abstractions/base>\n}\n"
    resolution = run(main, search=())
    assert found(resolution) == [] and not resolution.complete


def test_missing_preamble_include_hides_undefined_variables() -> None:
    """Ensure that one missing tunable gives one diagnostic, not one per variable it would define."""
    resolution = run("include <tunables/global>\n/usr/bin/p {\n  @{HOME}/x r,\n}\n")
    assert found(resolution) == [("include-not-found", "<tunables/global>")]


def test_include_cache_is_shared_between_resolutions() -> None:
    """Ensure that an IncludeCache hands the same parsed document to later resolutions."""
    files = {f"{ABS}/a": "capability chown,\n"}
    fs = MemoryFileSystem({path: text.encode() for path, text in files.items()})
    cache = IncludeCache(fs)
    source = b"profile p {\n  include <abstractions/a>\n}\n"
    parsed = parse(source)
    config = ResolveConfig(SEARCH, BASE, fs)
    first = resolve(MAIN, parsed, lower(parsed), config, cache=cache)
    second = resolve(MAIN, parsed, lower(parsed), config, cache=cache)
    assert first.documents[f"{ABS}/a"] is second.documents[f"{ABS}/a"]
    cache.forget(f"{ABS}/a")
    third = resolve(MAIN, parsed, lower(parsed), config, cache=cache)
    assert third.documents[f"{ABS}/a"] is not first.documents[f"{ABS}/a"]


def test_memory_file_system_answers_like_a_disk() -> None:
    """Ensure that the in-memory file system knows files, implied directories and sorted listings."""
    fs = MemoryFileSystem({"/a/b/c": b"x", "/a/b/a": b"y"}, directories=("/empty",))
    assert fs.kind("/a/b//c") is FileKind.FILE and fs.read("/a/b/c") == b"x"
    assert fs.kind("/a/b") is FileKind.DIRECTORY and fs.list_dir("/a/b") == ("a", "c")
    assert fs.kind("/empty") is FileKind.DIRECTORY and fs.list_dir("/empty") == ()
    assert fs.kind("/nope") is FileKind.MISSING and fs.read("/nope") is None and fs.list_dir("/nope") is None


def test_overlay_shows_unsaved_buffers_over_the_disk(tmp_path: Path) -> None:
    """Ensure that editor buffers replace files and appear in listings without being saved."""
    (tmp_path / "saved").write_bytes(b"on disk")
    fs = OverlayFileSystem(DiskFileSystem(), {str(tmp_path / "saved"): b"edited", str(tmp_path / "new"): b"unsaved"})
    assert fs.read(str(tmp_path / "saved")) == b"edited"
    assert fs.kind(str(tmp_path / "new")) is FileKind.FILE and fs.read(str(tmp_path / "new")) == b"unsaved"
    assert fs.list_dir(str(tmp_path)) == ("new", "saved")


def test_disk_file_system_refuses_paths_outside_its_roots(tmp_path: Path) -> None:
    """Ensure that a rooted disk file system shows nothing outside its roots, links included."""
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (inside / "ok").write_bytes(b"ok")
    (outside / "secret").write_bytes(b"secret")
    (inside / "link").symlink_to(outside / "secret")
    fs = DiskFileSystem(roots=(str(inside),))
    assert fs.read(str(inside / "ok")) == b"ok"
    assert fs.read(str(outside / "secret")) is None and fs.kind(str(outside)) is FileKind.MISSING
    assert fs.read(str(inside / "link")) is None
    assert fs.list_dir(str(inside)) == ("link", "ok")


def test_lint_document_keeps_its_positional_form_and_resolves_with_a_config() -> None:
    """Ensure that lint_document(path, source) resolves nothing, and with a config reports resolution."""
    source = b"profile p {\n  include <abstractions/nope>\n}\n"
    assert lint_document("/work/p", source) == []
    config = ResolveConfig(SEARCH, BASE, MemoryFileSystem({}))
    [diagnostic] = lint_document("/work/p", source, config=config)
    assert diagnostic.code.value == "include-not-found" and diagnostic.severity is Severity.ERROR


def test_cli_resolves_includes_from_i_directories_and_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that the CLI searches -I for `<...>` and opens quoted includes from the current directory."""
    from armorsmith.cli import main

    (tmp_path / "inc" / "tunables").mkdir(parents=True)
    (tmp_path / "inc" / "tunables" / "global").write_bytes(b"@{HOME} = /home/*/\n")
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "extra").write_bytes(b"@{HOME}/x r,\n")
    profile = tmp_path / "profile"
    profile.write_bytes(b'include <tunables/global>\n/usr/bin/p {\n  include "local/extra"\n  @{NOPE}/y r,\n}\n')
    monkeypatch.chdir(tmp_path)
    code = main(["lint", "-I", str(tmp_path / "inc"), str(profile)])
    out = capsys.readouterr().out
    assert code == 1
    assert out == f"{profile}:4:3: error: Failed to find declaration for: @{{NOPE}} [undefined-variable]\n"
    assert os.getcwd() == str(tmp_path)
