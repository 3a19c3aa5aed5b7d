"""Property tests: the log reader on mutated and truncated records never raises.

Records come from the corpus (libapparmor's test suite inputs and real denials); each is cut
short, mutated byte by byte, or joined with garbage, and `fuzz.targets.check_log` says what
must hold: every item is a `LogRecord` or an `UnreadableLine`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.targets import check_log

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

pytestmark = pytest.mark.corpus


@cache
def _corpus_lines(corpus_dir: Path) -> tuple[bytes, ...]:
    upstream = sorted((corpus_dir / "upstream" / "libapparmor_testsuite").rglob("*.in"))
    denials = sorted((corpus_dir / "real-denials").glob("*.log"))
    lines = [line for path in upstream + denials for line in path.read_bytes().splitlines() if b"apparmor" in line]
    assert len(lines) > 100, "too few AppArmor lines in the corpus"
    return tuple(lines)


@SETTINGS
@given(index=st.integers(min_value=0), cut=st.integers(min_value=0))
def test_truncated_records(corpus_dir: Path, index: int, cut: int) -> None:
    lines = _corpus_lines(corpus_dir)
    line = lines[index % len(lines)]
    check_log(line[: cut % (len(line) + 1)])


@SETTINGS
@given(
    indices=st.lists(st.integers(min_value=0), min_size=1, max_size=4),
    mutations=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 4), st.binary(max_size=4)), max_size=6),
)
def test_mutated_records(corpus_dir: Path, indices: list[int], mutations: list[tuple[int, int, bytes]]) -> None:
    lines = _corpus_lines(corpus_dir)
    data = b"\n".join(lines[index % len(lines)] for index in indices)
    for at, length, replacement in mutations:
        at %= len(data) + 1
        data = data[:at] + replacement + data[at + length :]
    check_log(data)


@SETTINGS
@given(st.lists(st.sampled_from(["apparmor=", '"DENIED"', "type=1400", "audit(", "1.2:3)", "msg=", "=", '"', " ",
                                 "name=", "\\", "\x00", "é", "\r", "\n", "operation=\"open\"", "profile=", "0x"]),
                max_size=40))
def test_record_shaped_garbage(pieces: list[str]) -> None:
    check_log("".join(pieces).encode("utf-8"))
