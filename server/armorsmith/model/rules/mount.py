"""Mount rules: `mount`, `remount` and `umount` (upstream mount.cc and parser_yacc.y mnt_rule).

```
mount   [CONDS] [SOURCE] [-> MOUNTPOINT],
remount [CONDS] [MOUNTPOINT],
umount  [CONDS] [MOUNTPOINT],        (`unmount` is a synonym)
```

CONDS are `options`/`option` and `fstype`/`vfstype`, with `=` or `in`; several `options`
conditionals may be given, each one a separate alternative.  Option words map to the
kernel's mount flags (`MountFlag`): each word sets or clears some flags, and one `options=`
list that both sets and clears a flag (`ro` with `rw`) is rejected.  A rule whose options
select a mount command (`remount`, `bind`, `move`, the propagation types) that its other
parts rule out is rejected too: upstream finds no kernel rule to encode it.  A bare
`mount,` allows every mount.  Conditionals after `->` are parsed upstream but rejected.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic, Related

from ..conditionals import Conditional, ConditionalGroup, lower_conditionals
from ..event import LogRecord
from ..rule import LowerContext, Rule, WholeAccess
from ..span import Span, Word
from ..values import Value
from .conds import covers_value, prefix_problems
from .logged import literal, rule_from_text, simple_word

__all__ = [
    "MOUNT_CONDITIONALS",
    "MOUNT_OPTIONS",
    "MountFlag",
    "MountOperation",
    "MountRule",
    "conditional_text",
]


class MountOperation(enum.Enum):
    """What a mount-family rule allows; `unmount` is written for UMOUNT too."""

    MOUNT = "mount"
    REMOUNT = "remount"
    UMOUNT = "umount"


class MountFlag(enum.Flag):
    """The kernel's MS_* mount flags that rules mediate (upstream mount.h bit positions)."""

    RDONLY = 1 << 0
    NOSUID = 1 << 1
    NODEV = 1 << 2
    NOEXEC = 1 << 3
    SYNCHRONOUS = 1 << 4
    REMOUNT = 1 << 5
    MAND = 1 << 6
    DIRSYNC = 1 << 7
    NOSYMFOLLOW = 1 << 8
    NOATIME = 1 << 10
    NODIRATIME = 1 << 11
    BIND = 1 << 12
    MOVE = 1 << 13
    REC = 1 << 14
    SILENT = 1 << 15
    ACL = 1 << 16
    UNBINDABLE = 1 << 17
    PRIVATE = 1 << 18
    SLAVE = 1 << 19
    SHARED = 1 << 20
    RELATIME = 1 << 21
    IVERSION = 1 << 23
    STRICTATIME = 1 << 24
    LAZYTIME = 1 << 25
    NOUSER = 1 << 31


_F = MountFlag
_NONE = MountFlag(0)

MOUNT_OPTIONS: dict[str, tuple[MountFlag, MountFlag]] = {
    "ro": (_F.RDONLY, _NONE),
    "r": (_F.RDONLY, _NONE),
    "read-only": (_F.RDONLY, _NONE),
    "rw": (_NONE, _F.RDONLY),
    "w": (_NONE, _F.RDONLY),
    "suid": (_NONE, _F.NOSUID),
    "nosuid": (_F.NOSUID, _NONE),
    "dev": (_NONE, _F.NODEV),
    "nodev": (_F.NODEV, _NONE),
    "exec": (_NONE, _F.NOEXEC),
    "noexec": (_F.NOEXEC, _NONE),
    "sync": (_F.SYNCHRONOUS, _NONE),
    "async": (_NONE, _F.SYNCHRONOUS),
    "remount": (_F.REMOUNT, _NONE),
    "mand": (_F.MAND, _NONE),
    "nomand": (_NONE, _F.MAND),
    "dirsync": (_F.DIRSYNC, _NONE),
    "symfollow": (_NONE, _F.NOSYMFOLLOW),
    "nosymfollow": (_F.NOSYMFOLLOW, _NONE),
    "atime": (_NONE, _F.NOATIME),
    "noatime": (_F.NOATIME, _NONE),
    "diratime": (_NONE, _F.NODIRATIME),
    "nodiratime": (_F.NODIRATIME, _NONE),
    "bind": (_F.BIND, _NONE),
    "B": (_F.BIND, _NONE),
    "move": (_F.MOVE, _NONE),
    "M": (_F.MOVE, _NONE),
    "rbind": (_F.BIND | _F.REC, _NONE),
    "R": (_F.BIND | _F.REC, _NONE),
    "verbose": (_F.SILENT, _NONE),
    "silent": (_F.SILENT, _NONE),
    "loud": (_NONE, _F.SILENT),
    "acl": (_F.ACL, _NONE),
    "noacl": (_NONE, _F.ACL),
    "unbindable": (_F.UNBINDABLE, _NONE),
    "make-unbindable": (_F.UNBINDABLE, _NONE),
    "runbindable": (_F.UNBINDABLE | _F.REC, _NONE),
    "make-runbindable": (_F.UNBINDABLE | _F.REC, _NONE),
    "private": (_F.PRIVATE, _NONE),
    "make-private": (_F.PRIVATE, _NONE),
    "rprivate": (_F.PRIVATE | _F.REC, _NONE),
    "make-rprivate": (_F.PRIVATE | _F.REC, _NONE),
    "slave": (_F.SLAVE, _NONE),
    "make-slave": (_F.SLAVE, _NONE),
    "rslave": (_F.SLAVE | _F.REC, _NONE),
    "make-rslave": (_F.SLAVE | _F.REC, _NONE),
    "shared": (_F.SHARED, _NONE),
    "make-shared": (_F.SHARED, _NONE),
    "rshared": (_F.SHARED | _F.REC, _NONE),
    "make-rshared": (_F.SHARED | _F.REC, _NONE),
    "relatime": (_F.RELATIME, _NONE),
    "norelatime": (_NONE, _F.RELATIME),
    "iversion": (_F.IVERSION, _NONE),
    "noiversion": (_NONE, _F.IVERSION),
    "strictatime": (_F.STRICTATIME, _NONE),
    "nostrictatime": (_NONE, _F.STRICTATIME),
    "lazytime": (_F.LAZYTIME, _NONE),
    "nolazytime": (_NONE, _F.LAZYTIME),
    "user": (_NONE, _F.NOUSER),
    "nouser": (_F.NOUSER, _NONE),
}
"""Each option word with the flags it sets and the flags it clears (mount.cc mnt_opts_table)."""

MOUNT_CONDITIONALS = frozenset({"options", "option", "fstype", "vfstype"})
"""The conditional names mount rules accept (mount.cc mnt_conds_table)."""

_ALL_FLAGS = (
    _F.RDONLY | _F.NOSUID | _F.NODEV | _F.NOEXEC | _F.SYNCHRONOUS | _F.REMOUNT | _F.MAND
    | _F.DIRSYNC | _F.NOSYMFOLLOW | _F.NOATIME | _F.NODIRATIME | _F.BIND | _F.REC | _F.MOVE
    | _F.SILENT | _F.ACL | _F.UNBINDABLE | _F.PRIVATE | _F.SLAVE | _F.SHARED | _F.RELATIME
    | _F.IVERSION | _F.STRICTATIME | _F.LAZYTIME
)
_PROPAGATION = _F.UNBINDABLE | _F.PRIVATE | _F.SLAVE | _F.SHARED
_MAKE_COMMANDS = _PROPAGATION | _F.REC
_COMMANDS = _F.MOVE | _F.REMOUNT | _F.BIND | _MAKE_COMMANDS


def conditional_text(item: Conditional | ConditionalGroup) -> str:
    """Return the canonical text of a conditional (`name=value`, `name in (a b)`) or group."""
    if isinstance(item, ConditionalGroup):
        return f"{item.name.text}=(" + " ".join(conditional_text(inner) for inner in item.items) + ")"
    if item.operator is None:
        return item.name.text
    values = " ".join(value.raw for value in item.values)
    if item.is_list or item.operator == "in":
        values = f"({values})"
    separator = " in " if item.operator == "in" else item.operator
    return f"{item.name.text}{separator}{values}"


@dataclass(frozen=True, slots=True)
class MountRule(Rule):
    """`mount`, `remount` or `umount` with its conditionals and paths.

    `conditionals` are those before `->`; `target_conditionals` those after it, which
    upstream rejects.  `source` is only ever set on `mount` rules.
    """

    KIND = "mount"
    NODE_TYPES = ("mount_rule", "remount_rule", "umount_rule")

    keyword: Word
    conditionals: tuple[Conditional | ConditionalGroup, ...]
    target_conditionals: tuple[Conditional | ConditionalGroup, ...]
    source: Value | None
    mountpoint: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> MountRule:
        keyword = next(
            (child for child in node.children if child.type in ("mount", "remount", "umount", "unmount")),
            node,
        )
        arrow = next((child.start_byte for child in node.children if child.type == "->"), None)
        conditionals, groups = lower_conditionals(node, ctx.source)
        ordered = sorted((*conditionals, *groups), key=lambda item: item.span.start)
        before = tuple(item for item in ordered if arrow is None or item.span.start < arrow)
        after = tuple(item for item in ordered if arrow is not None and item.span.start > arrow)
        source = node.child_by_field_name("source")
        mountpoint = node.child_by_field_name("mountpoint")
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            ctx.word(keyword),
            before,
            after,
            ctx.value(source) if source is not None and not source.is_missing else None,
            ctx.value(mountpoint) if mountpoint is not None and not mountpoint.is_missing else None,
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> MountRule | None:
        """Return the mount, remount or umount rule that allows a mount-class record (§2.2, F17).

        A mount gets the logged flags as `options=(...)` (words the policy language does
        not know are left out), `fstype=`, the source and `-> MOUNTPOINT`; an umount names
        the mount point.  None for other operations and without a mount point.
        """
        operation = record.operation
        if operation not in ("mount", "remount", "umount") or not record.name:
            return None
        mountpoint = literal(record.name)
        if operation == "umount":
            rule = rule_from_text(cls, f"umount {mountpoint},")
            return rule if isinstance(rule, MountRule) else None
        words = sorted({word.strip() for word in (record.flags or "").split(",")} & MOUNT_OPTIONS.keys())
        parts = [operation]
        fstype = simple_word(record.fs_type)
        if fstype is not None and operation == "mount":
            parts.append(f"fstype={fstype}")
        if words:
            parts.append(f"options=({' '.join(words)})")
        if operation == "mount":
            if record.src_name:
                parts.append(literal(record.src_name))
            parts.append("->")
        parts.append(mountpoint)
        rule = rule_from_text(cls, " ".join(parts) + ",")
        return rule if isinstance(rule, MountRule) else None

    @property
    def operation(self) -> MountOperation:
        """What the rule allows: mount, remount or umount."""
        if self.keyword.text == "remount":
            return MountOperation.REMOUNT
        if self.keyword.text in ("umount", "unmount"):
            return MountOperation.UMOUNT
        return MountOperation.MOUNT

    def _named(self, *names: str) -> tuple[Conditional, ...]:
        return tuple(
            item for item in self.conditionals
            if isinstance(item, Conditional) and item.name.text in names
        )

    @property
    def fstypes(self) -> tuple[Value, ...]:
        """The values of every `fstype`/`vfstype` conditional; empty means any type."""
        return tuple(value for item in self._named("fstype", "vfstype") for value in item.values)

    @property
    def options(self) -> tuple[Conditional, ...]:
        """The `options`/`option` conditionals, each one alternative set of option words."""
        return self._named("options", "option")

    def render(self) -> str:
        parts = [self.render_qualifiers() + self.operation.value]
        parts += [conditional_text(item) for item in self.conditionals]
        if self.source is not None:
            parts.append(self.source.raw)
        if self.mountpoint is not None:
            if self.operation is MountOperation.MOUNT:
                parts.append("->")
            parts.append(self.mountpoint.raw)
        return " ".join(parts) + ","

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "mount")
        problems = list(self._conditional_problems())
        yield from problems
        if not problems and self.operation is not MountOperation.UMOUNT:
            yield from self._encoding_problems()

    def _conditional_problems(self) -> Iterator[Diagnostic]:
        for item in self.conditionals:
            name = item.name
            if isinstance(item, ConditionalGroup) or name.text not in MOUNT_CONDITIONALS:
                yield Diagnostic.of(
                    Code.INVALID_MOUNT_CONDITIONAL,
                    f"invalid mount conditional {name.text}: mount rules take options= and fstype=",
                    item.span.start,
                    item.span.end,
                )
            elif item.operator not in ("=", "in"):
                yield Diagnostic.of(
                    Code.INVALID_MOUNT_CONDITIONAL,
                    "only \"=\" and 'in' allowed in conditions of mount rules",
                    item.span.start,
                    item.span.end,
                )
        for item in self.target_conditionals:
            yield Diagnostic.of(
                Code.INVALID_MOUNT_CONDITIONAL,
                "mount point conditions not currently supported: move the conditional before '->'",
                item.span.start,
                item.span.end,
            )
        for item in self.options:
            for value in item.values:
                if value.text not in MOUNT_OPTIONS:
                    hint = ""
                    if "," in value.text:
                        hint = f": list several options as options=({value.text.replace(',', ', ')})"
                    yield Diagnostic.of(
                        Code.UNKNOWN_MOUNT_OPTION,
                        f"unsupported mount option value '{value.text}'{hint}",
                        value.span.start,
                        value.span.end,
                    )
            if item.operator == "=":
                yield from _conflicts(item)

    def _alternatives(self) -> tuple[list[MountFlag], list[MountFlag]] | None:
        """Return the flag sets upstream builds: required ones (`options=`) and optional ones (`in`).

        A mount matches when, for some pair, it has every required flag and no flag outside
        the pair.  None means the rule names no options and so matches any flags.
        """
        remount = _F.REMOUNT if self.operation is MountOperation.REMOUNT else _NONE
        required = [_option_flags(item)[0] | remount for item in self.options if item.operator == "="]
        optional = [_option_flags(item)[0] | _option_flags(item)[1] for item in self.options if item.operator == "in"]
        if not required and not optional:
            return None
        return required or [remount], optional or [_NONE]

    def _encoding_problems(self) -> Iterator[Diagnostic]:
        """Report a rule for which upstream's encoder finds nothing to encode."""
        alternatives = self._alternatives()
        if alternatives is None:
            return
        required, optional = alternatives
        has_source = self.source is not None
        has_mountpoint = self.mountpoint is not None
        has_fstype = bool(self.fstypes)
        if any(
            _encodes(flags, extra, has_source, has_mountpoint, has_fstype)
            for flags in required
            for extra in optional
        ):
            return
        commands = [
            (item, value.text) for item in self.options for value in item.values
            if MOUNT_OPTIONS[value.text][0] & _COMMANDS
        ] or [(item, value.text) for item in self.options for value in item.values]
        command_flags = _NONE
        for flags in required:
            command_flags |= flags
        blockers = []
        if has_fstype:
            blockers.append("an fstype")
        if has_source and command_flags & _F.REMOUNT:
            blockers.append("a source")
        if has_source and has_mountpoint and command_flags & _PROPAGATION:
            blockers.append("both a source and a mount point")
        reason = " or ".join(blockers) or "the rest of this rule"
        where = commands[0][0].span
        yield Diagnostic.of(
            Code.UNENCODABLE_MOUNT_RULE,
            f"mount options ({', '.join(word for _, word in commands)}) cannot be used with {reason}: "
            "apparmor_parser fails with 'Encoding of mount rule failed'",
            where.start,
            where.end,
        )

    def key(self) -> Hashable:
        return (self.KIND, self.operation, self.qualifiers.access)

    def grants(self, request: Rule) -> WholeAccess:
        """Return ANY when the mount `request` (concrete paths, type and options) matches this rule."""
        none = WholeAccess(0)
        if not isinstance(request, MountRule) or request.operation is not self.operation:
            return none
        if not covers_value(self.source, request.source) or not covers_value(self.mountpoint, request.mountpoint):
            return none
        if self.fstypes and not (
            request.fstypes and all(any(covers_value(mine, theirs) for mine in self.fstypes) for theirs in request.fstypes)
        ):
            return none
        alternatives = self._alternatives()
        if alternatives is None:
            return WholeAccess.ANY
        flags = _NONE
        for item in request.options:
            flags |= _option_flags(item)[0]
        if self.operation is MountOperation.REMOUNT:
            flags |= _F.REMOUNT
        required, optional = alternatives
        if any(needed in flags and flags in needed | extra for needed in required for extra in optional):
            return WholeAccess.ANY
        return none

    def covers(self, other: Rule) -> bool:
        if not isinstance(other, MountRule) or other.key() != self.key():
            return False
        if not covers_value(self.source, other.source) or not covers_value(self.mountpoint, other.mountpoint):
            return False
        if self.fstypes and not (
            other.fstypes and all(any(covers_value(mine, theirs) for mine in self.fstypes) for theirs in other.fstypes)
        ):
            return False
        return not self.options or _option_key(self) == _option_key(other)

    def merge(self, other: Rule) -> MountRule | None:
        if not isinstance(other, MountRule):
            return None
        if self.covers(other):
            return self
        return other if other.covers(self) else None


def _option_flags(item: Conditional) -> tuple[MountFlag, MountFlag]:
    """Return the flags one `options` conditional sets and clears (unknown words count nothing)."""
    sets, clears = _NONE, _NONE
    for value in item.values:
        word_sets, word_clears = MOUNT_OPTIONS.get(value.text, (_NONE, _NONE))
        sets |= word_sets
        clears |= word_clears
    return sets, clears


def _option_key(rule: MountRule) -> frozenset[tuple[str | None, frozenset[str]]]:
    return frozenset((item.operator, frozenset(v.text for v in item.values)) for item in rule.options)


def _conflicts(item: Conditional) -> Iterator[Diagnostic]:
    """Report pairs of option words of one `options=` list where one sets what the other clears."""
    words = [(value, *MOUNT_OPTIONS.get(value.text, (_NONE, _NONE))) for value in item.values]
    reported: set[MountFlag] = set()
    for index, (later, later_sets, later_clears) in enumerate(words):
        for earlier, earlier_sets, earlier_clears in words[:index]:
            clash = (earlier_sets & later_clears) | (earlier_clears & later_sets)
            if clash and clash not in reported:
                reported.add(clash)
                yield Diagnostic.of(
                    Code.CONFLICTING_MOUNT_OPTIONS,
                    f"conflicting mount options '{earlier.text}' and '{later.text}' "
                    "(upstream: conflicting flag values); to allow either, write options in (...)",
                    later.span.start,
                    later.span.end,
                    related=(Related(f"'{earlier.text}' is here", earlier.span.start, earlier.span.end),),
                )


def _encodes(
    flags: MountFlag, optional: MountFlag, source: bool, mountpoint: bool, fstype: bool
) -> bool:
    """Return whether upstream's encoder emits a kernel rule for one flag alternative.

    This mirrors the order of mnt_rule::gen_flag_rules: a generic mount when no flag is
    required, else the first command (remount, bind, propagation, move) whose conditions
    the rule meets, else a new mount when any flag outside the commands is named.
    """
    if not flags or flags == _ALL_FLAGS:
        return True
    if flags & _F.REMOUNT and not source and not fstype:
        return True
    if flags & _F.BIND and not fstype:
        return True
    if flags & _MAKE_COMMANDS and not (source and mountpoint) and not fstype:
        return True
    if flags & _F.MOVE and not fstype:
        return True
    return bool((flags | optional) & ~_COMMANDS)
