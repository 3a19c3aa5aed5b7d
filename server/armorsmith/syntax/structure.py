"""The file-level structure that upstream's grammar enforces on a policy file.

The tree-sitter grammar accepts rules, blocks and conditionals at file level, because
abstractions, tunables and `local/` overrides are fragments that AppArmor splices into a
profile body or a preamble where they are included.  A policy file that apparmor_parser
compiles on its own is stricter (parser_yacc.y `list: preamble profilelist`):

- only includes, `abi`, variable and boolean assignments, `alias` rules, profiles and hats
  may stand at file level; a rule, a qualifier block or an `if` block there is a syntax
  error upstream (`rule-outside-profile`);
- after the first profile or hat only profiles, hats and includes may follow
  (`preamble-after-profile`).

Whether a file is a policy file or a fragment cannot be read from its text alone, so the
caller says which (`FileRole`); `guess_role` applies the conventions of /etc/apparmor.d.
"""

from __future__ import annotations

import enum
import re
from pathlib import PurePath

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic

__all__ = ["FileRole", "guess_role", "is_feature_file", "structure_errors"]


class FileRole(enum.Enum):
    """Whether a file is compiled on its own or spliced into another file."""

    POLICY = "policy"
    """A file apparmor_parser loads: a preamble, then profiles."""
    FRAGMENT = "fragment"
    """An abstraction, tunable or other file that is only ever included."""


FRAGMENT_DIRECTORIES = frozenset({"abstractions", "tunables", "local", "includes"})
"""Directory names whose files are included by others rather than loaded."""

_PREAMBLE = frozenset({"variable_assignment", "boolean_assignment", "alias_rule", "abi"})
_PROFILES = frozenset({"profile", "hat"})
_ANYWHERE = frozenset({"include", "comment"})


_FEATURE_START = re.compile(rb"\A(?:\s*#[^\n]*\n)*\s*[A-Za-z_][\w.-]* \{\S")


def is_feature_file(path: str | None, source: bytes) -> bool:
    """Whether `source` is a feature ABI description rather than policy.

    Such files live right under a directory called `abi` and start with a feature block
    (`capability {0xffffff`, `query {label {...`), which no policy file does.
    """
    if path is None:
        return False
    parents = PurePath(path).parts[:-1]
    return bool(parents) and parents[-1] == "abi" and _FEATURE_START.match(source) is not None


def guess_role(path: str | None, root: Node | None) -> FileRole:
    """Return the role of the file at `path` (None when it has no name) with tree `root`.

    A file under a directory called abstractions, tunables, local or includes, or under a
    `*.d` directory inside the policy tree (like `apache2.d`), is a fragment.  Otherwise a
    named file is a policy file (its tree is not needed); a nameless one is a policy file
    when it defines a profile.
    """
    if path is not None:
        parents = PurePath(path).parts[:-1]
        for name in parents:
            if name in FRAGMENT_DIRECTORIES or (name.endswith(".d") and name != "apparmor.d"):
                return FileRole.FRAGMENT
        return FileRole.POLICY
    has_profile = root is not None and any(child.type in _PROFILES for child in root.named_children)
    return FileRole.POLICY if has_profile else FileRole.FRAGMENT


_NAMES = {
    "qualifier_block": "a block",
    "if_block": "an 'if' block",
    "variable_assignment": "a variable assignment",
    "boolean_assignment": "a boolean assignment",
    "alias_rule": "an alias rule",
    "abi": "an abi rule",
    "all_rule": "an 'all' rule",
    "io_uring_rule": "an io_uring rule",
    "umount_rule": "an umount rule",
}


def _describe(node: Node) -> str:
    """Name the item `node` for a message."""
    kind = node.type
    if kind in _NAMES:
        return _NAMES[kind]
    return f"a {kind.removesuffix('_rule').replace('_', ' ')} rule"


def structure_errors(root: Node, role: FileRole) -> tuple[Diagnostic, ...]:
    """Return the file-level structure errors of the tree under `root` for a file of `role`."""
    if role is FileRole.FRAGMENT:
        return ()
    found: list[Diagnostic] = []
    seen_profile = False
    for child in root.named_children:
        kind = child.type
        if kind in _ANYWHERE or child.is_error or child.is_missing:
            continue
        if kind in _PROFILES:
            seen_profile = True
        elif kind in _PREAMBLE:
            if seen_profile:
                found.append(
                    Diagnostic.of(
                        Code.PREAMBLE_AFTER_PROFILE,
                        f"{_describe(child)} after a profile: variables, aliases and abi "
                        "must come before the first profile",
                        child.start_byte,
                        child.end_byte,
                    )
                )
        else:
            found.append(
                Diagnostic.of(
                    Code.RULE_OUTSIDE_PROFILE,
                    f"{_describe(child)} outside of a profile: in a policy file, rules belong "
                    "inside a profile body or in an abstraction that profiles include",
                    child.start_byte,
                    child.end_byte,
                )
            )
    return tuple(found)
