"""AppArmor globs (AARE): reading them as apparmor_parser does, matching, and comparing.

`Aare.parse(text)` reads one glob (a path, an attachment, a conditional value) whose
variables are already expanded and returns it with its problems (`GlobError`, each with a
code, upstream's message and a byte range in the text).  An `Aare` matches paths and
answers, exactly, whether two globs share a path (`intersects`) and whether one matches
every path of another (`covers`).  `glob_errors(text)` returns the problems alone, and
`is_exact(text)` says whether upstream compiles a path as an exact match (no wildcard).

The package depends on `armorsmith.diagnostics` only, so the model, resolution, the engine
and the checks can all use it.
"""

from .glob import Aare, glob_errors, is_exact
from .syntax import GlobError

__all__ = ["Aare", "GlobError", "glob_errors", "is_exact"]
