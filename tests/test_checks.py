"""Tests of the check runner (armorsmith.checks)."""

from __future__ import annotations

import types

from armorsmith.checks import CheckContext, run_checks
from armorsmith.diagnostics import Code
from armorsmith.model import lower
from armorsmith.syntax import parse


def _context() -> CheckContext:
    source = b"profile p {\n}\n"
    return CheckContext("p", source, lower(parse(source)).file)


def test_failing_check_is_reported_and_others_still_run() -> None:
    """Ensure that a check that raises becomes an internal-error and the next check runs."""

    def broken(ctx: CheckContext):
        raise ValueError("boom")
        yield  # pragma: no cover - makes this a generator

    def working(ctx: CheckContext):
        yield from ()

    checks = (
        types.SimpleNamespace(__name__="armorsmith.checks.broken", run=broken),
        types.SimpleNamespace(__name__="armorsmith.checks.working", run=working),
    )
    found = list(run_checks(_context(), checks))  # type: ignore[arg-type]
    assert [d.code for d in found] == [Code.INTERNAL_ERROR]
    assert "check 'broken'" in found[0].message and "boom" in found[0].message
