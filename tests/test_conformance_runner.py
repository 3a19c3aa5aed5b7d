"""The conformance runner's own logic, on small synthetic corpora (never the real one).

armorsmith is replaced by fakes: for the syntax layer the word BROKEN is the only syntax
error, for lint the word ERROR is the only error and WARN a warning. So these tests check
the runner (deviation list, classification, tracked and gating suites, the baseline, the
per-directory table, the generated cases) independently of the grammar and the engine.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
import types
from pathlib import Path

import pytest

import conformance.__main__ as runner
from conformance.baseline import Bound, check_baseline, load_baseline, raise_bounds, render_baseline
from conformance.classify import is_syntactic
from conformance.corpus import ENV_VAR, CorpusError, StaticCase
from conformance.deviations import load_known_deviations, reconcile
from conformance.generated import read_header, unpack_generated
from conformance.parallel import map_cases
from conformance.product import Product, SyntaxFinding
from conformance.report import render_breakdown
from conformance.results import Deviation, Rate, SuiteResult
from conformance.sections import ListingError
from conformance.suites.lint_verdicts import Tally
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
    with pytest.raises(ListingError, match=re.escape(complaint)):
        load_known_deviations(listing)


def test_reconcile_finds_unlisted_and_stale_entries() -> None:
    """Ensure that reconciling finds both an unlisted deviation and a listed case that now agrees."""
    result = SuiteResult("static-syntax", "t", deviations=[Deviation("a.sd", "k", "d")])
    listed = reconcile(result, {"a.sd": "why"})
    assert not listed.unlisted and not listed.stale
    unlisted = reconcile(result, {})
    assert [d.case for d in unlisted.unlisted] == ["a.sd"]
    stale = reconcile(result, {"a.sd": "why", "b.sd": "fixed since"})
    assert stale.stale == [("b.sd", "fixed since")]



def test_reconcile_ignores_listed_cases_outside_the_runs_scope() -> None:
    """Ensure that a run of some families neither knows nor calls stale the entries of the others."""
    result = SuiteResult("generated", "t", deviations=[Deviation("simple_tests/generated_x/a.sd", "k", "d")],
                         scope=("simple_tests/generated_x/",))
    reconciled = reconcile(result, {"simple_tests/generated_x/a.sd": "why", "simple_tests/generated_dbus/b.sd": "why"})
    assert [case for case, _ in reconciled.stale] == [] and len(reconciled.known) == 1


def test_tally_rates_count_agreement_false_errors_and_caught_failures() -> None:
    """Ensure that a tally turns expected verdicts and lint errors into the three rates."""
    tally = Tally()
    for expected, has_error in [("PASS", False), ("PASS", True), ("FAIL", True), ("FAIL", False), ("FAIL", False)]:
        tally.add(expected, has_error)
    agreement, false_errors, caught = tally.rates(keyed=True)
    assert (agreement.n, agreement.m, agreement.key) == (2, 5, "agreement")
    assert (false_errors.n, false_errors.m, false_errors.lower_is_better) == (1, 2, True)
    assert (caught.n, caught.m) == (1, 3)
    assert all(not rate.key and rate.group == "file" for rate in tally.rates(group="file"))


def test_breakdown_table_lists_groups_worst_first() -> None:
    """Ensure that the per-directory table prints `n/m (p%)` cells, the worst agreement first."""
    rates = [Rate("agreement with EXRESULT", 5, 6)]
    for group, n, m in [("file", 190, 194), ("network", 54, 144), ("abi", 37, 37), ("dbus", 14, 27)]:
        rates += [Rate("agreement", n, m, group=group), Rate("FAIL caught", 0, 0, group=group)]
    table = render_breakdown(SuiteResult("s", "t", rates=rates, group_heading="directory"))
    assert table[0] == "by directory, worst first:"
    assert table[1].split() == ["directory", "agreement", "FAIL", "caught"]
    assert [line.split()[0] for line in table[2:]] == ["network", "dbus", "file", "abi"]
    assert table[4].split()[:3] == ["file", "190/194", "(97.9%)"] and table[4].endswith("0/0 (-)")


def test_baseline_round_trip_and_malformed_bounds(tmp_path: Path) -> None:
    """Ensure that the baseline file reads back what it was written with, and refuses a bad bound."""
    baseline = {"static-lint": {"agreement": Bound(1632, 2225), "pass-false-error": Bound(0, 1371)}}
    path = tmp_path / "baseline.txt"
    path.write_text(render_baseline(baseline))
    assert load_baseline(path) == baseline
    for bad in ("7/5", "1/0", "most"):
        path.write_text(f"[static-lint]\nagreement  {bad}\n")
        with pytest.raises(ListingError, match="expected a bound n/m"):
            load_baseline(path)


def test_baseline_check_finds_regressions_in_both_directions() -> None:
    """Ensure that lower agreement and more false errors regress, better rates are raisable, new keys missing."""
    bounds = {"agreement": Bound(50, 100), "pass-false-error": Bound(1, 100), "fail-caught": Bound(10, 20)}
    rates = [
        Rate("agreement", 49, 100, key="agreement"),
        Rate("false", 2, 100, key="pass-false-error", lower_is_better=True),
        Rate("caught", 11, 20, key="fail-caught"),
        Rate("x", 3, 4, key="agreement", group="generated_x"),
        Rate("unkeyed", 0, 9),
        Rate("empty", 0, 0, key="empty"),
    ]
    check = check_baseline(rates, bounds)
    assert [line.split(":")[0] for line in check.regressions] == ["agreement", "pass-false-error"]
    assert "worse than the baseline maximum 1/100" in check.regressions[1]
    assert [line.split(":")[0] for line in check.raisable] == ["fail-caught"]
    assert check.missing == ["generated_x/agreement"] and check.compared == 3 and not check.ok
    assert check_baseline(rates[2:3], bounds).ok


def test_raising_the_baseline_never_loosens_a_bound() -> None:
    """Ensure that --update-baseline records better and new rates and keeps the bound of worse ones."""
    bounds = {"agreement": Bound(50, 100), "pass-false-error": Bound(1, 100)}
    rates = [
        Rate("agreement", 40, 100, key="agreement"),
        Rate("false", 0, 100, key="pass-false-error", lower_is_better=True),
        Rate("caught", 3, 4, key="fail-caught"),
    ]
    assert raise_bounds(rates, bounds) == {
        "agreement": Bound(50, 100), "pass-false-error": Bound(0, 100), "fail-caught": Bound(3, 4),
    }


def _square(number: int) -> int:
    return number * number


def test_map_cases_on_a_pool_keeps_the_order_of_the_items() -> None:
    """Ensure that forked workers return the same list as a serial run."""
    items = list(range(200))
    assert map_cases(_square, items, jobs=2) == map_cases(_square, items, jobs=1) == [i * i for i in items]


def _tarball(path: Path, files: dict[str, str]) -> Path:
    """Write a .tar.gz of ``files`` (relative path to text), as the corpus ships the generated cases."""
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _case(expected: str, body: str, *extra: str) -> str:
    return "\n".join(["#", "#=DESCRIPTION synthetic", f"#=EXRESULT {expected}", *extra, "#", body, ""])


GENERATED = {
    "generated_x/ok.sd": _case("PASS", "/usr/bin/foo { /bin/a ix, }"),
    "generated_x/conflict.sd": _case("FAIL", "/usr/bin/foo { ERROR }"),
    "generated_x/missed.sd": _case("FAIL", "/usr/bin/foo { /bin/a ix, /bin/a px, }"),
    "generated_x/todo.sd": _case("FAIL", "/usr/bin/foo { }", "#=TODO"),
    "generated_dbus/ok.sd": _case("PASS", "/usr/bin/foo { dbus, }"),
    "generated_dbus/false.sd": _case("PASS", "/usr/bin/foo { dbus ERROR, }"),
}


def test_generated_cases_are_unpacked_once_and_again_when_the_tarball_changes(tmp_path: Path) -> None:
    """Ensure that the cache is reused while its stamp matches the tarball, and replaced when it does not."""
    tarball = _tarball(tmp_path / "generated.tar.gz", GENERATED)
    cache = tmp_path / "cache" / "generated"
    cases = unpack_generated(tarball, cache)
    assert cases.families == ("generated_dbus", "generated_x")
    assert cases.cases("generated_dbus") == ["generated_dbus/false.sd", "generated_dbus/ok.sd"]
    (cache / "generated_x" / "left-by-the-first-unpack").write_text("")
    unpack_generated(tarball, cache)
    assert (cache / "generated_x" / "left-by-the-first-unpack").exists()
    _tarball(tarball, {**GENERATED, "generated_conditional/ok.sd": _case("PASS", "/usr/bin/foo { }")})
    assert unpack_generated(tarball, cache).families == ("generated_conditional", "generated_dbus", "generated_x")
    assert not (cache / "generated_x" / "left-by-the-first-unpack").exists()
    assert not list(cache.parent.glob("*.unpacking-*"))


def test_generated_case_headers() -> None:
    """Ensure that EXRESULT is read from the header, TODO and DISABLED cases are not run, and no EXRESULT is an error."""
    assert read_header("a.sd", GENERATED["generated_x/ok.sd"].encode()) == read_header("a.sd", b"#=EXRESULT PASS\n")
    assert read_header("a.sd", b"#=EXRESULT FAIL\n").runnable
    assert not read_header("a.sd", GENERATED["generated_x/todo.sd"].encode()).runnable
    assert not read_header("a.sd", b"#=DISABLED\n#=EXRESULT PASS\n").runnable
    with pytest.raises(CorpusError, match="a.sd: no '#=EXRESULT PASS'"):
        read_header("a.sd", b"#=DESCRIPTION nothing else\n")


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


def _fake_product(seen: list[tuple[str, tuple[str, ...], str]]) -> Product:
    """A stand-in for armorsmith's lint API: the word ERROR is an error, WARN a warning.

    Each call records the document's name with the include search dirs and base dir it
    was linted with, in ``seen``.
    """

    def lint_document(path: str, source: bytes, *, config: types.SimpleNamespace,
                      cache: object) -> list[types.SimpleNamespace]:
        seen.append((path, config.search_dirs, config.base_dir))
        found = []
        for word, severity in ((b"ERROR", "error"), (b"WARN", "warning")):
            at = source.find(word)
            if at >= 0:
                found.append(types.SimpleNamespace(
                    start=at, severity=types.SimpleNamespace(value=severity),
                    code=types.SimpleNamespace(value=f"fake-{severity}"), message=f"found {word.decode()}",
                ))
        return sorted(found, key=lambda diagnostic: diagnostic.start)

    ide = types.SimpleNamespace(lint_document=lint_document)
    resolve = types.SimpleNamespace(
        DiskFileSystem=object, IncludeCache=lambda fs: object(), ResolveConfig=types.SimpleNamespace,
    )
    return Product(ide, resolve)  # type: ignore[arg-type]


def _corpus(root: Path, cases: dict[str, tuple[str, str, str]]) -> Path:
    """Write a corpus whose static cases map a path to (EXRESULT, upstream stderr, text)."""
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
        (upstream / "simple_tests" / name).parent.mkdir(parents=True, exist_ok=True)
        (upstream / "simple_tests" / name).write_text(text)
    _tarball(upstream / "simple_tests_generated.tar.gz", GENERATED)
    return root


CASES = {
    "ok.sd": ("PASS", "", "profile a { }\n"),
    "broken_pass.sd": ("PASS", "", "profile a {\n  BROKEN\n}\n"),
    "bad_syntax.sd": ("FAIL", SYNTAX_ERROR, "profile a { capability }\n"),
    "bad_cap.sd": ("FAIL", SEMANTIC_ERROR, "profile a { capability foobar, }\n"),
    "file/ok.sd": ("PASS", "", "profile a { /f r, }\n"),
    "file/false_error.sd": ("PASS", "", "profile a {\n  /f ERROR,\n}\n"),
    "file/caught.sd": ("FAIL", SEMANTIC_ERROR, "profile a { ERROR }\n"),
    "network/missed.sd": ("FAIL", SEMANTIC_ERROR, "profile a {\n  network WARN,\n}\n"),
    "network/ok.sd": ("PASS", "", "profile a { network, }\n"),
}

# Every deviation of the gating suites listed; the tracked suites' deviations are not.
FULL_LISTING = (
    "[static-syntax]\nsimple_tests/broken_pass.sd  grammar gap\nsimple_tests/bad_syntax.sd  grammar gap\n"
)

# The rates the synthetic corpus measures in the tracked suites, as their baseline.
BASELINE = render_baseline({
    "static-lint": {"agreement": Bound(5, 9), "pass-false-error": Bound(1, 5), "fail-caught": Bound(1, 4)},
    "generated": {
        "generated_dbus/agreement": Bound(1, 2), "generated_dbus/pass-false-error": Bound(1, 2),
        "generated_x/agreement": Bound(2, 3), "generated_x/pass-false-error": Bound(0, 1),
        "generated_x/fail-caught": Bound(1, 2),
    },
})


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run the runner's main() on a synthetic corpus with the given known-deviations and baseline texts."""
    monkeypatch.setenv(ENV_VAR, str(_corpus(tmp_path / "corpus", CASES)))
    monkeypatch.setattr(runner, "load_syntax", _fake_syntax)
    seen: list[tuple[str, tuple[str, ...], str]] = []
    monkeypatch.setattr(runner, "load_product", lambda: _fake_product(seen))
    monkeypatch.setattr(runner, "CACHE", tmp_path / "cache" / "generated")
    known = tmp_path / "known.txt"
    baseline = tmp_path / "baseline.txt"

    def run_with(listing: str, *extra: str, bounds: str = BASELINE) -> tuple[int, str]:
        known.write_text(listing)
        baseline.write_text(bounds)
        status = runner.main(["--deviations", str(known), "--baseline", str(baseline), "--jobs", "1", *extra])
        return status, capsys.readouterr().out

    run_with.baseline = baseline  # type: ignore[attr-defined]
    run_with.seen = seen  # type: ignore[attr-defined]
    return run_with


def test_runner_passes_when_every_deviation_is_listed(run) -> None:
    """Ensure that a run whose gating deviations are all listed and tracked rates at baseline exits 0."""
    status, out = run(FULL_LISTING)
    assert status == 0, out
    assert "PASS cases parsing clean: 4/5 (80.0%)" in out
    assert "syntactic FAIL cases (upstream's verdict) yielding a syntax error: 0/1 (0.0%)" in out
    assert "simple_tests/broken_pass.sd: line 2: syntax error: unexpected 'BROKEN'" in out
    assert out.rstrip().endswith("conformance: ok")


def test_runner_fails_on_an_unlisted_deviation(run) -> None:
    """Ensure that a deviation missing from the list fails a gating suite and is marked NEW."""
    status, out = run("[static-syntax]\nsimple_tests/bad_syntax.sd  grammar gap\n", "--suite", "static-syntax")
    assert status == 1
    assert "NEW    simple_tests/broken_pass.sd" in out


def test_runner_fails_when_a_listed_case_now_agrees(run) -> None:
    """Ensure that a listed case that no longer deviates fails the run as stale."""
    status, out = run(FULL_LISTING + "simple_tests/ok.sd  fixed long ago\n", "--suite", "static-syntax")
    assert status == 1
    assert "STALE  simple_tests/ok.sd: fixed long ago" in out


def test_tracked_suite_reports_unlisted_deviations_without_failing(run) -> None:
    """Ensure that static-lint's rates, table and deviation counts print, and its open deviations do not fail."""
    status, out = run(FULL_LISTING, "--suite", "static-lint")
    assert status == 0, out
    assert "== static-lint: upstream simple_tests (static), FAIL when lint reports an error [tracked]" in out
    assert "agreement with EXRESULT: 5/9 (55.6%)" in out
    assert "PASS cases with a false error: 1/5 (20.0%)" in out
    assert "FAIL cases caught (an error-severity diagnostic): 1/4 (25.0%)" in out
    rows = out[out.index("by directory, worst first:"):].splitlines()[2:5]
    assert [row.split()[:2] for row in rows] == [[".", "2/4"], ["network", "1/2"], ["file", "2/3"]]
    assert "PASS cases with a false error: 1 (0 listed; each case with --verbose)" in out
    assert "Baseline: 3 rates compared, 0 regressed, 0 without a bound, 0 better" in out
    assert "simple_tests/file/false_error.sd" not in out


def test_lint_suites_resolve_includes_as_upstream_runs_them(run) -> None:
    """Ensure that cases are linted at their layout path, searching simple_tests/ from parser/tst; profiles from apparmor.d."""
    status, _ = run(FULL_LISTING, "--suite", "static-lint", "--suite", "profiles-lint", "--suite", "generated",
                    "--family", "generated_x")
    assert status == 0
    by_name = {Path(path).relative_to(Path(path).parents[2]).as_posix(): (dirs, base) for path, dirs, base in run.seen}
    dirs, base = by_name["simple_tests/file/ok.sd"]
    assert Path(base).parts[-2:] == ("parser", "tst") and dirs == (str(Path(base) / "simple_tests"),)
    assert by_name["simple_tests/generated_x/ok.sd"] == (dirs, base)
    policy = next(dirs for path, dirs, _ in run.seen if path.endswith("usr.bin.x"))
    assert policy[0].endswith("profiles/apparmor.d")


def test_verbose_lists_each_tracked_deviation_with_our_first_diagnostic_and_upstreams_message(run) -> None:
    """Ensure that --verbose names each disagreement, the first diagnostic and upstream's stderr."""
    status, out = run(FULL_LISTING, "--suite", "static-lint", "--verbose")
    assert status == 0
    assert ("open    simple_tests/file/false_error.sd: line 2: error fake-error: found ERROR; upstream: accepted"
            in out)
    assert ("open    simple_tests/network/missed.sd: no error (first diagnostic: line 2: warning fake-warning: "
            "found WARN); upstream: AppArmor parser error at line 4: Invalid capability foobar.") in out


def test_tracked_suite_fails_on_a_regression_below_its_baseline(run) -> None:
    """Ensure that a tracked suite whose rate is worse than its bound fails the run, naming the rate."""
    tighter = BASELINE.replace("agreement         5/9", "agreement         6/9")
    assert tighter != BASELINE
    status, out = run(FULL_LISTING, "--suite", "static-lint", bounds=tighter)
    assert status == 1
    assert "REGRESSED  agreement: 5/9 (55.6%), worse than the baseline minimum 6/9" in out
    assert "conformance: FAILED (static-lint)" in out


def test_tracked_suite_without_a_bound_fails_until_the_baseline_is_updated(run) -> None:
    """Ensure that a missing bound fails, and --update-baseline records it and keeps other sections."""
    status, out = run(FULL_LISTING, "--suite", "static-lint", bounds="[generated]\ngenerated_x/agreement  2/3\n")
    assert status == 1 and "NO BOUND   agreement" in out
    status, out = run(FULL_LISTING, "--suite", "static-lint", "--update-baseline",
                      bounds="[generated]\ngenerated_x/agreement  2/3\n[static-lint]\nagreement  1/9\n")
    assert status == 0, out
    assert load_baseline(run.baseline) == {
        "generated": {"generated_x/agreement": Bound(2, 3)},
        "static-lint": {"agreement": Bound(5, 9), "pass-false-error": Bound(1, 5), "fail-caught": Bound(1, 4)},
    }


def test_tracked_suite_fails_on_a_stale_listed_case(run) -> None:
    """Ensure that a case listed for a tracked suite that now agrees fails the run too."""
    status, out = run(FULL_LISTING + "[static-lint]\nsimple_tests/file/ok.sd  was wrong once\n", "--suite", "static-lint")
    assert status == 1
    assert "STALE  simple_tests/file/ok.sd: was wrong once" in out


def test_generated_suite_reports_per_family_rates(run) -> None:
    """Ensure that the generated suite reads each header, skips TODO cases and breaks rates down by family."""
    status, out = run(FULL_LISTING, "--suite", "generated")
    assert status == 0, out
    assert "agreement with EXRESULT: 3/5 (60.0%)" in out
    rows = out[out.index("by family, worst first:"):].splitlines()[2:4]
    assert [row.split()[:3] for row in rows] == [["generated_dbus", "1/2", "(50.0%)"], ["generated_x", "2/3", "(66.7%)"]]
    assert "5 cases in 2 families on 1 worker(s); 1 marked TODO or DISABLED, not run" in out


def test_family_option_runs_one_family_and_keeps_the_others_entries(run) -> None:
    """Ensure that --family runs the generated suite alone on that family; other families' entries are not stale."""
    listing = FULL_LISTING + "[generated]\nsimple_tests/generated_dbus/false.sd  known false error\n"
    status, out = run(listing, "--family", "generated_x", "--verbose")
    assert status == 0, out
    assert "== generated:" in out and "== static-syntax" not in out
    assert "generated_dbus" not in out
    assert "open    simple_tests/generated_x/missed.sd: no diagnostic; EXRESULT FAIL" in out
    status, out = run(listing, "--family", "generated_y")
    assert status == 2


def test_runner_json_summary(run) -> None:
    """Ensure that --json prints a machine-readable summary with the same verdict."""
    status, out = run(FULL_LISTING, "--json", "--suite", "static-syntax", "--suite", "static-lint")
    summary = json.loads(out)
    assert status == 0 and summary["ok"]
    syntax, lint = summary["suites"]
    assert syntax["name"] == "static-syntax" and syntax["mode"] == "gating" and "baseline" not in syntax
    assert {d["case"] for d in syntax["deviations"]} == {"simple_tests/broken_pass.sd", "simple_tests/bad_syntax.sd"}
    assert lint["mode"] == "tracked" and lint["baseline"]["compared"] == 3
    assert {"label": "agreement", "n": 2, "m": 3, "key": None, "group": "file"} in lint["rates"]
    assert {"label": "agreement with EXRESULT", "n": 5, "m": 9, "key": "agreement", "group": None} in lint["rates"]


def test_baseline_section_for_a_gating_suite_is_refused(run) -> None:
    """Ensure that a bound for a suite that gates is an error: gating suites have no baseline."""
    assert run(FULL_LISTING, bounds="[static-syntax]\nagreement  1/2\n")[0] == 2


def test_missing_corpus_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a missing corpus exits 2 with a message naming the setting, not a traceback."""
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    assert runner.main([]) == 2
    assert ENV_VAR in capsys.readouterr().err
