"""Resolution: what AppArmor reads besides the file itself (includes, variables, aliases).

For now it owns only the rule for which names a policy directory walk skips; include
search paths (`-I`) and `@{variable}` expansion arrive here in a later issue, reading
files through an injected file-system protocol rather than the disk.
"""

from .names import is_skipped_name

__all__ = ["is_skipped_name"]
