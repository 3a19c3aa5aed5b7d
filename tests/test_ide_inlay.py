"""Tests of inlay hints for variable values (armorsmith.ide.inlay)."""

from __future__ import annotations

from armorsmith.ide.inlay import MAX_WIDTH, inlay_hints
from armorsmith.ide.context import DocumentContext
from armorsmith.model import lower
from armorsmith.syntax import parse

from idecase import World

TUNABLES = {
    "tunables/home": "@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n",
    "tunables/long": "@{LONG}=" + " ".join(f"/very/long/path/number/{i}" for i in range(6)) + "\n",
}

FOO = """\
include <tunables/home>
include <tunables/long>
@{MINE} = /opt/mine
profile foo /usr/bin/foo {
  owner @{HOME}/.cache/ r,
  @{LONG}/x r,
  @{MINE}/bin/* ix,
  @{exec_path} mr,
  @{UNDEFINED} r,
  profile child /usr/lib/child {
    @{exec_path} mr,
  }
}
"""


def _hints(ctx: DocumentContext, start: int = 0, end: int | None = None) -> list[tuple[str, str]]:
    return [(ctx.source[:hint.offset].rsplit(b" ", 1)[-1].decode(), hint.label) for hint in inlay_hints(ctx, start, end)]


def test_short_values_follow_each_reference() -> None:
    """Ensure that each reference with a short expansion gets its values, in its own profile."""
    w = World({**TUNABLES, "usr.bin.foo": FOO})
    assert _hints(w.ctx("usr.bin.foo")) == [
        ("@{HOME}", "/home/*/ /root/"),
        ("@{MINE}", "/opt/mine"),
        ("@{exec_path}", "/usr/bin/foo"),
        ("@{exec_path}", "/usr/lib/child"),
    ]


def test_hints_are_limited_to_the_range() -> None:
    """Ensure that only references inside the requested range get hints."""
    w = World({**TUNABLES, "usr.bin.foo": FOO})
    ctx = w.ctx("usr.bin.foo")
    start = ctx.source.index(b"  @{MINE}")
    end = ctx.source.index(b"  @{exec_path}")
    assert _hints(ctx, start, end) == [("@{MINE}", "/opt/mine")]


def test_long_values_and_missing_resolution_give_no_hint() -> None:
    """Ensure that long expansions are left to the hover and nothing is shown without a resolution."""
    w = World({**TUNABLES, "usr.bin.foo": FOO})
    assert all(len(hint.label) <= MAX_WIDTH for hint in inlay_hints(w.ctx("usr.bin.foo")))
    parsed = parse(FOO.encode())
    assert inlay_hints(DocumentContext("/x", parsed, lower(parsed).file, None)) == ()
