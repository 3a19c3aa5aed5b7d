"""What a record asked for, in words, and the notes an expert adds for its class.

`describe_request` turns a record into the phrase of `armorsmith explain`'s summary
("asked to read `/etc/passwd` (open)") and the sentences that spell out the request: masks
translated (`requested_mask="r"` is read, `c` is create), exec targets, network family,
type and protocol, signals, ptrace directions, D-Bus messages, mounts.  `kind_notes` adds
what an expert would point out for the class (mediation.md §6): create and delete are
`w` in policy and a trailing `/` is a directory (F11), requested versus denied masks
(F10), sockets bound to a path are files (F15), interpreters read by a script's profile
(F18), capability checks come after the ordinary ones and are de-duplicated (F8, F20),
D-Bus records come from the bus daemon (F13), `owner` and id-mapped containers.
"""

from __future__ import annotations

import re

from armorsmith.model import LogRecord

from .explain_terms import CAPABILITY_NOTES, mask_words

__all__ = ["describe_request", "kind_notes"]


def _code(text: str) -> str:
    return f"`{text}`"


def _join(words: list[str]) -> str:
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _mask(record: LogRecord) -> str:
    """The mask that was refused (the requested one when the record has no denied mask)."""
    return record.denied_mask or record.requested_mask or ""


_FILE_OPERATION_WORDS = {
    "file_mmap": "mapping it into memory",
    "file_mprotect": "changing its memory protection",
    "getattr": "reading its attributes (stat)",
    "setattr": "changing its attributes",
    "chmod": "changing its mode (chmod)",
    "chown": "changing its owner (chown)",
    "truncate": "truncating it",
    "rename_src": "renaming it",
    "rename_dest": "renaming something to it",
    "unlink": "deleting it",
    "rmdir": "removing the directory",
    "mkdir": "creating the directory",
    "mknod": "creating it",
    "symlink": "creating a symbolic link",
    "link": "creating a hard link",
    "connect": "connecting to the socket bound at this path",
    "sendmsg": "sending to the socket bound at this path",
    "bind": "binding a socket to this path",
}


def _file(record: LogRecord) -> tuple[str, list[str]]:
    words = mask_words(_mask(record), True)
    name = record.name if record.name is not None else ""
    obj = _code(name) if name else "an object with no name"
    operation = record.operation or "access"
    how = _FILE_OPERATION_WORDS.get(operation)
    if words:
        what = f"asked to {_join(words)} {obj} ({operation})"
    else:
        what = f"asked for `{operation}` on {obj}"
    details = []
    if how is not None:
        details.append(f"Operation `{operation}`: {how}.")
    if record.name2 and operation in ("link", "symlink", "rename_src", "rename_dest"):
        details.append(f"The other name involved is `{record.name2}`.")
    return what, details


def _exec(record: LogRecord) -> tuple[str, list[str]]:
    name = record.name or "?"
    what = f"asked to execute `{name}`"
    details = []
    target = record.name2
    if target:
        if "//null-" in target:
            details.append(
                f"The exec went into the learning profile `{target}`: the profile is in complain mode "
                "and has no exec rule for the program, so the kernel let it run in a rule-less child "
                "that records everything it does."
            )
        else:
            details.append(f"The exec was to move the task to the profile `{target}`.")
    elif record.info is None and record.event == "AA_RECORD_DENIED":
        details.append(
            "The record names no target: the profile has no exec rule for this program, so the exec "
            "was refused (in complain mode it would have run in a learning profile)."
        )
    return what, details


def _capability(record: LogRecord) -> tuple[str, list[str]]:
    name = (record.name or "?").lower()
    meaning = CAPABILITY_NOTES.get(name)
    what = f"asked to use the capability `{name}`"
    details = [f"`{name}` lets a task {meaning}."] if meaning else []
    return what, details


_PROTOCOL_NUMBERS = {"1": "icmp", "6": "tcp", "17": "udp", "58": "icmpv6", "132": "sctp", "0": "default"}
_NETLINK_PROTOCOLS = {
    "0": "route (NETLINK_ROUTE)",
    "9": "audit (NETLINK_AUDIT)",
    "15": "kobject uevent (NETLINK_KOBJECT_UEVENT)",
    "16": "generic (NETLINK_GENERIC)",
}


def _protocol(record: LogRecord) -> str | None:
    protocol = record.net_protocol
    if protocol is None:
        return None
    unknown = re.fullmatch(r"unknown\((\d+)\)", protocol)
    if unknown is not None:
        protocol = unknown.group(1)
    if record.net_family == "netlink":
        return _NETLINK_PROTOCOLS.get(protocol, f"netlink protocol {protocol}")
    if record.net_family == "packet" and protocol == "768":
        return "all Ethernet protocols (ETH_P_ALL)"
    return _PROTOCOL_NUMBERS.get(protocol, protocol)


def _network(record: LogRecord) -> tuple[str, list[str]]:
    words = mask_words(_mask(record), False)
    family = record.net_family or "unknown-family"
    sock = record.net_sock_type or ""
    socket = " ".join(part for part in (family, sock) if part) + " socket"
    protocol = _protocol(record)
    if protocol and protocol != "default":
        socket += f" ({protocol})"
    action = _join(words) if words else f"use ({record.operation or 'a socket operation'})"
    what = f"asked to {action} on an {socket}" if socket[0] in "aeiou" else f"asked to {action} on a {socket}"
    details = []
    local = _endpoint(record.net_local_addr, record.net_local_port)
    remote = _endpoint(record.net_foreign_addr, record.net_foreign_port)
    if local:
        details.append(f"Local end: {local}.")
    if remote:
        details.append(f"Remote end: {remote}.")
    if record.operation and record.operation != "file_inherit" and record.operation not in (record.requested_mask or ""):
        details.append(f"Operation `{record.operation}`.")
    return what, details


def _endpoint(addr: str | None, port: int | None) -> str:
    parts = []
    if addr and addr not in ("none", "?"):
        parts.append(f"address {addr}")
    if port is not None:
        parts.append(f"port {port}")
    return ", ".join(parts)


def _unix(record: LogRecord) -> tuple[str, list[str]]:
    words = mask_words(_mask(record), False)
    sock = record.net_sock_type or ""
    action = _join(words) if words else f"use ({record.operation or 'a socket operation'})"
    what = f"asked to {action} on a unix {sock} socket".replace("  ", " ")
    details = []
    if record.net_addr and record.net_addr not in ("none", "?"):
        details.append(f"Its address: `{record.net_addr}` (`@` = abstract socket).")
    elif record.net_addr == "none":
        details.append("The socket has no address of its own (anonymous).")
    if record.peer_addr and record.peer_addr not in ("none", "?"):
        details.append(f"The other end's address: `{record.peer_addr}`.")
    if record.peer:
        details.append(f"The other end is confined by `{record.peer}`.")
    return what, details


def _signal(record: LogRecord) -> tuple[str, list[str]]:
    mask = _mask(record)
    signal = record.signal or "a signal"
    peer = record.peer or "?"
    if "receive" in mask.split():
        return f"asked to receive the signal `{signal}` from `{peer}`", []
    return f"asked to send the signal `{signal}` to `{peer}`", []


_PTRACE = {
    "trace": "asked to trace (attach to) `{peer}`",
    "tracedby": "asked to be traced by `{peer}`",
    "read": "asked to read the state of `{peer}` (/proc/<pid>/..., kcmp, perf)",
    "readby": "asked to have its state read by `{peer}`",
}


def _ptrace(record: LogRecord) -> tuple[str, list[str]]:
    words = _mask(record).split()
    peer = record.peer or "?"
    phrases = [_PTRACE[word].format(peer=peer) for word in words if word in _PTRACE]
    if not phrases:
        return f"asked for ptrace `{_mask(record)}` on `{peer}`", []
    return " and ".join(phrases), []


def _dbus(record: LogRecord) -> tuple[str, list[str]]:
    mask = _mask(record)
    bus = record.dbus_bus or "?"
    details = []
    if mask == "bind":
        return f"asked to own the name `{record.name}` on the {bus} bus", details
    if mask == "eavesdrop":
        return f"asked to eavesdrop on the {bus} bus", details
    member = ".".join(part for part in (record.dbus_interface, record.dbus_member) if part) or "a message"
    path = f" on `{record.dbus_path}`" if record.dbus_path else ""
    peer = record.peer_profile
    if mask == "receive":
        what = f"asked to receive `{member}`{path} on the {bus} bus"
        if peer:
            what += f" from `{peer}`"
    else:
        what = f"asked to send `{member}`{path} on the {bus} bus"
        if record.name:
            what += f" to `{record.name}`"
        if peer:
            what += f" (confined by `{peer}`)"
    if mask != "receive" and record.name and record.name.startswith(":"):
        details.append(
            f"`{record.name}` is a unique connection name, which changes with every connection: a rule "
            "naming the well-known name (`peer=(name=...)`) does not match messages sent to it; match the "
            "peer by its label instead."
        )
    return what, details


def _mount(record: LogRecord) -> tuple[str, list[str]]:
    operation = record.operation or "mount"
    name = record.name or "?"
    if operation == "umount":
        return f"asked to unmount `{name}`", []
    parts = []
    if record.src_name:
        parts.append(f"`{record.src_name}`")
    what = f"asked to {operation} " + (parts[0] + " on " if parts else "") + f"`{name}`"
    details = []
    if record.fs_type:
        details.append(f"File system type: `{record.fs_type}`.")
    if record.flags:
        details.append(f"Options: `{record.flags}`.")
    return what, details


def _pivot_root(record: LogRecord) -> tuple[str, list[str]]:
    what = f"asked to pivot_root to `{record.name or '?'}`"
    if record.src_name:
        what += f", putting the old root at `{record.src_name}`"
    return what, []


def _change_profile(record: LogRecord) -> tuple[str, list[str]]:
    target = record.name2 or record.name or "?"
    when = "at its next exec" if record.operation == "change_onexec" else "now"
    return f"asked to change to the profile `{target}` {when} ({record.operation})", []


def _change_hat(record: LogRecord) -> tuple[str, list[str]]:
    target = record.name2 or record.name
    if target:
        return f"asked to change to the hat `{target}`", []
    return "asked to change hat", []


def _userns(record: LogRecord) -> tuple[str, list[str]]:
    details = []
    if record.execpath:
        details.append(f"The program was `{record.execpath}`.")
    if record.name2:
        details.append(f"The kernel looked for the profile `{record.name2}`.")
    return "asked to create a user namespace", details


def _io_uring(record: LogRecord) -> tuple[str, list[str]]:
    words = mask_words(_mask(record), False)
    what = f"asked to {_join(words) or 'use io_uring'}"
    details = [f"The credentials belong to `{record.peer}`."] if record.peer else []
    return what, details


def _mqueue(record: LogRecord) -> tuple[str, list[str]]:
    words = mask_words(_mask(record), False)
    kind = (record.class_ or "posix_mqueue").split("_", 1)[0]
    name = f" `{record.name}`" if record.name else ""
    return f"asked to {_join(words) or record.operation or 'use'} the {kind} message queue{name}", []


_STATUS = {
    "profile_load": "loaded the profile `{name}`",
    "profile_replace": "replaced the profile `{name}`",
    "profile_remove": "removed the profile `{name}`",
}


def _status(record: LogRecord) -> tuple[str, list[str]]:
    operation = record.operation or "status"
    phrase = _STATUS.get(operation)
    if phrase is not None and record.name:
        return phrase.format(name=record.name), []
    return f"reported `{operation}`", []


def _other(record: LogRecord) -> tuple[str, list[str]]:
    operation = record.operation or "an operation"
    return f"did `{operation}`", []


_DESCRIBE = {
    "file": _file,
    "exec": _exec,
    "capability": _capability,
    "network": _network,
    "unix": _unix,
    "signal": _signal,
    "ptrace": _ptrace,
    "dbus": _dbus,
    "mount": _mount,
    "pivot_root": _pivot_root,
    "change_profile": _change_profile,
    "change_hat": _change_hat,
    "userns": _userns,
    "io_uring": _io_uring,
    "mqueue": _mqueue,
    "status": _status,
}


def describe_request(record: LogRecord, kind: str) -> tuple[str, list[str]]:
    """Return the summary phrase of what the record asked for, and sentences spelling it out."""
    return _DESCRIBE.get(kind, _other)(record)


_INTERPRETER = re.compile(
    r"(^|/)(perl[0-9.]*|python[0-9.]*|ruby[0-9.]*|bash|dash|sh|zsh|ksh|php[0-9.]*|node|lua[0-9.]*|tclsh[0-9.]*)$"
)
_ID_MAP_BASE = 65536


def _file_notes(record: LogRecord) -> list[str]:
    notes = []
    mask = _mask(record)
    name = record.name or ""
    operation = record.operation or ""
    letters = set(mask.replace("::", ""))
    if letters & {"c", "d"}:
        notes.append(
            "Policy has no `c` (create) or `d` (delete) permission: both are granted by `w`, which also "
            "covers write, append, truncate and changing metadata."
        )
    if operation in ("chmod", "chown", "setattr") and "w" in letters:
        notes.append("Changing mode, owner or other metadata is part of `w` in policy.")
    if operation == "getattr":
        notes.append("Reading attributes (stat) is logged and granted as `r`.")
    if name.endswith("/") and len(name) > 1:
        notes.append(
            f"The name ends in `/`: it is a directory, and a rule for it needs the trailing slash "
            f"(`{name} ...`); `{name}**` does not cover the directory itself, nor does `{name.rstrip('/')}`."
        )
    if "m" in letters and operation in ("file_mmap", "file_mprotect"):
        notes.append("`m` is mapping the file as executable code, as the dynamic loader does with libraries.")
    if "x" in letters and operation != "exec" and len(letters - {"x"}) > 0:
        notes.append("The `x` here comes with other letters; only an exec needs an exec rule.")
    if operation == "file_mmap" and letters == {"r"} and _INTERPRETER.search(name):
        notes.append(
            f"`{name}` is an interpreter, read (not mapped as code) under `{record.profile}`: the profile is "
            "attached to a script, and the kernel checks that the script's profile may read the interpreter "
            f"that runs it; it needs `{name} r,` (and `r` on the script)."
        )
    if operation == "open" and record.comm and _INTERPRETER.search("/" + record.comm) and name.endswith((".sh", ".pl", ".py")):
        notes.append(
            f"`{record.comm}` reading a script: `sh script` reads the script, it never executes it, so exec "
            "rules for the script do not apply."
        )
    if operation in ("connect", "sendmsg", "bind") and not record.net_family:
        path = name if name.startswith("/") else "/" + name
        notes.append(
            f"A socket bound to a path (`{path}`) is mediated as a file: it needs a file rule (`{path} rw,` "
            "to connect, `w` to send), not a `unix` or `network` rule."
        )
    if name and not name.startswith("/") and not record.info and (record.name or "").strip("/") != "apparmor/.null":
        notes.append(
            f"`{name}` has no leading `/`: the object has no path reachable from the task's root "
            "(another mount namespace), which `flags=(attach_disconnected)` handles."
        )
    if name.startswith("/var/lib/snapd/hostfs/"):
        notes.append(
            "`/var/lib/snapd/hostfs/` is how a snap sees the host's file system: paths are logged as the "
            "task sees them, from its own mount namespace."
        )
    notes += _owner_notes(record)
    return notes


def _owner_notes(record: LogRecord) -> list[str]:
    if record.fsuid is None or record.ouid is None:
        return []
    if record.fsuid == record.ouid:
        return [f"The task's fsuid is the file's owner ({record.fsuid}), so an `owner` rule covers this."]
    if record.fsuid >= _ID_MAP_BASE and record.ouid < _ID_MAP_BASE:
        return [
            f"fsuid={record.fsuid} and ouid={record.ouid} look like ids from different user namespaces "
            "(an id-mapped container): the kernel may compare them unshifted, so `owner` rules can fail "
            "here although the container's user owns the file."
        ]
    return []


def _mask_difference(record: LogRecord, file_like: bool) -> list[str]:
    requested, denied = record.requested_mask, record.denied_mask
    if not requested or not denied or requested.strip() == denied.strip():
        return []
    asked = mask_words(requested, file_like)
    refused = mask_words(denied, file_like)
    if asked == refused:
        return []
    verb = "was" if len(refused) == 1 else "were"
    return [
        f"It asked for {_join(asked)}; only {_join(refused)} {verb} refused. A rule needs only the refused "
        "part, but granting the whole request avoids another round of denials."
    ]


def _capability_notes(record: LogRecord) -> list[str]:
    name = (record.name or "").lower()
    notes = [
        "AppArmor is asked about a capability only after the ordinary permission check failed and the "
        "task holds the capability; both must allow it, and AppArmor cannot grant a capability the task "
        "does not have. Repeats are cached per CPU, so one record may stand for many attempts."
    ]
    if name in ("dac_override", "dac_read_search"):
        notes.append(
            f"`{name}` usually means a privileged task touched a file whose owner or mode bits refuse it "
            "(another user's file, a directory with mode 0700 or 000). Often the real fix is the file's "
            "ownership or running as the right user; when the program only probes (access(2), stat), a "
            f"silent `deny capability {name},` is common. It never overrides AppArmor's own file rules."
        )
    elif name == "sys_ptrace":
        notes.append("`sys_ptrace` usually comes with reading another user's process (`ptrace read`).")
    elif name == "sys_module":
        notes.append(
            "`sys_module` is often only a probe (`ip` asking the kernel to load a module); "
            "`deny capability sys_module,` silences it."
        )
    elif name in ("net_admin", "perfmon"):
        notes.append(f"`{name}` is frequently a harmless probe; check whether the program works without it.")
    elif name == "sys_admin":
        notes.append("`sys_admin` is very broad; try to find the narrower operation behind it before granting it.")
    elif name == "kill":
        notes.append("A kill across users needs `capability kill,`; same-user signals need only `signal` rules.")
    return notes


_DBUS_NOTES = [
        "D-Bus records come from the bus daemon (dbus-daemon or dbus-broker, audit type USER_AVC 1107), "
        "not from the kernel; the daemon asks AppArmor about both ends of each message."
]


def _mount_notes(record: LogRecord, kind: str) -> list[str]:
    if kind == "pivot_root":
        return ["`mount,` does not cover pivot_root: it needs a `pivot_root` rule."]
    if record.operation == "umount":
        return ["`mount,` does not cover unmounting: it needs an `umount` rule."]
    return ["`mount,` rules do not cover `umount` or `pivot_root`, which have rules of their own."]


def _mqueue_notes(record: LogRecord) -> list[str]:
    if record.operation == "unlink" and "getattr" in _mask(record):
        return [
            "The operation says `unlink` but the request is `getattr`: older kernels named this access "
            "wrongly (fixed upstream); the rule needs `getattr`."
        ]
    return []


def _userns_notes(record: LogRecord) -> list[str]:
    if record.profile == "unconfined":
        return [
            "The task is unconfined: the restriction on unprivileged user namespaces (Ubuntu's "
            "kernel.apparmor_restrict_unprivileged_userns) applies to tasks without a profile."
        ]
    return ["A user namespace needs `userns,` (or `userns create,`) in the profile."]


def _status_notes(record: LogRecord) -> list[str]:
    notes = []
    if record.profile == "unconfined" or (record.profile or "").endswith(":unconfined"):
        notes.append(
            "The subject of a STATUS record is the task that loaded the policy (usually apparmor_parser); "
            "a label ending in `:unconfined` is a loader inside a container's policy namespace."
        )
    return notes


def kind_notes(record: LogRecord, kind: str) -> list[str]:
    """Return what an expert adds for a record of this class."""
    if kind == "file":
        return _file_notes(record) + _mask_difference(record, True)
    if kind == "capability":
        return _capability_notes(record)
    if kind in ("network", "unix", "mqueue", "io_uring", "userns"):
        extra = _mqueue_notes(record) if kind == "mqueue" else _userns_notes(record) if kind == "userns" else []
        return extra + _mask_difference(record, False)
    if kind == "dbus":
        return list(_DBUS_NOTES)
    if kind in ("mount", "pivot_root"):
        return _mount_notes(record, kind)
    if kind == "status":
        return _status_notes(record)
    return []
