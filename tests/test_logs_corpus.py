"""The log reader on the real corpora: upstream's test_multi oracle and denials from the wild.

`test_multi`: every `X.in` must read to the fields libapparmor prints in `X.out`, compared
as the `test-multi-parse` conformance suite compares them, except the cases listed for
that suite in conformance/known-deviations.txt, which must deviate.

`real-denials`: every line after the `#` header of each file is read into a record, or
reported with a reason, or is a line of another subsystem; the files and counts below are
what the files hold, so a reader that starts dropping or misreading lines fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armorsmith.logs import LogRecord, UnreadableLine, read_records
from conformance.corpus import REPO_ROOT
from conformance.deviations import load_known_deviations
from conformance.product import load_log_reader
from conformance.suites.log_parse import compare

pytestmark = pytest.mark.corpus


def test_test_multi_reads_as_libapparmor(corpus_dir: Path) -> None:
    """Ensure that every test_multi log gives libapparmor's fields, the listed cases excepted."""
    upstream = corpus_dir / "upstream"
    logs = sorted((upstream / "libapparmor_testsuite" / "test_multi").glob("*.in"))
    assert len(logs) == 179
    listed = set(load_known_deviations(REPO_ROOT / "conformance" / "known-deviations.txt").get("test-multi-parse", {}))
    reader = load_log_reader()
    failures, deviating = [], set()
    for log in logs:
        case = log.relative_to(upstream).as_posix()
        difference = compare(log, log.with_suffix(".out").read_text(encoding="utf-8"), reader)
        if difference is not None:
            deviating.add(case)
            if case not in listed:
                failures.append(f"{case}: {difference[0]}: {difference[1]}")
    assert not failures, "\n".join(failures)
    assert deviating == listed


EXPECTED = {
    # file: (records, unreadable, other lines)
    "ml-2019-05-fullsystempolicy-init-systemd.log": (25, 0, 0),
    "ml-2019-08-fullsystem-colord-null-child.log": (11, 0, 0),
    "ml-2020-11-lxd-namespace-stacked.log": (4, 0, 0),
    "ml-2024-07-truncated-unix-recvmsg.log": (0, 1, 0),
    "ml-2025-11-nixos-systemd-nnp-exec.log": (0, 1, 0),
    "ml-lp1117804-ausearch-avc.log": (12, 0, 0),
    "ml-lp2049099-snap-in-lxd-file_inherit.log": (16, 0, 0),
    "roddhjav-apparmor.d-testdata-aa-log-format.txt": (42, 0, 0),
    "roddhjav-apparmor.d-testdata-audit.log": (61, 0, 8),
    "roddhjav-apparmor.d-testdata-journal.json.log": (15, 0, 1),
}


def _read(path: Path) -> tuple[list[LogRecord], list[UnreadableLine], list[str]]:
    """The records, unreadable lines and other lines of a real-denials file, header left out."""
    lines = path.read_bytes().splitlines()
    body = [b"" if line.startswith(b"#") else line for line in lines]
    items = list(read_records(body, path.name))
    seen = {item.line for item in items}
    others = [line.decode() for number, line in enumerate(body, 1) if line and number not in seen]
    records = [item for item in items if isinstance(item, LogRecord)]
    unreadable = [item for item in items if isinstance(item, UnreadableLine)]
    return records, unreadable, others


def test_real_denials_are_read_or_reported(corpus_dir: Path) -> None:
    """Ensure that every line of every real-denials file is a record, reported, or not AppArmor."""
    files = sorted((corpus_dir / "real-denials").iterdir())
    assert len(files) == 33
    totals = [0, 0]
    for path in files:
        records, unreadable, others = _read(path)
        totals[0] += len(records)
        totals[1] += len(unreadable)
        assert all(item.reason for item in unreadable), path.name
        for line in others:
            assert "apparmor=" not in line and "DBUS_BROKER_POLICY_TYPE" not in line, f"{path.name}: dropped {line}"
        if path.name in EXPECTED:
            assert (len(records), len(unreadable), len(others)) == EXPECTED[path.name], path.name
        else:
            assert records and not unreadable and not others, path.name
        for record in records:
            assert record.event is not None or record.operation is not None, f"{path.name}:{record.line}"
    assert totals == [220, 2]


def test_truncated_real_denials_say_they_are_cut(corpus_dir: Path) -> None:
    """Ensure that the two lines cut by a pager and a mail client are reported as cut, with what was read."""
    for name, profile in (
        ("ml-2024-07-truncated-unix-recvmsg.log", "/usr/bin/mpv"),
        ("ml-2025-11-nixos-systemd-nnp-exec.log", "/nix/store/ksz6ygnl9f1l6jff3mwmjsmw7qyyxa59-systemd-257.7/**"),
    ):
        _, (item,), _ = _read(corpus_dir / "real-denials" / name)
        assert "cut short" in item.reason
        assert item.partial is not None and item.partial.profile == profile


def test_fast_path_reads_every_corpus_line_as_the_lexer_does(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure that the fast path and the general lexer agree on every line of both corpora."""
    from armorsmith.logs import line as line_module

    lines = [row for path in sorted((corpus_dir / "real-denials").iterdir()) for row in path.read_text().splitlines()]
    for path in sorted((corpus_dir / "upstream" / "libapparmor_testsuite" / "test_multi").glob("*.in")):
        lines += path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    lines = [text for text in lines if text and not text.startswith("#")]
    fast = [line_module.read_line(text, "log", 1) for text in lines]
    monkeypatch.setattr(line_module, "read_plain_body", lambda *args: None)
    monkeypatch.setattr(line_module, "_read_plain_user_avc", lambda *args: None)
    general = [line_module.read_line(text, "log", 1) for text in lines]
    differing = [(text, one, other) for text, one, other in zip(lines, fast, general) if one != other]
    assert not differing, differing[:3]
    assert sum(isinstance(item, LogRecord) for item in fast) > 300
