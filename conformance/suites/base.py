"""What every suite receives and what it must provide."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from conformance.corpus import Corpus
from conformance.product import SyntaxChecker
from conformance.report import SuiteResult


@dataclass(frozen=True)
class Context:
    """The corpus, upstream's test layout built from it, and armorsmith's entry points."""

    corpus: Corpus
    tst_dir: Path
    syntax: SyntaxChecker


class Suite(Protocol):
    """A named measurement over part of the corpus."""

    name: str
    title: str

    def run(self, context: Context) -> SuiteResult:
        """Run every case and return the rates and deviations."""
        ...


def read_policy(path: Path) -> bytes:
    """A policy file's bytes, exactly as armorsmith's parser takes them."""
    return path.read_bytes()
