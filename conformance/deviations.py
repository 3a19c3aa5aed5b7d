"""The committed list of known deviations, and a suite's deviations checked against it.

``known-deviations.txt`` has one ``[suite]`` section per suite; each entry is a case
path, then a tab or at least two spaces, then the reason armorsmith knowingly disagrees
with upstream there. `reconcile` splits a suite's deviations into listed and unlisted
ones and finds the listed cases that now agree (stale entries). What fails the run is
decided by `conformance.report`: stale entries always, unlisted deviations in gating
suites.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conformance.results import Deviation, SuiteResult
from conformance.sections import read_sections


def load_known_deviations(path: Path) -> dict[str, dict[str, str]]:
    """Read the known-deviations file into ``{suite: {case: reason}}``."""
    sections = read_sections(path, "case<TAB or two spaces>reason")
    return {name: {entry.key: entry.value for entry in entries} for name, entries in sections.items()}


@dataclass(frozen=True)
class Reconciled:
    """A suite's deviations split by whether the committed list knows them."""

    known: list[tuple[Deviation, str]]
    unlisted: list[Deviation]
    stale: list[tuple[str, str]]


def reconcile(result: SuiteResult, known: dict[str, str]) -> Reconciled:
    """Compare a suite's deviations with the entries listed for that suite.

    A listed case outside the run's ``scope`` (when the run covered only part of the
    suite) is neither stale nor known.
    """
    scope = result.scope
    covered = {case: reason for case, reason in known.items() if not scope or case.startswith(scope)}
    deviating = {deviation.case for deviation in result.deviations}
    listed = [(d, covered[d.case]) for d in result.deviations if d.case in covered]
    unlisted = [d for d in result.deviations if d.case not in covered]
    stale = [(case, reason) for case, reason in covered.items() if case not in deviating]
    return Reconciled(listed, unlisted, stale)
