"""Completion and signature help: what is offered where, and which text an item replaces.

Each case is a document with `|` at the cursor, labels that must be offered, labels that
must not, and the text the items replace (the word being typed).  The vocabularies are
checked against the rule kinds' own tables, so completion never offers a word the checks
reject.
"""

from __future__ import annotations

import pytest

from armorsmith.ide.completion import CompletionEnv, complete, completion_env, document_env
from armorsmith.ide.signature import signature_help
from armorsmith.model import lower
from armorsmith.model.rules.capability import CAPABILITIES
from armorsmith.model.rules.network import FAMILIES
from armorsmith.model.rules.signal import SIGNALS
from armorsmith.resolve import MemoryFileSystem, ResolveConfig, resolve
from armorsmith.syntax import parse

FILES = {
    "/etc/apparmor.d/abstractions/base": b"  /etc/ld.so.cache r,\n",
    "/etc/apparmor.d/abstractions/nameservice": b"",
    "/etc/apparmor.d/abstractions/ubuntu-browsers.d/java": b"",
    "/etc/apparmor.d/abstractions/base.dpkg-old": b"",
    "/etc/apparmor.d/tunables/global": b"include <tunables/home>\n",
    "/etc/apparmor.d/tunables/home": b"@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n",
    "/work/local.inc": b"",
}
FS = MemoryFileSystem(FILES)
ENV = CompletionEnv(
    variables={"HOME": ("@{HOMEDIRS}/*/", "/root/")},
    booleans=("enabled",),
    profiles=("firefox", "firefox//sanitized_helper"),
    search_dirs=("/etc/apparmor.d",),
    base_dir="/work",
    fs=FS,
)


def _complete(marked: str, env: CompletionEnv = ENV) -> tuple[list[str], str] | None:
    offset = marked.index("|")
    source = (marked[:offset] + marked[offset + 1 :]).encode()
    parsed = parse(source)
    found = complete(parsed, len(marked[:offset].encode()), env, file=lower(parsed).file)
    if found is None:
        return None
    return [item.label for item in found.items], source[found.start : found.end].decode()


CASES = [
    # Rule starts.
    ("profile x {\n  |\n}", ["capability", "network", "audit", "deny", "owner", "priority=", "include", "hat", "if"], ["abi", "alias"], ""),
    ("profile x {\n  net|\n}", ["network", "capability"], [], "net"),
    ("|", ["profile", "include", "abi", "alias", "capability"], ["hat"], ""),
    ("profile x {\n  audit |\n}", ["deny", "owner", "capability", "file"], ["audit", "priority=", "include", "set"], ""),
    ("profile x {\n  audit deny owner |\n}", ["file", "capability"], ["deny", "owner", "audit"], ""),
    ("profile x {\n  /a r,\n  ^hat {\n  }\n  |\n}", ["capability"], [], ""),
    # Capabilities and rlimits.
    ("profile x {\n  capability |\n}", ["chown", "sys_admin", "net_raw"], ["network"], ""),
    ("profile x {\n  capability chown s|\n}", ["setuid", "sys_admin"], ["chown"], "s"),
    ("profile x {\n  set |\n}", ["rlimit"], [], ""),
    ("profile x {\n  set rlimit |\n}", ["nofile", "cpu", "nice"], [], ""),
    ("profile x {\n  set rlimit nofile |\n}", ["<="], [], ""),
    # File rules: permissions at that place.
    ("profile x {\n  /etc/foo |\n}", ["r", "w", "m", "k", "ix", "Px", "Cx", "PUx", "cix"], ["x", "capability"], ""),
    ("profile x {\n  /etc/foo rw|\n}", ["m", "ix", "Px"], ["r", "w"], ""),
    ("profile x {\n  /etc/foo rP|\n}", ["Px", "Pix", "PUx"], ["px", "ix", "w"], "P"),
    ("profile x {\n  /etc/foo rix|\n}", ["m"], ["Px", "ix", "r"], ""),
    ("profile x {\n  deny /etc/foo |\n}", ["r", "w", "x"], ["ix", "Px"], ""),
    ("profile x {\n  owner @{HOME}/** |\n}", ["r", "ix"], [], ""),
    ('profile x {\n  "/a b" |\n}', ["r", "Px"], [], ""),
    ("profile x {\n  /usr/bin/foo Px |\n}", ["->"], [], ""),
    ("profile x {\n  /usr/bin/foo Px -> |\n}", ["firefox", "firefox//sanitized_helper", "x"], ["r"], ""),
    ("profile x {\n  /usr/bin/foo rw |\n}", [], ["->"], ""),
    # Network, unix, signal, ptrace, dbus, mount, mqueue, io_uring, userns, change_profile.
    ("profile x {\n  network |\n}", ["inet", "inet6", "netlink", "stream", "tcp", "create", "ip=", "peer=("], [], ""),
    ("profile x {\n  network inet |\n}", ["stream", "dgram", "tcp", "icmp", "port="], ["inet6", "create"], ""),
    ("profile x {\n  network inet6 |\n}", ["tcp", "udp"], ["icmp"], ""),
    ("profile x {\n  network inet stream |\n}", ["ip=", "port=", "peer=("], ["tcp", "inet"], ""),
    ("profile x {\n  network (send |\n}", ["receive", "connect"], ["send", "inet"], ""),
    ("profile x {\n  network inet peer=(|\n}", ["ip=", "port=", "label="], ["interface="], ""),
    ("profile x {\n  unix |\n}", ["send", "type=", "addr=", "peer=("], ["label=", "protocol="], ""),
    ("profile x {\n  unix type=|\n}", ["stream", "dgram", "seqpacket"], [], ""),
    ("profile x {\n  unix peer=(|\n}", ["addr=", "label="], ["type="], ""),
    ("profile x {\n  unix peer=(label=|\n}", ["firefox"], [], ""),
    ("profile x {\n  signal |\n}", ["send", "receive", "set=", "peer="], ["peer=("], ""),
    ("profile x {\n  signal (|\n}", ["send", "receive"], ["set="], ""),
    ("profile x {\n  signal set=(hup |\n}", ["term", "kill", "usr1"], ["hup"], ""),
    ("profile x {\n  signal set=(hup, te|\n}", ["term"], [], "te"),
    ("profile x {\n  signal set=|\n}", ["term", "hup"], [], ""),
    ("profile x {\n  signal send set=term |\n}", ["peer="], ["set=", "send"], ""),
    ("profile x {\n  signal peer=|\n}", ["firefox"], [], ""),
    ("profile x {\n  ptrace |\n}", ["read", "trace", "readby", "tracedby", "peer="], ["set="], ""),
    ("profile x {\n  dbus |\n}", ["send", "bind", "bus=", "path=", "member=", "peer=("], ["label="], ""),
    ("profile x {\n  dbus send peer=(|\n}", ["name=", "label="], ["bus="], ""),
    ("profile x {\n  mount |\n}", ["options=", "fstype="], [], ""),
    ("profile x {\n  mount options=(ro, |\n}", ["nosuid", "bind", "rw"], ["ro"], ""),
    ("profile x {\n  remount options in (|\n}", ["nodev"], [], ""),
    ("profile x {\n  mqueue type=|\n}", ["posix", "sysv"], [], ""),
    ("profile x {\n  io_uring |\n}", ["sqpoll", "override_creds", "label="], [], ""),
    ("profile x {\n  userns |\n}", ["create"], [], ""),
    ("profile x {\n  pivot_root |\n}", ["oldroot="], [], ""),
    ("profile x {\n  change_profile |\n}", ["safe", "unsafe", "->"], [], ""),
    ("profile x {\n  change_profile -> |\n}", ["firefox"], [], ""),
    # Profile headers and flags.
    ("profile x flags=(comp|", ["complain", "enforce", "attach_disconnected", "kill.signal="], [], "comp"),
    ("/usr/bin/foo flags=(complain, |", ["enforce", "mediate_deleted", "error="], ["complain"], ""),
    ("/usr/bin/foo |", ["flags=("], [], ""),
    ("profile x {\n  ^hat |\n}", ["flags=("], [], ""),
    # Includes and variables.
    ("profile x {\n  include <|\n}", ["abstractions/", "tunables/"], [], ""),
    ("profile x {\n  include <abstractions/|\n}", ["base", "nameservice", "ubuntu-browsers.d/"], ["base.dpkg-old"], ""),
    ("profile x {\n  include <abstractions/na|\n}", ["nameservice"], [], "na"),
    ("profile x {\n  include if exists <tunables/|\n}", ["global", "home"], [], ""),
    ('include "|', ["local.inc"], [], ""),
    ("profile x {\n  include |\n}", ["if exists", "abstractions/"], [], ""),
    ("profile x {\n  @{HOME}/|\n}", [], ["capability"], "@{HOME}/"),
    ("profile x {\n  /a/@{|\n}", ["@{HOME}"], [], "@{"),
    ("profile x {\n  /a/@{HO|\n}", ["@{HOME}"], [], "@{HO"),
    ("@{LOCAL}=/x\nprofile x {\n  @|\n}", ["@{HOME}", "@{LOCAL}"], [], "@"),
    ("profile x {\n  if ${|\n}", ["${enabled}"], [], "${"),
    # Multi-line rules and forgotten commas.
    ("profile x {\n  dbus send\n       bus=session\n       |\n}", ["path=", "member=", "capability"], ["bus="], ""),
    ("profile x {\n  capability\n  |\n}", ["chown", "network"], [], ""),
    ("profile x {\n  /a/@{HO\n  signal set=(hup |\n}", ["term"], ["r"], ""),
    ("profile x {\n  signal set=(hup \n  /usr/bin/tool Px -> |\n}", ["firefox"], ["term"], ""),
    ("profile x {\n  mount options=(\n    remount, |\n}", ["nosuid"], [], ""),
]


@pytest.mark.parametrize(("marked", "wanted", "unwanted", "replaced"), CASES, ids=[case[0] for case in CASES])
def test_completion(marked: str, wanted: list[str], unwanted: list[str], replaced: str) -> None:
    """Ensure that the items valid at the cursor are offered, and replace the word being typed."""
    found = _complete(marked)
    assert found is not None
    labels, text = found
    assert [label for label in wanted if label not in labels] == []
    assert [label for label in unwanted if label in labels] == []
    assert text == replaced


@pytest.mark.parametrize(
    "marked",
    ["profile x {\n  # capability |\n}", 'profile x {\n  "/a |b" r,\n}', "# cap|"],
)
def test_nothing_in_comments_and_strings(marked: str) -> None:
    """Ensure that nothing is offered inside a comment or a quoted string."""
    assert _complete(marked) is None


def test_vocabularies_are_the_rule_kinds_own() -> None:
    """Ensure that capabilities, families and signals offered are exactly the model's."""
    capabilities = _complete("profile x {\n  capability |\n}")
    assert capabilities is not None and set(capabilities[0]) == set(CAPABILITIES)
    network = _complete("profile x {\n  network |\n}")
    assert network is not None and set(FAMILIES) <= set(network[0])
    signals = _complete("profile x {\n  signal set=(|\n}")
    assert signals is not None and set(signals[0]) == set(SIGNALS)


def test_environment_of_a_document_sees_past_its_profiles() -> None:
    """Ensure the cheap environment of a document has its variables, includes and profiles."""
    source = b"include <tunables/global>\n@{LOCAL}=/x\nprofile foo /usr/bin/foo {\n  /etc/@{LOCAL} r,\n  capability \n}\n"
    config = ResolveConfig(("/etc/apparmor.d",), "/work", FS)
    env = document_env("/etc/apparmor.d/foo", parse(source), config, profiles=("other",))
    assert {"HOME", "LOCAL", "profile_name"} <= set(env.variables)
    assert env.profiles == ("other", "foo")
    assert env.search_dirs == ("/etc/apparmor.d",) and env.fs is FS


def test_environment_from_a_resolution() -> None:
    """Ensure that variables of included tunables, builtins and profile names come from the resolution."""
    source = b"include <tunables/global>\nprofile foo /usr/bin/foo {\n  ^bar {\n  }\n}\n"
    parsed = parse(source)
    config = ResolveConfig(("/etc/apparmor.d",), "/work", FS)
    resolution = resolve("/etc/apparmor.d/foo", parsed, lower(parsed), config)
    env = completion_env(resolution, profiles=("other",), search_dirs=config.search_dirs, fs=FS)
    assert {"HOME", "HOMEDIRS", "profile_name", "exec_path"} <= set(env.variables)
    assert env.variables["HOMEDIRS"] == ("/home/",)
    assert env.profiles == ("other", "foo", "foo//bar")


def test_items_carry_explanations() -> None:
    """Ensure that vocabulary items carry the hover's explanation and a detail."""
    found = complete(parse(b"profile x {\n  capability \n}"), 25, ENV)
    assert found is not None
    item = next(item for item in found.items if item.label == "sys_admin")
    assert item.detail == "capability" and item.documentation and "mount" in item.documentation


SIGNATURE_CASES = [
    ("profile x {\n  signal (send, |\n}", "signal (PERMISSION ...)", 1, "`receive`"),
    ("profile x {\n  signal set=(hup term |\n}", "set=(SET ...)", 2, "`usr1`"),
    ("profile x flags=(complain, |", "flags=(FLAG, ...)", 1, "`attach_disconnected`"),
    ("profile x {\n  unix peer=(label=a |\n}", "peer=(NAME=VALUE ...)", 1, "`addr=`"),
    ("profile x {\n  mount options=(|\n}", "options=(OPTIONS ...)", 0, "`nosuid`"),
]


@pytest.mark.parametrize(("marked", "label", "entry", "mentions"), SIGNATURE_CASES, ids=[case[0] for case in SIGNATURE_CASES])
def test_signature_help(marked: str, label: str, entry: int, mentions: str) -> None:
    """Ensure that inside a list the signature says what it takes and which entry is typed."""
    offset = marked.index("|")
    source = (marked[:offset] + marked[offset + 1 :]).encode()
    found = signature_help(parse(source), offset, ENV)
    assert found is not None
    assert found.signature.label == label
    assert found.signature.label.endswith(found.signature.parameter + ")")
    assert found.active_entry == entry
    assert mentions in found.signature.documentation


@pytest.mark.parametrize("marked", ["profile x {\n  signal set=term |\n}", "profile x {\n  |\n}", "profile x {\n  dbus bus=(|\n}"])
def test_no_signature_outside_a_known_list(marked: str) -> None:
    """Ensure that there is no signature outside a list, or in a list of a conditional without one."""
    offset = marked.index("|")
    source = (marked[:offset] + marked[offset + 1 :]).encode()
    found = signature_help(parse(source), offset, ENV)
    if "dbus" in marked:
        assert found is not None and found.signature.label == "bus=(BUS ...)"
    else:
        assert found is None
