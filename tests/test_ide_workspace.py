"""The analysis host (armorsmith.ide.workspace): documents, overlays, invalidation, the index."""

from __future__ import annotations

from armorsmith.diagnostics import Edit
from armorsmith.ide.workspace import Workspace, discover
from armorsmith.resolve import MemoryFileSystem

FILES = {
    "/ws/apparmor.d/tunables/global": b"@{HOME}=/home/*/\n",
    "/ws/apparmor.d/abstractions/base": b"  /etc/ld.so.cache r,\n",
    "/ws/apparmor.d/abstractions/.hidden": b"  /etc/hidden r,\n",
    "/ws/apparmor.d/usr.bin.a": b"include <tunables/global>\nprofile a /usr/bin/a {\n  include <abstractions/base>\n  /usr/bin/b Px,\n}\n",
    "/ws/apparmor.d/usr.bin.b": b"profile b /usr/bin/b {\n}\n",
    "/ws/apparmor.d/usr.bin.b.dpkg-old": b"profile old /usr/bin/old {\n}\n",
    "/ws/README.md": b"# not policy\n",
}


def _workspace(files: dict[str, bytes] = FILES) -> Workspace:
    workspace = Workspace(MemoryFileSystem(files), search_dirs=("/ws/apparmor.d",), base_dir="/ws")
    workspace.roots = ("/ws",)
    return workspace


def _codes(workspace: Workspace, path: str) -> list[str]:
    return [d.code.value for d in workspace.lint(path)]


def test_discover_skips_what_apparmor_skips() -> None:
    """Ensure the walk finds regular files in path order, without dotfiles and package leftovers."""
    steps = discover(MemoryFileSystem(FILES), ["/ws"], 100)
    try:
        while True:
            next(steps)
    except StopIteration as done:
        found = done.value
    assert found == [
        "/ws/README.md",
        "/ws/apparmor.d/abstractions/base",
        "/ws/apparmor.d/tunables/global",
        "/ws/apparmor.d/usr.bin.a",
        "/ws/apparmor.d/usr.bin.b",
    ]


def test_scan_indexes_policy_and_fragments() -> None:
    """Ensure the scan keeps policy files and fragments, and builds the policy of their profiles."""
    workspace = _workspace()
    progress = list(workspace.scan_steps())
    assert progress[-1].done == progress[-1].total == 5
    assert [indexed.path for indexed in workspace.index.files()] == [
        "/ws/apparmor.d/abstractions/base",
        "/ws/apparmor.d/tunables/global",
        "/ws/apparmor.d/usr.bin.a",
        "/ws/apparmor.d/usr.bin.b",
    ]
    assert sorted(profile.fqname for profile in workspace.project().policy) == ["a", "b"]


def test_incremental_edits_keep_text_and_parse_in_step() -> None:
    """Ensure edits change the document's text, parse and version together."""
    workspace = _workspace()
    path = "/ws/apparmor.d/usr.bin.new"
    workspace.open(path, b"profile n {\n  capability chown,\n}\n", 1)
    at = b"profile n {\n  capability ch".__len__()
    document = workspace.edit(path, Edit(at, at + 1, ""), 2)
    assert document.source == b"profile n {\n  capability chwn,\n}\n"
    assert document.parse.root.text == document.source
    assert document.version == 2
    assert _codes(workspace, path) == ["unknown-capability"]
    workspace.replace(path, b"profile n {\n}\n", 3)
    assert _codes(workspace, path) == []


def test_buffer_overlays_its_file_for_includers() -> None:
    """Ensure an open buffer is what includes read, and closing it brings back the file."""
    workspace = _workspace()
    main = "/ws/apparmor.d/usr.bin.a"
    workspace.open(main, FILES[main], 1)
    assert _codes(workspace, main) == []
    base = "/ws/apparmor.d/abstractions/base"
    workspace.open(base, b"  capability sys_admn,\n", 1)
    assert _codes(workspace, main) == ["include-has-errors"]
    workspace.close(base)
    assert _codes(workspace, main) == []


class _Disk:
    """A file system whose files the test changes, as files change on disk."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = dict(files)

    def __getattr__(self, name: str):  # noqa: ANN204 - delegates the FileSystem protocol.
        return getattr(MemoryFileSystem(self.files), name)


def test_files_changed_drops_what_read_them() -> None:
    """Ensure a changed include is read again, and a created one stops being missing."""
    disk = _Disk(FILES)
    workspace = Workspace(disk, search_dirs=("/ws/apparmor.d",), base_dir="/ws")
    path = "/ws/apparmor.d/usr.bin.c"
    workspace.open(path, b"profile c {\n  include <abstractions/base>\n  include <abstractions/later>\n}\n", 1)
    assert _codes(workspace, path) == ["include-not-found"]
    disk.files["/ws/apparmor.d/abstractions/later"] = b"  /etc/later r,\n"
    disk.files["/ws/apparmor.d/abstractions/base"] = b"  capability sys_admn,\n"
    assert _codes(workspace, path) == ["include-not-found"]
    list(workspace.files_changed(["/ws/apparmor.d/abstractions/base"], created=["/ws/apparmor.d/abstractions/later"]))
    assert _codes(workspace, path) == ["include-has-errors"]


def test_context_is_built_once_per_version() -> None:
    """Ensure the analysed document is kept until the document changes."""
    workspace = _workspace()
    path = "/ws/apparmor.d/usr.bin.a"
    workspace.open(path, FILES[path], 1)
    first = workspace.context(path)
    assert first is not None and first.resolution is not None
    assert workspace.context(path) is first
    workspace.edit(path, Edit(0, 0, "\n"), 2)
    second = workspace.context(path)
    assert second is not first and second is not None and second.source.startswith(b"\n")
    assert workspace.context("/ws/not-open") is None
