"""Profile names: the label rules upstream applies to the name of every profile and hat.

## What it does
Splits each profile, hat and child profile name into namespace and name as
apparmor_parser does and reports what it rejects: a namespace that is not closed
(`:ns/name`), empty (`::name`) or followed by no name (`:ns:`), a name starting with `&`
(stacking is for transitions, not names), and a top-level profile written without the
`profile` keyword whose name is neither a path nor namespaced.

Upstream reads names before expanding variables, and so does this check.

## Why is this bad?
apparmor_parser rejects the file, for example with `Profile names must begin with a '/',
namespace or keyword 'profile' or 'hat'.`

## Example
```
:ns/usr/bin/foo {
}
```
Close the namespace, or drop it:
```
:ns:/usr/bin/foo {
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic

from .profile_tree import name_text, parse_label, profiles

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.INVALID_PROFILE_NAME,)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Check the name of every profile of the file."""
    for profile, parent in profiles(ctx.file):
        name = profile.name
        if name is None:
            continue
        label = parse_label(name_text(name))
        message = label.error
        if message is None and label.stacked:
            message = "Profile names must begin with a '/' or a namespace: '&' stacks profiles in transitions only"
        if (
            message is None
            and parent is None
            and profile.keyword is None
            and label.namespace is None
            and not label.name.startswith("/")
        ):
            message = "Profile names must begin with a '/', namespace or keyword 'profile' or 'hat'."
        if message is not None:
            yield Diagnostic.of(Code.INVALID_PROFILE_NAME, message, name.span.start, name.span.end)
