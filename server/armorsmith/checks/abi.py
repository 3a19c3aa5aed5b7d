"""abi rules: what can be said of `abi <...>,` without reading the abi file.

## What it does
Reports an abi rule with an empty name, which apparmor_parser cannot open, and warns
about `abi <kernel>,`, which compiles the policy against whatever kernel is running.
Finding the named file and comparing two abis need the file system: that is resolution's
business.

## Why is this bad?
`abi "",` makes apparmor_parser fail with `Could not open ''`.  With `abi <kernel>,` a
kernel upgrade silently changes what the policy enforces; apparmor.d(5) says it "should
never be used in shipped policy".

## Example
```
abi <kernel>,
```
Pin the feature set the policy was written for:
```
abi <abi/4.0>,
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.model import Abi, walk_items

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.EMPTY_ABI, Code.KERNEL_ABI)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Check every abi rule of the file."""
    for item in walk_items(ctx.file.items):
        if not isinstance(item, Abi) or item.target_span.end == 0:
            continue
        name = item.target.strip() if item.magic else item.target
        span = item.target_span
        if not name:
            yield Diagnostic.of(Code.EMPTY_ABI, "Could not open '': the abi rule names no file", span.start, span.end)
        elif item.magic and name == "kernel":
            yield Diagnostic.of(
                Code.KERNEL_ABI,
                "abi <kernel> compiles the policy against the running kernel's features: "
                "this should never be used in shipped policy; name an abi such as <abi/4.0>",
                span.start,
                span.end,
            )
