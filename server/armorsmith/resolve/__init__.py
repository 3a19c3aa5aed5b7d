"""Resolution: what AppArmor reads besides the file itself (includes, variables, aliases, `if`).

It owns the file-system interface (`FileSystem` and its disk, memory and overlay
implementations: nothing else in the engine reads files), the cache of parsed include files
(`IncludeCache`, kept by the caller), the rule for which names a directory walk skips, and
`resolve`, which turns one lowered document into a `Resolution`.

The API for checks and the engine (they receive it as `CheckContext.resolution`):

- `resolution.walk_profiles()` yields every `ResolvedProfile` (profiles, child profiles and
  hats, depth first); `profile.rules` are its effective rules as `PlacedRule`s: the rule
  (qualifiers of enclosing blocks combined in) and its `origin` (document path, byte
  range, include chain).  Only rules of taken `if` branches are there; `profile.children`
  likewise holds only the hats and child profiles that are really defined.
- `resolution.expand(value, profile)` returns every concrete string a rule's `Value` stands
  for in that profile (variables replaced, `//` folded; globs kept), or () when expansion
  failed (already reported).  `collapse=False` for names.
- `resolution.variables` maps names to `SetVariable`/`BooleanVariable` with the origin of
  each value; `resolution.aliases`, `resolution.documents`, `resolution.includes` (every
  include followed, with the path it opened) and `resolution.problems` (diagnostics by
  document path) complete it.
"""

from .documents import Document, IncludeCache, load_document
from .filesystem import DiskFileSystem, FileKind, FileSystem, MemoryFileSystem, OverlayFileSystem
from .names import is_skipped_name
from .provenance import IncludeSite, Origin
from .resolution import Alias, PlacedRule, Resolution, ResolveConfig, ResolvedProfile, resolve
from .variables import BooleanVariable, SetValue, SetVariable, Variable, collapse_slashes

__all__ = [
    "Alias",
    "BooleanVariable",
    "DiskFileSystem",
    "Document",
    "FileKind",
    "FileSystem",
    "IncludeCache",
    "IncludeSite",
    "MemoryFileSystem",
    "Origin",
    "OverlayFileSystem",
    "PlacedRule",
    "Resolution",
    "ResolveConfig",
    "ResolvedProfile",
    "SetValue",
    "SetVariable",
    "Variable",
    "collapse_slashes",
    "is_skipped_name",
    "load_document",
    "resolve",
]
