"""What a suite measures: its rates, the cases where armorsmith deviates, and its notes.

These are plain values; `conformance.report` judges and prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Rate:
    """``n`` of ``m`` cases satisfy ``label``.

    A rate with a ``key`` is compared with the committed baseline when its suite is
    tracked (see `conformance.baseline`); a rate with a ``group`` is a row of the suite's
    breakdown table (a directory, a family) rather than a headline figure. For a rate
    with ``lower_is_better`` (false errors) the baseline is a maximum, not a minimum.
    """

    label: str
    n: int
    m: int
    key: str = ""
    group: str = ""
    lower_is_better: bool = False

    @property
    def baseline_key(self) -> str:
        """The name of this rate in the baseline file: ``key``, prefixed by ``group/``; empty without a key."""
        return f"{self.group}/{self.key}" if self.group and self.key else self.key

    @property
    def fraction(self) -> Fraction | None:
        """``n/m`` exactly, or None when there is no case to count."""
        return Fraction(self.n, self.m) if self.m else None

    def figure(self) -> str:
        """``n/m (p%)``, or ``0/0 (-)`` when there is no case to count."""
        if not self.m:
            return f"{self.n}/{self.m} (-)"
        return f"{self.n}/{self.m} ({100.0 * self.n / self.m:.1f}%)"

    def __str__(self) -> str:
        return f"{self.label}: {self.figure()}"


@dataclass(frozen=True)
class Deviation:
    """A case where armorsmith disagrees with upstream, and how."""

    case: str
    kind: str
    detail: str


@dataclass
class SuiteResult:
    """What one suite measured; ``details`` are printed only with ``--verbose``.

    ``seconds`` is the time spent in armorsmith (``timed`` says doing what);
    ``group_heading`` names the first column of the breakdown table of grouped rates;
    ``scope``, when the run covered only part of the suite, holds the case-path prefixes
    it covered.
    """

    name: str
    title: str
    rates: list[Rate] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timed: str = "parsing"
    group_heading: str = "group"
    scope: tuple[str, ...] = ()
