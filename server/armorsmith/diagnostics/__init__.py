"""Diagnostics as data: the code registry and the frozen types every layer reports with.

This package is the bottom layer: it imports nothing else from armorsmith, so the syntax
layer and everything above it can return diagnostics. It holds no checks and no LSP types;
`lsp/` converts these values for editors and the CLI renders them as text or JSON.
"""

from .codes import Code, Severity
from .diagnostic import Applicability, Diagnostic, Edit, Fix, Related

__all__ = ["Applicability", "Code", "Diagnostic", "Edit", "Fix", "Related", "Severity"]
