"""What every benchmark receives and what it must provide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bench.report import Table
from conformance.corpus import Corpus


@dataclass(frozen=True)
class Settings:
    """The corpus and how many repetitions the benchmarks make."""

    corpus: Corpus
    runs: int
    edits: int


class Benchmark(Protocol):
    """A named measurement of armorsmith beside its reference tools."""

    name: str

    def run(self, settings: Settings) -> Table:
        """Measure and return the figures, one row per tool."""
        ...
