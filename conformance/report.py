"""A suite's verdict (gating or tracked), and the text and JSON reports.

A *gating* suite fails the run on any deviation missing from ``known-deviations.txt``.
A *tracked* suite measures work in progress: its unlisted deviations are reported, and
it fails only when a keyed rate is worse than its committed baseline
(`conformance.baseline`). Both fail on a listed case that now agrees, so the list of
known deviations never goes stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from conformance.baseline import BaselineCheck
from conformance.deviations import Reconciled
from conformance.results import Deviation, Rate, SuiteResult


@dataclass(frozen=True)
class SuiteReport:
    """One suite's result with its deviations reconciled and, when tracked, its baseline check."""

    result: SuiteResult
    reconciled: Reconciled
    baseline: BaselineCheck | None = None

    @property
    def gating(self) -> bool:
        return self.baseline is None

    @property
    def ok(self) -> bool:
        if self.reconciled.stale:
            return False
        if self.baseline is None:
            return not self.reconciled.unlisted
        return self.baseline.ok


def _worst_first(columns: list[str], cells: dict[str, Rate], group: str) -> tuple[Fraction, int, str]:
    """Sort key of a breakdown row: the first column's rate, worst first, then most cases off."""
    first = cells.get(columns[0])
    if first is None or first.fraction is None:
        return Fraction(1), 0, group
    good = 1 - first.fraction if first.lower_is_better else first.fraction
    off = first.n if first.lower_is_better else first.m - first.n
    return good, -off, group


def render_breakdown(result: SuiteResult) -> list[str]:
    """The table of a suite's grouped rates: one row per group, worst first."""
    grouped = [rate for rate in result.rates if rate.group]
    if not grouped:
        return []
    columns = list(dict.fromkeys(rate.label for rate in grouped))
    rows: dict[str, dict[str, Rate]] = {}
    for rate in grouped:
        rows.setdefault(rate.group, {})[rate.label] = rate
    ordered = sorted(rows.items(), key=lambda row: _worst_first(columns, row[1], row[0]))
    table = [[result.group_heading, *columns]]
    table += [[group, *(cells[c].figure() if c in cells else "-" for c in columns)] for group, cells in ordered]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    lines = [f"by {result.group_heading}, worst first:"]
    lines += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]
    return lines


def _deviation_lines(report: SuiteReport, verbose: bool) -> list[str]:
    """The deviations by kind: every case for a gating suite, counts (cases with --verbose) for a tracked one."""
    result = report.result
    reasons = {d.case: reason for d, reason in report.reconciled.known}
    kinds: dict[str, list[Deviation]] = {}
    for deviation in result.deviations:
        kinds.setdefault(deviation.kind, []).append(deviation)
    out: list[str] = []
    for kind, deviations in kinds.items():
        listed = sum(d.case in reasons for d in deviations)
        if report.gating or verbose:
            out.append(f"{kind} ({len(deviations)}):")
        else:
            out.append(f"{kind}: {len(deviations)} ({listed} listed; each case with --verbose)")
            continue
        for deviation in deviations:
            if deviation.case in reasons:
                line = f"  known  {deviation.case}: {deviation.detail}"
                if verbose:
                    line += f"  [listed: {reasons[deviation.case]}]"
            else:
                line = f"  {'NEW' if report.gating else 'open'}    {deviation.case}: {deviation.detail}"
            out.append(line)
    return out


def _baseline_lines(check: BaselineCheck, unlisted: int) -> list[str]:
    out = [f"  REGRESSED  {line}" for line in check.regressions]
    out += [f"  NO BOUND   {key}: run with --update-baseline to record it" for key in check.missing]
    out += [f"  better     {line}" for line in check.raisable]
    out.append(
        f"Baseline: {check.compared} rates compared, {len(check.regressions)} regressed, "
        f"{len(check.missing)} without a bound, {len(check.raisable)} better"
        + (" (record them with --update-baseline)" if check.raisable else "")
    )
    if not unlisted:
        out.append("No unlisted deviation: this suite is ready to gate (set gating = True on its class).")
    return out


def render_text(reports: list[SuiteReport], verbose: bool) -> str:
    """The human-readable report: rates, breakdown, deviations, then the baseline of tracked suites."""
    out: list[str] = []
    for report in reports:
        result = report.result
        mode = "gating" if report.gating else "tracked"
        out.append(f"== {result.name}: {result.title} [{mode}] ({result.seconds:.2f} s {result.timed}) ==")
        out.extend(str(rate) for rate in result.rates if not rate.group)
        out.extend(render_breakdown(result))
        out.extend(result.notes)
        out.extend(_deviation_lines(report, verbose))
        if verbose:
            out.extend(result.details)
        stale = report.reconciled.stale
        if stale:
            out.append(f"Listed as known deviations but now agreeing ({len(stale)}); remove them:")
            out.extend(f"  STALE  {case}: {reason}" for case, reason in stale)
        out.append(
            f"Deviations: {len(result.deviations)} ({len(report.reconciled.known)} known, "
            f"{len(report.reconciled.unlisted)} unlisted); stale entries: {len(stale)}"
        )
        if report.baseline is not None:
            out.extend(_baseline_lines(report.baseline, len(report.reconciled.unlisted)))
        out.append("")
    failing = [r.result.name for r in reports if not r.ok]
    out.append(f"conformance: {'FAILED (' + ', '.join(failing) + ')' if failing else 'ok'}")
    return "\n".join(out)


def render_json(reports: list[SuiteReport], corpus: Path) -> dict[str, object]:
    """The machine-readable summary."""
    suites = []
    for report in reports:
        result = report.result
        reasons = {d.case: reason for d, reason in report.reconciled.known}
        summary: dict[str, object] = {
            "name": result.name,
            "title": result.title,
            "mode": "gating" if report.gating else "tracked",
            "seconds": round(result.seconds, 4),
            "ok": report.ok,
            "rates": [
                {"label": r.label, "n": r.n, "m": r.m, "key": r.baseline_key or None, "group": r.group or None}
                for r in result.rates
            ],
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
            "stale": [{"case": case, "reason": reason} for case, reason in report.reconciled.stale],
        }
        if report.baseline is not None:
            summary["baseline"] = {
                "compared": report.baseline.compared,
                "regressions": report.baseline.regressions,
                "missing": report.baseline.missing,
                "better": report.baseline.raisable,
            }
        suites.append(summary)
    return {"corpus": str(corpus), "ok": all(r.ok for r in reports), "suites": suites}
