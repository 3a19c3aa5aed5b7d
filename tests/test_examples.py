"""Tests of what `make demo` shows: the example denials explained and fixed in their profiles."""

from __future__ import annotations

import json

import pytest

from armorsmith.cli import main
from conftest import REPO_ROOT

POLICY = str(REPO_ROOT / "examples" / "apparmor.d")
LOG = str(REPO_ROOT / "examples" / "denials" / "audit.log")


def test_suggest_places_each_rule_in_its_profile(capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that the example denials give rules in three profiles, both signal halves included."""
    assert main(["suggest", "--policy", POLICY, "--format", "json", LOG]) == 0
    suggestions = {item["profile"]: item["rules"] for item in json.loads(capsys.readouterr().out)}
    assert set(suggestions) == {"viewer", "example", "/usr/sbin/exampled"}
    assert "signal send set=hup peer=example," in suggestions["/usr/sbin/exampled"]
    assert "signal receive set=hup peer=/usr/sbin/exampled," in suggestions["example"]
    assert "capability dac_override," in suggestions["example"]


def test_explain_covers_every_example_record(capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that every example record is explained and none is unreadable."""
    assert main(["explain", "--policy", POLICY, "--format", "json", LOG]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert sum(group["count"] for group in groups) == 5
    assert {group["profile"] for group in groups} == {"viewer", "example", "/usr/sbin/exampled"}
