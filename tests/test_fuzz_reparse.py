"""Property test: incremental re-parse equals a fresh parse after random edits.

Edits insert, delete and replace at random byte offsets (so some split a multi-byte
character), with grammar pieces, multi-byte characters and CRLF; after each one
`fuzz.targets.check_reparse` compares the tree and the syntax errors with a fresh parse.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.targets import PIECES, check_reparse

START = (
    "@{V}=a b\r\nprofile p /usr/bin/p {\r\n  /etc/hosts r,\n  capability chown,\n"
    "  ^hat {\n    /tmp/é€𝄞 rw,\n  }\n}\n"
).encode("utf-8")

_TEXT = st.one_of(st.sampled_from(PIECES), st.text(alphabet="{},\r\n é€𝄞/rw@", max_size=6))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 6), _TEXT), min_size=1, max_size=15))
def test_incremental_equals_fresh(edits: list[tuple[int, int, str]]) -> None:
    check_reparse(START, edits)
