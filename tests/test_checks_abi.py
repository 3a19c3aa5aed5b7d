"""Tests of the abi check (armorsmith.checks.abi)."""

from __future__ import annotations

import pytest

from armorsmith.checks import abi
from checkcase import findings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abi <abi/4.0>,\n", []),
        ("abi <default>,\n", []),
        ('abi "kernel",\n', []),
        ("abi <kernel>,\n", [("kernel-abi", "<kernel>")]),
        ("profile p {\n  abi <kernel>,\n}\n", [("kernel-abi", "<kernel>")]),
        ('abi "",\n', [("empty-abi", '""')]),
    ],
)
def test_abi(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that empty abi names and the kernel abi are reported on the name."""
    assert findings(abi, text) == expected
