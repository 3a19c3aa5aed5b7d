"""The one place where the runner calls armorsmith itself.

Suites judge armorsmith through its public API only; this module loads that
API and turns its answers into the small values the suites compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any


class ProductError(Exception):
    """armorsmith cannot be imported from this Python."""


@dataclass(frozen=True)
class SyntaxFinding:
    """The first syntax error in a text: its 1-based line and its message."""

    line: int
    message: str


def load_syntax() -> ModuleType:
    """Import ``armorsmith.syntax``, or explain how to make it importable."""
    try:
        from armorsmith import syntax
    except ImportError as error:
        raise ProductError(
            f"cannot import armorsmith.syntax ({error}); run `make` to build .venv, "
            "then run the conformance suite with .venv/bin/python -m conformance"
        ) from error
    return syntax


class SyntaxChecker:
    """Parses sources with ``armorsmith.syntax.parse`` and reports the first error.

    Besides the parse errors, the file-level structure is checked as upstream's grammar
    checks it: a file named by ``path`` gets the role ``armorsmith.syntax.guess_role``
    gives it; a nameless source is judged as a policy file, as upstream compiles a test.
    """

    def __init__(self, syntax: ModuleType) -> None:
        self._syntax = syntax

    def first_error(self, source: bytes, path: str | None = None) -> SyntaxFinding | None:
        """The first syntax error of ``source``, or None when it parses clean."""
        parsed = self._syntax.parse(source)
        role = (
            self._syntax.FileRole.POLICY
            if path is None
            else self._syntax.guess_role(path, parsed.root)
        )
        errors = sorted(
            (*parsed.errors, *self._syntax.structure_errors(parsed.root, role)),
            key=lambda diagnostic: diagnostic.start,
        )
        if not errors:
            return None
        first = errors[0]
        row, _ = self._syntax.byte_point(parsed.source, first.start)
        return SyntaxFinding(row + 1, first.message)


@dataclass(frozen=True)
class LintFinding:
    """What ``lint_document`` reported for one file, as text for reports.

    ``error`` describes the first error-severity diagnostic (None when there is none, the
    file then counts as accepted); ``first`` the first diagnostic of any severity.
    Both read ``line N: severity code: message``.
    """

    error: str | None
    first: str | None


def load_product() -> Product:
    """Import ``armorsmith.ide`` and ``armorsmith.resolve``, or explain how to make them importable."""
    try:
        from armorsmith import ide, resolve
    except ImportError as error:
        raise ProductError(
            f"cannot import armorsmith's lint API ({error}); run `make` to build .venv, "
            "then run the conformance suite with .venv/bin/python -m conformance"
        ) from error
    return Product(ide, resolve)


class Product:
    """armorsmith's lint API (``armorsmith.ide`` and ``armorsmith.resolve``), loaded once."""

    def __init__(self, ide: ModuleType, resolve: ModuleType) -> None:
        self._ide = ide
        self._resolve = resolve

    def linter(self, search_dirs: tuple[Path, ...], base_dir: Path) -> Linter:
        """A linter that resolves includes from the disk as ``apparmor_parser -I DIR...`` run in ``base_dir`` does.

        ``include <x>`` is looked up in ``search_dirs`` in order; ``include "x"`` relative
        to ``base_dir``. The linter keeps one include cache for all the files it lints, as
        the CLI does for one run.
        """
        fs = self._resolve.DiskFileSystem()
        config = self._resolve.ResolveConfig(
            search_dirs=tuple(str(directory) for directory in search_dirs), base_dir=str(base_dir), fs=fs
        )
        return Linter(self._ide, config, self._resolve.IncludeCache(fs))


class Linter:
    """Lints sources with ``armorsmith.ide.lint_document``, includes resolved, as ``armorsmith lint`` does."""

    def __init__(self, ide: ModuleType, config: object, cache: object) -> None:
        self._ide = ide
        self._config = config
        self._cache = cache

    def lint(self, path: str, source: bytes) -> LintFinding:
        """Lint ``source`` as the document ``path`` and describe its first findings."""
        diagnostics = self._ide.lint_document(path, source, config=self._config, cache=self._cache)
        error = next((d for d in diagnostics if d.severity.value == "error"), None)
        first = diagnostics[0] if diagnostics else None
        return LintFinding(_describe(source, error), _describe(source, first))


def _describe(source: bytes, diagnostic: Any) -> str | None:
    """``line N: severity code: message`` for a diagnostic of ``lint_document``, or None."""
    if diagnostic is None:
        return None
    line = source.count(b"\n", 0, diagnostic.start) + 1
    return f"line {line}: {diagnostic.severity.value} {diagnostic.code.value}: {diagnostic.message}"


def load_suggester() -> Suggester:
    """Import armorsmith's log reader and suggestions, or explain how to make them importable."""
    try:
        from armorsmith import logs, model, syntax
        from armorsmith.ide import suggest
    except ImportError as error:
        raise ProductError(
            f"cannot import armorsmith's suggest API ({error}); run `make` to build .venv, "
            "then run the conformance suite with .venv/bin/python -m conformance"
        ) from error
    return Suggester(logs, suggest, model, syntax)


class Suggester:
    """Suggests rules for a log with ``armorsmith.ide.suggest`` (no policy), as ``armorsmith suggest`` does,
    and compares them with a profile written by upstream's tools.

    Rules are compared as the records ask for them (``SuggestedRule.literals``): a path
    armorsmith writes with a tunable (``@{HOME}/x`` for ``/home/alice/x``) is compared as
    the logged path the tunable stands for here.
    """

    def __init__(self, logs: ModuleType, suggest: ModuleType, model: ModuleType, syntax: ModuleType) -> None:
        self._logs = logs
        self._suggest = suggest
        self._model = model
        self._syntax = syntax

    def suggested(self, log: Path) -> dict[str, list[Any]]:
        """The requests suggested for each profile (`a//b` for a child or hat) of the log,
        merged as one profile would write them (`/a r` and `/a w` as `/a rw`)."""
        with log.open("rb") as handle:
            records = [item for item in self._logs.read_records(handle, log.name) if isinstance(item, self._logs.LogRecord)]
        found: dict[str, list[Any]] = {}
        for item in self._suggest.suggest_records(records).profiles:
            merged: list[Any] = []
            for literal in (literal for rule in item.rules for literal in rule.literals):
                for index, kept in enumerate(merged):
                    joined = kept.merge(literal)
                    if joined is not None:
                        merged[index] = joined
                        break
                else:
                    merged.append(literal)
            if merged:
                found[item.profile] = merged
        return found

    def expected(self, profile: Path) -> dict[str, list[Any]]:
        """The rules of each profile, child and hat of a policy file (empty ones left out)."""
        lowered = self._model.lower(self._syntax.parse(profile.read_bytes()))
        found: dict[str, list[Any]] = {}

        def walk(items: tuple[Any, ...], parent: str | None) -> None:
            for item in items:
                if isinstance(item, self._model.Profile) and item.name is not None:
                    name = item.name.text if parent is None else f"{parent}//{item.name.text}"
                    rules = [rule for rule in item.body.items if isinstance(rule, self._model.Rule)]
                    if rules:
                        found[name] = rules
                    walk(item.body.items, name)

        walk(lowered.file.items, None)
        return found

    def compare(self, log: Path, profile: Path) -> str | None:
        """None when the suggestions for ``log`` and the rules of ``profile`` allow the same,
        profile by profile (each rule of one side covered by a rule of the other); otherwise
        the first difference."""
        ours, theirs = self.suggested(log), self.expected(profile)
        if set(ours) != set(theirs):
            return f"profiles: suggested {sorted(ours)}, expected {sorted(theirs)}"
        for name in theirs:
            for rule in theirs[name]:
                if not any(mine.covers(rule) for mine in ours[name]):
                    return f"{name}: `{rule.render()}` is not allowed by {[mine.render() for mine in ours[name]]}"
            for mine in ours[name]:
                if not any(rule.covers(mine) for rule in theirs[name]):
                    return f"{name}: suggested `{mine.render()}` allows more than {[rule.render() for rule in theirs[name]]}"
        return None


def load_log_reader() -> LogReader:
    """Import armorsmith's log reader, or explain how to make it importable."""
    try:
        from armorsmith import logs
    except ImportError as error:
        raise ProductError(
            f"cannot import armorsmith's log reader ({error}); run `make` to build .venv, "
            "then run the conformance suite with .venv/bin/python -m conformance"
        ) from error
    return LogReader(logs)


@dataclass(frozen=True)
class ReadLog:
    """What armorsmith read from a log: each record's fields by libapparmor's names, and
    the reason of each line it could not read."""

    records: list[dict[str, object]]
    unreadable: list[str]


class LogReader:
    """Reads a log with ``armorsmith.logs.read_records``, as ``armorsmith logs parse`` does."""

    def __init__(self, logs: ModuleType) -> None:
        self._logs = logs

    def read(self, log: Path) -> ReadLog:
        """The records and unreadable lines of the log file ``log``."""
        with log.open("rb") as handle:
            items = list(self._logs.read_records(handle, log.name))
        records = [item.fields() for item in items if isinstance(item, self._logs.LogRecord)]
        unreadable = [f"line {item.line}: {item.reason}" for item in items if isinstance(item, self._logs.UnreadableLine)]
        return ReadLog(records, unreadable)
