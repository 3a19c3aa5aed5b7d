"""The server's settings: their defaults, and reading them from what the client sends.

Settings live in the section `armorsmith` of the client's configuration
(`workspace/configuration`), or in `initializationOptions` for clients without it.
Every setting has a default (see `Settings` and README.md); a missing setting takes its
default silently, and a setting of the wrong type or out of range takes its default too
and is reported as a problem, which the server shows with `window/showMessage`.  Reading
settings never raises, whatever the client sends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CrossCheckSettings", "Settings", "default_docs_url", "read_settings"]


@dataclass(frozen=True, slots=True)
class CrossCheckSettings:
    """The optional cross-check with `apparmor_parser -Q -K` (`parserCrossCheck`)."""

    enabled: bool = False
    """Run apparmor_parser on open documents (`parserCrossCheck.enabled`)."""
    path: str = "apparmor_parser"
    """The program to run, looked up on PATH and in /sbin and /usr/sbin (`parserCrossCheck.path`)."""
    timeout: float = 10.0
    """Seconds a run may take before it is killed (`parserCrossCheck.timeoutSeconds`)."""
    features_file: str | None = None
    """A features file for `-M` (`parserCrossCheck.featuresFile`); the running kernel's otherwise."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, with its default."""

    include_paths: tuple[str, ...] = ("/etc/apparmor.d",)
    """Where `include <x>` is looked up, in order (`includePaths`); relative ones are taken
    from the first workspace folder.  These directories are indexed too."""
    base_dir: str | None = None
    """The directory `include "x"` is relative to (`baseDir`); by default the first
    workspace folder, or the server's working directory."""
    index_enabled: bool = True
    """Index the workspace folders and include paths in the background (`index.enabled`)."""
    index_max_files: int = 5000
    """Read at most this many files when indexing (`index.maxFiles`)."""
    debounce_ms: int = 0
    """Wait this long after an edit before linting (`diagnostics.debounceMs`); an edit
    that arrives meanwhile, or during the lint, restarts it."""
    cross_check: CrossCheckSettings = field(default_factory=CrossCheckSettings)
    log_sources: tuple[str, ...] = ("journald", "/var/log/audit/audit.log")
    """Where "Add rules from the system log" reads denials (`logSources`): `journald`, or
    the path of an audit or syslog file."""
    docs_url: str | None = None
    """The page of diagnostic docs that each code links to, with the code as anchor
    (`docsUrl`); by default docs/diagnostics.md of the installed source tree, if there is one."""


def default_docs_url() -> str | None:
    """Return the file URI of docs/diagnostics.md beside the installed package, if it exists."""
    candidate = Path(__file__).resolve().parents[3] / "docs" / "diagnostics.md"
    return candidate.as_uri() if candidate.is_file() else None


CLIENT_SIDE = frozenset({"trace", "server"})
"""Keys of the section that clients use for themselves (`armorsmith.trace.server` in VS
Code, the server command of an editor extension): never reported as unknown."""


class _Reader:
    """Reads one settings object, collecting a sentence per bad or unknown setting."""

    def __init__(self, raw: object) -> None:
        self.problems: list[str] = []
        self.used: set[str] = set()
        self.raw = raw if isinstance(raw, dict) else {}
        if raw is not None and not isinstance(raw, dict):
            self.problems.append(f"the settings are {_describe(raw)}, not an object; using the defaults")

    def get(self, key: str) -> tuple[bool, object]:
        """Return whether `key` (dotted) is given, and its value."""
        self.used.add(key)
        value: object = self.raw
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                return False, None
            value = value[part]
        return value is not None, value

    def _bad(self, key: str, value: object, wanted: str, default: object) -> None:
        self.problems.append(f"setting '{key}' is {_describe(value)}, not {wanted}; using the default {default!r}")

    def boolean(self, key: str, default: bool) -> bool:
        given, value = self.get(key)
        if not given:
            return default
        if isinstance(value, bool):
            return value
        self._bad(key, value, "true or false", default)
        return default

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        given, value = self.get(key)
        if not given:
            return default
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self._bad(key, value, f"a whole number from {low} to {high}", default)
        return default

    def number(self, key: str, default: float, low: float, high: float) -> float:
        given, value = self.get(key)
        if not given:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and low < value <= high:
            return float(value)
        self._bad(key, value, f"a number above {low:g} and at most {high:g}", default)
        return default

    def string(self, key: str, default: str | None) -> str | None:
        given, value = self.get(key)
        if not given:
            return default
        if isinstance(value, str) and value:
            return value
        self._bad(key, value, "a non-empty string", default)
        return default

    def strings(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        given, value = self.get(key)
        if not given:
            return default
        if isinstance(value, list) and all(isinstance(item, str) and item for item in value):
            return tuple(value)
        self._bad(key, value, "a list of non-empty strings", list(default))
        return default

    def unknown(self) -> list[str]:
        """Return the given keys that are no setting, dotted."""
        found = []

        def walk(value: object, prefix: str) -> None:
            if not isinstance(value, dict):
                return
            for key, item in value.items():
                name = f"{prefix}{key}"
                if name in self.used or name in CLIENT_SIDE:
                    continue
                if isinstance(item, dict) and any(used.startswith(name + ".") for used in self.used):
                    walk(item, name + ".")
                else:
                    found.append(name)

        walk(self.raw, "")
        return found


def _describe(value: object) -> str:
    """Name a JSON value for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return f"the string {value!r}" if value else "an empty string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


def read_settings(raw: object, *, docs_url: str | None = None) -> tuple[Settings, list[str]]:
    """Read the `armorsmith` settings object `raw`; return the settings and the problems found.

    `docs_url` is the default of `docsUrl` (see `default_docs_url`).
    """
    reader = _Reader(raw)
    defaults = Settings()
    cross = CrossCheckSettings()
    settings = Settings(
        include_paths=reader.strings("includePaths", defaults.include_paths),
        base_dir=reader.string("baseDir", defaults.base_dir),
        index_enabled=reader.boolean("index.enabled", defaults.index_enabled),
        index_max_files=reader.integer("index.maxFiles", defaults.index_max_files, 0, 1_000_000),
        debounce_ms=reader.integer("diagnostics.debounceMs", defaults.debounce_ms, 0, 10_000),
        cross_check=CrossCheckSettings(
            enabled=reader.boolean("parserCrossCheck.enabled", cross.enabled),
            path=reader.string("parserCrossCheck.path", cross.path) or cross.path,
            timeout=reader.number("parserCrossCheck.timeoutSeconds", cross.timeout, 0.0, 600.0),
            features_file=reader.string("parserCrossCheck.featuresFile", cross.features_file),
        ),
        log_sources=reader.strings("logSources", defaults.log_sources),
        docs_url=reader.string("docsUrl", docs_url),
    )
    problems = reader.problems
    unknown = reader.unknown()
    if unknown:
        problems.append(f"unknown settings ignored: {', '.join(sorted(unknown))}")
    return settings, problems
