"""Tests of file and link rules (armorsmith.model.rules.file): reading, rendering, checks."""

from __future__ import annotations

import itertools
import re

import pytest

from armorsmith.diagnostics import Applicability, Code, Diagnostic, Fix, Severity
from armorsmith.engine import EngineProfile, Mode, Outcome, RuleRef, decide
from armorsmith.ide import lint_document
from armorsmith.model import Rule, lower, walk_rules
from armorsmith.model.rules.file import (
    ExecKind,
    ExecMode,
    Fallback,
    FilePerm,
    FileRule,
    LinkRule,
    read_permissions,
)
from armorsmith.model.span import Span, Word
from armorsmith.syntax import parse

PREFIX = "profile p {\n  "


def _source(text: str) -> bytes:
    return f"{PREFIX}{text}\n}}\n".encode()


def _rule(text: str) -> Rule:
    (rule,) = walk_rules(lower(parse(_source(text))).file.items)
    return rule


def _codes(text: str) -> list[Code]:
    """The codes of upstream's verdict: notes (info severity) are a reviewer's, not upstream's."""
    return [d.code for d in _rule(text).validate() if d.severity is not Severity.INFO]


# (rule as written, canonical text, codes its validate() reports)
RULE_VECTORS: list[tuple[str, str, tuple[Code, ...]]] = [
    ("/etc/passwd r,", "/etc/passwd r,", ()),
    ("owner /home/*/** rwk,", "owner /home/*/** rwk,", ()),
    ("file /usr/bin/foo rix,", "/usr/bin/foo rix,", ()),
    ("/usr/bin/foo mrPx -> bar,", "/usr/bin/foo mrPx -> bar,", ()),
    ("audit deny /bin/sh x,", "audit deny /bin/sh x,", ()),
    ("priority=3 /a rw,", "priority=3 /a rw,", ()),
    ('"/a b" lr,', '"/a b" rl,', ()),
    ("rw /tmp/x,", "/tmp/x rw,", ()),
    ("l subset /a -> /b,", "l subset /a -> /b,", ()),
    ("/a l -> /b,", "/a l -> /b,", ()),
    ("file,", "file,", ()),
    ("owner file,", "owner file,", ()),
    ("unsafe /bin/x Px,", "/bin/x px,", ()),
    ("safe /bin/x pux,", "/bin/x PUx,", ()),
    ("unsafe /bin/x ix,", "unsafe /bin/x ix,", ()),
    ("/bin/x Pux,", "/bin/x PUx,", ()),
    ("/bin/x pUx,", "/bin/x pux,", ()),
    ("/bin/x pxpx,", "/bin/x px,", ()),
    ("/bin/x xix,", "/bin/x ix,", ()),
    ("/bin/x pxx,", "/bin/x px,", ()),
    ("/bin/x ix -> t,", "/bin/x ix -> t,", ()),
    ("/a rwa,", "/a rw,", (Code.APPEND_WRITE_CONFLICT,)),
    ("/a aw,", "/a w,", (Code.APPEND_WRITE_CONFLICT,)),
    ("/a wpxa,", "/a wpx,", (Code.APPEND_WRITE_CONFLICT,)),
    ("/a pxix,", "/a px,", (Code.EXEC_MODE_CONFLICT,)),
    ("/a ixPx,", "/a ix,", (Code.EXEC_MODE_CONFLICT,)),
    ("/a Uxux,", "/a Ux,", (Code.UNSAFE_UNCONFINED_EXEC, Code.EXEC_MODE_CONFLICT)),
    ("/a xpx,", "/a x,", (Code.EXEC_MODE_CONFLICT,)),
    ("/a rx,", "/a rx,", (Code.EXEC_MODE_REQUIRED,)),
    ("/a x -> b,", "/a x -> b,", (Code.EXEC_MODE_REQUIRED,)),
    ("deny /a px,", "deny /a px,", (Code.DENY_EXEC_MODE,)),
    ("deny /a ix,", "deny /a ix,", (Code.DENY_EXEC_MODE,)),
    ("deny file,", "deny file,", (Code.DENY_EXEC_MODE,)),
    ("unsafe /a r,", "/a r,", (Code.EXEC_SAFETY_WITHOUT_EXEC,)),
    ("safe r /a,", "/a r,", (Code.EXEC_SAFETY_WITHOUT_EXEC,)),
    ("rl subset /a -> /b,", "rl subset /a -> /b,", (Code.INVALID_SUBSET,)),
    ("r subset /a,", "r subset /a,", (Code.INVALID_SUBSET,)),
    ("lpx /a -> /b,", "/a lpx -> /b,", (Code.LINK_EXEC_TARGET_CONFLICT,)),
    ("l /a -> :ns:b,", "/a l -> :ns:b,", (Code.LINK_TO_NAMED_PROFILE,)),
    ("/a lpx -> b,", "/a lpx -> b,", (Code.AMBIGUOUS_LINK_EXEC_TARGET,)),
    ("/a Rw,", "/a rw,", (Code.UPPERCASE_PERMISSION,)),
    ("/a rIx,", "/a rix,", (Code.UPPERCASE_PERMISSION,)),
    ("/a PX,", "/a Px,", (Code.UPPERCASE_PERMISSION,)),
    ("/a PIX,", "/a Pix,", ()),
    ("/a rux,", "/a rux,", (Code.UNSAFE_UNCONFINED_EXEC,)),
    ("/a pux,", "/a pux,", ()),
    ("link /a -> /b,", "link /a -> /b,", ()),
    ("owner link subset /a -> @{HOME}/b,", "owner link subset /a -> @{HOME}/b,", ()),
]


@pytest.mark.parametrize(("text", "rendered", "codes"), RULE_VECTORS, ids=[row[0] for row in RULE_VECTORS])
def test_rule_vectors(text: str, rendered: str, codes: tuple[Code, ...]) -> None:
    """Ensure that each rule renders canonically and validates with upstream's verdict."""
    rule = _rule(text)
    assert isinstance(rule, (FileRule, LinkRule))
    assert rule.render() == rendered
    assert tuple(_codes(text)) == codes


@pytest.mark.parametrize(("text", "rendered", "codes"), RULE_VECTORS, ids=[row[0] for row in RULE_VECTORS])
def test_rendered_rules_are_stable(text: str, rendered: str, codes: tuple[Code, ...]) -> None:
    """Ensure that rendering is a fixed point and keeps the rule's meaning."""
    rule = _rule(text)
    again = _rule(rendered)
    assert again.render() == rendered
    if isinstance(rule, FileRule) and not codes:
        assert isinstance(again, FileRule)
        assert (again.perms.implied(), again.exec, again.path_text) == (rule.perms.implied(), rule.exec, rule.path_text)


def test_exec_mode_of_a_rule() -> None:
    """Ensure that keywords, letter case and `->` targets fold into the rule's ExecMode."""
    assert _rule("unsafe /a Cix -> kid,").exec == ExecMode(ExecKind.CHILD, True, Fallback.INHERIT, "kid")
    assert _rule('/a Px -> "a b",').exec == ExecMode(ExecKind.PROFILE, False, Fallback.NONE, "a b")
    assert _rule("/a lpx -> b,").exec.target == "b"
    link = _rule("/a l -> /b,")
    assert link.exec is None and link.link_target.text == "/b" and link.exec_target is None
    bare = _rule("file,")
    assert bare.is_bare and bare.path_text == "/{**,}" and bare.exec == ExecMode(ExecKind.INHERIT)
    assert FilePerm.WRITE in bare.perms and FilePerm.EXEC in bare.perms


# The 48 accepted spellings and the mode each means (apparmor-language.md 3.1.2).
SPELLINGS = {
    "ix": "ix iX Ix IX",
    "ux": "ux uX",
    "Ux": "Ux UX",
    "px": "px pX",
    "Px": "Px PX",
    "cx": "cx cX",
    "Cx": "Cx CX",
    "pix": "pix piX pIx pIX",
    "Pix": "Pix PiX PIx PIX",
    "cix": "cix ciX cIx cIX",
    "Cix": "Cix CiX CIx CIX",
    "pux": "pux puX pUx pUX",
    "PUx": "Pux PuX PUx PUX",
    "cux": "cux cuX cUx cUX",
    "CUx": "Cux CuX CUx CUX",
}


def test_exec_mode_spellings() -> None:
    """Ensure that exactly the 48 upstream spellings parse, each to its canonical mode."""
    expected = {spelling: canonical for canonical, words in SPELLINGS.items() for spelling in words.split()}
    assert len(expected) == 48
    letters = "xXiIuUpPcC"
    found = {}
    for length in (1, 2, 3):
        for chars in itertools.product(letters, repeat=length):
            text = "".join(chars)
            mode = ExecMode.parse(text)
            if mode is not None:
                found[text] = mode.spelling
    assert found == expected


def test_exec_mode_meaning() -> None:
    """Ensure that kind, safety and fallback follow the letters and their case."""
    assert ExecMode.parse("Pux") == ExecMode(ExecKind.PROFILE, False, Fallback.UNCONFINED)
    assert ExecMode.parse("cIX") == ExecMode(ExecKind.CHILD, True, Fallback.INHERIT)
    assert ExecMode.parse("uX") == ExecMode(ExecKind.UNCONFINED, True)
    assert ExecMode.parse("IX") == ExecMode(ExecKind.INHERIT, False)
    assert ExecMode.parse("x") is None


def _tokens(*texts: str) -> list[Word]:
    words, offset = [], 0
    for text in texts:
        words.append(Word(text, Span(offset, offset + len(text))))
        offset += len(text)
    return words


CONFLICT_MESSAGES = [
    (("px", "ix"), "Exec qualifier 'i' invalid, conflicting qualifier already specified"),
    (("ux", "ix"), "Exec qualifier 'i' invalid, conflicting qualifier already specified"),
    (("ix", "Px"), "Exec qualifier 'P' invalid, conflicting qualifier already specified"),
    (("ix", "ux"), "Exec qualifier 'u' invalid, conflicting qualifier already specified"),
    (("px", "Px"), "Exec qualifier 'P' invalid, conflicting qualifier already specified"),
    (("ix", "pIx"), "Exec qualifier 'pI' invalid, conflicting qualifier already specified"),
    (("x", "Cux"), "Exec qualifier 'Cu' invalid, conflicting qualifier already specified"),
    (("X", "ux"), "Exec qualifier 'u' invalid, conflicting qualifier already specified"),
    (("pix", "ix"), "Exec qualifier 'i' invalid, conflicting qualifier already specified"),
]


@pytest.mark.parametrize(("texts", "message"), CONFLICT_MESSAGES)
def test_exec_conflict_messages(texts: tuple[str, ...], message: str) -> None:
    """Ensure that each of upstream's three conflict wordings names the offending letters."""
    reading = read_permissions(_tokens(*texts))
    (conflict,) = [d for d in reading.diagnostics if d.code is Code.EXEC_MODE_CONFLICT]
    assert conflict.message == message
    assert (conflict.start, conflict.end) == (len(texts[0]), len(texts[0]) + len(texts[1]))


@pytest.mark.parametrize("texts", [("px", "px"), ("ix", "ix"), ("x", "ix"), ("x", "Ix"), ("px", "x"), ("Pix", "PIx")])
def test_exec_repeats_accepted(texts: tuple[str, ...]) -> None:
    """Ensure that repeated identical modes and a bare x before ix or after a mode are fine."""
    reading = read_permissions(_tokens(*texts))
    assert not [d for d in reading.diagnostics if d.code is Code.EXEC_MODE_CONFLICT]
    assert reading.exec is not None


def _only(text: str, code: Code) -> Diagnostic:
    (diagnostic,) = [d for d in _rule(text).validate() if d.code is code]
    return diagnostic


def _at(text: str, diagnostic: Diagnostic) -> str:
    return _source(text)[diagnostic.start : diagnostic.end].decode()


@pytest.mark.parametrize(
    ("text", "code", "underlined"),
    [
        ("/bin/* rux,", Code.UNSAFE_UNCONFINED_EXEC, "ux"),
        ("/a rwa,", Code.APPEND_WRITE_CONFLICT, "a"),
        ("/a arw,", Code.APPEND_WRITE_CONFLICT, "w"),
        ("/a rpxix,", Code.EXEC_MODE_CONFLICT, "ix"),
        ("/a mrx,", Code.EXEC_MODE_REQUIRED, "x"),
        ("deny /a rPix,", Code.DENY_EXEC_MODE, "Pix"),
        ("deny file,", Code.DENY_EXEC_MODE, "file"),
        ("unsafe /a r,", Code.EXEC_SAFETY_WITHOUT_EXEC, "unsafe"),
        ("rl subset /a -> /b,", Code.INVALID_SUBSET, "subset"),
        ("rlix /a -> /b,", Code.LINK_EXEC_TARGET_CONFLICT, "rlix"),
        ("l /a -> :ns:b,", Code.LINK_TO_NAMED_PROFILE, ":ns:b"),
        ("/a lix -> /b,", Code.AMBIGUOUS_LINK_EXEC_TARGET, "/b"),
        ("/a rWLm,", Code.UPPERCASE_PERMISSION, "WL"),
        ("/a IX,", Code.UPPERCASE_PERMISSION, "IX"),
    ],
)
def test_diagnostic_ranges(text: str, code: Code, underlined: str) -> None:
    """Ensure that each diagnostic underlines exactly the token or letter at fault."""
    assert _at(text, _only(text, code)) == underlined


def _apply(source: bytes, fix: Fix) -> bytes:
    for edit in sorted(fix.edits, key=lambda edit: edit.start, reverse=True):
        source = source[: edit.start] + edit.new_text.encode() + source[edit.end :]
    return source


@pytest.mark.parametrize(
    ("text", "code", "fixed", "applicability"),
    [
        ("/a rwa,", Code.APPEND_WRITE_CONFLICT, "/a rw,", Applicability.SAFE),
        ("/a xpx,", Code.EXEC_MODE_CONFLICT, "/a px,", Applicability.SAFE),
        ("/a pxix,", Code.EXEC_MODE_CONFLICT, "/a px,", Applicability.UNSAFE),
        ("/a rx,", Code.EXEC_MODE_REQUIRED, "/a rix,", Applicability.UNSAFE),
        ("deny /a rPx -> b,", Code.DENY_EXEC_MODE, "deny /a rx,", Applicability.SAFE),
        ("deny Pix /a -> b,", Code.DENY_EXEC_MODE, "deny x /a,", Applicability.SAFE),
        ("deny /a xpx,", Code.EXEC_MODE_CONFLICT, "deny /a px,", Applicability.SAFE),
        ("deny file,", Code.DENY_EXEC_MODE, "deny /{**,} mrwlkx,", Applicability.UNSAFE),
        ("unsafe /a r,", Code.EXEC_SAFETY_WITHOUT_EXEC, "/a r,", Applicability.SAFE),
        ("/a RW,", Code.UPPERCASE_PERMISSION, "/a rw,", Applicability.SAFE),
        ("/a UX,", Code.UPPERCASE_PERMISSION, "/a Ux,", Applicability.SAFE),
        ("/a ux,", Code.UNSAFE_UNCONFINED_EXEC, "/a Ux,", Applicability.UNSAFE),
    ],
)
def test_first_fix(text: str, code: Code, fixed: str, applicability: Applicability) -> None:
    """Ensure that the first fix of each finding gives the expected rule."""
    fix = _only(text, code).fixes[0]
    assert fix.applicability is applicability
    assert _apply(_source(text), fix) == _source(fixed)


def test_safe_fixes_give_clean_rules() -> None:
    """Ensure that applying every safe fix of a rule leaves no error-level finding of its own."""
    for text, _, codes in RULE_VECTORS:
        source = _source(text)
        for diagnostic in _rule(text).validate():
            for fix in diagnostic.fixes:
                if fix.applicability is not Applicability.SAFE:
                    continue
                fixed = _apply(source, fix)
                (rule,) = walk_rules(lower(parse(fixed)).file.items)
                remaining = [d.code for d in rule.validate() if d.severity is Severity.ERROR]
                assert diagnostic.code not in remaining, (text, fix.title, fixed)


def test_half_typed_permissions_stay_quiet() -> None:
    """Ensure that a permission string the grammar could not split gets no exec findings."""
    rule = _rule("/bin/x xIUx,")
    assert isinstance(rule, FileRule) and not rule.complete
    assert Code.EXEC_MODE_REQUIRED not in _codes("/bin/x xIUx,")


def test_deny_block_makes_exec_modes_invalid() -> None:
    """Ensure that an exec mode inside a deny block is reported, with the block as related."""
    source = b"profile p {\n  deny {\n    /bin/sh px,\n    /bin/ls x,\n    /bin/rm r,\n  }\n  owner {\n    /bin/cat ix,\n  }\n}\n"
    found = [d for d in lint_document("p", source) if d.code in (Code.DENY_EXEC_MODE, Code.EXEC_MODE_REQUIRED)]
    assert [(d.code, source[d.start : d.end]) for d in found] == [
        (Code.DENY_EXEC_MODE, b"px"),
        (Code.EXEC_MODE_REQUIRED, b"x"),
    ]
    (related,) = found[0].related
    assert source[related.start : related.end] == b"deny"


# (rule, other, rule covers other, canonical text of their merge or None)
COVER_VECTORS: list[tuple[str, str, bool, str | None]] = [
    ("/a rw,", "/a r,", True, "/a rw,"),
    ("/a r,", "/a rw,", False, "/a rw,"),
    ("/a w,", "/a a,", True, "/a w,"),
    ("/a a,", "/a w,", False, "/a w,"),
    ("/a r,", "/b r,", False, None),
    ("/a rPx,", "/a Px,", True, "/a rPx,"),
    ("/a r,", "/a Px,", False, "/a rPx,"),
    ("/a Px,", "/a px,", False, None),
    ("/a Px -> t,", "/a Px,", False, None),
    ("/a Px -> t,", "/a r,", False, "/a rPx -> t,"),
    ("owner /a r,", "/a r,", False, None),
    ("audit /a r,", "/a r,", False, None),
    ("deny /a x,", "deny /a w,", False, "deny /a wx,"),
    ("file,", "/etc/passwd rw,", True, "file,"),
    ("file,", "/bin/sh Px,", False, None),
    ("/a l -> /b,", "/a l -> /c,", False, None),
    ("/a rl -> /b,", "/a l -> /b,", True, "/a rl -> /b,"),
    ("link /a -> /b,", "link subset /a -> /b,", True, "link /a -> /b,"),
    ("link subset /a -> /b,", "link /a -> /b,", False, "link /a -> /b,"),
    ("link /a -> /b,", "link /a -> /c,", False, None),
    ("/etc/** r,", "/etc/passwd r,", True, "/etc/** r,"),
    ("/etc/* r,", "/etc/ssl/x r,", False, None),
    ("/etc/{a,b} rw,", "/etc/a r,", True, "/etc/{a,b} rw,"),
    ("file,", "/etc/** rw,", True, "file,"),
    ("@{HOME}/a r,", "@{HOME}/a r,", True, "@{HOME}/a r,"),
    ("@{HOME}/* r,", "@{HOME}/a r,", False, None),
    ("/a l -> /b*,", "/a l -> /bc,", True, "/a l -> /b*,"),
    ("link /a* -> /b*,", "link subset /ab -> /bc,", True, "link /a* -> /b*,"),
    ("link subset /a* -> /b*,", "link /ab -> /bc,", False, None),
]


@pytest.mark.parametrize(("text", "other", "covers", "merged"), COVER_VECTORS)
def test_covers_and_merge(text: str, other: str, covers: bool, merged: str | None) -> None:
    """Ensure that covers and merge agree with the permissions each rule grants."""
    rule, second = _rule(text), _rule(other)
    assert rule.covers(second) is covers
    result = rule.merge(second)
    assert (result.render() if result is not None else None) == merged
    if result is not None:
        assert result.covers(rule) and result.covers(second)


# (rule, request, permissions of the request the rule applies to)
GRANT_VECTORS: list[tuple[str, str, FilePerm]] = [
    ("/etc/** r,", "/etc/passwd rw,", FilePerm.READ),
    ("/etc/* r,", "/etc/ssl/x r,", FilePerm(0)),
    ("/a w,", "/a a,", FilePerm.APPEND),
    ("/a a,", "/a w,", FilePerm(0)),
    ("file,", "/etc/passwd rwx,", FilePerm.READ | FilePerm.WRITE | FilePerm.EXEC),
    ("/usr/bin/* Px,", "/usr/bin/foo x,", FilePerm.EXEC),
    ("owner /home/** rw,", "/home/a/f r,", FilePerm(0)),
    ("owner /home/** rw,", "owner /home/a/f r,", FilePerm.READ),
    ("other /home/** rw,", "/home/a/f r,", FilePerm.READ),
    ("@{HOME}/** r,", "/home/a/f r,", FilePerm(0)),
    ("/a l -> /b*,", "/a l -> /bc,", FilePerm.LINK),
    ("/a l -> /b*,", "/a l -> /c,", FilePerm(0)),
    ("/a l,", "/a l -> /c,", FilePerm.LINK),
    ("link /a -> /b*,", "link /a -> /bc,", FilePerm.LINK),
    ("link /a -> /b*,", "link /a -> /c,", FilePerm(0)),
]


@pytest.mark.parametrize(("text", "request_text", "granted"), GRANT_VECTORS)
def test_grants(text: str, request_text: str, granted: FilePerm) -> None:
    """Ensure that a rule applies to a concrete request by glob, owner and link target."""
    assert _rule(text).grants(_rule(request_text)) == granted


def test_decide_file_request() -> None:
    """Ensure that the engine decides file requests with these rules: deny wins, w grants a."""
    rules = tuple(RuleRef(_rule(text)) for text in ("/etc/** rw,", "deny /etc/shadow w,"))
    profile = EngineProfile("p", "p", Mode.ENFORCE, rules, None)
    assert decide(profile, _rule("/etc/passwd a,")).outcome is Outcome.ALLOW
    assert decide(profile, _rule("/etc/shadow rw,")).outcome is Outcome.DENY
    assert decide(profile, _rule("/etc/shadow r,")).outcome is Outcome.ALLOW


_MODE_TOKEN = r"[pPcC][iIuU][xX]|[pPcC][xX]|[iIuU][xX]|[rRwWaLlmMkxX]"


def _upstream_accepts(perms: str, deny: bool) -> bool:
    """Upstream's verdict on a permission string, as apparmor-language.md 3.1.2 models it.

    The model reproduces every allow and deny outcome of the upstream parser on the 11,154
    strings of one to three letters over `rwalkmxiupc` in both cases.
    """
    if perms == "all" or not re.fullmatch(f"(?:{_MODE_TOKEN})+", perms):
        return False
    tokens = re.findall(_MODE_TOKEN, perms)
    letters = "".join(token for token in tokens if token not in "xX" and len(token) == 1).lower()
    if "a" in letters and "w" in letters:
        return False
    modes = [ExecMode.parse(token) for token in tokens if token[-1] in "xX"]
    typed = {mode for mode in modes if mode is not None}
    if len(typed) > 1:
        return False
    bare_before = False
    for mode in modes:
        if mode is None:
            bare_before = True
        elif bare_before and mode.kind is not ExecKind.INHERIT:
            return False
    if deny:
        return not typed
    return not (modes and not typed)


def _accepted(text: str) -> bool:
    parsed = parse(_source(text))
    if parsed.errors:
        return False
    rules = walk_rules(lower(parsed).file.items)
    return not any(d.severity is Severity.ERROR for rule in rules for d in rule.validate())


def test_every_short_permission_string() -> None:
    """Ensure that every string of one to three permission letters gets upstream's verdict.

    Each is tried in the plain, deny, `-> target` and leading forms (44,616 rules).
    """
    wrong = []
    for length in (1, 2, 3):
        for chars in itertools.product("rwalkmxiupcRWALKMXIUPC", repeat=length):
            perms = "".join(chars)
            forms = ((f"/foo {perms},", False), (f"deny /foo {perms},", True))
            forms += ((f"/foo {perms} -> bar,", False), (f"{perms} /foo,", False))
            wrong += [text for text, deny in forms if _accepted(text) != _upstream_accepts(perms, deny)]
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "noted"),
    [("/a px,", "px"), ("/a Cx,", None), ("/a cix,", "cix"), ("/a pUx,", "pUx"), ("/a Pux,", None), ("/a ix,", None)],
)
def test_unscrubbed_exec_note(text: str, noted: str | None) -> None:
    """Ensure that lower-case p and c transitions get a note with a fix to the scrubbing mode."""
    notes = [d for d in _rule(text).validate() if d.code is Code.UNSCRUBBED_EXEC]
    if noted is None:
        assert notes == []
        return
    (note,) = notes
    assert _source(text)[note.start : note.end].decode() == noted
    (fix,) = note.fixes
    (edit,) = fix.edits
    assert edit.new_text == noted[0].upper()
