"""The common shape of a benchmark's output: a table of tools, then its goals.

Every benchmark produces one `Table`: a row for armorsmith and a row for each
reference tool, with the same columns, so the figures stand side by side. A
reference tool that could not be run gets a row that says why instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One tool's figures (column name to formatted value), or why it has none."""

    tool: str
    figures: dict[str, str] = field(default_factory=dict)
    note: str = ""
    unavailable: str = ""


@dataclass(frozen=True)
class Goal:
    """A target the benchmark checks, and whether the measured figure meets it."""

    text: str
    measured: str
    met: bool


@dataclass
class Table:
    """A benchmark's result."""

    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        headers = ["tool", *self.columns, "note"]
        cells = []
        for row in self.rows:
            if row.unavailable:
                cells.append([row.tool, *("-" for _ in self.columns), f"unavailable: {row.unavailable}"])
            else:
                cells.append([row.tool, *(row.figures.get(c, "-") for c in self.columns), row.note])
        widths = [max(len(line[i]) for line in [headers, *cells]) for i in range(len(headers) - 1)]
        lines = [f"== {self.title} =="]
        for line in [headers, *cells]:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths)) + "  " + line[-1])
        lines.extend(self.notes)
        for goal in self.goals:
            lines.append(f"goal: {goal.text}: {'met' if goal.met else 'NOT met'} ({goal.measured})")
        return "\n".join(line.rstrip() for line in lines)


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def per_second(count: float, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (``fraction`` in 0..1)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
