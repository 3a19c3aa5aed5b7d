"""Upstream's generated simple_tests: unpacked once from the corpus's tarball, and their headers.

Upstream's build writes these cases into ``parser/tst/simple_tests/generated_*/``; the
corpus ships them as ``upstream/simple_tests_generated.tar.gz``, one folder per family.
They are unpacked into the repository's cache (``.cache/conformance/generated``, ignored
by git) beside a stamp holding the tarball's SHA-256, and unpacked again only when the
tarball changes. Unlike the static cases they have no index: each case's expected
verdict is read from its own header (``#=EXRESULT PASS|FAIL``; ``#=TODO`` and
``#=DISABLED`` mark cases upstream does not run as written).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

from conformance.corpus import REPO_ROOT, CorpusError

CACHE = REPO_ROOT / ".cache" / "conformance" / "generated"
STAMP = ".tarball-sha256"
_HEADER = re.compile(rb"^#=(EXRESULT|TODO|DISABLED)\b[ \t]*(\S*)", re.MULTILINE)


@dataclass(frozen=True)
class GeneratedCases:
    """The unpacked cases: ``root`` holds one folder per family."""

    root: Path
    families: tuple[str, ...]

    def cases(self, family: str) -> list[str]:
        """The case files of ``family``, as paths relative to ``root``, sorted."""
        folder = self.root / family
        return sorted(path.relative_to(self.root).as_posix() for path in folder.rglob("*.sd") if path.is_file())


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _families(root: Path) -> tuple[str, ...]:
    return tuple(sorted(entry.name for entry in root.iterdir() if entry.is_dir()))


def unpack_generated(tarball: Path, cache: Path = CACHE) -> GeneratedCases:
    """The cases of ``tarball``, unpacked into ``cache`` unless the stamp there already matches it."""
    if not tarball.is_file():
        raise CorpusError(f"the generated cases are missing: {tarball} does not exist")
    digest = _digest(tarball)
    stamp = cache / STAMP
    if stamp.is_file() and stamp.read_text(encoding="ascii").strip() == digest:
        return GeneratedCases(cache, _families(cache))
    # Unpack beside the cache and swap it in, so an interrupted run leaves no half tree behind a valid stamp.
    fresh = cache.with_name(f"{cache.name}.unpacking-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    try:
        with tarfile.open(tarball) as archive:
            archive.extractall(fresh, filter="data")
    except (tarfile.TarError, OSError) as error:
        shutil.rmtree(fresh, ignore_errors=True)
        raise CorpusError(f"cannot unpack {tarball}: {error}") from error
    (fresh / STAMP).write_text(digest + "\n", encoding="ascii")
    shutil.rmtree(cache, ignore_errors=True)
    fresh.rename(cache)
    return GeneratedCases(cache, _families(cache))


@dataclass(frozen=True)
class Header:
    """What a case's ``#=`` header lines tell the runner."""

    expected: str
    runnable: bool


def read_header(case: str, source: bytes) -> Header:
    """The expected verdict of a case and whether upstream runs it (neither TODO nor DISABLED)."""
    fields = {match.group(1): match.group(2) for match in _HEADER.finditer(source)}
    expected = fields.get(b"EXRESULT")
    if expected not in (b"PASS", b"FAIL"):
        raise CorpusError(f"{case}: no '#=EXRESULT PASS' or '#=EXRESULT FAIL' header line")
    return Header(expected.decode(), b"TODO" not in fields and b"DISABLED" not in fields)
