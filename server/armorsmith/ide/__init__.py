"""The IDE layer: editor-level operations on documents, returning plain frozen values.

It owns the API that front ends call (today `lint_document`; hover, completion and symbols
later) and combines the layers below it. It never returns LSP types and never does I/O:
the CLI and `lsp/` read files and convert results.
"""

from .lint import lint_document

__all__ = ["lint_document"]
