"""Explaining log records without a policy: what happened, why, and what to change.

This module owns the reading `armorsmith explain` gives every record before it looks at a
policy (mediation.md §6, F1-F20):

- `group_records` folds repeated records of one access into one `RecordGroup` (the same
  profile, operation, object, masks, `info=` and peer; pids and times may differ);
- `kind_of` says which mediation class a record belongs to, in aa-logprof's order;
- `LogContext` indexes the whole log, so one record can point at another: the
  `file_inherit` record behind a later `apparmor/.null` record (F2), the other half of a
  cross-check (F12), the exec that started a learning profile (§5);
- `read_group` returns a `Reading`: the outcome, which profile confined the task and why
  that can differ from `comm` (F1), what was asked and refused, what `info=` and
  `error=` mean, the other half of a cross-check, and what to change (`fix_profile`,
  `fix_flags`, and the rule from the record as the kind's `from_event` builds it).

The policy-aware part (which rule or exec transition led here) is `armorsmith.ide.explain`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from armorsmith.engine import Label, mirror_request, parse_label, parse_request
from armorsmith.model import LogRecord, Rule
from armorsmith.model.rules.capability import CapabilityRule
from armorsmith.model.rules.change_profile import ChangeProfileRule
from armorsmith.model.rules.dbus import DbusRule
from armorsmith.model.rules.file import FileRule, LinkRule
from armorsmith.model.rules.io_uring import IoUringRule
from armorsmith.model.rules.mount import MountRule
from armorsmith.model.rules.mqueue import MqueueRule
from armorsmith.model.rules.network import NetworkRule
from armorsmith.model.rules.pivot_root import PivotRootRule
from armorsmith.model.rules.ptrace import PtraceRule
from armorsmith.model.rules.signal import SignalRule
from armorsmith.model.rules.unix import UnixRule
from armorsmith.model.rules.userns import UsernsRule

from .explain_kinds import describe_request, kind_notes
from .explain_terms import InfoNote, errno_text, info_note

__all__ = [
    "KIND_RULES",
    "LogContext",
    "Reading",
    "RecordGroup",
    "group_records",
    "kind_of",
    "lost_records_note",
    "outcome_of",
    "read_group",
    "request_of",
    "where",
]

_EVENT_OUTCOMES = {
    "AA_RECORD_DENIED": "denied",
    "AA_RECORD_KILLED": "killed",
    "AA_RECORD_ALLOWED": "allowed",
    "AA_RECORD_AUDIT": "audit",
    "AA_RECORD_STATUS": "status",
    "AA_RECORD_HINT": "hint",
    "AA_RECORD_ERROR": "error",
}


def outcome_of(record: LogRecord) -> str:
    """Return what happened: `denied`, `killed` (a denial in kill mode), `allowed`
    (complain mode), `audit`, `status`, `hint`, `error`, or `unknown` without a type."""
    return _EVENT_OUTCOMES.get(record.event or "", "unknown")


_FILE_OPERATIONS = frozenset(
    """open mknod mkdir rmdir unlink rename_src rename_dest link symlink chmod chown truncate
    getattr setattr xattr file_mmap file_mprotect file_lock file_perm file_receive file_inherit
    exec inode_permission inode_link inode_create""".split()
)
_NET_OPERATIONS = frozenset(
    """create post_create bind connect listen accept sendmsg recvmsg getsockname getpeername
    getsockopt setsockopt sock_shutdown socket_create""".split()
)


def kind_of(record: LogRecord) -> str:
    """Return the mediation class of a record, deciding in aa-logprof's order (§2.1).

    One of `status`, `hint`, `exec`, `userns`, `mqueue`, `io_uring`, `pivot_root`,
    `mount`, `change_profile`, `change_hat`, `capability`, `signal`, `ptrace`, `dbus`,
    `unix`, `network`, `file`, `rlimit` or `unknown`.  A socket record with a path and no
    family is a file record (a socket bound to a path is mediated as a file, F15).
    """
    operation = record.operation or ""
    klass = record.class_ or ""
    outcome = outcome_of(record)
    if outcome in ("status", "hint"):
        return outcome
    if operation == "exec":
        return "exec"
    if klass == "namespace" or operation.startswith("userns"):
        return "userns"
    if klass.endswith("mqueue"):
        return "mqueue"
    if klass == "io_uring" or operation.startswith("uring"):
        return "io_uring"
    if operation == "pivotroot":
        return "pivot_root"
    if klass == "mount" or operation in ("mount", "umount", "remount"):
        return "mount"
    if operation in ("change_onexec", "change_profile"):
        return "change_profile"
    if operation == "change_hat":
        return "change_hat"
    if operation == "capable" or klass == "cap":
        return "capability"
    if operation == "signal" or klass == "signal":
        return "signal"
    if operation == "ptrace" or klass == "ptrace":
        return "ptrace"
    if operation.startswith("dbus"):
        return "dbus"
    if record.net_family:
        return "unix" if record.net_family == "unix" else "network"
    if klass == "net":
        return "network"
    if klass == "file" or operation in _FILE_OPERATIONS or record.name:
        return "file"
    if klass == "rlimits" or operation == "setrlimit":
        return "rlimit"
    if operation in _NET_OPERATIONS:
        return "network"
    return "unknown"


KIND_RULES: dict[str, tuple[type[Rule], ...]] = {
    "file": (LinkRule, FileRule),
    "exec": (FileRule,),
    "capability": (CapabilityRule,),
    "network": (NetworkRule,),
    "unix": (UnixRule,),
    "signal": (SignalRule,),
    "ptrace": (PtraceRule,),
    "dbus": (DbusRule,),
    "mount": (MountRule,),
    "pivot_root": (PivotRootRule,),
    "change_profile": (ChangeProfileRule,),
    "userns": (UsernsRule,),
    "io_uring": (IoUringRule,),
    "mqueue": (MqueueRule,),
}
"""The rule kinds whose `from_event` may answer a record of each mediation class, in the
order they are asked (a `link` record with a target is a link rule, else a file rule)."""


def request_of(record: LogRecord, kind: str | None = None) -> Rule | None:
    """Return the rule that allows `record`, built by its kind's `from_event`, or None.

    `kind` is the record's mediation class when the caller knows it already.
    """
    for rule_kind in KIND_RULES.get(kind or kind_of(record), ()):
        rule = rule_kind.from_event(record)  # type: ignore[attr-defined]
        if rule is not None:
            return rule
    return None


def _group_key(record: LogRecord) -> tuple[object, ...]:
    """What makes two records the same access (pids, times and audit ids may differ)."""
    return (
        outcome_of(record),
        record.namespace,
        record.profile,
        record.comm,
        record.operation,
        record.class_,
        record.name,
        record.name2,
        record.requested_mask,
        record.denied_mask,
        record.info,
        record.error_code,
        record.peer,
        record.peer_profile,
        record.signal,
        record.net_family,
        record.net_sock_type,
        record.net_protocol,
        record.net_addr,
        record.peer_addr,
        record.net_local_addr,
        record.net_local_port,
        record.net_foreign_addr,
        record.net_foreign_port,
        record.dbus_bus,
        record.dbus_path,
        record.dbus_interface,
        record.dbus_member,
        record.fs_type,
        record.flags,
        record.src_name,
        record.execpath,
        record.attribute,
        record.owner,
    )


@dataclass(frozen=True, slots=True)
class RecordGroup:
    """One access, logged `count` times: its records in log order."""

    records: tuple[LogRecord, ...]

    @property
    def first(self) -> LogRecord:
        """The first record of the group, which stands for all of them."""
        return self.records[0]

    @property
    def count(self) -> int:
        """How many times the access was logged."""
        return len(self.records)


def group_records(records: Iterable[LogRecord]) -> tuple[RecordGroup, ...]:
    """Fold records of the same access into groups, in the order each first appears."""
    groups: dict[tuple[object, ...], list[LogRecord]] = {}
    for record in records:
        groups.setdefault(_group_key(record), []).append(record)
    return tuple(RecordGroup(tuple(members)) for members in groups.values())


def where(record: LogRecord) -> str:
    """Return `file:line` for a record (just the line when the file has no name)."""
    return f"{record.file}:{record.line}" if record.file else str(record.line)


@dataclass
class LogContext:
    """The whole log, indexed so a record's explanation can point at related records."""

    records: tuple[LogRecord, ...]
    _by_pid: dict[int, list[LogRecord]] = field(default_factory=dict)
    _inherits: dict[str | None, list[LogRecord]] = field(default_factory=dict)
    _execs: dict[tuple[str | None, str | None], LogRecord] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Iterable[LogRecord]) -> LogContext:
        """Index `records`."""
        context = cls(tuple(records))
        for record in context.records:
            if record.pid is not None:
                context._by_pid.setdefault(record.pid, []).append(record)
            if record.operation == "file_inherit" and not _null_file(record) and (record.name or record.net_family):
                context._inherits.setdefault(record.profile, []).append(record)
            elif record.operation == "exec":
                context._execs.setdefault((record.profile, record.name), record)
        return context

    def inherit_records(self, record: LogRecord) -> list[LogRecord]:
        """The `file_inherit` denials of the same profile (and task, when the record has a
        pid) that name a real object: the cause of later `apparmor/.null` records (F2)."""
        return [
            other
            for other in self._inherits.get(record.profile, ())
            if record.pid is None or other.pid == record.pid
        ]

    def other_half(self, record: LogRecord) -> LogRecord | None:
        """The record of the peer's half of a cross-check, when the log has it (F12).

        It is checked in the peer's profile, names this profile as its peer, and has the
        mirrored permission; both halves carry the initiating task's pid.
        """
        peer = record.peer or record.peer_profile
        if peer is None or record.pid is None:
            return None
        for other in self._by_pid.get(record.pid, ()):
            if other is record or other.operation != record.operation:
                continue
            if other.profile == peer and (other.peer or other.peer_profile) == record.profile:
                if other.requested_mask != record.requested_mask or other.denied_mask != record.denied_mask:
                    return other
        return None

    def learning_exec(self, parent: str, program: str) -> LogRecord | None:
        """The exec record that started the learning profile `parent//null-program` (§5)."""
        return self._execs.get((parent, program))


@dataclass(frozen=True, slots=True)
class Reading:
    """The policy-free explanation of one group.

    `subject` is the label that confined the task; `fix_profile` the profile whose
    policy must change (None when the fix is elsewhere: a kernel setting, another
    profile to load, nothing at all); `fix_flags` profile flags that fix it;
    `request` the rule that would allow the access, from the record (None when no rule
    helps or the kind has no rule); `no_rule` says a rule in `fix_profile` cannot help.
    `peer_label` and `peer_request` are the other half of a cross-check.
    """

    kind: str
    outcome: str
    subject: Label | None
    summary: str
    details: tuple[str, ...]
    fix: str
    fix_profile: str | None
    fix_flags: tuple[str, ...]
    request: Rule | None
    no_rule: bool
    peer_label: str | None = None
    peer_request: str | None = None
    program: str | None = None
    """For records of a learning profile, the program whose exec the parent must decide."""
    comm_differs: bool = False
    """Whether `comm` names another program than the profile (F1), which the caller's exec
    rules may explain."""


_OUTCOME_WORDS = {
    "denied": "DENIED",
    "killed": "KILLED",
    "allowed": "ALLOWED",
    "audit": "AUDIT",
    "status": "STATUS",
    "hint": "HINT",
    "error": "ERROR",
    "unknown": "RECORD",
}

_INTERPRETERS = re.compile(r"(^|/)(perl|python[0-9.]*|ruby[0-9.]*|bash|dash|sh|zsh|ksh|php[0-9.]*|node|lua[0-9.]*)$")
_THREAD_NAME = re.compile(r"[:/~#]|^\(.*\)$|\s")


def _subject_name(label: Label) -> str:
    return label.text


def _part_program(component: str) -> str:
    """The program a profile component stands for: its base name (the path after `null-`)."""
    if component.startswith("null-"):
        component = component[len("null-"):]
    return component.rsplit("/", 1)[-1] if component.startswith("/") else component


def _same_program(component: str, comm: str) -> bool:
    """Whether `comm` (at most 15 bytes) can be the program a profile component names."""
    if component.startswith("/") or component.startswith("null-/"):
        base = _part_program(component)
        prefix = re.split(r"[*?\[{\\]", base, maxsplit=1)[0]
        if base != prefix:
            # A glob: the literal part before the first wildcard must agree.
            return comm.startswith(prefix) or (len(comm) >= 15 and prefix.startswith(comm))
        return base == comm or (len(comm.encode()) >= 15 and base.startswith(comm))
    return component == comm or component.rsplit(".", 1)[-1] == comm


_COMM = (
    "`profile=` names the profile confining the task; `comm` is the task's own name (the last "
    "program it executed, cut to 15 bytes, and changeable by the task)"
)


def _comm_sentences(record: LogRecord, label: Label, kind: str) -> tuple[list[str], bool]:
    """F1: why `comm` and the profile differ, when they do; and whether `comm` may be a
    program its caller ran under the caller's profile (for the policy to confirm)."""
    comm = record.comm
    if not comm or not label.parts or label.is_unconfined or label.parts[0].is_learning:
        return [], False
    part = label.parts[0]
    last = part.components[-1]
    if _same_program(last, comm) or kind in ("dbus", "status"):
        return [], False
    mask = record.requested_mask or record.denied_mask or ""
    if kind == "signal" and "receive" in mask.split():
        return [
            f"`comm={comm}` and the pid are the sender's: both records of a signal carry the sending "
            f"task, also the receiver's (`{label.text}`)."
        ], False
    if re.fullmatch(r"\(.*\)", comm):
        return [
            f"`{comm}` in parentheses is how systemd names a child it forked but has not yet executed "
            f"the unit's command in: the task is still systemd, under `{label.text}`."
        ], False
    if _THREAD_NAME.search(comm):
        return [f"`{comm}` is a thread name the program gave itself, not a program ({_COMM})."], False
    if not last.startswith("/"):
        return [
            f"`{last}` is a profile name, not a path: it attaches to its program through its "
            f"attachment, so `comm={comm}` need not look like it ({_COMM})."
        ], True
    return [
        f"`{comm}` is not the program `{last}` attaches to: {_COMM}. So `{comm}` runs under "
        f"`{label.text}`: the caller executed it with `ix` (or with `pix`/`cix` and no profile "
        f"attaching to it, or unconfined with no profile for it), and everything `{comm}` does is "
        f"checked against `{label.text}`. Either add the rule there, or give `{comm}` its own profile "
        "and execute it with `Px` (a child profile: `Cx`)."
    ], True


def _label_sentences(record: LogRecord, label: Label) -> list[str]:
    """Namespaces (F9), stacks, hats and children, learning profiles (§5)."""
    sentences = []
    if record.namespace:
        sentences.append(
            f"The task runs in the AppArmor policy namespace `{record.namespace}` (a container): "
            f"`{label.text}` is the profile loaded inside that namespace, not a host profile of the "
            "same name, and paths are as the container sees them."
        )
    if label.namespace:
        sentences.append(f"The label names the policy namespace `{label.namespace}`.")
    if len(label.parts) > 1:
        names = ", ".join(f"`{part.name}`" for part in label.parts)
        sentences.append(
            f"The task is confined by a stack of profiles ({names}): every one of them must allow the "
            "access; the rule belongs in the one that lacks it."
        )
    if not label.parts:
        return sentences
    part = label.parts[0]
    index = part.learning_index
    if index is not None:
        parent = "//".join(part.components[:index])
        component = part.components[index]
        program = component[len("null-"):]
        if program.startswith("/"):
            sentences.append(
                f"`{part.name}` is a learning profile: `{parent}` is in complain mode and executed "
                f"`{program}` without an exec rule for it, so the kernel runs the program in a rule-less "
                f"complain-mode child and logs everything it does under that name."
            )
        else:
            sentences.append(
                f"`{part.name}` is a learning profile of `{parent}` (complain mode; older kernels number "
                "them in hex instead of naming the program)."
            )
        if len(part.components) > index + 1:
            sentences.append(
                "The name is a chain of such execs, left to right; decide the first exec before the next."
            )
    elif len(part.components) > 1:
        parent = "//".join(part.components[:-1])
        sentences.append(
            f"`{part.name}` is the hat or child profile `{part.components[-1]}` of `{parent}`; its rules "
            f"are written in a block inside `{parent}` (`^{part.components[-1]} {{...}}` or "
            f"`profile {part.components[-1]} {{...}}`), and each child has its own mode."
        )
    return sentences


def _outcome_sentences(record: LogRecord, outcome: str, label: Label | None, still_fails: bool) -> list[str]:
    name = label.text if label is not None else "the profile"
    if outcome == "allowed":
        if still_fails:
            return [
                f"ALLOWED means {name} is in complain mode, but this operation failed anyway: complain "
                "mode cannot override this kind of failure (the record carries an error)."
            ]
        return [
            f"ALLOWED means {name} is in complain mode: the access was performed, and logged because "
            "no rule grants it (children and hats need their own complain flag). It would be refused "
            "in enforce mode."
        ]
    if outcome == "killed":
        return [f"KILLED means {name} is in kill mode: the access was refused and the task was killed."]
    if outcome == "audit":
        return [
            "AUDIT means the access was allowed and logged on purpose, by an `audit` rule or "
            "`flags=(audit)`; nothing was refused."
        ]
    return []


def _error_sentences(record: LogRecord) -> list[str]:
    if not record.error_code:
        return []
    code, meaning = errno_text(record.error_code).split(" ", 1)
    return [f"`error={code}` {meaning} is the error the task got."]


def _null_file(record: LogRecord) -> bool:
    return (record.name or "").strip("/") == "apparmor/.null"


def _inherit_sentences(record: LogRecord, context: LogContext, kind: str) -> list[str]:
    """F2: inherited, received and revalidated descriptors; AppArmor's null file."""
    sentences = []
    operation = record.operation or ""
    if _null_file(record):
        causes = context.inherit_records(record)
        sentence = (
            "`apparmor/.null` is AppArmor's null file: at an exec, every inherited descriptor the new "
            "profile may not use is replaced by it, so this record is a consequence, not the cause. "
            "The cause is the earlier `file_inherit` denial that names the real file"
        )
        if causes:
            sentence += " (" + ", ".join(where(cause) for cause in causes[:3]) + ")."
        else:
            sentence += "; look for it before this record (newer kernels log only that one)."
        sentences.append(sentence)
    elif operation == "file_inherit":
        what = "socket" if kind in ("network", "unix") else "file"
        sentences.append(
            f"`file_inherit`: at an exec, the kernel checks every descriptor the new program inherits "
            f"against the new profile `{record.profile}`; this inherited {what} is not allowed there, so "
            "it was replaced by AppArmor's null file. The rule belongs in the new (executed) profile, "
            "with the descriptor's open mode; if the caller leaked the descriptor by accident (no "
            "O_CLOEXEC), a silent `deny` rule is the usual answer instead."
        )
    elif operation == "file_receive":
        sentences.append(
            f"`file_receive`: the descriptor was passed over a unix socket (SCM_RIGHTS) and is checked "
            f"against the receiver's profile `{record.profile}`, which needs the descriptor's mode on it."
        )
    elif operation in ("file_perm", "file_lock") and kind == "file":
        sentences.append(
            f"`{operation}` is a use of an already open descriptor: it is checked again when it was "
            f"opened under another profile (passed or inherited), and must be allowed by `{record.profile}`."
        )
    return sentences


def _cross_check(record: LogRecord, request: Rule | None, context: LogContext) -> tuple[list[str], str | None, str | None]:
    """F12: which half of a cross-check this is, and what the other side needs."""
    if request is None or record.profile is None:
        return [], None, None
    mirrored = mirror_request(request, record.profile)
    if mirrored is None:
        return [], None, None
    peer_label, peer_text = mirrored
    peer_rule, _ = parse_request(peer_text)
    if isinstance(peer_rule, Rule):
        # The canonical text, as suggest proposes the peer's rule.
        peer_text = peer_rule.render().rstrip(",")
    peer = record.peer or record.peer_profile
    if peer_label is None or peer is None:
        return [], None, None
    sentences = [
        f"This is one half of a cross-check: the kernel checks the access in `{record.profile}` and the "
        f"mirrored access in the peer `{peer}`; both must allow it, and each half is logged against its "
        "own profile."
    ]
    if parse_label(peer).is_unconfined:
        sentences.append("The peer is unconfined, so its half always passes.")
    elif "//null-" in peer:
        sentences.append(
            f"The peer `{peer}` is a learning profile: decide the exec that created it first, since the "
            "peer's label will change."
        )
    elif peer == record.profile:
        sentences.append(
            f"The peer is `{record.profile}` itself (`peer=@{{profile_name}}` says so in a rule): it needs both "
            f"halves, this one and `{peer_text},`."
        )
    else:
        sentences.append(f"The other side, `{peer}`, needs `{peer_text},`.")
    other = context.other_half(record)
    if other is not None:
        sentences.append(
            f"The log has that half too ({where(other)}, {outcome_of(other).upper()}); fix both."
        )
    return sentences, peer, peer_text


def read_group(group: RecordGroup, context: LogContext) -> Reading:
    """Explain one group without a policy."""
    record = group.first
    outcome = outcome_of(record)
    kind = kind_of(record)
    label = parse_label(record.profile) if record.profile else None
    subject = label.text if label is not None else None
    details: list[str] = []
    note = info_note(record.info) if record.info else None
    still_fails = note is not None and note.still_fails and bool(record.error_code)

    request = None if (note is not None and note.no_rule) or kind in ("status", "hint") else request_of(record, kind)
    what, kind_details = describe_request(record, kind)
    summary = f"{_OUTCOME_WORDS[outcome]}: {subject or 'a task'}"
    if record.comm:
        summary += f" ({record.comm})"
    summary += f" {what}"
    if group.count > 1:
        summary += f", {group.count} times"

    comm_differs = False
    if label is not None:
        details += _label_sentences(record, label)
        comm_details, comm_differs = _comm_sentences(record, label, kind)
        details += comm_details
    details += _outcome_sentences(record, outcome, label, still_fails)
    details += kind_details
    details += _inherit_sentences(record, context, kind)
    details += kind_notes(record, kind)
    if record.info:
        if note is not None:
            details.append(f"`info=\"{record.info}\"`: {note.meaning}")
        else:
            details.append(f"The kernel added the note `info=\"{record.info}\"`.")
    details += _error_sentences(record)
    cross, peer_label, peer_request = _cross_check(record, request, context)
    details += cross

    fix, fix_profile, flags, no_rule, program = _policy_free_fix(record, kind, outcome, label, note, request, context)
    return Reading(
        kind=kind,
        outcome=outcome,
        subject=label,
        summary=summary,
        details=tuple(details),
        fix=fix,
        fix_profile=fix_profile,
        fix_flags=flags,
        request=request,
        no_rule=no_rule,
        peer_label=peer_label,
        peer_request=peer_request,
        program=program,
        comm_differs=comm_differs,
    )


def _policy_free_fix(
    record: LogRecord,
    kind: str,
    outcome: str,
    label: Label | None,
    info: InfoNote | None,
    request: Rule | None,
    context: LogContext,
) -> tuple[str, str | None, tuple[str, ...], bool, str | None]:
    """Return the fix sentence, the profile to change, flags, whether no rule helps, and
    for learning profiles the program whose exec must be decided."""
    if outcome in ("status", "hint") or kind in ("status", "hint"):
        advice = info.advice if info is not None else "Nothing to do: this record reports policy management, not an access."
        return advice, None, (), True, None
    if outcome == "audit" and not (info is not None and info.still_fails):
        return "Nothing was refused; drop the `audit` qualifier if the record is noise.", None, (), True, None
    if label is None:
        if info is not None:
            return info.advice, None, (), True, None
        return (
            "The record names no profile, so it cannot say where the rule goes; find the profile "
            "confining the program (`ps -eZ`, `aa-status`).",
            None,
            (),
            request is None,
            None,
        )
    part = label.parts[0] if label.parts else None
    if label.is_unconfined or part is None:
        if record.operation in ("change_onexec", "change_profile") and record.info == "label not found" and record.name:
            return (
                f"Load the profile `{record.name}` (or stop asking for it, e.g. drop systemd's "
                "`AppArmorProfile=`); the task is unconfined, so no rule is missing anywhere.",
                record.name,
                (),
                True,
                None,
            )
        advice = info.advice if info is not None else (
            "The task itself is unconfined, so no rule of its own is missing: look at the peer "
            "(for IPC) or at the profile that should have been applied."
        )
        return advice + " Never add rules to `unconfined`.", None, (), True, None
    index = part.learning_index
    if index is not None:
        parent = "//".join(part.components[:index])
        program = part.components[index][len("null-"):]
        if program.startswith("/"):
            exec_record = context.learning_exec(parent, program)
            seen = f" (the exec is logged at {where(exec_record)})" if exec_record is not None else ""
            return (
                f"First decide how `{parent}` runs `{program}`{seen}: add an exec rule to `{parent}`, "
                f"`{program} Px,` for a profile of its own (these rules then go there), `{program} Cx,` "
                f"for a child profile, or `{program} ix,` to run it under `{parent}` (these rules then go "
                f"into `{parent}`).",
                parent,
                (),
                False,
                program,
            )
        return (
            f"Give `{parent}` an exec rule for the program that started this learning profile; its rules "
            f"then go where that rule leads (into `{parent}` for `ix`).",
            parent,
            (),
            False,
            None,
        )
    profile = part.name
    if info is not None and info.flag is not None:
        return f"Add `flags=({info.flag})` to the profile `{profile}`: {info.advice}", profile, (info.flag,), True, None
    if info is not None and info.no_rule:
        return info.advice, profile, (), True, None
    if _null_file(record):
        return (
            f"Allow the real file of the `file_inherit` denial in `{profile}` (the executed profile); "
            "no rule for `apparmor/.null` helps.",
            profile,
            (),
            True,
            None,
        )
    if kind == "change_hat" and (record.name2 or record.name):
        hat = (record.name2 or record.name or "").rsplit("//", 1)[-1]
        return (
            f"Add the hat `^{hat} {{ }}` to the profile `{profile}`, with the rules the program needs "
            "while it is in the hat.",
            profile,
            (),
            False,
            None,
        )
    if request is None:
        return (
            f"No rule can be read from this record; the change belongs in `{profile}`.",
            profile,
            (),
            False,
            None,
        )
    return f"Add `{request.render()}` to the profile `{profile}`.", profile, (), False, None


_LOST_RECORDS = re.compile(
    r"callbacks suppressed|backlog limit exceeded|audit_lost=\d+|rate limit exceeded|audit: kauditd hold queue overflow"
)


def lost_records_note(line: str) -> str | None:
    """F20: the sentence for a kernel line saying audit records were dropped, or None."""
    if _LOST_RECORDS.search(line) is None:
        return None
    return (
        "The kernel dropped audit records here (printk rate limit, audit backlog or rate limit), so "
        "the log is incomplete: a denial can be missing, and capability denials are also cached per "
        "CPU and logged once."
    )
