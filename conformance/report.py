"""Suite results, the known-deviations file, and the text and JSON reports.

Every suite returns a `SuiteResult`: its rates and the cases where armorsmith
deviates from upstream's verdict. `reconcile` checks those deviations against
the committed list of known deviations, in both directions: a deviation that
is not listed fails the run, and so does a listed case that now agrees, so
the list never goes stale.

The known-deviations file has one section per suite, opened by a ``[name]``
line. Each entry is a case path, then a tab or at least two spaces, then the
reason. Blank lines and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_SECTION = re.compile(r"^\[([A-Za-z0-9_-]+)\]$")
_ENTRY = re.compile(r"^(\S(?:.*?\S)?)(?:\t+| {2,})\s*(\S.*)$")


class DeviationFileError(Exception):
    """The known-deviations file cannot be read as specified."""


@dataclass(frozen=True)
class Rate:
    """``n`` of ``m`` cases satisfy ``label``."""

    label: str
    n: int
    m: int

    def __str__(self) -> str:
        percent = 100.0 * self.n / self.m if self.m else 100.0
        return f"{self.label}: {self.n}/{self.m} ({percent:.1f}%)"


@dataclass(frozen=True)
class Deviation:
    """A case where armorsmith disagrees with upstream, and how."""

    case: str
    kind: str
    detail: str


@dataclass
class SuiteResult:
    """What one suite measured; ``details`` are printed only with ``--verbose``."""

    name: str
    title: str
    rates: list[Rate] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Reconciled:
    """A suite's deviations split by whether the committed list knows them."""

    result: SuiteResult
    known: list[tuple[Deviation, str]]
    unlisted: list[Deviation]
    stale: list[tuple[str, str]]

    @property
    def ok(self) -> bool:
        return not self.unlisted and not self.stale


def load_known_deviations(path: Path) -> dict[str, dict[str, str]]:
    """Read the known-deviations file into ``{suite: {case: reason}}``."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DeviationFileError(f"{path}: cannot read ({error.strerror})") from error
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line or line.lstrip().startswith("#"):
            continue
        section = _SECTION.match(line)
        if section:
            current = sections.setdefault(section.group(1), {})
            continue
        entry = _ENTRY.match(line)
        if current is None:
            raise DeviationFileError(f"{path}:{number}: entry before any [suite] section")
        if entry is None:
            raise DeviationFileError(
                f"{path}:{number}: expected 'case<TAB or two spaces>reason', got {line!r}"
            )
        case, reason = entry.group(1), entry.group(2)
        if case in current:
            raise DeviationFileError(f"{path}:{number}: {case} is listed twice in its section")
        current[case] = reason
    return sections


def reconcile(result: SuiteResult, known: dict[str, str]) -> Reconciled:
    """Compare a suite's deviations with the entries listed for that suite."""
    deviating = {deviation.case for deviation in result.deviations}
    listed = [(d, known[d.case]) for d in result.deviations if d.case in known]
    unlisted = [d for d in result.deviations if d.case not in known]
    stale = [(case, reason) for case, reason in known.items() if case not in deviating]
    return Reconciled(result, listed, unlisted, stale)


def render_text(reports: list[Reconciled], verbose: bool) -> str:
    """The human-readable report: rates, then deviations grouped by kind."""
    out: list[str] = []
    for report in reports:
        result = report.result
        out.append(f"== {result.name}: {result.title} ({result.seconds:.2f} s parsing) ==")
        out.extend(str(rate) for rate in result.rates)
        out.extend(result.notes)
        reasons = {d.case: reason for d, reason in report.known}
        kinds: dict[str, list[Deviation]] = {}
        for deviation in result.deviations:
            kinds.setdefault(deviation.kind, []).append(deviation)
        for kind, deviations in kinds.items():
            out.append(f"{kind} ({len(deviations)}):")
            for deviation in deviations:
                if deviation.case in reasons:
                    line = f"  known  {deviation.case}: {deviation.detail}"
                    if verbose:
                        line += f"  [listed: {reasons[deviation.case]}]"
                else:
                    line = f"  NEW    {deviation.case}: {deviation.detail}"
                out.append(line)
        if verbose:
            out.extend(result.details)
        if report.stale:
            out.append(f"Listed as known deviations but now agreeing ({len(report.stale)}); remove them:")
            out.extend(f"  STALE  {case}: {reason}" for case, reason in report.stale)
        out.append(
            f"Deviations: {len(result.deviations)} ({len(report.known)} known, "
            f"{len(report.unlisted)} unlisted); stale entries: {len(report.stale)}"
        )
        out.append("")
    failing = [r.result.name for r in reports if not r.ok]
    out.append(f"conformance: {'FAILED (' + ', '.join(failing) + ')' if failing else 'ok'}")
    return "\n".join(out)


def render_json(reports: list[Reconciled], corpus: Path) -> dict[str, object]:
    """The machine-readable summary."""
    suites = []
    for report in reports:
        result = report.result
        reasons = {d.case: reason for d, reason in report.known}
        suites.append(
            {
                "name": result.name,
                "title": result.title,
                "seconds": round(result.seconds, 4),
                "ok": report.ok,
                "rates": [{"label": r.label, "n": r.n, "m": r.m} for r in result.rates],
                "notes": result.notes,
                "deviations": [
                    {
                        "case": d.case,
                        "kind": d.kind,
                        "detail": d.detail,
                        "known": d.case in reasons,
                        "reason": reasons.get(d.case),
                    }
                    for d in result.deviations
                ],
                "stale": [{"case": case, "reason": reason} for case, reason in report.stale],
            }
        )
    return {"corpus": str(corpus), "ok": all(r.ok for r in reports), "suites": suites}
