"""Which file names AppArmor skips when it reads a directory of policy.

Upstream skips these names when it expands `include <dir/>` and when it loads a policy
directory (libapparmor `_aa_is_blacklisted`, the utils' `is_skippable_file`): dotfiles,
README, and the backup files that package managers and editors leave behind.
The CLI's directory walk uses the same rule, so `armorsmith lint /etc/apparmor.d` checks
what AppArmor would load.
"""

from __future__ import annotations

__all__ = ["is_skipped_name"]

SKIPPED_SUFFIXES = (
    ".dpkg-new",
    ".dpkg-old",
    ".dpkg-dist",
    ".dpkg-bak",
    ".dpkg-remove",
    ".pacsave",
    ".pacnew",
    ".rpmnew",
    ".rpmsave",
    ".orig",
    ".rej",
    "~",
)


def is_skipped_name(name: str) -> bool:
    """Return whether a file or directory called `name` (no directory part) is skipped."""
    return not name or name.startswith(".") or name == "README" or name.endswith(SKIPPED_SUFFIXES)
