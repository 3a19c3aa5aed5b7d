"""Tests of signal rules (armorsmith.model.rules.signal): text, problems, covers, merge."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.signal import SignalAccess, signal_number
from rulecheck import covers, merged, problems, rendered, rule

RENDERED = [
    ("signal", "signal,"),
    (
        "signal (send, receive) set=(hup, term) peer=foo",
        "signal (send receive) set=(hup term) peer=foo,",
    ),
    ("audit deny signal rw set=(term hup hup)", "audit deny signal (send receive) set=(hup term),"),
    ('signal r set="usr1"', 'signal receive set="usr1",'),
    ("signal w set=hup set=int", "signal send set=(hup int),"),
    ("signal peer=@{profile_name}", "signal peer=@{profile_name},"),
]


@pytest.mark.parametrize(("text", "expected"), RENDERED)
def test_render(text: str, expected: str) -> None:
    """Ensure that a signal rule renders canonically: words, sorted unique signals, peer."""
    assert rendered(text) == expected


PROBLEMS = [
    ("signal set=(hup int quit exists rtmin+0 rtmin+32 tstp stp io poll emt)", []),
    ("signal set=(hup nohup)", [("unknown-signal", "nohup")]),
    ("signal set=rtmin+33", [("unknown-signal", "rtmin+33")]),
    ("signal set=rtmin+-99", [("unknown-signal", "rtmin+-99")]),
    ("signal set=lost", [("unknown-signal", "lost")]),
    ("signal set=SIGHUP", [("unknown-signal", "SIGHUP")]),
    ("signal set=(hup set=int)", [("unknown-signal", "set=int")]),
    ("signal peer=a peer=b", [("duplicate-conditional", "peer=b")]),
    ("signal set=hup set=term", []),
    ("signal set in (hup stop)", [("conditional-operator", "set in (hup stop)")]),
    ("signal options=foo", [("unknown-conditional", "options")]),
    ("owner signal", [("qualifier-not-allowed", "owner")]),
    ("priority=5 audit deny signal", []),
    ("signal peer=(label=foo)", [("conditional-group-not-allowed", "peer=(label=foo)")]),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEMS)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports upstream's signal errors on the offending text."""
    assert problems(text) == expected


def test_upstream_wording() -> None:
    """Ensure that messages start with upstream's wording."""
    (unknown,) = rule("signal set=nohup").validate()
    assert unknown.message == 'unknown signal "nohup"'
    (twice,) = rule("signal peer=a peer=b").validate()
    assert twice.message == 'signal conditional "peer" can only be specified once'


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("hup", 1),
        ("tstp", 20),
        ("stp", 20),
        ("poll", 29),
        ("exists", 35),
        ("rtmin+0", 128),
        ("rtmin+", 128),
        ("rtmin+5x", 133),
        ("rtmin+32", 160),
        ("rtmin+33", None),
        ("rtmin+-1", None),
        ("rtmin+-0", 128),
        ("lost", None),
    ],
)
def test_signal_numbers(name: str, number: int | None) -> None:
    """Ensure that signal names map as upstream's find_signal_mapping does, quirks included."""
    assert signal_number(name) == number


COVERS = [
    ("signal", "signal send set=hup peer=foo", True),
    ("signal (send) set=(hup term)", "signal send set=hup", True),
    ("signal send set=hup", "signal (send) set=(hup term)", False),
    ("signal send set=hup", "signal send", False),
    ("signal set=stp", "signal set=tstp", True),
    ("signal peer=/usr/bin/*", "signal peer=/usr/bin/foo", True),
    ("signal peer=/usr/bin/foo", "signal peer=/usr/bin/*", False),
    ("signal peer=foo", "signal", False),
    ("signal send", "signal receive", False),
    ("signal rw", "signal (send receive)", True),
    ("deny signal", "signal send", False),
    ("audit signal", "signal send", True),
]


@pytest.mark.parametrize(("outer", "inner", "expected"), COVERS)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares permissions, signal sets and peer globs."""
    assert covers(outer, inner) is expected


MERGED = [
    ("signal send set=hup", "signal send set=term", "signal send set=(hup term),"),
    ("signal send peer=a", "signal receive peer=a", "signal (send receive) peer=a,"),
    ("signal send peer=a", "signal receive peer=b", None),
    ("signal", "signal send set=hup", "signal,"),
    ("signal send set=hup peer=a", "signal send set=term peer=b", None),
    ("signal send set=hup peer=/usr/*", "signal send set=term peer=/usr/foo", None),
    (
        "signal send set=hup peer=/usr/*",
        "signal send set=term peer=/usr/*",
        "signal send set=(hup term) peer=/usr/*,",
    ),
    ("deny signal send", "signal receive", None),
]


@pytest.mark.parametrize(("first", "second", "expected"), MERGED)
def test_merge(first: str, second: str, expected: str | None) -> None:
    """Ensure that merge() joins permissions or signal sets when nothing else differs."""
    assert merged(first, second) == expected


def test_grants() -> None:
    """Ensure that grants() gives the requested permissions a rule applies to."""
    request = rule("signal (send receive) set=term peer=/usr/bin/foo")
    assert request.requested() == SignalAccess.SEND | SignalAccess.RECEIVE
    assert rule("signal send set=(hup term) peer=/usr/bin/*").grants(request) == SignalAccess.SEND
    assert rule("signal send set=hup").grants(request) == SignalAccess(0)
    assert rule("deny signal").grants(request) == request.requested()
