"""The real-world corpus: every upstream profile, abstraction and tunable parses cleanly.

Files under `abi/` are left out: they describe kernel feature sets in the features-file
format (`query {...}`), which apparmor_parser reads with a different parser, not policy.

Runs only with the corpus (see conftest.corpus_dir) and carries the `corpus` marker,
so `pytest -m "not corpus"` leaves it out during quick edits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armorsmith.resolve import is_skipped_name
from armorsmith.syntax import LineIndex, PositionEncoding, parse


def _policy_files(root: Path) -> list[Path]:
    def is_policy(path: Path) -> bool:
        parts = path.relative_to(root).parts
        return path.is_file() and "abi" not in parts and not any(is_skipped_name(part) for part in parts)

    return sorted(path for path in root.rglob("*") if is_policy(path))


@pytest.mark.corpus
def test_upstream_profiles_parse_without_syntax_errors(corpus_dir: Path) -> None:
    """Ensure that every file under upstream/profiles parses with no ERROR or MISSING node."""
    root = corpus_dir / "upstream" / "profiles"
    files = _policy_files(root)
    assert len(files) > 300, f"expected the upstream profile tree under {root}"
    failures = []
    for path in files:
        source = path.read_bytes()
        errors = parse(source).errors
        if errors:
            where = LineIndex(source).position(errors[0].start, PositionEncoding.UTF32)
            failures.append(
                f"{path.relative_to(root)}:{where.line + 1}:{where.character + 1}: "
                f"{errors[0].message} ({len(errors)} in file)"
            )
    assert not failures, f"{len(failures)} of {len(files)} files have syntax errors:\n" + "\n".join(failures)
