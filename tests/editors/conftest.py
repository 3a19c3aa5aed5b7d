"""Fixtures of the VS Code extension tests (test_vscode*.py): the built extension, code-server, chromium.

`make test` builds all three first (`make vscode vscode-e2e-deps`).  Run alone, the tests
build the extension themselves (`make vscode`, incremental) and use code-server and
chromium when they are there; what is missing skips the tests that need it, and fails
them under CI.  Builds and the README screenshots are serialised with a lock file, since
several pytest workers or checkouts' users may run them at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, _in_ci

EXTENSION_DIR = REPO_ROOT / "editors" / "vscode"
VSIX = EXTENSION_DIR / "armorsmith.vsix"
CODE_SERVER = REPO_ROOT / ".cache" / "code-server" / "node_modules" / ".bin" / "code-server"
LOCK = REPO_ROOT / ".cache" / "vscode.lock"


def missing(reason: str) -> None:
    """Skip the test for want of `reason`, or fail it under CI, which must have everything."""
    if _in_ci():
        pytest.fail(f"{reason}; CI must have it (make vscode-e2e-deps)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def vscode_lock() -> Iterator[None]:
    """Hold the lock of the extension's build output and the README screenshots."""
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with LOCK.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def node() -> str:
    """The node executable (the extension is built and tested with node and npm)."""
    found = shutil.which("node")
    if found is None or shutil.which("npm") is None:
        missing("node and npm are not on PATH")
    return found


@pytest.fixture(scope="session")
def vsix(node: str) -> Path:
    """The packaged extension, rebuilt by `make vscode` when its sources changed."""
    with vscode_lock():
        result = subprocess.run(
            ["make", "--no-print-directory", "vscode"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=900
        )
    assert result.returncode == 0, f"make vscode failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return VSIX


@pytest.fixture(scope="session")
def code_server() -> Path:
    """code-server 4.100.3, as `make vscode-e2e-deps` builds it."""
    if not os.access(CODE_SERVER, os.X_OK):
        missing(f"code-server is not built at {CODE_SERVER.relative_to(REPO_ROOT)} (make vscode-e2e-deps)")
    return CODE_SERVER


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium."""
    found = shutil.which("chromium")
    if found is None:
        missing("chromium is not installed (make vscode-e2e-deps installs it)")
    return found
