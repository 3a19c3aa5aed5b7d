"""Tunables in suggested paths: `@{HOME}/.ssh/ r,` rather than `/home/alice/.ssh/ r,`.

A path in a log names one instance (one user's home, one process in /proc); the policy
names them all with the variables of `tunables/global` (mediation.md §9.4).  `Tunables`
holds the values of the variables suggestions may use, and `generalize` rewrites a literal
path with them:

- a leading directory that one of `@{HOME}`, `@{PROC}`, `@{sys}`, `@{run}` matches (the
  longest match of the first variable that matches) becomes that variable;
- then a number right under `@{PROC}/` becomes `@{pid}` (`@{tid}` under `task/`), a number
  under `@{run}/user/` becomes `@{uid}`, and a directory `x86_64-linux-gnu` becomes
  `@{multiarch}`, each when its variable's value matches it.

Only variables the table defines are used, so a policy whose files do not include the
tunables gets literal paths.  `DEFAULT_TUNABLES` are upstream's values, used when no policy
is given; the table is embedded because the engine never reads the system's files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from armorsmith.aare import Aare

__all__ = ["DEFAULT_TUNABLES", "Tunables", "generalize"]

_PREFIX_VARIABLES = ("HOME", "PROC", "sys", "run")
"""The variables that stand for a leading directory, in the order they are tried."""

_PID = (
    "{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],"
    "[1-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9]}"
)
_UID = (
    "{[0-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],"
    "[1-9][0-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9][0-9],"
    "[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9],"
    "[1-4][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]}"
)


@dataclass(frozen=True)
class Tunables:
    """The values of the variables suggestions may use, by name (without `@{}`).

    `from_policy` says whether they were read from a policy's tunables (True) or are
    upstream's defaults, which a profile gets with `include <tunables/global>`.
    """

    values: Mapping[str, tuple[str, ...]]
    from_policy: bool = False
    _globs: dict[str, tuple[Aare, ...]] = field(default_factory=dict, compare=False, repr=False)

    def globs(self, name: str) -> tuple[Aare, ...]:
        """Return the globs of variable `name`'s values (none when it is not defined)."""
        if name not in self._globs:
            found = []
            for value in self.values.get(name, ()):
                glob, _ = Aare.parse(value)
                if glob is not None:
                    found.append(glob)
            self._globs[name] = tuple(found)
        return self._globs[name]


DEFAULT_TUNABLES = Tunables(
    {
        # upstream profiles/apparmor.d/tunables/home: @{HOMEDIRS}=/home/, @{HOME}=@{HOMEDIRS}/*/ /root/
        "HOME": ("/home/*/", "/root/"),
        # tunables/proc: @{PROC}=/proc/
        "PROC": ("/proc/",),
        # tunables/kernelvars: @{sys}=/sys/, @{pid} (and @{tid}=@{pid}), @{uid}
        "sys": ("/sys/",),
        "pid": (_PID,),
        "tid": (_PID,),
        "uid": (_UID,),
        # tunables/run: @{run}=/run/ /var/run/
        "run": ("/run/", "/var/run/"),
        # tunables/multiarch: @{multiarch}=*-linux-gnu*
        "multiarch": ("*-linux-gnu*",),
    }
)
"""Upstream's values of the variables `generalize` uses (AppArmor profiles/apparmor.d/tunables)."""


def _leading(path: str, tunables: Tunables) -> tuple[str, str] | None:
    """Return (variable, rest) for the first prefix variable matching a leading directory."""
    ends = [match.end() for match in re.finditer("/", path)]
    for name in _PREFIX_VARIABLES:
        globs = tunables.globs(name)
        for end in reversed(ends):
            prefix = path[:end]
            if any(glob.matches(prefix) for glob in globs):
                return name, path[end:]
    return None


def _component(name: str, text: str, tunables: Tunables) -> bool:
    return any(glob.matches(text) for glob in tunables.globs(name))


def generalize(path: str, tunables: Tunables) -> str:
    """Return `path` (as written in a rule, escapes kept) with tunables where they apply.

    The result has no variable when none applies; it is `path` itself then.
    """
    leading = _leading(path, tunables)
    head, rest = ("", path) if leading is None else (f"@{{{leading[0]}}}/", leading[1])
    parts = rest.split("/")
    for index, part in enumerate(parts):
        before = parts[index - 1] if index else None
        if head == "@{PROC}/" and index == 0 and part.isdigit() and _component("pid", part, tunables):
            parts[index] = "@{pid}"
        elif head == "@{PROC}/" and before == "task" and index == 2 and part.isdigit() and _component("tid", part, tunables):
            parts[index] = "@{tid}"
        elif head == "@{run}/" and index == 1 and before == "user" and part.isdigit() and _component("uid", part, tunables):
            parts[index] = "@{uid}"
        elif "-linux-gnu" in part and _component("multiarch", part, tunables):
            parts[index] = "@{multiarch}"
    return head + "/".join(parts)
