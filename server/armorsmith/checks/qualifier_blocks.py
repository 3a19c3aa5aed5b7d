"""Qualifier blocks: what apparmor_parser does to the rules inside `audit { }`, `deny { }`, `{ }`.

## What it does
apparmor_parser applies a block's qualifiers to the file-like rules inside it (file,
link and change_profile rules), inner blocks first, and silently drops everything else the
block holds.  This check reports:

- a rule or inner block whose mode (`allow`, `deny`, `prompt`) differs from the block's
  (`conflicting mode prefix`);
- a change_profile rule with an exec condition that is not a deny rule, which upstream then
  rejects as an exec permission without an exec qualifier;
- as a warning, every other rule kind, hat and child profile inside a block: it has no
  effect.

## Why is this bad?
The first two make apparmor_parser reject the file; the last is a rule the author believes
is enforced but that never reaches the kernel.

## Example
```
profile foo {
  audit {
    capability net_raw,
  }
}
```
Give the rule its qualifiers directly:
```
profile foo {
  audit capability net_raw,
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic, Related
from armorsmith.model import Word
from armorsmith.model.rules import ChangeProfileRule
from armorsmith.resolve.resolution import KEPT_IN_BLOCKS

from .profile_tree import children, profiles
from .scopes import ScopedRule, scopes

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.CONFLICTING_BLOCK_QUALIFIER, Code.CHANGE_PROFILE_IN_BLOCK, Code.RULE_IGNORED_IN_BLOCK)

_MOVE = "move it out of the block and give it the qualifiers itself"


def _mode_conflicts(scoped: ScopedRule) -> Iterator[Diagnostic]:
    current: Word | None = scoped.rule.qualifiers.access_word
    for block in scoped.blocks:
        word = block.access_word
        if word is not None and current is not None and word.text != current.text:
            yield Diagnostic.of(
                Code.CONFLICTING_BLOCK_QUALIFIER,
                f"conflicting mode prefix: '{current.text}' inside a '{word.text}' block",
                current.span.start,
                current.span.end,
                related=(Related(f"the block says '{word.text}' here", word.span.start, word.span.end),),
            )
        current = current or word


def _change_profile(rule: ChangeProfileRule, scoped: ScopedRule) -> Iterator[Diagnostic]:
    mode = rule.qualifiers.access_word or scoped.blocks[0].access_word
    if rule.exec_condition is not None and (mode is None or mode.text != "deny"):
        yield Diagnostic.of(
            Code.CHANGE_PROFILE_IN_BLOCK,
            "apparmor_parser rejects a change_profile rule with an exec condition inside a block "
            f"('x' must be preceded by exec qualifier): {_MOVE}",
            rule.span.start,
            rule.span.end,
        )


def _ignored(what: str, start: int, end: int) -> Diagnostic:
    return Diagnostic.of(
        Code.RULE_IGNORED_IN_BLOCK,
        f"apparmor_parser ignores {what} inside a qualifier block, so this has no effect: {_MOVE}",
        start,
        end,
    )


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Check every rule, hat and child profile inside a qualifier block."""
    for scope in scopes(ctx.file):
        for scoped in scope.rules:
            rule = scoped.rule
            if not scoped.blocks:
                continue
            if rule.KIND not in KEPT_IN_BLOCKS:
                yield _ignored(f"{rule.KIND} rules", rule.span.start, rule.span.end)
                continue
            yield from _mode_conflicts(scoped)
            if isinstance(rule, ChangeProfileRule):
                yield from _change_profile(rule, scoped)
    for profile, _ in profiles(ctx.file):
        for child in children(profile.body.items):
            if child.block is not None:
                start = child.profile.span.start
                end = child.profile.name.span.end if child.profile.name else child.profile.header_span.end
                yield _ignored("hats and child profiles", start, end)
