"""armorsmith: a language server and analysis engine for AppArmor profiles.

The package root owns only the version; the layers live in the subpackages
(syntax, diagnostics, ide, ...) described in docs/ARCHITECTURE.md.
"""

__version__ = "0.1.0"
