"""The committed baseline of the tracked suites: the rates they must not fall back from.

A tracked suite (see conformance/README.md) does not fail on its deviations while the
engine is being built; it fails when one of its keyed rates is worse than the bound
committed in ``baseline.txt``. The file has one ``[suite]`` section per tracked suite
(the format of `conformance.sections`); each entry is a rate's key and the ``n/m`` it
must match or beat. For most rates the bound is a minimum; for rates where lower is
better (false errors) it is a maximum.

``python -m conformance --update-baseline`` moves bounds only in the better direction,
so the baseline is a ratchet; loosening a bound is a deliberate edit by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from conformance.results import Rate
from conformance.sections import ListingError, read_sections

_BOUND = re.compile(r"^(\d+)/(\d+)$")

HEADER = """\
# Bounds of the tracked conformance suites (see conformance/README.md, "Tracked and gating suites").
# One [suite] section per tracked suite; each entry is a rate's key and the n/m it must match or beat:
# a minimum, except for *-false-error rates, where it is a maximum.
# `python -m conformance --update-baseline` moves bounds only in the better direction;
# loosening one is a deliberate edit by hand, with the reason in the commit message.
"""


@dataclass(frozen=True)
class Bound:
    """A committed ``n/m``."""

    n: int
    m: int

    def __str__(self) -> str:
        return f"{self.n}/{self.m}"


def load_baseline(path: Path) -> dict[str, dict[str, Bound]]:
    """Read the baseline file into ``{suite: {rate key: bound}}``."""
    baseline: dict[str, dict[str, Bound]] = {}
    for name, entries in read_sections(path, "rate-key<TAB or two spaces>n/m").items():
        bounds = baseline.setdefault(name, {})
        for entry in entries:
            match = _BOUND.match(entry.value)
            if match is None or int(match.group(1)) > int(match.group(2)) or match.group(2) == "0":
                raise ListingError(f"{path}:{entry.line}: expected a bound n/m with 0 <= n <= m and m > 0, got {entry.value!r}")
            bounds[entry.key] = Bound(int(match.group(1)), int(match.group(2)))
    return baseline


def render_baseline(baseline: dict[str, dict[str, Bound]]) -> str:
    """The text of a baseline file holding ``baseline``, sections and keys sorted."""
    lines = [HEADER.rstrip("\n")]
    for name in sorted(baseline):
        lines += ["", f"[{name}]"]
        width = max((len(key) for key in baseline[name]), default=0) + 2
        lines += [f"{key.ljust(width)}{bound}" for key, bound in sorted(baseline[name].items())]
    return "\n".join(lines) + "\n"


def _compare(rate: Rate, bound: Bound) -> int:
    """-1 when ``rate`` is worse than ``bound``, 1 when better, 0 when equal."""
    measured, committed = Fraction(rate.n, rate.m), Fraction(bound.n, bound.m)
    if measured == committed:
        return 0
    better = measured < committed if rate.lower_is_better else measured > committed
    return 1 if better else -1


@dataclass
class BaselineCheck:
    """A tracked suite's keyed rates compared with their bounds."""

    regressions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    raisable: list[str] = field(default_factory=list)
    compared: int = 0

    @property
    def ok(self) -> bool:
        return not self.regressions and not self.missing


def check_baseline(rates: list[Rate], bounds: dict[str, Bound]) -> BaselineCheck:
    """Compare every keyed rate that counted any case with its bound."""
    check = BaselineCheck()
    for rate in rates:
        if not rate.key or not rate.m:
            continue
        bound = bounds.get(rate.baseline_key)
        if bound is None:
            check.missing.append(rate.baseline_key)
            continue
        check.compared += 1
        order = _compare(rate, bound)
        limit = "maximum" if rate.lower_is_better else "minimum"
        if order < 0:
            check.regressions.append(f"{rate.baseline_key}: {rate.figure()}, worse than the baseline {limit} {bound}")
        elif order > 0:
            check.raisable.append(f"{rate.baseline_key}: {rate.figure()}, better than the baseline {limit} {bound}")
    return check


def raise_bounds(rates: list[Rate], bounds: dict[str, Bound]) -> dict[str, Bound]:
    """``bounds`` with every keyed rate that is new or better written in; worse ones keep their bound."""
    raised = dict(bounds)
    for rate in rates:
        if not rate.key or not rate.m:
            continue
        bound = bounds.get(rate.baseline_key)
        if bound is None or _compare(rate, bound) > 0:
            raised[rate.baseline_key] = Bound(rate.n, rate.m)
    return raised
