"""Locating the shared corpus and reading the parts of it the suites use.

The corpus is found through one setting, the environment variable
``ARMORSMITH_CORPUS``; without it the runner uses ``../shared/corpus``
relative to the repository root.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "ARMORSMITH_CORPUS"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("..") / "shared" / "corpus"


class CorpusError(Exception):
    """The corpus is missing or does not have the expected shape."""


@dataclass(frozen=True)
class Corpus:
    """The shared corpus root and the paths of its upstream pieces."""

    root: Path

    @property
    def upstream(self) -> Path:
        return self.root / "upstream"

    @property
    def simple_tests(self) -> Path:
        return self.upstream / "simple_tests"

    @property
    def simple_tests_index(self) -> Path:
        return self.upstream / "simple_tests_index.jsonl"

    @property
    def generated_tarball(self) -> Path:
        return self.upstream / "simple_tests_generated.tar.gz"

    @property
    def profiles(self) -> Path:
        return self.upstream / "profiles"

    @classmethod
    def locate(cls, environ: Mapping[str, str] = os.environ) -> Corpus:
        """Find the corpus from the environment, or raise `CorpusError`."""
        configured = environ.get(ENV_VAR)
        if configured:
            root = Path(configured)
            origin = f"{ENV_VAR}={configured}"
        else:
            root = REPO_ROOT / DEFAULT_CORPUS
            origin = f"the default {DEFAULT_CORPUS} (relative to the repository root; set {ENV_VAR} to override)"
        corpus = cls(root.resolve())
        for required in (corpus.simple_tests, corpus.simple_tests_index, corpus.profiles):
            if not required.exists():
                raise CorpusError(f"corpus not found: {required} does not exist (corpus taken from {origin})")
        return corpus


@dataclass(frozen=True)
class StaticCase:
    """One runnable case of upstream's static simple_tests suite.

    ``path`` is relative to the corpus's ``upstream/`` folder
    (``simple_tests/abi/bad_1.sd``); ``expected`` is EXRESULT, ``PASS`` or
    ``FAIL``; ``upstream_stderr`` is what upstream's parser printed for it.
    """

    path: str
    expected: str
    upstream_stderr: str


def load_static_cases(index: Path) -> list[StaticCase]:
    """Read the runnable cases (neither TODO nor DISABLED) from the index."""
    cases = []
    with index.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if row["todo"] or row["disabled"]:
                    continue
                cases.append(StaticCase(row["file"], row["exresult"], row["upstream_parser_stderr"] or ""))
            except (ValueError, KeyError) as error:
                raise CorpusError(f"{index}:{number}: unreadable index row ({error})") from error
    return cases


# Files in upstream's profile tree that are prose shipped beside the profiles, not policy.
NOT_POLICY = frozenset({"apparmor/profiles/extras/README"})

# Folders whose files are not in the policy language: apparmor.d/abi/ holds kernel feature
# descriptions (`capability {0xffffff ...`) that `abi <abi/4.0>,` names, read by a separate
# parser in apparmor_parser (features.c), never by the policy grammar.
NOT_POLICY_DIRS = ("apparmor.d/abi/",)


def policy_files(corpus: Corpus) -> list[Path]:
    """Every policy file under ``upstream/profiles``, sorted: profiles, abstractions, tunables, local, extras."""
    root = corpus.profiles
    return sorted(
        path for path in root.rglob("*")
        if path.is_file() and _is_policy(path.relative_to(root).as_posix())
    )


def _is_policy(relative: str) -> bool:
    """Whether the file at ``relative`` (to the profiles folder) is in the policy language."""
    return relative not in NOT_POLICY and not relative.startswith(NOT_POLICY_DIRS)


def build_upstream_layout(corpus: Corpus, scratch: Path, generated: Path | None = None) -> Path:
    """Reproduce upstream's test layout under ``scratch`` and return ``parser/tst``.

    Upstream runs its suite from ``parser/tst``, and some cases include files
    through paths relative to that directory (``"simple_tests/..."``,
    ``"../tst/simple_tests/..."``), so the cases are reached through
    ``<scratch>/parser/tst/simple_tests``: a folder of symbolic links, one to each
    entry of the corpus's ``simple_tests`` and, when ``generated`` is given, one to
    each family folder in it (upstream's build writes those into ``simple_tests`` too).
    """
    tst = scratch / "parser" / "tst"
    simple_tests = tst / "simple_tests"
    simple_tests.mkdir(parents=True, exist_ok=True)
    entries = list(corpus.simple_tests.iterdir())
    if generated is not None:
        entries += [entry for entry in generated.iterdir() if entry.is_dir()]
    for entry in entries:
        link = simple_tests / entry.name
        if not link.is_symlink():
            link.symlink_to(entry, target_is_directory=entry.is_dir())
    return tst
