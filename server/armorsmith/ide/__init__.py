"""The IDE layer: editor-level operations on documents, returning plain frozen values.

It owns the API that front ends call: `lint_document` here, and one module per editor
feature (`hover`, `navigation`, `completion`, `signature`, `formatting`, `actions` ...),
which front ends import directly.  It combines the layers below it, never returns LSP
types and never does I/O: the CLI and `lsp/` read files and convert results.
"""

from .lint import lint_document

__all__ = ["lint_document"]
