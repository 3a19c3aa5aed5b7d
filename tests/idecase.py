"""A small workspace in memory for the tests of the ide navigation features.

`World` holds policy files by absolute path (a search directory `/etc/apparmor.d` by
default) and analyses them as the analysis host does: each document parsed, lowered and
resolved with the shared include cache, and the workspace policy built from every file
that is not an abstraction or tunable.  A document may mark a cursor with `$0`; `cursor`
strips the marks and returns their byte offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.engine import build_policy
from armorsmith.ide.context import DocumentContext, Project
from armorsmith.model import lower
from armorsmith.resolve import IncludeCache, MemoryFileSystem, ResolveConfig, load_document, resolve
from armorsmith.syntax import FileRole, guess_role, parse

SEARCH = "/etc/apparmor.d"
MARK = "$0"


def cursor(text: str) -> tuple[bytes, list[int]]:
    """Return `text` without its `$0` marks, as bytes, and the byte offset of each mark."""
    offsets = []
    data = text.encode()
    while (index := data.find(MARK.encode())) >= 0:
        offsets.append(index)
        data = data[:index] + data[index + len(MARK) :]
    return data, offsets


@dataclass
class World:
    """Files by path (relative paths are under the search directory) and their analyses."""

    files: dict[str, str]

    def __post_init__(self) -> None:
        self.sources: dict[str, bytes] = {}
        self.marks: dict[str, list[int]] = {}
        for name, text in self.files.items():
            path = name if name.startswith("/") else f"{SEARCH}/{name}"
            self.sources[path], self.marks[path] = cursor(text)
        self.fs = MemoryFileSystem(self.sources)
        self.config = ResolveConfig((SEARCH,), "/", self.fs)
        self.cache = IncludeCache(self.fs)
        self.contexts: dict[str, DocumentContext] = {}
        for path, source in self.sources.items():
            parsed = parse(source)
            role = guess_role(path, parsed.root)
            resolution = resolve(
                path, parsed, lower(parsed), self.config, cache=self.cache, fragment=role is FileRole.FRAGMENT
            )
            self.contexts[path] = DocumentContext(path, parsed, resolution.main.file, resolution)
        policy_files = [
            ctx.resolution for path, ctx in self.contexts.items()
            if guess_role(path, ctx.parsed.root) is FileRole.POLICY and ctx.resolution is not None
        ]
        self.project = Project(
            policy=build_policy(policy_files),
            documents={path: load_document(path, source) for path, source in self.sources.items()},
            search_dirs=(SEARCH,),
            cache=self.cache,
        )

    def path(self, name: str) -> str:
        """Return the absolute path of a file named as in `files`."""
        return name if name.startswith("/") else f"{SEARCH}/{name}"

    def ctx(self, name: str) -> DocumentContext:
        """Return the analysed document `name`."""
        return self.contexts[self.path(name)]

    def mark(self, name: str, index: int = 0) -> int:
        """Return the byte offset of the `index`-th `$0` of document `name`."""
        return self.marks[self.path(name)][index]
