"""Checks across rules, profiles and files: one module per check, run by `run_checks`.

Rule-local problems are found by each rule kind's `validate()` (armorsmith.model.rules);
the checks here need more than one rule: a whole profile, a whole file, or the policy after
includes and variables are resolved.  Each check is a module with:

- a docstring with the sections "What it does", "Why is this bad?", "Example" and
  "Fix safety" (when it offers fixes), which documents its codes;
- `CODES`: the tuple of `armorsmith.diagnostics.Code` members it reports;
- `run(ctx: CheckContext) -> Iterator[Diagnostic]`, which never raises on user input.

A check joins by being listed in `CHECKS`.  One failing check never hides the others:
`run_checks` reports an internal error of a check as a diagnostic and goes on.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.model import PolicyFile
from armorsmith.resolve import Resolution

from . import (
    abi,
    change_profile_conflicts,
    deny_block_exec,
    duplicate_profiles,
    exec_conflicts,
    glob_errors,
    priority,
    profile_attachments,
    profile_flags,
    profile_names,
    qualifier_blocks,
    redundant_rules,
)

__all__ = ["CHECKS", "CheckContext", "run_checks"]


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may read about one document: its name, its bytes and its model.

    `resolution` is the document with includes, conditionals and variables resolved (see
    `armorsmith.resolve` for its API), or None when the caller resolves nothing.
    """

    path: str | None
    source: bytes
    file: PolicyFile
    resolution: Resolution | None = None


CHECKS: tuple[ModuleType, ...] = (
    glob_errors,
    exec_conflicts,
    deny_block_exec,
    profile_names,
    profile_attachments,
    profile_flags,
    duplicate_profiles,
    priority,
    qualifier_blocks,
    change_profile_conflicts,
    abi,
    redundant_rules,
)
"""Every check module, run in this order."""


def run_checks(ctx: CheckContext, checks: tuple[ModuleType, ...] = CHECKS) -> Iterator[Diagnostic]:
    """Yield the diagnostics of every check over `ctx`."""
    for check in checks:
        try:
            yield from check.run(ctx)
        except Exception:  # noqa: BLE001 - a bug in one check must not hide the others.
            name = check.__name__.rsplit(".", 1)[-1]
            detail = traceback.format_exc(limit=-1).strip().splitlines()[-1]
            yield Diagnostic.of(
                Code.INTERNAL_ERROR,
                f"internal error in check '{name}': {detail}; please report it",
                0,
                0,
            )
