"""Explaining a log: each access in plain words, and with a policy, the rules behind it.

`explain_log` reads log sources (names and their lines), groups the records by access,
and returns one `Explanation` per group, per line that could not be read, and per place
where the log says records were lost (F20).  The policy-free reading comes from
`armorsmith.logs.explain`; given a policy (a `SuggestPolicy`, the loaded policy readied for
suggestions), each explanation also says which rule or exec transition led to the record,
using the engine:

- `decide`: the rules that grant part of the request, a deny rule that wins, what no
  rule mentions, and whether the policy now allows what the log refused;
- `exec_transition` for exec records (which rule, where it leads, why it failed) and for
  F1 (the caller's exec rule that runs `comm` under the caller's profile);
- `home_of` for complain-mode learning profiles (where their records belong);
- `cross_check` for the peer's half of IPC and ptrace.

The fix is what `armorsmith.logs.suggest` proposes for the group's records (rules, flags,
each in its profile and file), and where a record belongs is the suggest engine's
`Placer`, so `explain` and `suggest` never disagree.  Everything here is pure: sources are
lines the caller read.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from armorsmith.aare import Aare, is_exact
from armorsmith.engine import (
    EngineProfile,
    HomeReason,
    Landing,
    Mode,
    Outcome,
    RuleRef,
    cross_check,
    decide,
    exec_transition,
    home_of,
)
from armorsmith.logs import UnreadableLine, read_records
from armorsmith.logs.explain import (
    LogContext,
    Reading,
    RecordGroup,
    group_records,
    lost_records_note,
    read_group,
    where,
)
from armorsmith.logs.suggest import ProfileSuggestion, SuggestedRule, Suggestions
from armorsmith.logs.suggest import known_profiles  # the same exec advice as suggest
from armorsmith.logs.suggest_place import Placer
from armorsmith.model import LogRecord, Rule
from armorsmith.model.rules.file import FileRule

from .query import LoadedPolicy
from .suggest import SuggestPolicy, suggest_records

__all__ = ["Change", "ExplainResult", "Explanation", "explain_log", "explain_records"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """One access of a log (or one unreadable line, or one gap), explained.

    `profile` is the label that confined the task as logged; `kind` the mediation class
    (`file`, `exec`, `network`, ...; `unreadable` and `lost` for lines that are not
    records); `outcome` is `denied`, `killed`, `allowed` (complain mode), `audit`,
    `status`, `hint`, `error`, `unreadable` or `lost`; `records` are `file:line` of every
    record of the group.  `fix` says what to do; `fix_profile` is the profile to change
    (None when the fix is elsewhere), `fix_file` its policy file when a policy was given,
    `fix_rules` the rules to add and `fix_flags` the profile flags to set.
    """

    profile: str | None
    namespace: str | None
    comm: str | None
    operation: str | None
    kind: str
    outcome: str
    count: int
    records: tuple[str, ...]
    summary: str
    details: tuple[str, ...]
    fix: str
    fix_profile: str | None
    fix_file: str | None
    fix_rules: tuple[str, ...]
    fix_flags: tuple[str, ...]
    changes: tuple[Change, ...] = ()
    """Every profile the suggestions for this group change (a cross-check changes two)."""


@dataclass(frozen=True, slots=True)
class ExplainResult:
    """Every explanation of a log, with the counts a front end reports."""

    explanations: tuple[Explanation, ...]
    records: int
    unreadable: int

    @property
    def complete(self) -> bool:
        """Whether every line that looked like a record was read."""
        return self.unreadable == 0


def _line_note(kind: str, place: str, summary: str, details: tuple[str, ...], fix: str, partial: LogRecord | None = None) -> Explanation:
    """An explanation of a line that is not a record: it changes no profile."""
    return Explanation(
        profile=partial.profile if partial is not None else None,
        namespace=partial.namespace if partial is not None else None,
        comm=partial.comm if partial is not None else None,
        operation=partial.operation if partial is not None else None,
        kind=kind,
        outcome=kind,
        count=1,
        records=(place,),
        summary=summary,
        details=details,
        fix=fix,
        fix_profile=None,
        fix_file=None,
        fix_rules=(),
        fix_flags=(),
    )


def _unreadable(item: UnreadableLine) -> Explanation:
    place = f"{item.file}:{item.line}" if item.file else str(item.line)
    details = [f"Reason: {item.reason}."]
    if item.raw:
        details.append(f"The line: {item.raw.strip()}")
    if "cut short" in item.reason or "truncat" in item.reason:
        fix = (
            "Read the record from the log itself, not from a pager or a copy that cut it short "
            "(`less -S`, `journalctl` without `--no-pager`, a mail or a tracker): a truncated "
            "record cannot be explained, and upstream's tools silently skip it."
        )
    else:
        fix = "Check that the line is a complete AppArmor record as the kernel or the bus daemon wrote it."
    summary = f"UNREADABLE: line {place} could not be read: {item.reason}"
    return _line_note("unreadable", place, summary, tuple(details), fix, item.partial)


def _lost(file: str, line: int, text: str, note: str) -> Explanation:
    place = f"{file}:{line}" if file else str(line)
    fix = (
        "Do not take a missing record as proof that nothing was denied: reproduce the problem "
        "with less logging at once, or raise the audit backlog (auditctl -b) and rate limits."
    )
    return _line_note("lost", place, f"LOST: records are missing around {place}", (note, f"The line: {text.strip()}"), fix)


def _written(loaded: LoadedPolicy, ref: RuleRef) -> str:
    """The rule as written in its document (blanks collapsed), or its canonical text."""
    for resolution in loaded.resolutions:
        document = resolution.documents.get(ref.path) if ref.path is not None else None
        if document is not None:
            span = ref.rule.span
            text = document.source[span.start : span.end].decode("utf-8", "replace")
            return " ".join(text.split())
    return ref.rule.render()


def _location(loaded: LoadedPolicy, ref: RuleRef) -> str:
    line = loaded.line_of(ref)
    text = f"`{_written(loaded, ref)}`"
    if ref.path is not None:
        return f"{text} ({ref.path}:{line})" if line is not None else f"{text} ({ref.path})"
    return text


def _locations(loaded: LoadedPolicy, refs: Iterable[RuleRef]) -> list[str]:
    seen: set[tuple[str | None, int]] = set()
    found = []
    for ref in refs:
        key = (ref.path, ref.rule.span.start)
        if key not in seen:
            seen.add(key)
            found.append(_location(loaded, ref))
    return found


def _flag_words(flag: enum.Flag) -> str:
    """The names of the permissions in `flag`, lower case."""
    return ", ".join(member.name.lower() for member in type(flag) if member.value and member in flag and member.name)


@dataclass
class _PolicyView:
    """What the policy adds to one group: sentences, and the fix when it changes."""

    details: list[str]
    fix: str | None = None
    decided: bool = False
    """For a learning profile: whether the policy's exec rule decides where its records go."""


_EXEC_RULE_LANDING = {
    Landing.SAME: "keeps it in `{profile}`",
    Landing.UNCONFINED: "runs it unconfined",
    Landing.LEARNING: "runs it in a learning profile",
    Landing.DENIED: "cannot run it",
}


def _comm_rules(loaded: LoadedPolicy, profile: EngineProfile, comm: str) -> list[str]:
    """F1: the exec rules of `profile` that run a program called `comm` under `profile`.

    Rules naming the program exactly come first; a glob rule is only a guess (the record
    does not say where the program is), so it is reported only when no exact rule is.
    """
    exact: list[str] = []
    guessed: list[str] = []
    for ref in profile.rules_of(FileRule):
        rule = ref.rule
        assert isinstance(rule, FileRule)
        if rule.exec is None or rule.is_bare:
            continue
        path = _program_path(rule.path_text, comm)
        if path is None:
            continue
        transition = exec_transition(loaded.policy, profile, path)
        if transition.rule is None or transition.rule.rule is not rule or transition.landing is not Landing.SAME:
            continue
        name = profile.fqname
        fallback = " (its `p`/`c` part finds no profile attached to the program: ix fallback)" if transition.info else ""
        if is_exact(rule.path_text):
            exact.append(
                f"`{name}`'s rule {_location(loaded, ref)} runs `{comm}` under `{name}`'s profile{fallback}; give "
                f"`{comm}` its own profile and change the rule to `Px` (or `Cx` with a child profile), or add "
                f"the rule to `{name}`."
            )
        else:
            guessed.append(
                f"`{name}`'s rule {_location(loaded, ref)} would run a program `{path}` under `{name}`'s "
                f"profile{fallback}, if that is where `{comm}` lives."
            )
    return list(dict.fromkeys(exact or guessed))


def _program_path(pattern: str, comm: str) -> str | None:
    """A path the exec rule `pattern` matches whose program name is `comm` (or starts with
    it, for a `comm` cut to 15 bytes), or None."""
    glob, _ = Aare.parse(pattern)
    if glob is None:
        return None
    if is_exact(pattern):
        base = pattern.rsplit("/", 1)[-1]
        if base == comm or (len(comm.encode()) >= 15 and base.startswith(comm)):
            return pattern
        return None
    directory = glob.literal_prefix.rsplit("/", 1)[0]
    candidate = f"{directory}/{comm}"
    return candidate if directory.startswith("/") and glob.matches(candidate) else None


def _mode_sentences(profile: EngineProfile, outcome: str) -> list[str]:
    if outcome == "allowed" and profile.mode is not Mode.COMPLAIN:
        return [
            f"In the policy given, `{profile.fqname}` is in {profile.mode.value} mode, while the log was "
            "written in complain mode: the policy was changed since, or the loaded one differs."
        ]
    if outcome in ("denied", "killed") and profile.mode is Mode.COMPLAIN:
        return [
            f"In the policy given, `{profile.fqname}` is in complain mode, while the log shows a denial: "
            "either the policy changed, or the refusal came from something complain mode cannot "
            "override (a deny rule, a stacked or peer profile, an error)."
        ]
    return []


def _exec_view(loaded: LoadedPolicy, profile: EngineProfile, record: LogRecord) -> _PolicyView:
    program = record.name or ""
    transition = exec_transition(loaded.policy, profile, program)
    view = _PolicyView([])
    name = profile.fqname
    if transition.decision.denied_by:
        rules = ", ".join(_locations(loaded, transition.decision.denied_by))
        view.details.append(f"{rules} forbids `{name}` to execute `{program}`; deny rules win over allow rules.")
        view.fix = f"Remove or narrow {rules} if `{program}` should run."
        return view
    if transition.rule is None:
        # The exec advice is suggest's; its reason comes with the suggested rule.
        view.details.append(f"`{name}` has no exec rule for `{program}` in the policy given.")
        return view
    rule = _location(loaded, transition.rule)
    if transition.landing is Landing.PROFILE:
        view.details.append(f"`{name}`'s rule {rule} moves `{program}` to the profile `{transition.target_name}`.")
    elif transition.landing is Landing.DENIED:
        view.details.append(
            f"`{name}`'s rule {rule} looks for the profile `{transition.target_name}`, which the policy "
            f"given does not have ({transition.info}): the exec fails, also in complain mode."
        )
        view.fix = (
            f"Load a profile for `{transition.target_name}`, or give {rule} an inherit fallback "
            "(`pix` for `px`/`Px`, `cix` for `cx`/`Cx`) so the program runs under the current profile "
            "when the target is missing."
        )
    else:
        landing = _EXEC_RULE_LANDING[transition.landing].format(profile=name)
        info = f" ({transition.info})" if transition.info else ""
        view.details.append(f"`{name}`'s rule {rule} {landing}{info}.")
    return view


def _request_view(loaded: LoadedPolicy, profile: EngineProfile, request: Rule) -> _PolicyView:
    view = _PolicyView([])
    name = profile.fqname
    check = cross_check(loaded.policy, profile, request)
    decision = check.subject if check is not None else decide(profile, request)
    if decision.denied_by:
        rules = ", ".join(_locations(loaded, decision.denied_by))
        view.details.append(
            f"{rules} in `{name}` refuses it: a deny rule wins over every allow rule, in complain mode too, "
            "so adding an allow rule does not help."
        )
        view.fix = f"Remove or narrow {rules} if the access should be allowed."
    elif decision.outcome is Outcome.ALLOW and decision.allowed_by:
        rules = ", ".join(_locations(loaded, decision.allowed_by))
        view.details.append(
            f"The policy given allows this already, by {rules}: the log predates that rule, the loaded "
            "policy differs from these files, or another profile (a stack, the peer) refused it."
        )
        view.fix = f"Nothing to add to `{name}`: make sure the policy given is the one loaded (apparmor_parser -r)."
    else:
        if decision.allowed_by:
            granted = _flag_words(decision.granted)
            rules = ", ".join(_locations(loaded, decision.allowed_by))
            view.details.append(f"{rules} grants {granted}, but not {_flag_words(decision.missing)}.")
        else:
            view.details.append(f"No rule of `{name}` in the policy given allows it.")
        if decision.outcome is Outcome.COMPLAIN:
            view.details.append(f"`{name}` is in complain mode, so the access was allowed and logged.")
    if check is not None and check.peer_label is not None and check.peer_decision is not None:
        peer = check.peer_label
        peer_decision = check.peer_decision
        if peer_decision.allowed:
            rules = ", ".join(_locations(loaded, peer_decision.allowed_by))
            why = f"by {rules}" if rules else f"being in {peer_decision.mode.value} mode"
            view.details.append(f"The peer `{peer}` allows its half, {why}.")
        elif peer_decision.denied_by:
            rules = ", ".join(_locations(loaded, peer_decision.denied_by))
            view.details.append(f"The peer `{peer}` refuses its half with {rules}.")
        else:
            view.details.append(f"The peer `{peer}` has no rule for its half (`{check.peer_request},`).")
    elif check is not None and check.peer_label and not check.peer_known:
        view.details.append(f"The peer `{check.peer_label}` is not a profile of the policy given.")
    return view


def _learning_view(loaded: LoadedPolicy, reading: Reading, placer: Placer) -> _PolicyView:
    assert reading.subject is not None
    home = home_of(loaded.policy, reading.subject)
    view = _PolicyView([])
    program = home.program or reading.program
    view.decided = home.reason in (HomeReason.INHERITED, HomeReason.TRANSITIONED)
    if home.reason is HomeReason.INHERITED:
        view.details.append(
            f"In the policy given, `{home.name}` runs `{program}` with `ix`: these records belong to `{home.name}`."
        )
    elif home.reason is HomeReason.TRANSITIONED:
        view.details.append(
            f"In the policy given, `{program}` moves to the profile `{home.name}`: these records belong there."
        )
    elif home.reason is HomeReason.UNDECIDED and home.parent is not None and program is not None:
        parent = placer.target(tuple(home.parent.split("//")))
        advice = placer.advise(parent, program)
        view.details.append(
            f"`{home.parent}` has no exec rule for `{program}` in the policy given. Advice: `{program} "
            f"{advice.mode},`, since {advice.reason}."
        )
    elif home.reason is HomeReason.UNKNOWN:
        view.details.append(f"The policy given has no profile `{home.name}`.")
    return view


def _policy_view(
    loaded: LoadedPolicy, group: RecordGroup, reading: Reading, placer: Placer
) -> _PolicyView:
    record = group.first
    label = reading.subject
    if label is None or label.is_unconfined or not label.parts or reading.outcome in ("status", "hint"):
        return _PolicyView([])
    if label.parts[0].is_learning:
        return _learning_view(loaded, reading, placer)
    profile = loaded.policy.get(label.parts[0].name)
    if profile is None:
        return _PolicyView([f"The policy given has no profile `{label.parts[0].name}`; nothing in it led here."])
    view = _PolicyView(_mode_sentences(profile, reading.outcome))
    if reading.kind == "exec" and record.name:
        exec_view = _exec_view(loaded, profile, record)
        view.details += exec_view.details
        view.fix = exec_view.fix
    elif reading.request is not None and not reading.no_rule:
        request_view = _request_view(loaded, profile, reading.request)
        view.details += request_view.details
        view.fix = request_view.fix
    if record.comm and reading.comm_differs:
        view.details += _comm_rules(loaded, profile, record.comm)
    return view


@dataclass(frozen=True, slots=True)
class Change:
    """What one profile needs for a group, as `armorsmith suggest` says it."""

    profile: str
    file: str | None
    rules: tuple[str, ...]
    flags: tuple[str, ...]
    reasons: tuple[str, ...]


_MIRROR_REASON = "the other half of the cross-check"
"""How suggest's reasons for a peer's half begin; the cross-check sentences say it already."""


class _SuggestIndex:
    """The suggestions of a whole log, found by the records that led to them."""

    def __init__(self, suggestions: Suggestions) -> None:
        # Records are found by their place: suggest may hand on a changed copy of a record.
        self._by_record: dict[tuple[str, int], list[tuple[ProfileSuggestion, SuggestedRule]]] = {}
        self._profiles = suggestions.profiles
        for item in suggestions.profiles:
            for suggested in item.rules:
                for record in suggested.records:
                    self._by_record.setdefault((record.file, record.line), []).append((item, suggested))

    def changes(self, group: RecordGroup, flags: tuple[str, ...], subject: str | None) -> list[Change]:
        """The profiles and rules suggested for the group's first record (which stands for
        all); the flags a group's `info=` calls for, where suggest sets them too.  The
        subject's profile comes first."""
        found: dict[tuple[object, ...], tuple[ProfileSuggestion, list[str], list[str]]] = {}
        record = group.first
        for item, suggested in self._by_record.get((record.file, record.line), ()):
            _, rules, reasons = found.setdefault(item.target.key, (item, [], []))
            if suggested.text not in rules:
                rules.append(suggested.text)
            if suggested.reason and not suggested.reason.startswith(_MIRROR_REASON) and suggested.reason not in reasons:
                reasons.append(suggested.reason)
        if flags and subject is not None:
            for item in self._profiles:
                if item.profile == subject and set(flags) & set(item.flags):
                    found.setdefault(item.target.key, (item, [], []))
        changes = [
            Change(
                item.profile,
                item.file,
                tuple(rules),
                tuple(flag for flag in flags if flag in item.flags),
                tuple(reasons),
            )
            for item, rules, reasons in found.values()
        ]
        changes.sort(key=lambda change: change.profile != subject)
        return changes


def _fix_sentence(changes: list[Change]) -> str:
    """Say what the changes are: the flags and rules, each in its profile and file."""
    parts = []
    for change in changes:
        where = f"the profile `{change.profile}`" + (f" ({change.file})" if change.file else "")
        rules = ", ".join(f"`{rule}`" for rule in change.rules)
        if change.flags and rules:
            parts.append(f"set `flags=({', '.join(change.flags)})` on {where} and add {rules} to it")
        elif change.flags:
            parts.append(f"set `flags=({', '.join(change.flags)})` on {where}")
        else:
            parts.append(f"add {rules} to {where}")
    text = "; and ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _explain_group(
    group: RecordGroup,
    context: LogContext,
    loaded: LoadedPolicy | None,
    placer: Placer,
    index: _SuggestIndex,
) -> Explanation:
    record = group.first
    reading = read_group(group, context)
    details = list(reading.details)
    fix = reading.fix
    decided = reading.program is None or reading.kind == "exec"
    if loaded is not None:
        view = _policy_view(loaded, group, reading, placer)
        details += view.details
        decided = decided or view.decided
        if view.fix is not None:
            fix = view.fix
    subjects = placer.subjects(record.profile, record.namespace)
    subject = subjects[0] if subjects else None
    changes = index.changes(group, reading.fix_flags, subject.name if subject is not None else None)
    # The profile the reading names, and where suggest places the record (for a learning
    # profile, where the parent's exec rule sends it; in a namespace, qualified by it).
    names = {reading.fix_profile, subject.name if subject is not None else None}
    own = [change for change in changes if change.profile in names]
    fix_profile, fix_file = reading.fix_profile, None
    if own:
        fix_profile, fix_file = own[0].profile, own[0].file
    elif subject is not None and subject.name in names:
        fix_profile, fix_file = subject.name, subject.file
    if changes and decided:
        fix = _fix_sentence(changes)
        if reading.fix_flags and not any(change.flags for change in changes):
            fix += " " + reading.fix
        for change in changes:
            details += [f"Suggested for `{change.profile}`: {reason}." for reason in change.reasons]
    elif changes:
        # A learning profile: the exec decision comes first, then the rules.
        fix += " With the default `ix`: " + _fix_sentence(changes)
    return Explanation(
        profile=record.profile,
        namespace=record.namespace,
        comm=record.comm,
        operation=record.operation,
        kind=reading.kind,
        outcome=reading.outcome,
        count=group.count,
        records=tuple(where(member) for member in group.records),
        summary=reading.summary,
        details=tuple(details),
        fix=fix,
        fix_profile=fix_profile,
        fix_file=fix_file,
        fix_rules=own[0].rules if own else (),
        fix_flags=own[0].flags if own else (),
        changes=tuple(changes),
    )


def explain_records(
    items: Iterable[LogRecord | UnreadableLine], policy: SuggestPolicy | None = None
) -> tuple[Explanation, ...]:
    """Explain records (and unreadable lines), grouped by access, in the order they appear."""
    items = list(items)
    records = [item for item in items if isinstance(item, LogRecord)]
    loaded = policy.loaded if policy is not None else None
    context = LogContext.of(records)
    placer = Placer(loaded.policy if loaded is not None else None, known_profiles(records))
    grouped = group_records(records)
    # One record per access is enough: the records of a group ask for the same rule.
    index = _SuggestIndex(suggest_records([group.first for group in grouped], policy))
    groups = {id(group.first): group for group in grouped}
    explained: list[Explanation] = []
    for item in items:
        if isinstance(item, UnreadableLine):
            explained.append(_unreadable(item))
        else:
            group = groups.get(id(item))
            if group is not None:
                explained.append(_explain_group(group, context, loaded, placer, index))
    return tuple(explained)


def explain_log(
    sources: Iterable[tuple[str, Iterable[str | bytes]]], policy: SuggestPolicy | None = None
) -> ExplainResult:
    """Read and explain the records of each source (its name and its lines)."""
    items: list[LogRecord | UnreadableLine] = []
    losses: list[tuple[str, int, str, str]] = []
    names: list[str] = []
    for name, lines in sources:
        names.append(name)
        items += read_records(_watch(name, lines, losses), name)
    explanations = list(explain_records(items, policy))
    for file, line, text, note in losses:
        explanations.append(_lost(file, line, text, note))
    records = sum(1 for item in items if isinstance(item, LogRecord))
    unreadable = sum(1 for item in items if isinstance(item, UnreadableLine))
    return ExplainResult(tuple(_in_log_order(explanations, names)), records, unreadable)


def _watch(
    name: str, lines: Iterable[str | bytes], losses: list[tuple[str, int, str, str]]
) -> Iterator[str | bytes]:
    """Pass `lines` on, noting those that say records were lost (F20)."""
    for number, line in enumerate(lines, 1):
        text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        note = lost_records_note(text)
        if note is not None:
            losses.append((name, number, text, note))
        yield line


def _in_log_order(explanations: list[Explanation], names: list[str]) -> list[Explanation]:
    """Sort by the first record's place: the sources in the order given, then the line."""
    files = {name: index for index, name in reversed(list(enumerate(names)))}
    keyed = []
    for index, explanation in enumerate(explanations):
        file, _, line = explanation.records[0].rpartition(":")
        position = files.get(file, len(files))
        keyed.append(((position, int(line) if line.isdigit() else 0, index), explanation))
    return [explanation for _, explanation in sorted(keyed, key=lambda pair: pair[0])]
