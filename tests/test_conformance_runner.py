"""The conformance runner's own logic, on small synthetic corpora (never the real one).

The syntax layer is replaced by a fake whose only syntax error is the word
BROKEN, so these tests check the runner (deviation list, classification,
exit status) independently of the grammar.
"""

from __future__ import annotations

import json
import re
import types
from pathlib import Path

import pytest

import conformance.__main__ as runner
from conformance.classify import is_syntactic
from conformance.corpus import ENV_VAR, StaticCase
from conformance.product import SyntaxFinding
from conformance.report import (
    Deviation,
    DeviationFileError,
    SuiteResult,
    load_known_deviations,
    reconcile,
)
from conformance.suites.static_syntax import PASS_WITH_ERROR, SYNTACTIC_FAIL_ACCEPTED, judge

SYNTAX_ERROR = "AppArmor parser error at line 3: syntax error, unexpected TOK_ID, expecting TOK_MODE\n"
SEMANTIC_ERROR = "AppArmor parser error at line 4: Invalid capability foobar.\n"


@pytest.mark.parametrize(
    "stderr",
    [
        SYNTAX_ERROR,
        "AppArmor parser error at line 3: Lexer found unexpected character: '\"' (0x22) in state: ABI_MODE\n",
        "flex scanner jammed\n",
        "AppArmor parser error at line 5: missing an end of line character? (entry: /foo)\n",
        "AppArmor parser error at line 2: Variable declarations do not accept trailing commas\n",
        "AppArmor parser error at line 9: syntax error, unexpected end of file, expecting TOK_ID or TOK_MODE\n",
    ],
)
def test_lexer_and_grammar_rejections_are_syntactic(stderr: str) -> None:
    """Ensure that messages from upstream's lexer and bison grammar count as syntactic."""
    assert is_syntactic(stderr)


@pytest.mark.parametrize(
    "stderr",
    [
        SEMANTIC_ERROR,
        "AppArmor parser error at line 7: Profile names must begin with a '/', namespace or keyword 'profile' or 'hat'.\n",
        "AppArmor parser error at line 4: Internal: unexpected signal perms character 't' in input\n",
        "AppArmor parser error at line 3: Could not open 'does-not-exist'\n",
        "Failed to find declaration for: @{MISSING_VAR}\nERROR expanding variables for profile /x, failed to load\n",
        "apparmor_parser: Regex grouping error: Unclosed grouping or character class, expecting close }\n",
        "profile /usr/bin/foo: has merged rule /bin/cat with conflicting x modifiers\n",
        "",
    ],
)
def test_checks_on_accepted_rules_are_left_for_semantics(stderr: str) -> None:
    """Ensure that errors raised after the grammar accepted a rule are not called syntactic."""
    assert not is_syntactic(stderr)


def test_judge_buckets_every_combination() -> None:
    """Ensure that only a PASS case with an error and a clean syntactic FAIL case deviate."""
    finding = SyntaxFinding(3, "syntax error: unexpected 'x'")
    passing = StaticCase("simple_tests/ok.sd", "PASS", "")
    syntactic = StaticCase("simple_tests/bad_syntax.sd", "FAIL", SYNTAX_ERROR)
    semantic = StaticCase("simple_tests/bad_cap.sd", "FAIL", SEMANTIC_ERROR)

    assert judge(passing, None).deviation is None
    assert judge(passing, finding).deviation == Deviation(
        passing.path, PASS_WITH_ERROR, "line 3: syntax error: unexpected 'x'"
    )
    assert judge(syntactic, finding).deviation is None
    deviation = judge(syntactic, None).deviation
    assert deviation is not None and deviation.kind == SYNTACTIC_FAIL_ACCEPTED
    assert judge(semantic, None).deviation is None
    assert judge(semantic, None).bucket == "fail-semantic-clean"
    assert judge(semantic, finding).bucket == "fail-semantic-error"


def test_deviation_file_sections_and_separators(tmp_path: Path) -> None:
    """Ensure that entries are read per section, with a tab or two spaces before the reason."""
    listing = tmp_path / "known.txt"
    listing.write_text(
        "# comment\n\n[static-syntax]\nsimple_tests/a b.sd\tpath with a space\n"
        "simple_tests/c.sd    two or more spaces\n[profiles-syntax]\nprofiles/x  reason\n"
    )
    assert load_known_deviations(listing) == {
        "static-syntax": {"simple_tests/a b.sd": "path with a space", "simple_tests/c.sd": "two or more spaces"},
        "profiles-syntax": {"profiles/x": "reason"},
    }


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("simple_tests/a.sd\treason\n", "before any [suite] section"),
        ("[static-syntax]\nsimple_tests/a.sd\n", "expected 'case<TAB or two spaces>reason'"),
        ("[static-syntax]\nsimple_tests/a.sd  one\nsimple_tests/a.sd  two\n", "listed twice"),
    ],
)
def test_malformed_deviation_file_is_refused(tmp_path: Path, text: str, complaint: str) -> None:
    """Ensure that a malformed entry is an error naming its line, never silently skipped."""
    listing = tmp_path / "known.txt"
    listing.write_text(text)
    with pytest.raises(DeviationFileError, match=re.escape(complaint)):
        load_known_deviations(listing)


def test_reconcile_fails_on_unlisted_and_on_stale_entries() -> None:
    """Ensure that both an unlisted deviation and a listed case that now agrees fail the suite."""
    result = SuiteResult("static-syntax", "t", deviations=[Deviation("a.sd", "k", "d")])
    assert reconcile(result, {"a.sd": "why"}).ok
    unlisted = reconcile(result, {})
    assert not unlisted.ok and [d.case for d in unlisted.unlisted] == ["a.sd"]
    stale = reconcile(result, {"a.sd": "why", "b.sd": "fixed since"})
    assert not stale.ok and stale.stale == [("b.sd", "fixed since")]


def _fake_syntax() -> types.ModuleType:
    """A stand-in for armorsmith.syntax: the word BROKEN is the only syntax error."""

    def parse(source: bytes) -> types.SimpleNamespace:
        at = source.find(b"BROKEN")
        errors = () if at < 0 else (types.SimpleNamespace(start=at, message="syntax error: unexpected 'BROKEN'"),)
        return types.SimpleNamespace(source=source, errors=errors, root=None)

    def byte_point(source: bytes, offset: int) -> tuple[int, int]:
        return source.count(b"\n", 0, offset), 0

    roles = types.SimpleNamespace(POLICY="policy", FRAGMENT="fragment")
    return types.SimpleNamespace(  # type: ignore[return-value]
        parse=parse,
        byte_point=byte_point,
        FileRole=roles,
        guess_role=lambda path, root: roles.POLICY,
        structure_errors=lambda root, role: (),
    )


def _corpus(root: Path, cases: dict[str, tuple[str, str, str]]) -> Path:
    """Write a corpus whose static cases map a name to (EXRESULT, upstream stderr, text)."""
    upstream = root / "upstream"
    (upstream / "simple_tests").mkdir(parents=True)
    (upstream / "profiles" / "apparmor.d").mkdir(parents=True)
    (upstream / "profiles" / "apparmor.d" / "usr.bin.x").write_text("profile x { }\n")
    rows = [{"file": f"simple_tests/{name}", "exresult": expected, "todo": False, "disabled": False,
             "upstream_parser_stderr": stderr} for name, (expected, stderr, _) in cases.items()]
    rows.append({"file": "simple_tests/todo.sd", "exresult": "PASS", "todo": True, "disabled": False,
                 "upstream_parser_stderr": ""})
    (upstream / "simple_tests_index.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    for name, (_, _, text) in cases.items():
        (upstream / "simple_tests" / name).write_text(text)
    return root


CASES = {
    "ok.sd": ("PASS", "", "profile a { }\n"),
    "broken_pass.sd": ("PASS", "", "profile a {\n  BROKEN\n}\n"),
    "bad_syntax.sd": ("FAIL", SYNTAX_ERROR, "profile a { capability }\n"),
    "bad_cap.sd": ("FAIL", SEMANTIC_ERROR, "profile a { capability foobar, }\n"),
}


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run the runner's main() on a synthetic corpus with the given known-deviations text."""
    monkeypatch.setenv(ENV_VAR, str(_corpus(tmp_path / "corpus", CASES)))
    monkeypatch.setattr(runner, "load_syntax", _fake_syntax)

    def run_with(listing: str, *extra: str) -> tuple[int, str]:
        known = tmp_path / "known.txt"
        known.write_text(listing)
        status = runner.main(["--deviations", str(known), *extra])
        return status, capsys.readouterr().out

    return run_with


FULL_LISTING = (
    "[static-syntax]\nsimple_tests/broken_pass.sd  grammar gap\nsimple_tests/bad_syntax.sd  grammar gap\n"
)


def test_runner_passes_when_every_deviation_is_listed(run) -> None:
    """Ensure that a run whose deviations are all listed exits 0 and prints the rates."""
    status, out = run(FULL_LISTING)
    assert status == 0
    assert "PASS cases parsing clean: 1/2 (50.0%)" in out
    assert "syntactic FAIL cases (upstream's verdict) yielding a syntax error: 0/1 (0.0%)" in out
    assert "simple_tests/broken_pass.sd: line 2: syntax error: unexpected 'BROKEN'" in out


def test_runner_fails_on_an_unlisted_deviation(run) -> None:
    """Ensure that a deviation missing from the list fails the run and is marked NEW."""
    status, out = run("[static-syntax]\nsimple_tests/bad_syntax.sd  grammar gap\n")
    assert status == 1
    assert "NEW    simple_tests/broken_pass.sd" in out


def test_runner_fails_when_a_listed_case_now_agrees(run) -> None:
    """Ensure that a listed case that no longer deviates fails the run as stale."""
    status, out = run(FULL_LISTING + "simple_tests/ok.sd  fixed long ago\n")
    assert status == 1
    assert "STALE  simple_tests/ok.sd: fixed long ago" in out


def test_runner_json_summary(run) -> None:
    """Ensure that --json prints a machine-readable summary with the same verdict."""
    status, out = run(FULL_LISTING, "--json", "--suite", "static-syntax")
    summary = json.loads(out)
    assert status == 0 and summary["ok"]
    (suite,) = summary["suites"]
    assert suite["name"] == "static-syntax"
    assert {d["case"] for d in suite["deviations"]} == {"simple_tests/broken_pass.sd", "simple_tests/bad_syntax.sd"}


def test_missing_corpus_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a missing corpus exits 2 with a message naming the setting, not a traceback."""
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    assert runner.main([]) == 2
    assert ENV_VAR in capsys.readouterr().err
