"""From denial records to the rules that allow them, each in the profile it belongs in.

`suggest(records, context)` turns the records of a log into `ProfileSuggestion`s, one per
profile, child or hat that needs something (mediation.md §2-§5, §9):

- each record's rule is its kind's `from_event` (`armorsmith.model.rules`), in the profile
  `Placer` finds for its label: learning (`//null-`) records re-homed through the parent's
  exec decision, every part of a stack, the new profile for inherited descriptors
  (`file_inherit` records are logged against it already), a child or hat nested in its
  parent;
- an exec gets the mode of the exec advice (`ix` with `mr`, `Px`, `Cx`);
- a cross-check (signal, ptrace, unix, dbus) needs both halves: the record's half in its
  profile and the mirrored half (`armorsmith.engine.mirror_request`) in the peer's, unless
  the peer is unconfined or, with a policy, already allows it;
- a disconnected path is fixed by the `attach_disconnected` flag (then the path, rooted at
  `/`, needs a rule like any other), a deleted file by `mediate_deleted`; records a rule
  cannot help (a missing exec target, no_new_privs, an unconfined task) become notes;
- with a policy, what the profile already allows (`armorsmith.engine.decide`) is left
  out, an allow rule is not proposed against an explicit deny rule, and an abstraction
  that allows the rule is offered instead of it;
- file paths use tunables (`@{HOME}`, `@{PROC}/@{pid}` ...) where they apply, and rules of
  one profile are merged when one rule can say both.

Records that are not denials (STATUS, HINT, AUDIT but for the user-namespace transition)
need no rule.  Everything here is pure; `armorsmith.ide.suggest` gives it a policy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field

from armorsmith.aare import Aare
from armorsmith.engine import (
    EngineProfile,
    Landing,
    Outcome,
    PolicySet,
    decide,
    exec_transition,
    mirror_request,
    parse_request,
)
from armorsmith.model import LogRecord, Rule
from armorsmith.model.rules.capability import CapabilityRule
from armorsmith.model.rules.change_profile import ChangeProfileRule
from armorsmith.model.rules.conds import PermissionRule
from armorsmith.model.rules.dbus import DbusRule
from armorsmith.model.rules.file import FAILED_EXEC_INFO, NULL_FILE_NAMES, FileRule, LinkRule
from armorsmith.model.rules.io_uring import IoUringRule
from armorsmith.model.rules.logged import literal, rule_from_text
from armorsmith.model.rules.mount import MountRule
from armorsmith.model.rules.mqueue import MqueueRule
from armorsmith.model.rules.network import NetworkRule
from armorsmith.model.rules.pivot_root import PivotRootRule
from armorsmith.model.rules.ptrace import PtraceRule
from armorsmith.model.rules.signal import SignalRule
from armorsmith.model.rules.unix import UnixRule
from armorsmith.model.rules.userns import UsernsRule

from .explain import kind_of, request_of
from .suggest_place import Placer, Target
from .suggest_tunables import DEFAULT_TUNABLES, Tunables, generalize

__all__ = [
    "Abstraction",
    "ProfileSuggestion",
    "SuggestContext",
    "known_profiles",
    "SuggestedRule",
    "Suggestions",
    "suggest",
]

_ORDER: tuple[type[Rule], ...] = (
    CapabilityRule, NetworkRule, UnixRule, SignalRule, PtraceRule, DbusRule, MountRule,
    PivotRootRule, ChangeProfileRule, MqueueRule, IoUringRule, UsernsRule, FileRule, LinkRule,
)
"""The order rules of one profile are listed in: by kind (files last, as aa-logprof writes)."""

_WANTED_EVENTS = ("AA_RECORD_DENIED", "AA_RECORD_ALLOWED", "AA_RECORD_KILLED")
_USERNS_TRANSITION = "Userns create - transitioning profile"
_DISCONNECTED = "Failed name lookup - disconnected path"
_DELETED = "Failed name lookup - deleted entry"
_NAME_LOOKUP = "Failed name lookup"
_FALLBACK_INFO = ("ix fallback", "ux fallback")
_SUBJECT = "armorsmith-subject-label"
"""Stands for the subject's label in a mirrored request until it is written as a literal."""


@dataclass(frozen=True, slots=True)
class Abstraction:
    """An abstraction that may be offered: its include name and its rules as a profile."""

    name: str
    profile: EngineProfile


@dataclass(frozen=True)
class SuggestContext:
    """What suggestions may use besides the records.

    `policy` is the loaded policy (None: suggest from the log alone); `tunables` returns
    the variables a policy file (None: a new file) can use; `abstractions` are offered
    when they allow a rule, the one whose rule matches most narrowly (then the first).
    """

    policy: PolicySet | None = None
    tunables: Callable[[str | None], Tunables] = field(default=lambda _file: DEFAULT_TUNABLES)
    abstractions: tuple[Abstraction, ...] = ()


@dataclass(frozen=True, slots=True)
class SuggestedRule:
    """One rule to add, with where it comes from.

    `rule` is the rule to add (tunables applied, merged with others of its profile);
    `literals` are the requests of the records as logged (one per distinct request),
    which `rule` allows;
    `reason` says why a rule that is not simply the record's is proposed (an exec advice,
    the other half of a cross-check); `include` names an abstraction that allows the
    rule, offered in its place; `narrower` is a narrower alternative (a network rule with
    the logged addresses).
    """

    rule: Rule
    literals: tuple[Rule, ...]
    records: tuple[LogRecord, ...]
    reason: str | None = None
    include: str | None = None
    narrower: str | None = None

    @property
    def text(self) -> str:
        """The line to add: the include offered, or the rule's canonical text."""
        return f"include <{self.include}>" if self.include else self.rule.render()


@dataclass(frozen=True, slots=True)
class ProfileSuggestion:
    """What one profile needs: rules, flags in its header, and notes on what rules cannot fix."""

    target: Target
    rules: tuple[SuggestedRule, ...]
    flags: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def profile(self) -> str:
        """The profile's label (`a//b` for the child or hat `b` of `a`)."""
        return self.target.name

    @property
    def file(self) -> str | None:
        """The policy file that defines the profile (or its parent), when known."""
        return self.target.file

    def texts(self) -> tuple[str, ...]:
        """The lines to add, each once (several rules may be allowed by one include)."""
        return tuple(dict.fromkeys(rule.text for rule in self.rules))


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Every profile's suggestions, parents before their children, and the records left over.

    `unplaced` are records that need something no profile can be given (with the reason),
    such as denials of unconfined tasks.
    """

    profiles: tuple[ProfileSuggestion, ...]
    unplaced: tuple[tuple[LogRecord, str], ...]


@dataclass
class _Entry:
    """A profile's suggestions while they are gathered."""

    target: Target
    rules: list[SuggestedRule] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Book:
    """Suggestions by profile, in the order profiles first need something."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str | None, tuple[str, ...]], _Entry] = {}
        self.unplaced: list[tuple[LogRecord, str]] = []

    def entry(self, target: Target) -> _Entry:
        """Return the entry of `target`, made with those of its parents when it is new."""
        ancestors = []
        profile = target.profile
        for size in range(len(target.components) - 1, 0, -1):
            profile = profile.parent if profile is not None else None
            ancestors.append(
                Target(target.components[:size], target.hats[: size - 1], target.namespace, profile, target.file)
            )
        for ancestor in reversed(ancestors):
            self._place(ancestor)
        return self._place(target)

    def _place(self, target: Target) -> _Entry:
        found = self.entries.get(target.key)
        if found is None:
            found = self.entries[target.key] = _Entry(target)
        elif found.target.profile is None and target.profile is not None:
            found.target = target
        return found

    def rule(self, target: Target, rule: SuggestedRule) -> None:
        self.entry(target).rules.append(rule)

    def flag(self, target: Target, flag: str) -> None:
        flags = self.entry(target).flags
        if flag not in flags:
            flags.append(flag)

    def note(self, target: Target, note: str) -> None:
        notes = self.entry(target).notes
        if note not in notes:
            notes.append(note)


def known_profiles(records: Iterable[LogRecord]) -> set[str]:
    """Return the top-level profile names the records show confining a task."""
    known = set()
    for record in records:
        label = record.profile or ""
        for part in label.split("//&"):
            top = part.split("//", 1)[0]
            if top and not top.startswith(":") and top != "unconfined":
                known.add(top)
    return known


def _exec_rule(program: str, mode: str) -> Rule | None:
    text = f"{literal(program)} {'mrix' if mode == 'ix' else mode},"
    return rule_from_text(FileRule, text)


class _Suggester:
    """Gathers the suggestions of one run."""

    def __init__(self, records: list[LogRecord], context: SuggestContext) -> None:
        self.context = context
        self.placer = Placer(context.policy, known_profiles(records))
        self.book = _Book()
        self.decided_by: dict[tuple[object, str], LogRecord] = {}
        """The first record whose learning label took each exec decision of the placer."""

    def add(self, record: LogRecord) -> None:
        """Gather what one record needs."""
        if record.event not in _WANTED_EVENTS:
            if record.event == "AA_RECORD_AUDIT" and record.info == _USERNS_TRANSITION:
                self._userns_transition(record)
            return
        decided = len(self.placer.decisions)
        targets = self.placer.subjects(record.profile, record.namespace)
        for key in list(self.placer.decisions)[decided:]:
            self.decided_by[key] = record
        if not targets:
            self._unplaced(record)
            return
        info = record.info or ""
        if info.startswith(_DISCONNECTED):
            for target in targets:
                self.book.flag(target, "attach_disconnected")
            name = record.name or ""
            if not name or name in NULL_FILE_NAMES:
                return
            record = dataclasses.replace(record, name=name if name.startswith("/") else "/" + name)
        elif info.startswith(_DELETED):
            for target in targets:
                self.book.flag(target, "mediate_deleted")
            return
        elif info.startswith(_NAME_LOOKUP) and kind_of(record) != "mqueue":
            # A queue whose name could not be found is still allowed by a rule without a
            # name, as aa-logprof proposes (`posix_mqueue_disconnected_no_name`).
            for target in targets:
                self.book.note(target, f"{record.operation} of {record.name!r} failed: {info}; no rule helps")
            return
        kind = kind_of(record)
        if kind == "exec":
            self._exec(record, targets)
            return
        peered = self._with_peers(record)
        rule = request_of(peered, kind)
        if rule is None:
            self._no_rule(record, kind, targets)
            return
        narrower = None
        if isinstance(rule, NetworkRule):
            fine = NetworkRule.from_event(peered, addresses=True)
            if fine is not None and fine.render() != rule.render():
                narrower = fine.render()
        for target in targets:
            self.book.rule(target, SuggestedRule(rule, (rule,), (record,), narrower=narrower))
            self._mirror(peered, rule, target)

    def _with_peers(self, record: LogRecord) -> LogRecord:
        """Return the record with learning peer labels replaced by where those tasks run."""
        peer, peer_profile = self.placer.peer(record.peer), self.placer.peer(record.peer_profile)
        if peer == record.peer and peer_profile == record.peer_profile:
            return record
        return dataclasses.replace(record, peer=peer, peer_profile=peer_profile)

    def _mirror(self, record: LogRecord, rule: Rule, target: Target) -> None:
        """Add the peer's half of a cross-check to the peer's profile.

        The peer is the label the record names (a learning label already replaced), and
        the mirrored rule names the subject's label escaped, so a profile name with glob
        characters is matched as written.
        """
        mirrored = mirror_request(rule, _SUBJECT)
        peer_label = record.peer_profile if isinstance(rule, DbusRule) else record.peer
        if mirrored is None or mirrored[0] is None or not peer_label:
            return
        peer_rule, _ = parse_request(mirrored[1].replace(_SUBJECT, literal(target.name)))
        if not isinstance(peer_rule, Rule):
            return
        for peer in self.placer.subjects(peer_label):
            reason = f"the other half of the cross-check with {target.name}"
            self.book.rule(peer, SuggestedRule(peer_rule, (peer_rule,), (record,), reason=reason))

    def _exec(self, record: LogRecord, targets: tuple[Target, ...]) -> None:
        program = record.name or ""
        if record.info in _FALLBACK_INFO:
            # The exec was allowed by the fallback of a `pix` or `pux` rule: no rule is missing.
            for target in targets:
                self.book.note(target, f"exec of {program} used the {record.info} of its exec rule: no profile attaches to it")
            return
        base = FileRule.from_event(record)
        if base is None:
            if record.info in FAILED_EXEC_INFO:
                for target in targets:
                    self.book.note(target, _failed_exec_note(record))
            return
        for target in targets:
            advice = self.placer.advise(target, program)
            rule = base if advice.mode == "ix" else _exec_rule(program, advice.mode)
            if rule is None:
                continue
            reason = f"{advice.mode}: {advice.reason}"
            self.book.rule(target, SuggestedRule(rule, (rule,), (record,), reason=reason))

    def _userns_transition(self, record: LogRecord) -> None:
        """An unconfined program that creates a user namespace is moved to the restricted
        `unprivileged_userns` profile; giving the program a profile that allows `userns`
        keeps it out of there (mediation.md F5)."""
        program = record.execpath
        rule = rule_from_text(UsernsRule, "userns create,")
        if not program or not program.startswith("/") or rule is None:
            return
        reason = f"{program} was moved to {record.name2 or 'a restricted profile'} when it created a user namespace"
        self.book.rule(self.placer.target((program,)), SuggestedRule(rule, (rule,), (record,), reason=reason))

    def _unplaced(self, record: LogRecord) -> None:
        label = record.profile or ""
        if label == "unconfined" or label.endswith("//unconfined"):
            why = "the task is unconfined: no profile of it can be given a rule"
        elif not label:
            why = "the record names no profile"
        elif label.startswith("null-"):
            why = f"{label} is an old kernel's global learning profile: the profile that ran the program is not logged"
        else:
            why = (
                f"the records of {label} need no rule: by the policy's exec rule the program "
                "runs unconfined or may not run"
            )
        self.book.unplaced.append((record, why))

    def _no_rule(self, record: LogRecord, kind: str, targets: tuple[Target, ...]) -> None:
        if kind == "change_profile" and record.info:
            name = record.name2 or record.name
            if record.info == "label not found":
                note = f"{record.operation} to {name}: no profile {name} is loaded; load it (no rule helps)"
            elif record.info == "no new privs":
                note = f"{record.operation} to {name}: no_new_privs forbids the change (no rule helps)"
            else:
                note = f"{record.operation} to {name} failed: {record.info}"
            for target in targets:
                self.book.note(target, note)
        elif kind == "change_hat" and record.name:
            for target in targets:
                self.book.note(target, f"change_hat to {record.name!r}: add the hat ^{record.name} to {target.name}")

    def _decided_execs(self) -> None:
        """Add the exec rules that learning records were re-homed by (mediation.md §5.3):
        without them the program would not run where its records were put."""
        for parent, program, advice in self.placer.decisions.values():
            rule = _exec_rule(program, advice.mode)
            if rule is None:
                continue
            record = self.decided_by.get((parent.key, program))
            reason = (
                f"{advice.mode}: the complain-mode learning profile {parent.name}//null-{program} "
                f"needs an exec rule; {advice.reason}"
            )
            self.book.rule(parent, SuggestedRule(rule, (rule,), (record,) if record else (), reason=reason))

    def finish(self) -> Suggestions:
        """Return the suggestions gathered, what the policy allows already left out."""
        self._decided_execs()
        profiles = []
        for entry in _ordered(self.book.entries.values()):
            rules = self._finish_rules(entry)
            flags = tuple(flag for flag in entry.flags if not _has_flag(entry.target.profile, flag))
            if rules or flags or entry.notes:
                profiles.append(ProfileSuggestion(entry.target, rules, flags, tuple(entry.notes)))
        return Suggestions(tuple(profiles), tuple(self.book.unplaced))

    def _finish_rules(self, entry: _Entry) -> tuple[SuggestedRule, ...]:
        profile = entry.target.profile
        tunables = self.context.tunables(entry.target.file)
        kept = _Merged()
        for suggested in entry.rules:
            if profile is not None and entry.target.namespace is None:
                verdict = _allowed(self.context.policy, profile, suggested.literals[0])
                if verdict is True:
                    continue
                if isinstance(verdict, str):
                    if verdict not in entry.notes:
                        entry.notes.append(verdict)
                    continue
            suggested = self._offer_abstraction(suggested)
            kept.add(_with_tunables(suggested, tunables))
        return tuple(sorted(kept.rules, key=_sort_key))

    def _offer_abstraction(self, suggested: SuggestedRule) -> SuggestedRule:
        """Offer the abstraction whose rules allow the request most narrowly, if any."""
        best: tuple[tuple[int, int], Abstraction] | None = None
        for abstraction in self.context.abstractions:
            decision = decide(abstraction.profile, suggested.literals[0])
            if decision.outcome is not Outcome.ALLOW:
                continue
            score = max((_specificity(ref.rule) for ref in decision.allowed_by), default=(0, 0))
            if best is None or score > best[0]:
                best = (score, abstraction)
        return dataclasses.replace(suggested, include=best[1].name) if best is not None else suggested


def _specificity(rule: Rule) -> tuple[int, int]:
    """How narrowly a rule matches: exact paths first, then the longest literal left part."""
    path = rule.path_text if isinstance(rule, FileRule) else None
    if not path:
        return (0, 0)
    glob, _ = Aare.parse(path)
    if glob is None:
        return (0, 0)
    return (1 if glob.is_literal else 0, len(glob.literal_prefix))


def _failed_exec_note(record: LogRecord) -> str:
    info, program, target = record.info, record.name, record.name2
    if info == "profile transition not found":
        return (
            f"exec of {program}: the exec rule names a profile that is not loaded ({target or 'none'}); "
            "load or create it, or use pix/cix to fall back to inheriting"
        )
    if info == "no new privs":
        return (
            f"exec of {program}: no_new_privs forbids the transition; use ix or a stacked "
            "transition (`Px -> &@{profile_name}`); no rule allows it otherwise"
        )
    return f"exec of {program} failed: {info}"


def _allowed(policy: PolicySet | None, profile: EngineProfile, request: Rule) -> bool | str | None:
    """Return True when `profile` allows `request` already, a note when an explicit deny
    rule refuses it (an allow rule would not help), None otherwise."""
    if isinstance(request, FileRule) and request.exec is not None and request.path is not None and policy is not None:
        transition = exec_transition(policy, profile, request.path.text)
        if transition.decision.outcome is Outcome.ALLOW and transition.landing is not Landing.DENIED:
            return True
        decision = transition.decision
    else:
        decision = decide(profile, request)
        if decision.outcome is Outcome.ALLOW:
            return True
    if decision.denied_by:
        rules = ", ".join(f"`{ref.rule.render()}`" for ref in decision.denied_by)
        return f"`{request.render()}` is refused by {rules}: an allow rule would not override it"
    return None


def _has_flag(profile: EngineProfile | None, flag: str) -> bool:
    if profile is None or profile.model is None:
        return False
    return any(item.name == flag for item in profile.model.flags)


def _with_tunables(suggested: SuggestedRule, tunables: Tunables) -> SuggestedRule:
    """Return the suggestion with tunables in its file paths, where they apply."""
    rule = suggested.rule
    values = []
    if isinstance(rule, FileRule) and rule.path is not None:
        values.append(rule.path)
    elif isinstance(rule, LinkRule):
        values += [value for value in (rule.path, rule.target) if value is not None]
    text = rule.render()
    changed = False
    for value in values:
        general = generalize(value.text, tunables)
        if general != value.text:
            raw = f'"{general}"' if value.quoted else general
            text = text.replace(value.raw, raw, 1)
            changed = True
    if not changed:
        return suggested
    general_rule = rule_from_text(type(rule), text)
    return dataclasses.replace(suggested, rule=general_rule) if general_rule is not None else suggested


def _bucket(suggested: SuggestedRule) -> Hashable:
    """What two rules must share to merge: the include offered, or the kind, qualifiers and
    object (for kinds with permission words, all but the permissions)."""
    rule = suggested.rule
    if suggested.include:
        return ("include", suggested.include)
    if isinstance(rule, FileRule):
        return (FileRule, rule.key(), rule.path_text)
    if isinstance(rule, PermissionRule):
        return (type(rule), rule.key(), dataclasses.replace(rule, access=type(rule.access)(0)).render())
    return (type(rule), rule.key())


class _Merged:
    """A profile's rules, each new one merged into a rule that can say both when there is one."""

    def __init__(self) -> None:
        self.rules: list[SuggestedRule] = []
        self._buckets: dict[Hashable, list[int]] = {}

    def add(self, new: SuggestedRule) -> None:
        positions = self._buckets.setdefault(_bucket(new), [])
        for index in positions:
            old = self.rules[index]
            merged = old.rule if old.include else old.rule.merge(new.rule)
            if merged is None:
                continue
            literals = list(old.literals)
            literals += [rule for rule in new.literals if not any(kept.covers(rule) for kept in literals)]
            self.rules[index] = SuggestedRule(
                merged,
                tuple(literals),
                old.records + new.records,
                "; ".join(dict.fromkeys(reason for reason in (old.reason, new.reason) if reason)) or None,
                old.include,
                old.narrower if old.narrower == new.narrower else None,
            )
            return
        positions.append(len(self.rules))
        self.rules.append(new)


def _sort_key(suggested: SuggestedRule) -> tuple[int, int, str]:
    kind = type(suggested.rule)
    position = _ORDER.index(kind) if kind in _ORDER else len(_ORDER)
    return (0 if suggested.include else 1, position, suggested.text)


def _ordered(entries: Iterable[_Entry]) -> Iterator[_Entry]:
    """Yield entries in first-need order, each child right after its parent."""
    entries = list(entries)
    children: dict[tuple[str | None, tuple[str, ...]], list[_Entry]] = {}
    roots = []
    for entry in entries:
        components = entry.target.components
        if len(components) == 1:
            roots.append(entry)
        else:
            children.setdefault((entry.target.namespace, components[:-1]), []).append(entry)

    def walk(entry: _Entry) -> Iterator[_Entry]:
        yield entry
        for child in children.get(entry.target.key, ()):
            yield from walk(child)

    for root in roots:
        yield from walk(root)


def suggest(records: Iterable[LogRecord], context: SuggestContext | None = None) -> Suggestions:
    """Return what the profiles of `records` need so that the records would not happen."""
    records = list(records)
    suggester = _Suggester(records, context or SuggestContext())
    for record in records:
        suggester.add(record)
    return suggester.finish()
