"""The properties fuzzing checks, each a function of raw input that fails only on a defect.

- `check_policy`: any bytes go through parse -> lower -> lint (with an in-memory include
  tree) without an exception, and every diagnostic lies inside the document.
- `check_log`: any bytes, read as log lines, become `LogRecord`s or `UnreadableLine`s (at
  most one item per line when nothing is merged), never an exception.
- `check_reparse`: after any sequence of byte-range edits (multi-byte characters, CRLF,
  edits that split a character), the incremental parse equals a fresh parse of the text: the
  same tree and the same syntax errors (see `_errors` for the one known difference).
"""

from __future__ import annotations

from collections.abc import Sequence

from armorsmith.diagnostics import Edit
from armorsmith.ide import lint_document
from armorsmith.logs import LogRecord, UnreadableLine, read_records
from armorsmith.model import lower
from armorsmith.resolve import IncludeCache, MemoryFileSystem, ResolveConfig
from armorsmith.syntax import Parse, parse, reparse

__all__ = ["PIECES", "check_log", "check_policy", "check_reparse", "tree_text"]

# Grammar pieces random profiles and edits are built from: every rule kind, blocks,
# variables, includes, qualifiers, comments, and the text that breaks them (CRLF,
# multi-byte characters, stray braces and commas).
PIECES: tuple[str, ...] = (
    "profile p /usr/bin/p {\n", "profile p//hat flags=(complain) {\n", "^hat {\n", "hat h {\n", "}\n", "{", "}",
    "/etc/hosts r,\n", "/usr/bin/** ix,\n", "owner @{HOME}/** rw,\n", "deny /tmp/x w,\n", "audit allow /a/{b,c} mr,\n",
    "/bin/sh Px -> other,\n", "file,\n", "capability chown,\n", "capability sys_admn,\n", "network inet stream,\n",
    "unix (send) type=stream peer=(label=x),\n", "signal (send) set=(hup) peer=p,\n", "ptrace (read) peer=q,\n",
    "dbus send bus=session path=/x member=Y,\n", "mount fstype=ext4 /dev/sda -> /mnt/,\n", "umount /mnt/,\n",
    "pivot_root /new/,\n", "change_profile -> q,\n", "set rlimit nofile <= 1024,\n", "userns,\n", "io_uring,\n",
    "mqueue r /q,\n", "all,\n", "@{V}=a b {c,d}\n", "@{V}+=e\n", "/x/@{V}/@{UNDEF} r,\n", "${V}", "@{HOME}",
    "include <tunables/global>\n", 'include "abstractions/base"\n', "include if exists <local/x>\n",
    "abi <abi/3.0>,\n", "if ${B} {\n", "else {\n", "$B=true\n", "# comment\n", "#include <tunables/global>\n",
    "\r\n", "\n", " ", "\t", ",", "é", "€", "𝄞", "\x00", "\"quoted path\" r,\n", "/a\\ b r,\n", "priority=1 /x r,\n",
)

_MEMORY = {
    "/p/tunables/global": b"@{HOME}=/home/*/ /root/\n",
    "/p/abstractions/base": b"  /etc/ld.so.cache r,\n",
    "/p/local/x": b"  /srv/** r,\n",
}


def _config() -> ResolveConfig:
    return ResolveConfig(("/p",), "/p", MemoryFileSystem(_MEMORY))


def check_policy(source: bytes, path: str = "/p/doc") -> None:
    """Parse, lower and lint `source`; each stage must return, and findings stay inside it."""
    parsed = parse(source)
    assert parsed.source == source
    list(parsed.errors)
    lower(parsed)
    config = _config()
    for diagnostic in lint_document(path, source, config=config, cache=IncludeCache(config.fs)):
        assert 0 <= diagnostic.start <= diagnostic.end <= len(source), diagnostic


def check_log(data: bytes) -> None:
    """Read `data` as a log, split into lines, with and without merging."""
    lines = data.splitlines(keepends=True)
    for merge in (False, True):
        items = list(read_records(lines, "fuzz.log", merge=merge))
        assert all(isinstance(item, (LogRecord, UnreadableLine)) for item in items), items
        if not merge:
            assert len(items) <= len(lines)
    text = data.decode("utf-8", "surrogateescape")
    assert all(isinstance(item, (LogRecord, UnreadableLine)) for item in read_records(text.split("\n"), "t"))


def tree_text(parsed: Parse) -> str:
    """The tree as text, with every node's byte range, to compare two parses exactly."""
    parts: list[str] = []
    cursor = parsed.root.walk()
    while True:
        node = cursor.node
        parts.append(f"{node.type}@{node.start_byte}-{node.end_byte}{'!' if node.is_missing else ''}")
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return " ".join(parts)


def check_reparse(source: bytes, edits: Sequence[tuple[int, int, str]]) -> None:
    """Apply each (start, length, text) edit, positions taken modulo the current length."""
    parsed = parse(source)
    for start, length, text in edits:
        size = len(parsed.source)
        begin = start % (size + 1)
        end = min(size, begin + length)
        parsed = reparse(parsed, Edit(begin, end, text))
        fresh = parse(parsed.source)
        assert tree_text(parsed) == tree_text(fresh), parsed.source
        assert _errors(parsed) == _errors(fresh), parsed.source


def _errors(parsed: Parse) -> list[tuple[str, int, int, str]]:
    """The syntax errors, without the "(expected ...)" hint: tree-sitter keeps the parse state
    of a node reused by an incremental parse, so the hint can differ from a fresh parse's."""
    return [(d.code.value, d.start, d.end, d.message.split(" (expected ")[0]) for d in parsed.errors]
