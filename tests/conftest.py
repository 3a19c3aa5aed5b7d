"""Shared test settings: the repository root and the one place the corpus location is decided.

The corpus is read through one setting, the environment variable ARMORSMITH_CORPUS, which
defaults to ../shared/corpus beside the checkout; a relative value is taken from the
repository root. When the corpus is missing, tests that need it fail under CI (CI set to
anything but "", "0" or "false") and are skipped with the reason otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The root of the shared corpus (it holds upstream/ and real-denials/)."""
    configured = os.environ.get("ARMORSMITH_CORPUS")
    path = REPO_ROOT / (configured or "../shared/corpus")
    if not path.is_dir():
        reason = f"corpus not found at {path} (set ARMORSMITH_CORPUS to the corpus directory)"
        if _in_ci():
            pytest.fail(f"{reason}; CI must have it", pytrace=False)
        pytest.skip(reason)
    return path.resolve()
