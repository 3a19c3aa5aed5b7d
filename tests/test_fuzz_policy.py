"""Property tests: random profiles and mutated corpus files go through parse, lower and lint.

Built from grammar pieces (`fuzz.targets.PIECES`) or from a real profile of the corpus with
random byte mutations; `fuzz.targets.check_policy` says what must hold.  Example counts are
bounded so `make test` stays fast; `make fuzz` runs the long campaign.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.targets import PIECES, check_policy

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _corpus_profiles(corpus_dir: Path) -> list[bytes]:
    root = corpus_dir / "upstream" / "profiles" / "apparmor.d"
    files = sorted(path for path in root.rglob("*") if path.is_file())
    assert files, f"no profiles under {root}"
    return [path.read_bytes() for path in files[:: max(1, len(files) // 40)]]


@SETTINGS
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_profiles_built_from_grammar_pieces(pieces: list[str]) -> None:
    check_policy("".join(pieces).encode("utf-8"))


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    check_policy(data)


_MUTATIONS = st.lists(
    st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=8), st.binary(max_size=6)),
    min_size=1,
    max_size=8,
)


@pytest.mark.corpus
@SETTINGS
@given(index=st.integers(min_value=0), mutations=_MUTATIONS)
def test_mutated_corpus_profiles(corpus_dir: Path, index: int, mutations: list[tuple[int, int, bytes]]) -> None:
    sources = _corpus_profiles(corpus_dir)
    source = sources[index % len(sources)]
    for at, length, replacement in mutations:
        at %= len(source) + 1
        source = source[:at] + replacement + source[at + length :]
    check_policy(source, "/p/profile")
