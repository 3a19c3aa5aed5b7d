"""Profile attachments: the exec path, xattrs and identities of profile headers.

## What it does
Reports what apparmor_parser rejects in the header of a profile after its name: an
attachment (`profile foo ATTACHMENT {`) that does not begin with `/` or a variable, an
`xattrs=(...)` condition on a hat (hats are entered by change_hat, never attached), and an
`identities=(...)` value that is not a path but contains a space.

Hats at file level are not checked for xattrs, as upstream only checks hats inside a
profile.

## Why is this bad?
apparmor_parser rejects the file: `Profile attachment must begin with a '/' or variable.`,
`hat profiles can't use xattrs matches`, `Space character not allowed in identities`.

## Example
```
profile foo "usr/bin/foo" {
}
```
Attachments are absolute paths or globs:
```
profile foo /usr/bin/foo {
}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic

from .profile_tree import profiles

if TYPE_CHECKING:
    from . import CheckContext

__all__ = ["CODES", "run"]

CODES = (Code.INVALID_ATTACHMENT, Code.XATTRS_ON_HAT, Code.INVALID_IDENTITY)


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Check the attachment, xattrs and identities of every profile of the file."""
    for profile, parent in profiles(ctx.file):
        attachment = profile.attachment
        if attachment is not None and not attachment.text.startswith(("/", "@{")):
            yield Diagnostic.of(
                Code.INVALID_ATTACHMENT,
                f"Profile attachment must begin with a '/' or variable: '{attachment.text}'",
                attachment.span.start,
                attachment.span.end,
            )
        xattrs = profile.xattrs
        if xattrs is not None and xattrs.items and profile.is_hat and parent is not None:
            yield Diagnostic.of(
                Code.XATTRS_ON_HAT,
                "hat profiles can't use xattrs matches: a hat is entered by change_hat, not at exec",
                xattrs.span.start,
                xattrs.span.end,
            )
        for identity in profile.identities:
            if not identity.text.startswith("/") and " " in identity.text:
                yield Diagnostic.of(
                    Code.INVALID_IDENTITY,
                    f"Space character not allowed in identities: '{identity.text}'",
                    identity.span.start,
                    identity.span.end,
                )
