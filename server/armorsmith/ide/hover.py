"""Hover: what the word under the cursor means, here, in short Markdown.

The cursor is located in the model (`armorsmith.ide.cursor`); the first explainer that
recognises what is there answers:

- a variable: its values, where each was assigned (resolution's provenance), and what it
  expands to; the parser's own variables (`@{profile_name}` ...) for the enclosing profile;
- an include: the file it opened, and what it brings (rules into which profiles, profiles,
  variables); an `abi`: the file and what an ABI does;
- an exec modifier (`ix`, `Px`, `Cx`, `pux` ...): explained for this rule: the profile each
  of its paths lands in, found with the engine's attachment search over the workspace
  policy, whether the environment is scrubbed, what the fallback does, and the risk of
  `ux` and the lower-case modes;
- a `->` target or a `peer=` label: the profile it names and where it is defined;
- a profile name, attachment or flag; a permission letter; a capability, a network family,
  type or protocol, a signal, an access word, a resource limit, a qualifier, the name of a
  conditional (`peer=`, `bus=` ...), a glob (`*`, `**`, `{a,b}` ...);
- any other keyword, through the grammar's highlight captures (`token_at`).

The word tables are `armorsmith.ide.vocabulary`.  Results are Markdown with the byte range
of the word they explain.
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.aare import Aare
from armorsmith.engine import EngineProfile, Landing
from armorsmith.model import Abi, Flag, Include, Profile, Qualifiers, Span, Value, VarRef, Word
from armorsmith.model.conditionals import Conditional, ConditionalGroup
from armorsmith.model.rules import CapabilityRule, ChangeProfileRule, NetworkRule, PivotRootRule, RlimitRule, SignalRule
from armorsmith.model.rules.file import ExecKind, ExecMode, Fallback, FileRule
from armorsmith.model.rules.signal import signal_number
from armorsmith.resolve import BooleanVariable, IncludeSite, SetVariable

from . import vocabulary as words
from .context import DocumentContext, Location, Project
from .cursor import Located, locate, token_at
from .navigation import BUILTIN_VARIABLES, ExecLanding, ExecTargets, exec_targets, find_file, symbol_at

__all__ = ["Hover", "hover"]

MAX_LISTED = 8
"""How many values, profiles or files a hover lists before it says how many more."""


@dataclass(frozen=True, slots=True)
class Hover:
    """A hover: Markdown, and the range of the word it explains."""

    markdown: str
    span: Span


def _code(text: str) -> str:
    """Return `text` as inline Markdown code, whatever backticks it holds."""
    fence = "``" if "`" in text else "`"
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _listed(entries: list[str], noun: str) -> list[str]:
    shown = entries[:MAX_LISTED]
    if len(entries) > MAX_LISTED:
        shown.append(f"- … and {len(entries) - MAX_LISTED} more {noun}")
    return shown


# Section - variables.


def _variable(ctx: DocumentContext, project: Project, located: Located) -> Hover | None:
    symbol = symbol_at(ctx, located)
    if symbol is None or symbol.kind == "profile" and not isinstance(located.part, VarRef):
        return None
    if symbol.kind == "profile" or symbol.name in BUILTIN_VARIABLES:
        return _builtin(ctx, located, symbol.name if symbol.kind != "profile" else "profile_name", symbol.span)
    variable = ctx.resolution.variables.get(symbol.name) if ctx.resolution is not None else None
    if symbol.kind == "boolean":
        return Hover(_boolean_markdown(ctx, project, symbol.name, variable), symbol.span)
    sigil = f"@{{{symbol.name}}}"
    if not isinstance(variable, SetVariable):
        if ctx.resolution is None:
            text = f"**{sigil}** · set variable\n\nIncludes are not resolved, so its values are unknown here."
        else:
            text = f"**{sigil}** · set variable\n\nNot defined in this file or in the files it includes."
        return Hover(text, symbol.span)
    lines = [f"**{sigil}** · set variable, {len(variable.values)} value{'s' if len(variable.values) != 1 else ''}", ""]
    entries = [
        f"- {_code(value.text)} — {project.where(Location(value.origin.document, value.origin.span), ctx)}"
        for value in variable.values
    ]
    lines += _listed(entries, "values")
    if variable.appended:
        places = ", ".join(project.where(Location(o.document, o.span), ctx) for o in variable.appended)
        lines += ["", f"Declared at {project.where(Location(variable.declared.document, variable.declared.span), ctx)}; extended with `+=` at {places}."]
    builtins = ()
    if located.profiles:
        resolved = ctx.resolved(located.profiles[-1])
        builtins = resolved.builtins if resolved is not None else ()
    assert ctx.resolution is not None
    expanded = ctx.resolution.expander.text(sigil, builtins, collapse=True)
    if isinstance(expanded, tuple) and sorted(expanded) != sorted(value.text for value in variable.values):
        shown = ", ".join(_code(text) for text in expanded[:MAX_LISTED])
        more = f" and {len(expanded) - MAX_LISTED} more" if len(expanded) > MAX_LISTED else ""
        lines += ["", f"Expands to {shown}{more}."]
    return Hover("\n".join(lines), symbol.span)


def _boolean_markdown(ctx: DocumentContext, project: Project, name: str, variable: object) -> str:
    head = f"**${{{name}}}** · boolean variable"
    if not isinstance(variable, BooleanVariable):
        return head + "\n\nNot defined in this file or in the files it includes."
    value = "undecided (its expression could not be evaluated)" if variable.value is None else str(variable.value).lower()
    where = project.where(Location(variable.declared.document, variable.declared.span), ctx)
    return f"{head} = **{value}**\n\nSet at {where}."


def _builtin(ctx: DocumentContext, located: Located, name: str, span: Span) -> Hover:
    meaning = {
        "profile_name": "the name of the enclosing profile, as the kernel reports it",
        "attach_path": "the attachment of the enclosing profile: the executables it confines",
        "exec_path": "the attachment of the enclosing profile: the executables it confines",
    }[name]
    lines = [f"**@{{{name}}}** · defined by apparmor_parser: {meaning}."]
    if located.profiles:
        resolved = ctx.resolved(located.profiles[-1])
        values = dict(resolved.builtins).get(name, ()) if resolved is not None else ()
        if values:
            lines += ["", "Here: " + ", ".join(_code(value) for value in values) + "."]
        elif resolved is not None:
            lines += ["", "This profile has no attachment, so the variable is undefined here."]
    return Hover("\n".join(lines), span)


# Section - includes and abi.


def _sites(ctx: DocumentContext, include: Include) -> list[IncludeSite]:
    if ctx.resolution is None:
        return []
    return [site for site in ctx.resolution.includes if site.include is include]


def _include(ctx: DocumentContext, project: Project, located: Located) -> Hover | None:
    item = located.item
    if not isinstance(item, Include):
        return None
    head = f"**{item.keyword.text}**{' if exists' if item.if_exists else ''} {_code(ctx.text(item.target_span))}"
    if ctx.resolution is None:
        return Hover(head + "\n\n" + words.KEYWORDS["include"], item.span)
    sites = _sites(ctx, item)
    if not sites:
        where = "on the include path" if item.magic else "relative to the base directory"
        note = "skipped: the file does not exist" if item.if_exists else "not found " + where
        return Hover(f"{head}\n\n{note}.", item.span)
    opened = list(dict.fromkeys(site.target for site in sites))
    lines = [head, "", "Opens " + ", ".join(_code(path) for path in opened) + "."]
    brought = _brought(ctx, item)
    if brought:
        lines += ["", *brought]
    return Hover("\n".join(lines), item.span)


def _through(via: tuple[IncludeSite, ...], include: Include) -> bool:
    return any(site.include is include for site in via)


def _brought(ctx: DocumentContext, include: Include) -> list[str]:
    """Describe what an include adds: rules per profile, profiles, variables, other files."""
    assert ctx.resolution is not None
    found: list[str] = []
    for resolved in ctx.resolution.walk_profiles():
        count = sum(1 for placed in resolved.rules if _through(placed.origin.via, include))
        if count:
            found.append(f"- {count} rule{'s' if count != 1 else ''} into {_code(resolved.name)}")
    profiles = [r.name for r in ctx.resolution.walk_profiles() if _through(r.origin.via, include)]
    if profiles:
        found.append(f"- {len(profiles)} profile{'s' if len(profiles) != 1 else ''}: " + ", ".join(_code(n) for n in profiles[:MAX_LISTED]))
    variables = [
        name
        for name, variable in ctx.resolution.variables.items()
        if _through(variable.declared.via, include)
        or isinstance(variable, SetVariable) and any(_through(o.via, include) for o in variable.appended)
    ]
    if variables:
        shown = ", ".join(_code(f"@{{{n}}}") for n in variables[:MAX_LISTED])
        more = f" and {len(variables) - MAX_LISTED} more" if len(variables) > MAX_LISTED else ""
        found.append(f"- sets {len(variables)} variable{'s' if len(variables) != 1 else ''}: {shown}{more}")
    files = _nested_files(ctx, include)
    if files:
        found.append(f"- through its own includes, {len(files)} more file{'s' if len(files) != 1 else ''} or director{'ies' if len(files) != 1 else 'y'}")
    return ["Brings:", *found] if found else ["Brings nothing into this file's profiles."]


def _nested_files(ctx: DocumentContext, include: Include) -> set[str]:
    """Return the files read through the includes of the files `include` opened, transitively."""
    assert ctx.resolution is not None
    sites = ctx.resolution.includes

    def within(document: str, paths: set[str]) -> bool:
        # A directory include opens the files inside it.
        return document in paths or any(document.startswith(path.rstrip("/") + "/") for path in paths)

    seen = {site.target for site in sites if site.include is include}
    found: set[str] = set()
    frontier = set(seen)
    while frontier:
        frontier = {site.target for site in sites if within(site.document, frontier) and site.target not in seen}
        seen |= frontier
        found |= frontier
    return found


def _abi(ctx: DocumentContext, project: Project, located: Located) -> Hover | None:
    item = located.item
    if not isinstance(item, Abi):
        return None
    path = find_file(project, item.target, item.magic)
    lines = [f"**abi** {_code(ctx.text(item.target_span))}", "", words.KEYWORDS["abi"]]
    if path is not None:
        lines += ["", f"Feature file: {_code(path)}."]
    return Hover("\n".join(lines), item.span)


# Section - exec transitions.


def _mode_title(mode: ExecMode) -> str:
    if mode.kind is ExecKind.INHERIT:
        return "inherit: the program runs under this same profile"
    if mode.kind is ExecKind.UNCONFINED:
        return "unconfined: the program runs without any AppArmor confinement"
    where = "a child profile of this profile" if mode.kind is ExecKind.CHILD else "another profile"
    how = f"the profile named {_code(mode.target)}" if mode.target else "the profile that attaches to the program"
    if mode.kind is ExecKind.CHILD and mode.target:
        how = f"the child profile {_code(mode.target)}"
    return f"transition to {where}: {how}"


def _scrubbing(mode: ExecMode) -> str:
    if mode.kind is ExecKind.INHERIT:
        return (
            "**Environment:** kept. `ix` changes no privilege, so there is nothing to scrub"
            + (" (and `unsafe` says so explicitly)." if mode.unsafe else ".")
        )
    if mode.unsafe:
        return (
            "**Environment:** *not* scrubbed: `LD_PRELOAD`, `LD_LIBRARY_PATH` and the like reach the new program."
        )
    return "**Environment:** scrubbed (secure-exec): the loader ignores `LD_PRELOAD`, `LD_LIBRARY_PATH` and the like."


def _fallback(mode: ExecMode) -> str | None:
    if mode.kind not in (ExecKind.PROFILE, ExecKind.CHILD):
        return None
    letter = mode.spelling[0]
    if mode.fallback is Fallback.INHERIT:
        return "**No profile found:** the program inherits this profile (`ix fallback`)."
    if mode.fallback is Fallback.UNCONFINED:
        return "**No profile found:** the program runs unconfined (`ux fallback`)."
    return (
        "**No profile found:** the exec fails with `EACCES` (`profile transition not found`); "
        f"`{letter}ix` would inherit instead, `{letter}{'u' if mode.unsafe else 'U'}x` run unconfined."
    )


def _risk(mode: ExecMode) -> str | None:
    if mode.kind is ExecKind.UNCONFINED:
        risk = (
            "**Risk:** the program runs with no AppArmor restriction at all: whatever it can be made to do "
            "escapes this profile. Prefer `Px` with a profile for it."
        )
        if mode.unsafe:
            risk += (
                " With `ux` the environment passes too, so the confined task can inject code "
                "(`LD_PRELOAD`) into an unconfined process: a complete escape. At least use `Ux`."
            )
        return risk
    if mode.unsafe and mode.kind in (ExecKind.PROFILE, ExecKind.CHILD):
        return (
            "**Risk:** the confined task chooses the environment of the new program, so it can load its "
            "own code (`LD_PRELOAD`) into it and use the target profile's permissions. Use "
            f"`{mode.spelling[0].upper()}{mode.spelling[1:]}` unless the program needs those variables."
        )
    return None


def _profile_ref(project: Project, ctx: DocumentContext, profile: EngineProfile) -> str:
    where = ""
    if profile.path is not None and profile.model is not None:
        anchor = profile.model.name.span if profile.model.name is not None else profile.model.span
        where = f" ({project.where(Location(profile.path, anchor), ctx)})"
    return f"**{profile.fqname}**{where}"


def _landing_line(project: Project, ctx: DocumentContext, targets: ExecTargets, landing: ExecLanding) -> str:
    path = _code(landing.path)
    transition = landing.transition
    if transition is not None:
        decided_here = transition.rule is None or transition.rule.rule.span == targets.rule.span
        note = ""
        if not decided_here and transition.rule is not None:
            note = f" — for this path the rule {_code(transition.rule.rule.render())} decides"
        if transition.landing is Landing.PROFILE and transition.target is not None:
            how = ""
            if targets.mode.target is None:
                exact = any(a == landing.path for a in transition.target.attachments)
                how = ", exact attachment" if exact else ", longest attachment match"
            return f"- {path} → {_profile_ref(project, ctx, transition.target)}{how}{note}"
        fallback = f"no profile attaches, so (`{transition.info}`) " if transition.info else ""
        if transition.landing is Landing.SAME:
            return f"- {path} → {fallback}stays in **{transition.target_name}**{note}"
        if transition.landing is Landing.UNCONFINED:
            return f"- {path} → {fallback}runs **unconfined**{note}"
        if transition.conflicting:
            names = ", ".join(_code(p.fqname) for p in transition.conflicting)
            return f"- {path} → the exec fails: {names} attach equally well (`conflicting profile attachments`){note}"
        if transition.info:
            return f"- {path} → the exec fails: no profile attaches (`{transition.info}`){note}"
        return f"- {path} → the exec is denied{note}"
    if len(landing.candidates) == 1:
        return f"- {path} → {_profile_ref(project, ctx, landing.candidates[0])}, the one profile attaching to such paths"
    if landing.candidates:
        names = ", ".join(_profile_ref(project, ctx, p) for p in landing.candidates[:MAX_LISTED])
        return f"- {path} → whichever of these attaches best to the program run: {names}"
    if targets.mode.kind in (ExecKind.PROFILE, ExecKind.CHILD) and targets.mode.target is None:
        scope = "among this profile's children" if targets.mode.kind is ExecKind.CHILD else "in the workspace"
        if targets.mode.kind is ExecKind.CHILD and targets.profile is None:
            return f"- {path} → a child of the including profile that attaches to the program"
        return f"- {path} → no profile {scope} attaches to these paths"
    return f"- {path}"


def _exec_markdown(ctx: DocumentContext, project: Project, targets: ExecTargets, written: str) -> str:
    mode = targets.mode
    lines = [f"**{written}** · {_mode_title(mode)}", ""]
    if mode.target is not None:
        if targets.named:
            lines.append(f"Lands in {_profile_ref(project, ctx, targets.named[0])}.")
        elif targets.target is not None:
            scope = f"child of {_code(targets.profile.fqname)}" if mode.kind is ExecKind.CHILD and targets.profile else "profile"
            lines.append(f"No {scope} named {_code(targets.target)} in the workspace.")
        lines.append("")
    elif mode.kind in (ExecKind.PROFILE, ExecKind.CHILD) or targets.profile is not None:
        shown = [_landing_line(project, ctx, targets, landing) for landing in targets.landings]
        if shown:
            lines += [*_listed(shown, "paths"), ""]
    lines.append(_scrubbing(mode))
    for extra in (_fallback(mode), _risk(mode)):
        if extra is not None:
            lines += ["", extra]
    if targets.profile is None and mode.kind is not ExecKind.UNCONFINED:
        lines += ["", "_This rule is outside a profile: it applies in every profile that includes this file._"]
    return "\n".join(lines)


def _exec(ctx: DocumentContext, project: Project, located: Located) -> Hover | None:
    rule, part = located.item, located.part
    if not isinstance(rule, FileRule) or rule.exec is None or not isinstance(part, Word):
        return None
    if not any(part is token for token in rule.tokens) or ExecMode.parse(part.text) is None:
        return None
    targets = exec_targets(ctx, project, located, rule)
    if targets is None:
        return None
    return Hover(_exec_markdown(ctx, project, targets, part.text), part.span)


# Section - profiles named by rules.


def _matching_profiles(project: Project, label: str) -> list[EngineProfile]:
    found = project.policy.get(label)
    if found is not None:
        return [found]
    glob, _ = Aare.parse(label, collapse_slashes=False)
    if glob is None or glob.is_literal:
        return []
    return [profile for profile in project.policy if glob.matches(profile.fqname)]


def _label(ctx: DocumentContext, project: Project, located: Located) -> Hover | None:
    part, rule = located.part, located.item
    if not isinstance(part, Value):
        return None
    if isinstance(rule, FileRule) and rule.exec_target is part and rule.exec is not None:
        targets = exec_targets(ctx, project, located, rule)
        if targets is None:
            return None
        body = _exec_markdown(ctx, project, targets, rule.exec.spelling)
        return Hover(f"**-> {_code(part.text)}**\n\n" + body, part.span)
    conditional = located.innermost(Conditional)
    # A network rule's `peer=(...)` names addresses; only its `label=` names a profile.
    names = ("label",) if isinstance(rule, NetworkRule) else ("peer", "label")
    is_peer = conditional is not None and conditional.name.text in names
    is_target = isinstance(rule, (ChangeProfileRule, PivotRootRule)) and rule.target is part
    if not (is_peer or is_target):
        return None
    label = part.text.lstrip("&")
    if label == "unconfined":
        return Hover("**unconfined**: tasks that no profile confines.", part.span)
    matches = _matching_profiles(project, label)
    what = "label" if is_peer else "target profile"
    lines = [f"**{what}** {_code(part.text)}", ""]
    if matches:
        lines += _listed([f"- {_profile_ref(project, ctx, p)}" for p in matches], "profiles")
    else:
        lines.append("No profile of the workspace has this name.")
    if is_peer:
        lines += ["", "Both sides must allow: the peer's profile needs the mirrored rule too."]
    return Hover("\n".join(lines), part.span)


# Section - profile headers.


def _profile(ctx: DocumentContext, project: Project, located: Located) -> Hover | None:
    item, part = located.item, located.part
    if not isinstance(item, Profile) or part is None:
        return None
    if isinstance(part, Flag):
        meaning = words.FLAGS.get(part.name)
        if meaning is None:
            return Hover(f"**{part.name}**: not a profile flag apparmor_parser knows.", part.span)
        value = f"\n\nHere: {_code(part.value)}." if part.value is not None else ""
        return Hover(meaning + value, part.span)
    if isinstance(part, Word) and item.keyword is not None and part is item.keyword:
        return Hover(words.KEYWORDS[part.text if part.text in words.KEYWORDS else "profile"], part.span)
    if part is item.name and item.name is not None:
        return Hover(_profile_summary(ctx, project, located, item), item.name.span)
    if part is item.attachment and item.attachment is not None:
        return Hover(_attachment_summary(ctx, project, item, item.attachment), item.attachment.span)
    return None


def _profile_summary(ctx: DocumentContext, project: Project, located: Located, item: Profile) -> str:
    kind = "hat" if item.is_hat else "child profile" if len(located.profiles) > 1 else "profile"
    resolved = ctx.resolved(item)
    name = resolved.name if resolved is not None else (item.name.text if item.name else "")
    lines = [f"**{name}** · {kind}"]
    engine = project.engine_profile(ctx, item)
    if engine is not None:
        lines += ["", f"- mode: {engine.mode.value}"]
        if engine.attachments:
            lines.append("- attaches to: " + ", ".join(_code(a) for a in engine.attachments[:MAX_LISTED]))
        else:
            lines.append("- no attachment: reached only through `->`, `change_profile` or `change_hat`")
        if resolved is not None:
            own = sum(1 for placed in resolved.rules if not placed.origin.via)
            lines.append(f"- {len(resolved.rules)} rules, {len(resolved.rules) - own} of them from includes")
        if engine.children:
            lines.append("- children: " + ", ".join(_code(child) for child in list(engine.children)[:MAX_LISTED]))
    return "\n".join(lines)


def _attachment_summary(ctx: DocumentContext, project: Project, item: Profile, attachment: Value) -> str:
    lines = ["**attachment**: the executables this profile confines when a `Px`/`Cx` rule (or an unconfined task) runs them."]
    engine = project.engine_profile(ctx, item)
    patterns = engine.attachments if engine is not None else (attachment.text,)
    if attachment.variables:
        lines += ["", "Expands to " + ", ".join(_code(p) for p in patterns[:MAX_LISTED]) + "."]
    rivals = []
    for pattern in patterns:
        glob, _ = Aare.parse(pattern)
        if glob is None:
            continue
        for other in project.policy.top_level():
            if other is engine or (engine is not None and other.fqname == engine.fqname):
                continue
            for theirs in other.attachments:
                their_glob, _ = Aare.parse(theirs)
                if their_glob is not None and glob.intersects(their_glob):
                    rivals.append(f"- {_profile_ref(project, ctx, other)}: {_code(theirs)}")
                    break
    if rivals:
        lines += ["", "Other profiles attaching to some of the same paths (an exact attachment wins, then the longest literal prefix; a tie denies the exec):", *_listed(list(dict.fromkeys(rivals)), "profiles")]
    return "\n".join(lines)


# Section - rule vocabulary.


def _letter(rule: FileRule, word: Word, offset: int) -> Hover | None:
    index = min(max(offset - word.span.start, 0), len(word.text) - 1)
    letter = word.text[index].lower()
    meaning = words.FILE_LETTERS.get(letter)
    if meaning is None:
        return None
    if letter == "x" and rule.qualifiers.is_deny:
        meaning = "**execute**: denied, whatever exec mode another rule gives."
    span = Span(word.span.start + index, word.span.start + index + 1)
    return Hover(f"{_code(letter)} · {meaning}", span)


def _vocabulary(ctx: DocumentContext, project: Project, located: Located) -> Hover | None:
    rule, part = located.item, located.part
    if isinstance(part, Qualifiers) or located.innermost(Qualifiers) is not None and isinstance(part, Word):
        if isinstance(part, Word) and part.text in words.QUALIFIERS:
            return Hover(words.QUALIFIERS[part.text], part.span)
        return None
    if isinstance(rule, FileRule) and isinstance(part, Word) and any(part is token for token in rule.tokens):
        return _letter(rule, part, located.offset)
    if isinstance(part, Word):
        text = part.text
        if isinstance(rule, CapabilityRule) and any(part is name for name in rule.names):
            return _capability(text, part.span)
        if isinstance(rule, NetworkRule) and part in (rule.domain, rule.type):
            meaning = words.NETWORK_FAMILIES.get(text) or words.SOCKET_TYPES.get(text) or words.NETWORK_PROTOCOLS.get(text)
            kind = "family" if text in words.NETWORK_FAMILIES else "protocol" if text in words.NETWORK_PROTOCOLS else "socket type"
            if meaning is None:
                return Hover(f"**{text}**: not a network family, type or protocol apparmor_parser knows.", part.span)
            return Hover(f"**{text}** · network {kind}: {meaning}", part.span)
        if isinstance(rule, RlimitRule) and part is rule.name:
            meaning = words.RLIMITS.get(text)
            return Hover(f"**{text}** · resource limit: {meaning}" if meaning else f"**{text}**: not a resource limit apparmor_parser knows.", part.span)
        access = getattr(rule, "access_words", ())
        if any(part is word for word in access):
            table = words.ACCESS_WORDS.get(getattr(rule, "KIND", ""), {})
            meaning = table.get(text)
            if meaning is not None:
                return Hover(f"**{text}** · {rule.KIND} permission: {meaning}", part.span)
    if isinstance(rule, SignalRule) and isinstance(part, Value) and any(part is value for value in rule.signals):
        return _signal(part)
    conditional = located.innermost(Conditional)
    if isinstance(part, Value) and conditional is not None and conditional.name.text == "type":
        meaning = words.SOCKET_TYPES.get(part.text)
        if meaning is not None:
            return Hover(f"**{part.text}** · socket type: {meaning}", part.span)
    if isinstance(rule, FileRule) and rule.path is not None and part is rule.path:
        token = token_at(ctx.parsed, located.offset)
        if token is not None and token[0].name == "character.special":
            return None  # A glob inside the path is explained on its own.
        return Hover(_path_summary(ctx, located, rule), rule.path.span)
    return None


_PERMISSION_NAMES = {"m": "mmap exec", "r": "read", "w": "write", "a": "append", "l": "link", "k": "lock"}


def _path_summary(ctx: DocumentContext, located: Located, rule: FileRule) -> str:
    """Describe what a file rule allows on its path, and what the path expands to."""
    assert rule.path is not None
    granted = [_PERMISSION_NAMES[letter] for letter in rule.perms.letters()]
    if rule.exec is not None:
        granted.append(f"exec as `{rule.exec.spelling}`")
    elif "x" in "".join(token.text.lower() for token in rule.tokens):
        granted.append("exec")
    verb = "denies" if rule.qualifiers.is_deny else "allows"
    owner = " (files the task owns)" if rule.qualifiers.owner is not None and rule.qualifiers.owner.value == "owner" else ""
    lines = [f"**{_code(rule.path.text)}**: this rule {verb} {', '.join(granted) or 'nothing'}{owner}."]
    if rule.path.variables and ctx.resolution is not None:
        resolved = ctx.resolved(located.profiles[-1]) if located.profiles else None
        expanded = ctx.resolution.expand(rule.path, resolved)
        if expanded:
            shown = ", ".join(_code(text) for text in expanded[:MAX_LISTED])
            more = f" and {len(expanded) - MAX_LISTED} more" if len(expanded) > MAX_LISTED else ""
            lines += ["", f"Expands to {shown}{more}."]
    return "\n".join(lines)


def _capability(name: str, span: Span) -> Hover:
    meaning = words.CAPABILITIES.get(name)
    if meaning is None:
        return Hover(f"**{name}**: not a capability apparmor_parser knows.", span)
    text = f"**CAP_{name.upper()}** · {meaning}"
    risk = words.CAPABILITY_RISK.get(name)
    if risk is not None:
        text += f"\n\n**Risk:** {risk}"
    return Hover(text, span)


def _signal(value: Value) -> Hover:
    name = value.text
    meaning = words.SIGNALS.get(name)
    if meaning is None and name.startswith("rtmin+"):
        number = signal_number(name)
        if number is not None:
            meaning = f"real-time signal `SIGRTMIN+{number - 128}`."
    if meaning is None:
        return Hover(f"**{name}**: not a signal apparmor_parser knows.", value.span)
    return Hover(f"**{name}** · {meaning}", value.span)


def _conditional(located: Located) -> Hover | None:
    """Explain the name of a `name=value` conditional under the cursor."""
    part = located.part
    conditional = located.innermost(Conditional)
    group = located.innermost(ConditionalGroup)
    for holder in (conditional, group):
        if holder is not None and part is holder.name:
            meaning = words.CONDITIONALS.get(holder.name.text)
            if meaning is not None:
                return Hover(meaning, holder.name.span)
    return None


def _keyword(ctx: DocumentContext, located: Located) -> Hover | None:
    found = token_at(ctx.parsed, located.offset)
    if found is None:
        return None
    capture, text = found
    span = Span(capture.start, capture.end)
    if capture.name == "character.special":
        meaning = words.GLOBS.get(text) or words.GLOBS.get(text[:1])
        if meaning is not None:
            return Hover(meaning, span)
    if capture.name == "keyword" and text in words.RULE_KINDS:
        return Hover(words.RULE_KINDS[text], span)
    if capture.name.startswith("keyword") or capture.name == "operator":
        key = "if exists" if text.startswith("if") and capture.name == "keyword.import" else text
        meaning = words.KEYWORDS.get(key) or words.QUALIFIERS.get(text) or words.RULE_KINDS.get(text)
        if meaning is not None:
            return Hover(meaning, span)
    if capture.name == "punctuation.special" and text == "^":
        return Hover(words.KEYWORDS["^"], span)
    return None


def hover(ctx: DocumentContext, project: Project, offset: int) -> Hover | None:
    """Return the hover for the word at byte `offset`, or None when there is nothing to say."""
    located = locate(ctx.file, offset)
    for explain in (_variable, _include, _abi, _exec, _label, _profile, _vocabulary):
        found = explain(ctx, project, located)
        if found is not None:
            return found
    return _conditional(located) or _keyword(ctx, located)
