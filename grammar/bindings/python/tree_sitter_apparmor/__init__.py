"""The AppArmor tree-sitter grammar, packaged for py-tree-sitter.

This package owns the compiled parser (`language()`) and the query files of
`grammar/queries/`, exposed as `HIGHLIGHTS_QUERY`, `FOLDS_QUERY`, `LOCALS_QUERY` and
`TAGS_QUERY`. The queries are read lazily on first access through importlib.resources,
so importing the package does no I/O beyond loading the extension; a query file that
this build does not ship raises FileNotFoundError on access.
"""

from importlib.resources import files as _files

from ._binding import language

__all__ = ["language", "HIGHLIGHTS_QUERY", "FOLDS_QUERY", "LOCALS_QUERY", "TAGS_QUERY"]

_QUERY_FILES = {
    "HIGHLIGHTS_QUERY": "highlights.scm",
    "FOLDS_QUERY": "folds.scm",
    "LOCALS_QUERY": "locals.scm",
    "TAGS_QUERY": "tags.scm",
}


def __getattr__(name: str) -> str:
    """Read a query file the first time its constant is accessed, then keep it."""
    file_name = _QUERY_FILES.get(name)
    if file_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    text = (_files(__name__) / "queries" / file_name).read_text(encoding="utf-8")
    globals()[name] = text
    return text


def __dir__() -> list[str]:
    """List the public names, including the lazily loaded queries."""
    return sorted({*globals(), *_QUERY_FILES})
