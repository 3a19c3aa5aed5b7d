"""The words an expert uses for what a log record says: masks, error codes, `info=` notes.

This module owns the vocabulary `armorsmith explain` speaks, as data: what each access
letter or word of a mask means, the Linux `errno` name of an `error=` code, what each
`info=` string the kernel (or dbus-daemon) writes means and what to do about it
(mediation.md §6, F2-F20), and what each capability is for (F8).  Everything here is a
pure lookup; unknown values get a sentence that quotes them instead of being dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CAPABILITY_NOTES",
    "INFO_NOTES",
    "InfoNote",
    "errno_text",
    "file_mask_words",
    "info_note",
    "mask_words",
]

_ERRNO: dict[int, tuple[str, str]] = {
    1: ("EPERM", "operation not permitted"),
    2: ("ENOENT", "no such file, directory or profile"),
    3: ("ESRCH", "no such process"),
    4: ("EINTR", "interrupted"),
    5: ("EIO", "input/output error"),
    9: ("EBADF", "bad file descriptor"),
    11: ("EAGAIN", "try again"),
    12: ("ENOMEM", "out of memory"),
    13: ("EACCES", "permission denied"),
    14: ("EFAULT", "bad address"),
    16: ("EBUSY", "busy"),
    17: ("EEXIST", "already exists"),
    18: ("EXDEV", "cross-device link"),
    20: ("ENOTDIR", "not a directory"),
    22: ("EINVAL", "invalid argument"),
    28: ("ENOSPC", "no space left"),
    30: ("EROFS", "read-only file system"),
    36: ("ENAMETOOLONG", "name too long"),
    38: ("ENOSYS", "not implemented"),
    61: ("ENODATA", "no data"),
    71: ("EPROTO", "protocol error: the policy blob could not be read"),
    74: ("EBADMSG", "bad message"),
    95: ("EOPNOTSUPP", "operation not supported"),
}
"""Linux errno numbers (records always come from Linux) and their meaning."""


def errno_text(code: int) -> str:
    """Return `error=-N` in words: `-13 (EACCES, permission denied)`.

    libapparmor keeps the number without its sign; the kernel always logs it negative.
    """
    number = abs(code)
    known = _ERRNO.get(number)
    if known is None:
        return f"-{number} (errno {number})"
    return f"-{number} ({known[0]}, {known[1]})"


_FILE_LETTERS: dict[str, str] = {
    "r": "read",
    "w": "write",
    "a": "append",
    "c": "create",
    "d": "delete",
    "x": "execute",
    "m": "map as executable",
    "k": "lock",
    "l": "link",
    "i": "inherit-execute",
    "u": "unconfined-execute",
    "p": "profile-execute",
    "I": "inherit-execute",
    "U": "unconfined-execute",
    "P": "profile-execute",
}
"""Each letter of a file mask (kernel bit order `xwracd km l`, old exec letters upper case)."""


def file_mask_words(mask: str) -> list[str]:
    """Return the words for the letters of a file mask, in the order they are written.

    An old owner/other split (`r::`, `::w`) reads as the owner's and the others' letters.
    Letters the kernel never writes are quoted rather than dropped.
    """
    parts: tuple[tuple[str, str], ...] = ((mask, ""),)
    if "::" in mask:
        owner, other = mask.split("::", 1)
        parts = ((owner, " (as the owner)"), (other, " (as another user)"))
    words: list[str] = []
    for letters, whose in parts:
        for letter in letters:
            text = _FILE_LETTERS.get(letter, f"'{letter}'") + whose
            if text not in words:
                words.append(text)
    return words


_WORD_MEANINGS: dict[str, str] = {
    "send": "send",
    "receive": "receive",
    "create": "create",
    "bind": "bind",
    "connect": "connect",
    "listen": "listen",
    "accept": "accept",
    "getattr": "read the attributes of",
    "setattr": "change the attributes of",
    "getopt": "read the options of",
    "setopt": "set the options of",
    "shutdown": "shut down",
    "read": "read",
    "write": "write",
    "open": "open",
    "delete": "delete",
    "readby": "be read by",
    "trace": "trace",
    "tracedby": "be traced by",
    "eavesdrop": "eavesdrop on",
    "userns_create": "create a user namespace",
    "sqpoll": "create an io_uring polling thread (sqpoll)",
    "override_creds": "run io_uring work with other credentials (override_creds)",
}
"""The access words of network, unix, signal, ptrace, dbus, mqueue, userns and io_uring masks."""


def mask_words(mask: str, file_like: bool) -> list[str]:
    """Return the words a mask stands for.

    File masks are letters (`rw`, `wc`, `mrIx`); the other classes write words separated
    by blanks (`send receive`).  A mask with blanks, or one that is a known word, reads as
    words even on a file record (inherited sockets are logged with socket words).
    """
    text = mask.strip()
    if not text:
        return []
    if file_like and " " not in text and text not in _WORD_MEANINGS:
        return file_mask_words(text)
    return [_WORD_MEANINGS.get(word, word) for word in text.split()]


@dataclass(frozen=True, slots=True)
class InfoNote:
    """What one `info=` string means and what to do.

    `still_fails` is True when the operation failed even if the record says ALLOWED
    (complain mode cannot override it); `flag` is the profile flag that fixes it, when
    one does; `no_rule` is True when adding an ordinary rule to the profile cannot help.
    """

    meaning: str
    advice: str
    still_fails: bool = False
    flag: str | None = None
    no_rule: bool = False


INFO_NOTES: dict[str, InfoNote] = {
    "Failed name lookup - disconnected path": InfoNote(
        "The object has no path reachable from the task's root: it lives in another mount "
        "namespace (a service started by systemd with ProtectHome=, PrivateTmp= and the like, a "
        "container, a descriptor passed between namespaces) or predates a pivot_root, so the "
        "kernel could only name it relative to its own mount (no leading `/`) or not at all.",
        "the flag re-roots such objects at `/`, so that an ordinary rule (with the leading `/`) "
        "matches them; it has a security caveat "
        "(https://gitlab.com/apparmor/apparmor/-/issues/125). `attach_disconnected.path=` "
        "re-roots them under a prefix instead. Running both tasks in the same mount namespace "
        "avoids the problem.",
        still_fails=True,
        flag="attach_disconnected",
        no_rule=True,
    ),
    "Failed name lookup - disconnected IPC path": InfoNote(
        "The IPC object (a message queue) has no path reachable from the task's root: it "
        "belongs to another IPC or mount namespace.",
        "the flag (or `attach_disconnected`) gives the object a name a rule can match.",
        still_fails=True,
        flag="attach_disconnected.ipc",
        no_rule=True,
    ),
    "Failed name lookup - deleted entry": InfoNote(
        "The file was already deleted (an O_TMPFILE file named `#<inode>`, a program re-executing "
        "its own deleted binary, a file published with linkat), so it has no name to match.",
        "the flag mediates deleted files by the name they had, so that an ordinary rule applies.",
        still_fails=True,
        flag="mediate_deleted",
        no_rule=True,
    ),
    "Failed name lookup - name too long": InfoNote(
        "The path is longer than the kernel's buffer, so it could not be named.",
        "No rule can match it; shorten the path.",
        still_fails=True,
        no_rule=True,
    ),
    "profile transition not found": InfoNote(
        "The profile has an exec rule for this program that transitions to another profile "
        "(`Px`, `Cx` or `-> name`), but no such profile or child is loaded, so the exec fails, "
        "even in complain mode.",
        "Load (or write) the target profile, or the child profile, or change the exec rule to "
        "`pix`/`cix` so that the program runs under the current profile when the target is "
        "missing; adding another rule does not help.",
        still_fails=True,
        no_rule=True,
    ),
    "no new privs": InfoNote(
        "The task has no_new_privs set (systemd `NoNewPrivileges=`, a seccomp filter, bwrap, "
        "snap-confine ...): the kernel only lets it move to a profile that confines it at least "
        "as much as before, and this transition does not, so it fails even in complain mode.",
        "No rule can allow this transition. Run the program under the same profile (`ix`), or "
        "stack the new profile on the current one so that the result is a subset, e.g. "
        "`/path Px -> &@{profile_name},` or `Pux -> &...`; or drop no_new_privs from the caller.",
        still_fails=True,
        no_rule=True,
    ),
    "ix fallback": InfoNote(
        "The exec rule is `pix` or `cix` and no profile attaches to the program, so it kept "
        "running under the current profile.",
        "Nothing fails; if the program should have its own profile, load one that attaches to it.",
    ),
    "ux fallback": InfoNote(
        "The exec rule is `pux` or `cux` and no profile attaches to the program, so it runs "
        "unconfined.",
        "Nothing fails; load a profile for the program if it should be confined.",
    ),
    "ptrace prevents transition": InfoNote(
        "The task is being traced (a debugger, strace) and the tracer's profile may not trace "
        "the profile the exec would move the task to, so the exec fails.",
        "Allow the tracer `ptrace (trace) peer=<new profile>,` (and the new profile `ptrace "
        "(tracedby)`), or stop tracing the program.",
        still_fails=True,
        no_rule=True,
    ),
    "conflicting profile attachments": InfoNote(
        "Two or more profiles attach to this program equally well (same literal prefix, same "
        "extended attributes), so the kernel cannot pick one and refuses the exec.",
        "Make one attachment more specific, remove the duplicate profile, or name the target "
        "in the exec rule (`Px -> name`).",
        still_fails=True,
        no_rule=True,
    ),
    "label not found": InfoNote(
        "The task asked to change to a profile (change_profile, change_onexec: systemd "
        "`AppArmorProfile=`, `aa-exec -p`) that is not loaded.",
        "Load the profile it names, or stop asking for it; a rule in the caller cannot help.",
        still_fails=True,
        no_rule=True,
    ),
    "no change_onexec valid for executable": InfoNote(
        "The task asked to switch profiles at its next exec, but its profile's change_profile "
        "rules do not allow that switch for this program.",
        "Add the matching `change_profile -> target,` rule (with the executable condition) to "
        "the caller's profile.",
    ),
    "change_profile onexec": InfoNote(
        "The exec followed an earlier change_onexec request instead of the profile's exec rules.",
        "Nothing to do unless the switch itself is unwanted.",
    ),
    "change_profile unprivileged unconfined converted to stacking": InfoNote(
        "An unprivileged unconfined task (for example `aa-exec -p` run by a user) asked to change "
        "profile; the kernel stacked the profile on top of unconfined instead of replacing it.",
        "Nothing fails; the records that follow are checked by the stacked profile.",
    ),
    "unconfined can not change_hat": InfoNote(
        "An unconfined task called change_hat (for example apache's mod_apparmor with no profile "
        "for apache); hats exist only inside a profile.",
        "Load the profile (with its hats) for the program, or disable the module that calls "
        "change_hat; no rule in any profile is missing.",
        no_rule=True,
    ),
    "unconfined": InfoNote(
        "The task is unconfined, so it has no hats to change to.",
        "Load a profile with the hats for the program; no rule is missing.",
        no_rule=True,
    ),
    "hat not found": InfoNote(
        "The profile has no hat of the requested name.",
        "Add the hat `^name { }` to the profile.",
    ),
    "no hats defined": InfoNote(
        "change_hat was called, but the profile has no hats at all.",
        "Add the hats the program uses to its profile.",
    ),
    "target not hat": InfoNote(
        "change_hat named a child profile that is not a hat.",
        "Declare the child as a hat (`^name` or `hat name`).",
    ),
    "conflicting target types": InfoNote(
        "change_hat named a mix of hats and other profiles.",
        "Name only hats in the change_hat call.",
    ),
    "Userns create - transitioning profile": InfoNote(
        "An unprivileged task created a user namespace; the kernel moved it to the "
        "`unprivileged_userns` profile (Ubuntu's restriction), which limits what it can do there.",
        "Nothing fails yet; if the program needs full rights inside the namespace, give it a "
        "profile with `userns,`.",
    ),
    "Userns create restricted - failed to find unprivileged_userns profile": InfoNote(
        "Ubuntu restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1): "
        "an unconfined task may only create one by moving to the `unprivileged_userns` profile, "
        "which is not loaded.",
        "Give the program a profile that allows it, e.g. `profile name /path/to/program "
        "flags=(unconfined) { userns, }`, load the `unprivileged_userns` profile, or set the "
        "sysctl kernel.apparmor_restrict_unprivileged_userns=0.",
        still_fails=True,
        no_rule=True,
    ),
    "failed mntpnt match": InfoNote(
        "No mount rule allows this mount point.",
        "Add a mount rule for this mount point (`-> /mountpoint/`) with the logged options and "
        "file system type.",
    ),
    "failed flags match": InfoNote(
        "A mount rule matches the mount point, but not these mount options.",
        "Add the logged options to the mount rule (`options=(...)`).",
    ),
    "failed srcname match": InfoNote(
        "A mount rule matches the mount point, but not the source (also logged for propagation "
        "changes such as rprivate, which have no source).",
        "Add the logged source to the mount rule, or a rule without a source for propagation changes.",
    ),
    "failed type match": InfoNote(
        "A mount rule matches the mount point, but not the file system type.",
        "Add the logged `fstype=` to the mount rule.",
    ),
    "failed remote addr match": InfoNote(
        "A network rule allows the socket, but not this peer address or port.",
        "Widen the rule's `peer=(ip=... port=...)` or add a rule for this peer.",
    ),
    "failed cmd selection match": InfoNote(
        "A network rule allows the socket, but not this operation.",
        "Add the logged access (`bind`, `connect`, ...) to the network rule.",
    ),
    "failed protocol match": InfoNote(
        "No network rule allows this protocol. On policy ABIs since 4.0, `network,` no longer "
        "covers unix sockets, which need `unix` rules.",
        "Add a rule for this family and protocol (for unix sockets a `unix` rule), or pin the "
        "profile to an older ABI with `abi <abi/3.0>,`.",
    ),
    "failed type and protocol match": InfoNote(
        "No network rule allows this socket type and protocol.",
        "Add a network rule for the logged family, type and protocol.",
    ),
    "same as current profile, skipping": InfoNote(
        "The profile was loaded again unchanged, so the kernel kept the loaded copy.",
        "Nothing to do.",
    ),
    "failed to unpack profile": InfoNote(
        "The kernel could not read the compiled policy it was given (usually apparmor_parser "
        "compiled for features this kernel does not have, or a corrupt cache).",
        "Recompile the policy for this kernel (clear the policy cache, check the parser's "
        "features file); the offset says where the blob went wrong.",
        no_rule=True,
    ),
    "AppArmor Filesystem Enabled": InfoNote(
        "AppArmor started and its securityfs interface is ready.",
        "Nothing to do.",
    ),
}
"""The `info=` strings of the kernel and dbus-daemon, keyed as written."""


def info_note(info: str) -> InfoNote | None:
    """Return the note for an `info=` string (also for an unknown suffix after a known one)."""
    note = INFO_NOTES.get(info)
    if note is not None:
        return note
    for key, known in INFO_NOTES.items():
        if info.startswith(key):
            return known
    return None


CAPABILITY_NOTES: dict[str, str] = {
    "chown": "change the owner of files",
    "dac_override": "bypass file permission bits (read, write and execute) of files owned by others",
    "dac_read_search": "bypass read and search permission bits of files and directories owned by others",
    "fowner": "act on files it does not own as if it owned them (chmod, utime ...)",
    "fsetid": "keep set-user-ID and set-group-ID bits when changing a file",
    "kill": "send signals to processes of other users",
    "setgid": "change its group IDs",
    "setuid": "change its user IDs",
    "setpcap": "change capability sets",
    "net_bind_service": "bind to ports below 1024",
    "net_broadcast": "send broadcasts",
    "net_admin": "configure networking (interfaces, routes, firewall, socket options)",
    "net_raw": "use raw and packet sockets (ping, DHCP clients)",
    "ipc_lock": "lock memory (mlock)",
    "ipc_owner": "bypass System V IPC permission checks",
    "sys_module": "load kernel modules (often only a probe, e.g. by `ip` asking for a module)",
    "sys_rawio": "do raw I/O (iopl, /dev/mem)",
    "sys_chroot": "call chroot",
    "sys_ptrace": "trace or inspect processes of other users",
    "sys_pacct": "configure process accounting",
    "sys_admin": "do a wide range of administration (mount, setns, namespaces, device ioctls)",
    "sys_boot": "reboot",
    "sys_nice": "raise priorities and change scheduling of processes",
    "sys_resource": "exceed resource limits",
    "sys_time": "set the clock",
    "sys_tty_config": "configure terminals",
    "mknod": "create device files",
    "lease": "take file leases",
    "audit_write": "write to the audit log",
    "audit_control": "configure auditing",
    "audit_read": "read the audit log",
    "setfcap": "set file capabilities",
    "mac_override": "override mandatory access control",
    "mac_admin": "configure mandatory access control (load AppArmor policy)",
    "syslog": "read or configure the kernel log",
    "wake_alarm": "set wake-up alarms",
    "block_suspend": "block system suspend",
    "perfmon": "use performance monitoring (perf events)",
    "bpf": "use BPF",
    "checkpoint_restore": "checkpoint and restore processes",
    "linux_immutable": "set immutable and append-only file attributes",
}
"""What each capability lets a task do (capabilities(7))."""
