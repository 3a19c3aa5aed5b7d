"""What every suite receives and what it must provide."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from conformance.corpus import Corpus
from conformance.generated import GeneratedCases
from conformance.product import Product, SyntaxChecker
from conformance.results import SuiteResult


@dataclass(frozen=True)
class Context:
    """The corpus, upstream's test layout built from it, armorsmith's entry points and the run's options.

    ``generated`` is set when the generated suite runs (its cases are then linked into
    the layout too); ``families`` restricts that suite to some families; ``jobs`` is the
    number of worker processes for suites that lint many files.
    """

    corpus: Corpus
    tst_dir: Path
    syntax: SyntaxChecker
    product: Product
    jobs: int = 1
    generated: GeneratedCases | None = None
    families: tuple[str, ...] = ()


class Suite(Protocol):
    """A named measurement over part of the corpus.

    A gating suite fails the run on any unlisted deviation; a tracked one fails only when
    a rate falls back from the committed baseline (see `conformance.report`).
    """

    name: str
    title: str
    gating: bool

    def run(self, context: Context) -> SuiteResult:
        """Run every case and return the rates and deviations."""
        ...


def read_policy(path: Path) -> bytes:
    """A policy file's bytes, exactly as armorsmith's parser takes them."""
    return path.read_bytes()
