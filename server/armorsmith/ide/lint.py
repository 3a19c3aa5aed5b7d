"""Linting one document: every diagnostic armorsmith reports for a file's bytes.

This is the single entry point the CLI and the language server call, so both
always report the same findings.  It never touches the disk itself: with a
`ResolveConfig`, includes are read through the config's file system and the findings of
resolution (missing includes, undefined variables, conditions ...) are reported too, and
the checks receive the `Resolution`.
"""

from __future__ import annotations

from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.checks import CheckContext, run_checks
from armorsmith.model import lower, walk_rules
from armorsmith.resolve import IncludeCache, Resolution, ResolveConfig, resolve
from armorsmith.syntax import FileRole, Parse, guess_role, is_feature_file, parse, structure_errors

from .pasted import without_pasted_logs

__all__ = ["lint_document", "semantic_diagnostics", "syntax_diagnostics"]


def _utf8_problem(source: bytes) -> Diagnostic | None:
    """Report the first byte sequence that is not valid UTF-8, if there is one."""
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = source[error.start : error.end].hex(" ")
        message = f"file is not valid UTF-8 (first invalid byte sequence: {bad})"
        return Diagnostic.of(Code.INVALID_UTF8, message, error.start, error.end)
    return None


def lint_document(
    path: str,
    source: bytes,
    *,
    config: ResolveConfig | None = None,
    cache: IncludeCache | None = None,
    parsed: Parse | None = None,
) -> list[Diagnostic]:
    """Return the diagnostics for the document `path` whose content is `source`.

    `path` names the document but is not read: it decides whether the file is a policy file,
    or a fragment (see `armorsmith.syntax.guess_role`); a feature ABI description under
    `abi/` is not policy and gets no diagnostics (`armorsmith.syntax.is_feature_file`), and relative includes do not depend
    on it (upstream opens them from its working directory, `config.base_dir`).  Without
    `config` nothing outside the document is looked at.  `cache` keeps parsed include files
    between calls; pass the same one for every file of a run.  `parsed` is the parse of
    `source` when the caller keeps one (the language server re-parses incrementally).
    Denial log lines pasted into the document are reported as `pasted-denial` and left out
    of the analysis (`armorsmith.ide.pasted`).  Diagnostics are ordered by position, then
    by code.
    """
    if is_feature_file(path, source):
        # Feature ABI files are not in the policy language; nothing here applies to them.
        return []
    if parsed is None or parsed.source != source:
        parsed = parse(source)
    parsed, found = without_pasted_logs(parsed)
    found += syntax_diagnostics(path, parsed)
    if len(source) > MAX_ANALYSED_BYTES:
        megabytes = len(source) / 1_000_000
        found.append(
            Diagnostic.of(
                Code.FILE_TOO_LARGE,
                f"file too large to analyse ({megabytes:.1f} MB, the limit is "
                f"{MAX_ANALYSED_BYTES // 1_000_000} MB): only its syntax was checked",
                0,
                0,
            )
        )
    else:
        found += semantic_diagnostics(path, parsed, config=config, cache=cache)[0]
    found.sort(key=lambda diagnostic: (diagnostic.start, diagnostic.end, diagnostic.code.value))
    return found


MAX_ANALYSED_BYTES = 8_000_000
"""Past this size a document gets its syntax checked only: real policy files are a few
kilobytes, and analysing millions of rules takes minutes and gigabytes."""


def syntax_diagnostics(path: str, parsed: Parse) -> list[Diagnostic]:
    """Return what `lint_document` finds in the text alone: syntax, file structure, UTF-8.

    These are whole-document findings that need no analysis, unsorted.
    """
    found = list(parsed.errors)
    found += structure_errors(parsed.root, guess_role(path, parsed.root))
    utf8_problem = _utf8_problem(parsed.source)
    if utf8_problem is not None:
        found.append(utf8_problem)
    return found


def semantic_diagnostics(
    path: str,
    parsed: Parse,
    *,
    config: ResolveConfig | None = None,
    cache: IncludeCache | None = None,
) -> tuple[list[Diagnostic], Resolution | None]:
    """Return what `lint_document` finds beyond syntax and file structure, and the resolution.

    That is lowering, each rule's validation, resolution (with `config`) and the checks, in
    that order, unsorted.  The resolution is None without `config`; its `documents` say which
    files were read, so a caller that caches the result knows when to drop it.
    """
    role = guess_role(path, parsed.root)
    found: list[Diagnostic] = []
    lowered = lower(parsed)
    found += lowered.diagnostics
    for rule in walk_rules(lowered.file.items):
        found += rule.validate()
    resolution = None
    if config is not None:
        resolution = resolve(path, parsed, lowered, config, cache=cache, fragment=role is FileRole.FRAGMENT)
        found += resolution.diagnostics
    found += run_checks(CheckContext(path, parsed.source, lowered.file, resolution))
    return found, resolution
