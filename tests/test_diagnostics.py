"""Tests of the diagnostic code registry and of the generated docs/diagnostics.md."""

from __future__ import annotations

import re

import pytest

from armorsmith.diagnostics import Code, Diagnostic, Severity
from armorsmith.diagnostics.docgen import render
from conftest import REPO_ROOT


@pytest.mark.parametrize("code", list(Code), ids=[code.value for code in Code])
def test_code_is_named_and_documented(code: Code) -> None:
    """Ensure that every code has a kebab-case name, a severity and a one-paragraph doc."""
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code.value)
    assert isinstance(code.severity, Severity)
    assert len(code.doc.split()) >= 15, f"{code.value}: document what it reports and why"
    assert "\n\n" not in code.doc, f"{code.value}: the doc is one paragraph"


def test_docs_are_current() -> None:
    """Ensure that docs/diagnostics.md is what `make docs` generates from the registry."""
    committed = (REPO_ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/diagnostics.md is stale: run 'make docs'"


def test_diagnostic_takes_the_default_severity() -> None:
    """Ensure that Diagnostic.of uses the severity registered for the code."""
    diagnostic = Diagnostic.of(Code.INVALID_UTF8, "bad byte", 3, 4)
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.related == () and diagnostic.fixes == ()
