"""Tests of hover (armorsmith.ide.hover) and of the vocabulary it explains words with.

Each case puts the cursor (`$0`) on one word of a small workspace and checks the range the
hover explains and phrases its Markdown must hold (and, for some, must not).
"""

from __future__ import annotations

import pytest

from armorsmith.checks.profile_flags import _MODES, FLAG_SWITCHES, VALUED_FLAGS
from armorsmith.ide import vocabulary
from armorsmith.ide.hover import hover
from armorsmith.model.rules.capability import CAPABILITIES
from armorsmith.model.rules.dbus import DBUS_ACCESS
from armorsmith.model.rules.io_uring import IO_URING_ACCESS
from armorsmith.model.rules.mqueue import MQUEUE_ACCESS
from armorsmith.model.rules.network import FAMILIES, NETWORK_ACCESS, SOCKET_TYPES
from armorsmith.model.rules.ptrace import PTRACE_ACCESS
from armorsmith.model.rules.rlimit import RLIMITS
from armorsmith.model.rules.signal import SIGNAL_ACCESS, SIGNALS
from armorsmith.model.rules.unix import UNIX_SOCKET_TYPES
from armorsmith.model.rules.userns import USERNS_ACCESS

from idecase import World

TUNABLES = {
    "tunables/global": "include <tunables/home>\n",
    "tunables/home": "@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\ninclude if exists <tunables/home.d>\n",
    "tunables/home.d/site": "@{HOMEDIRS}+=/srv/\n",
    "abstractions/base": "/etc/ld.so.cache r,\n/usr/lib/** mr,\n",
    "abi/4.0": "",
}

OTHERS = {
    "usr.bin.bar": "profile bar /usr/bin/bar { }\n",
    "usr.bin.qux": "profile qux /usr/bin/q* { }\n",
}


def case(text: str) -> tuple[str, str]:
    """Return the hover's Markdown and the text of its range for the cursor in `text`."""
    w = World({**TUNABLES, **OTHERS, "usr.bin.foo": text})
    ctx = w.ctx("usr.bin.foo")
    found = hover(ctx, w.project, w.mark("usr.bin.foo"))
    assert found is not None, text
    return found.markdown, ctx.text(found.span)


def profile(*rules: str) -> str:
    body = "".join(f"  {rule}\n" for rule in rules)
    return f"include <tunables/global>\nprofile foo /usr/bin/foo {{\n{body}  profile helper {{ }}\n}}\n"


CASES = [
    # Exec modifiers: where each lands, scrubbing, fallback, risk.
    (profile("/usr/bin/bar P$0x,"), "Px", ["**bar**", "exact attachment", "scrubbed (secure-exec)", "the exec fails"], ["Risk"]),
    (profile("/usr/bin/bar p$0x,"), "px", ["**bar**", "*not* scrubbed", "LD_PRELOAD", "**Risk:**"], []),
    (profile("/usr/bin/q1 Pi$0x,"), "Pix", ["**qux**", "longest attachment match", "inherits this profile"], []),
    (profile("/usr/bin/nope P$0Ux,"), "PUx", ["no profile attaches", "runs unconfined (`ux fallback`)"], []),
    (profile("/usr/bin/* pu$0x,"), "pux", ["whichever of these attaches best", "**bar**", "**qux**", "**foo**"], []),
    (profile("/usr/bin/x C$0x -> helper,"), "Cx", ["child profile", "**foo//helper**"], []),
    (profile("/usr/bin/x C$0x -> nobody,"), "Cx", ["No child of `foo` named `nobody`"], []),
    (profile("/usr/bin/env u$0x,"), "ux", ["unconfined", "complete escape", "At least use `Ux`"], []),
    (profile("/usr/bin/env U$0x,"), "Ux", ["unconfined", "scrubbed", "Prefer `Px`"], ["complete escape"]),
    (profile("/usr/bin/cat i$0x,"), "ix", ["same profile", "nothing to scrub"], ["Risk"]),
    (profile("/usr/bin/cat r$0ix,"), "ix", ["same profile"], []),
    (profile("/usr/bin/cat m$0r,"), "r", ["**read**"], []),
    (profile("/usr/bin/bar Px,", "/usr/bin/* p$0ix,"), "pix", ["/usr/bin/*"], []),
    (profile("/usr/bin/bar ix,", "/usr/bin/b* P$0x,"), "Px", ["**bar**", "the one profile attaching to such paths"], []),
    (profile("/usr/bin/bar Px -> hel$0per,"), "helper", ["No profile named `helper`"], []),
    ("/usr/bin/bar P$0x,\n", "Px", ["**bar**", "outside a profile"], []),
    # Variables and includes.
    (profile("owner @{HO$0ME}/.foo rw,"), "@{HOME}", ["2 values", "`@{HOMEDIRS}/*/` — tunables/home:2", "Expands to `/home/*/`, `/root/`, `/srv/*/`"], []),
    (profile("@{exec_pa$0th} r,"), "@{exec_path}", ["defined by apparmor_parser", "`/usr/bin/foo`"], []),
    (profile("@{NO$0PE} r,"), "@{NOPE}", ["Not defined"], []),
    ("include <tunables/glo$0bal>\nprofile foo { }\n", "include <tunables/global>", ["Opens `/etc/apparmor.d/tunables/global`", "sets 2 variables", "`@{HOME}`", "2 more files or directories"], []),
    (profile("include <abstractions/ba$0se>"), "include <abstractions/base>", ["2 rules into `foo`"], []),
    ("include if exists <local/no$0thing>\nprofile foo { }\n", "include if exists <local/nothing>", ["skipped: the file does not exist"], []),
    ("abi <abi/4$0.0>,\nprofile foo { }\n", "abi <abi/4.0>,", ["feature ABI", "/etc/apparmor.d/abi/4.0"], []),
    ("${B} = true\nprofile foo { if $$0{B} { } }\n", "${B}", ["boolean variable = **true**"], []),
    # Profile headers.
    (profile().replace("profile foo", "profile f$0oo"), "foo", ["**foo** · profile", "mode: enforce", "attaches to: `/usr/bin/foo`", "children: `helper`"], []),
    ("profile foo /usr/bin/q$0* { }\n", "/usr/bin/q*", ["**qux**", "longest literal prefix"], []),
    ("profile foo flags=(compl$0ain) { }\n", "complain", ["**complain** mode"], []),
    ("profile foo flags=(error=EPE$0RM) { }\n", "error=EPERM", ["**error=ERRNO**", "`EPERM`"], []),
    ("profile foo { ^h$0at { } }\n", "hat", ["**foo//hat** · hat"], []),
    # Rule vocabulary.
    (profile("capability sys_ad$0min,"), "sys_admin", ["CAP_SYS_ADMIN", "**Risk:**"], []),
    (profile("capability chow$0n,"), "chown", ["CAP_CHOWN", "owner and group"], []),
    (profile("capabi$0lity,"), "capability", ["**capability** rule"], []),
    (profile("network in$0et6 stream,"), "inet6", ["network family", "IPv6"], []),
    (profile("network inet tc$0p,"), "tcp", ["network protocol", "`stream`"], []),
    (profile("network (cre$0ate) inet,"), "create", ["network permission", "create the socket"], []),
    (profile("signal send set=(hup te$0rm),"), "term", ["`SIGTERM`"], []),
    (profile("signal send set=rtmin+$03,"), "rtmin+3", ["`SIGRTMIN+3`"], []),
    (profile("signal sen$0d peer=bar,"), "send", ["signal permission", "must allow `receive`"], []),
    (profile("signal send peer=ba$0r,"), "bar", ["**label**", "**bar**", "Both sides must allow"], []),
    (profile("ptrace tra$0ce peer=bar,"), "trace", ["ptrace permission"], []),
    (profile("unix (send) peer=(label=b$0ar),"), "bar", ["**label**", "**bar**"], []),
    (profile("network inet stream peer=(label=b$0ar),"), "bar", ["**label**", "**bar**"], []),
    (profile("change_profile -> b$0ar,"), "bar", ["**target profile**", "**bar**"], []),
    (profile("set rlimit nof$0ile <= 1024,"), "nofile", ["resource limit", "RLIMIT_NOFILE"], []),
    (profile("/etc/foo $0rw,"), "r", ["**read**"], []),
    (profile("/etc/foo rw$0,"), "w", ["**write**"], []),
    (profile("/etc/foo r$0wk,"), "w", ["**write**"], []),
    (profile("/etc/foo mr$0,"), "r", ["**read**"], []),
    (profile("deny /etc/foo $0x,"), "x", ["denied"], []),
    (profile("owner @{HOME}/.f$0oo rwPx,"), "@{HOME}/.foo", ["allows read, write, exec as `Px`", "files the task owns", "Expands to `/home/*/.foo`, `/root/.foo`, `/srv/*/.foo`"], []),
    (profile("deny /etc/sha$0dow w,"), "/etc/shadow", ["this rule denies write"], []),
    (profile("/tmp/$0** r,"), "**", ["across directories", "`/dir/{,**}`"], []),
    (profile("/tmp/{a,b}$0* r,"), "*", ["except `/`"], []),
    (profile("unix (send) ty$0pe=stream,"), "type", ["**type=**"], []),
    (profile("unix (send) type=str$0eam,"), "stream", ["socket type", "SOCK_STREAM"], []),
    (profile("dbus send bu$0s=system,"), "bus", ["**bus=**"], []),
    (profile("aud$0it deny /etc/shadow w,"), "audit", ["**audit**"], []),
    (profile("audit de$0ny /etc/shadow w,"), "deny", ["**deny**"], []),
    (profile("own$0er { /a r, }"), "owner", ["**owner**"], []),
    (profile("prio$0rity=100 /a r,"), "priority", ["**priority=N**"], []),
    (profile("/usr/bin/bar P$0x -> bar,").replace("P$0x -> bar", "Px -$0> bar"), "->", ["**->**"], []),
    ("incl$0ude <tunables/global>\n", "include <tunables/global>", ["Opens"], []),
]


@pytest.mark.parametrize(("text", "span", "present", "absent"), CASES, ids=[c[1] + f"-{i}" for i, c in enumerate(CASES)])
def test_hover(text: str, span: str, present: list[str], absent: list[str]) -> None:
    """Ensure that the hover explains the word under the cursor, for this rule and workspace."""
    markdown, hovered = case(text)
    assert hovered == span
    for phrase in present:
        assert phrase in markdown, (phrase, markdown)
    for phrase in absent:
        assert phrase not in markdown, (phrase, markdown)


def test_hover_on_nothing_is_none() -> None:
    """Ensure that blank space and punctuation get no hover."""
    w = World({"usr.bin.foo": "profile foo {$0\n\n$0}\n"})
    for index in range(2):
        assert hover(w.ctx("usr.bin.foo"), w.project, w.mark("usr.bin.foo", index)) is None


def test_hover_in_another_document_uses_the_workspace_policy() -> None:
    """Ensure that a Px target defined in another file is found with its location."""
    markdown, _ = case(profile("/usr/bin/bar P$0x,"))
    assert "(usr.bin.bar:1)" in markdown


def _words(table: dict) -> set[str]:
    return {word for word in table if word.isalpha() or "_" in word}


@pytest.mark.parametrize(
    ("known", "explained"),
    [
        (set(CAPABILITIES), vocabulary.CAPABILITIES),
        (set(FAMILIES), vocabulary.NETWORK_FAMILIES),
        (set(SOCKET_TYPES) | set(UNIX_SOCKET_TYPES), vocabulary.SOCKET_TYPES),
        (set(SIGNALS), vocabulary.SIGNALS),
        (set(RLIMITS), vocabulary.RLIMITS),
        (_MODES | FLAG_SWITCHES | VALUED_FLAGS, vocabulary.FLAGS),
        (set(NETWORK_ACCESS), vocabulary.ACCESS_WORDS["network"]),
        (set(SIGNAL_ACCESS), vocabulary.ACCESS_WORDS["signal"]),
        (set(PTRACE_ACCESS), vocabulary.ACCESS_WORDS["ptrace"]),
        (set(DBUS_ACCESS), vocabulary.ACCESS_WORDS["dbus"]),
        (set(MQUEUE_ACCESS), vocabulary.ACCESS_WORDS["mqueue"]),
        (set(IO_URING_ACCESS), vocabulary.ACCESS_WORDS["io_uring"]),
        (set(USERNS_ACCESS), vocabulary.ACCESS_WORDS["userns"]),
    ],
    ids=["capabilities", "families", "socket-types", "signals", "rlimits", "flags", "network", "signal", "ptrace", "dbus", "mqueue", "io_uring", "userns"],
)
def test_vocabulary_explains_every_word_the_model_knows(known: set[str], explained: dict) -> None:
    """Ensure that every word a rule kind accepts has an explanation, and none is explained that it does not know."""
    assert known - set(explained) == set()
    assert set(explained) - known == set()
