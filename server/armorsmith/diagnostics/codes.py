"""The registry of diagnostic codes: stable kebab-case names, default severities and docs.

This module owns the list of every code armorsmith can report and nothing else.
Codes are a compatibility surface (users suppress and search for them), so a code is never
renamed or reused; docs/diagnostics.md is generated from the docs written here.
"""

from __future__ import annotations

import enum
import inspect

__all__ = ["Code", "Severity"]


class Severity(enum.Enum):
    """How serious a diagnostic is; the values are the words the CLI prints."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


class Code(enum.Enum):
    """Every diagnostic code, with its default severity and its documentation.

    Each member's value is its kebab-case name; `severity` and `doc` are attributes.
    A doc is one paragraph saying what the code reports and why it matters.
    """

    severity: Severity
    doc: str

    def __new__(cls, name: str, severity: Severity, doc: str) -> Code:
        member = object.__new__(cls)
        member._value_ = name
        member.severity = severity
        member.doc = inspect.cleandoc(doc)
        return member

    SYNTAX_ERROR = (
        "syntax-error",
        Severity.ERROR,
        """
        The parser met text it cannot fit into the AppArmor grammar at this point, such as a
        stray brace or a misspelled keyword. The message names the first unexpected token and,
        when the grammar allows only a few things here, what was expected instead.
        The rest of the file is still parsed, so later findings remain accurate,
        but apparmor_parser rejects a profile with a syntax error.
        """,
    )
    MISSING_TOKEN = (
        "missing-token",
        Severity.ERROR,
        """
        A token the grammar requires is absent, most often the ',' that ends a rule or the '}'
        that closes a profile. The parser recovered by assuming the token was there; the
        diagnostic sits where it would go and offers to insert it. The fix is marked unsafe
        because the recovery guess is not always what the author meant.
        """,
    )
    RULE_OUTSIDE_PROFILE = (
        "rule-outside-profile",
        Severity.ERROR,
        """
        A rule, a qualifier block or an `if` block stands at file level in a policy file.
        apparmor_parser compiles a policy file as a preamble followed by profiles, so it
        rejects this with a syntax error. Rules belong inside a profile body; a set of rules
        shared by several profiles belongs in an abstraction, which profiles include.
        Files under abstractions/, tunables/, local/ and other included directories are
        fragments and may hold rules at file level.
        """,
    )
    PREAMBLE_AFTER_PROFILE = (
        "preamble-after-profile",
        Severity.ERROR,
        """
        A variable assignment, an alias rule or an abi rule follows a profile at file level.
        apparmor_parser reads the preamble (variables, aliases, abi) before the first profile
        and accepts only profiles after it, so it rejects this with a syntax error.
        Move the item above the first profile.
        """,
    )
    # Section - file and link rules.

    APPEND_WRITE_CONFLICT = (
        "append-write-conflict",
        Severity.ERROR,
        """
        A file rule's permissions hold both `a` (append) and `w` (write). Write already
        grants append, and apparmor_parser rejects the pair with "Conflict 'a' and 'w' perms
        are mutually exclusive." The fix removes the `a`, which keeps the same permissions.
        """,
    )
    EXEC_MODE_CONFLICT = (
        "exec-mode-conflict",
        Severity.ERROR,
        """
        One file rule names two different exec transitions, such as `pxix` or `Uxux`, or a
        bare `x` before a `p`, `c` or `u` modifier (`xpx`). A file can have only one exec
        transition, so apparmor_parser rejects the rule ("Exec qualifier ... invalid,
        conflicting qualifier already specified"). Repeating the same modifier (`pxpx`) and
        a bare `x` before `ix` or after any modifier are accepted. Removing a bare `x` is a
        safe fix; choosing between two modifiers changes meaning, so those fixes are unsafe.
        """,
    )
    EXEC_MODE_REQUIRED = (
        "exec-mode-required",
        Severity.ERROR,
        """
        An allow rule grants a bare `x` without saying which transition the exec takes
        (`ix`, `px`, `Px`, `cx`, `Cx`, `ux`, `Ux` or a fallback form such as `Pix`).
        apparmor_parser rejects it: "Invalid perms, 'x' must be preceded by exec qualifier
        'i', 'p', or 'u'". Only deny rules may use a bare `x`. A rule inside a `deny { }`
        block is checked first on its own, so a bare `x` there is reported too. The fixes
        (`ix`, `Px`, or `Px`, `Cx` with a `->` target) are unsafe: the right transition
        depends on what the program should run as.
        """,
    )
    DENY_EXEC_MODE = (
        "deny-exec-mode",
        Severity.ERROR,
        """
        A deny rule names an exec transition (`deny /bin/sh ix,`), directly or through a
        `deny { }` block, or `deny file,` denies the `ix` that a bare `file,` implies.
        apparmor_parser rejects it: "Invalid perms, in deny rules 'x' must not be preceded
        by exec qualifier 'i', 'p', or 'u'". A deny rule refuses every exec of the path
        whatever the transition, so the safe fix writes a bare `x` and drops any `->`
        target.
        """,
    )
    EXEC_SAFETY_WITHOUT_EXEC = (
        "exec-safety-without-exec",
        Severity.ERROR,
        """
        A file rule starts with `safe` or `unsafe` but grants no exec permission. The
        keywords only say whether an exec transition scrubs the environment, so
        apparmor_parser rejects the rule ("unsafe rule missing exec permissions").
        Removing the keyword is a safe fix: it had nothing to apply to.
        """,
    )
    INVALID_SUBSET = (
        "invalid-subset",
        Severity.ERROR,
        """
        `subset` appears in a leading-permission file rule whose permissions are not only
        `l` (link), such as `rl subset /a -> /b,`. apparmor_parser rejects it: "subset can
        only be used with link rules." Write the link permission in its own rule
        (`l subset /a -> /b,` or `link subset /a -> /b,`) and the others in another.
        """,
    )
    LINK_EXEC_TARGET_CONFLICT = (
        "link-exec-target-conflict",
        Severity.ERROR,
        """
        A leading-permission file rule grants both link and exec and has a `->` target,
        such as `lpx /a -> /b,`: the target cannot be both the link target and the exec
        transition's profile. apparmor_parser rejects it ("link and exec perms conflict on
        a file rule using ->"). Split it into a link rule and an exec rule.
        """,
    )
    LINK_TO_NAMED_PROFILE = (
        "link-to-named-profile",
        Severity.ERROR,
        """
        A leading-permission file rule grants link with a `->` target that names a
        namespace (`l /a -> :ns:b,`). A namespaced name is a profile, not a file, so
        apparmor_parser rejects the link ("link perms are not allowed on a named profile
        transition.").
        """,
    )
    AMBIGUOUS_LINK_EXEC_TARGET = (
        "ambiguous-link-exec-target",
        Severity.WARNING,
        """
        A trailing-permission file rule grants both link and exec and has a `->` target
        (`/a lpx -> b,`). apparmor_parser reads the target as the exec transition's and
        warns that the rule is ambiguous; the link permission then applies to any target.
        Write the link and the exec transition as two rules to say what is meant.
        """,
    )
    UPPERCASE_PERMISSION = (
        "uppercase-permission",
        Severity.WARNING,
        """
        A permission letter is written in upper case where the case means nothing: `R`,
        `W`, `L`, `M`, a bare `X`, or the `I` and `X` of `ix`, `Ux`, `Px` and `Cx`.
        apparmor_parser accepts it with a deprecation warning. The upper case of `P`, `C`
        and a standalone `U` does carry meaning (the environment is scrubbed) and is not
        reported. The safe fix writes the letters in lower case.
        """,
    )
    UNSAFE_UNCONFINED_EXEC = (
        "unsafe-unconfined-exec",
        Severity.WARNING,
        """
        A file rule runs a program unconfined with `ux`, which keeps dangerous environment
        variables such as `LD_PRELOAD`: anything that can set the environment of the
        confined program controls the unconfined one. apparmor_parser warns about it
        under `--warn=dangerous`. `Ux` scrubs the environment; the fix is unsafe because
        the program may rely on those variables.
        """,
    )
    UNSCRUBBED_EXEC = (
        "unscrubbed-exec",
        Severity.INFO,
        """
        A file rule moves to another profile with a lower-case `px`, `cx`, `pix`, `cix`, `pux`
        or `cux`, which does not turn on secure-exec: `LD_PRELOAD`, `LD_LIBRARY_PATH` and
        the like set by the confined program reach the new one, whose profile then confines
        code it did not expect. The upper-case modes (`Px`, `Cx` ...) scrub the environment.
        The fix writes the upper-case mode; it is unsafe because some programs need those
        variables.
        """,
    )
    EXEC_RULE_CONFLICT = (
        "exec-rule-conflict",
        Severity.ERROR,
        """
        Two allow rules of one profile give the same executable different exec transitions
        (or targets): the same path with different modifiers (`/bin/cat ix,` and
        `/bin/cat px,`), or two globs that share a path (`/bin/* ix,` and `/bin/** px,`).
        apparmor_parser cannot tell which applies and rejects the profile ("has merged
        rule ... with conflicting x modifiers"). An exact path next to a glob is fine, as
        the exact path wins, and so are rules of different `priority=`, `deny` rules,
        and `owner` next to `other`. Give the rules one transition, or make one path exact.
        """,
    )

    # Section - globs (AARE).

    GLOB_SYNTAX_ERROR = (
        "glob-syntax-error",
        Severity.ERROR,
        """
        A glob (AARE) cannot be compiled: a `{}` group with fewer than two items (`{a}`),
        an unclosed `{` or `[`, a `}` or `]` with no opening partner, `{}` nested 50 deep,
        a trailing `\\`, or a character class apparmor_parser's regex engine rejects (`[]`,
        or a `-` that is neither first nor inside a range). The message is upstream's where
        upstream has one. apparmor_parser rejects the profile. Write `\\{`, `\\}`, `\\[` or
        `\\]` for a literal brace or bracket, and `{a,}` for an optional `a`.
        """,
    )
    GLOB_UNNECESSARY_ESCAPE = (
        "glob-unnecessary-escape",
        Severity.WARNING,
        """
        A backslash in a glob escapes a character that needs no escaping (`\\q`, `\\.`).
        apparmor_parser drops the backslash and warns under `--warn=format`; the glob means
        the character itself. Remove the backslash. Escapes the lexer needs in unquoted
        text (`\\ `, a backslash before a tab, `\\!`, `\\#`, `\\,`, and `\\(` `\\)` in
        conditional lists) are not reported.
        """,
    )
    GLOB_CHARACTER_IN_CLASS = (
        "glob-character-in-class",
        Severity.WARNING,
        """
        A `*` or `?` stands inside a character class (`[*]`). apparmor_parser does not read
        it as a literal there: it expands it to its glob pattern inside the class, which
        closes the class early and gives a pattern that matches something else than the
        text suggests. Escape it (`[\\*]`) to mean the character itself.
        """,
    )

    # Section - network, unix, signal, ptrace, dbus, mqueue, io_uring, userns and all rules.

    INVALID_NETWORK_ENTRY = (
        "invalid-network-entry",
        Severity.ERROR,
        """
        A network rule names an address family, socket type or protocol apparmor_parser does
        not know, or a pair it does not accept: the first word must be a family (`inet`,
        `unix`, `netlink` ...) or a type or protocol for every family (`stream`, `tcp`); a
        second word must be a type, or `tcp`, `udp` (inet, inet6) or `icmp` (inet). `network
        inet6 icmp,` and `network tcp inet,` are rejected. apparmor_parser rejects the
        profile with `Invalid network entry.`
        """,
    )
    INVALID_IP_ADDRESS = (
        "invalid-ip-address",
        Severity.ERROR,
        """
        The `ip=` conditional of a network rule (or of its `peer=()`) is not a single IPv4
        or IPv6 address as inet_pton(3) reads it, nor `none`. Ranges, masks (`/24`) and
        bracketed addresses are not accepted. apparmor_parser rejects the profile.
        """,
    )
    INVALID_PORT = (
        "invalid-port",
        Severity.ERROR,
        """
        The `port=` conditional of a network rule is neither a port number 0..65535 nor a
        range `N-M` with N no greater than M. apparmor_parser rejects the profile.
        """,
    )
    NETWORK_FAMILY_CONDITIONALS = (
        "network-family-conditionals",
        Severity.ERROR,
        """
        A network rule names an address family other than inet or inet6 together with
        fine-grained conditionals (`ip=`, `port=`, `interface=`, `label=`, or an address
        or port in `peer=()`); only inet and inet6 sockets can be restricted that way.
        apparmor_parser rejects the profile.
        """,
    )
    PEER_ACCESS_CONFLICT = (
        "peer-access-conflict",
        Severity.ERROR,
        """
        A network or unix rule grants a permission on the local socket alone (`create`,
        `shutdown`, `setattr`, `getattr`, `bind`, `listen`, `setopt`, `getopt`) and also
        restricts the peer (`peer=(...)`), which such permissions never involve. Split the
        rule in two: one for the local permissions without the peer, one for `connect`,
        `accept`, `send` and `receive` with it. apparmor_parser rejects the profile.
        """,
    )
    INVALID_SOCKET_TYPE = (
        "invalid-socket-type",
        Severity.ERROR,
        """
        The `type=` conditional of a unix rule is not a socket type apparmor_parser knows:
        `stream`, `dgram`, `seqpacket`, `rdm`, `raw`, `packet`, `dccp` or `none`.
        apparmor_parser rejects the profile.
        """,
    )
    INVALID_UNIX_ADDRESS = (
        "invalid-unix-address",
        Severity.ERROR,
        """
        The `addr=` conditional of a unix rule must be an abstract socket name starting
        with `@`, `none` (an unnamed socket) or `auto` (an autobound one). Sockets bound to
        a path are files and are allowed with file rules instead. apparmor_parser rejects
        the profile.
        """,
    )
    UNKNOWN_SIGNAL = (
        "unknown-signal",
        Severity.ERROR,
        """
        A signal rule's `set=` names a signal apparmor_parser does not know. Names are lower
        case without the `SIG` prefix (`hup`, `term`, `usr1`, `exists`), and real-time
        signals are `rtmin+0` to `rtmin+32`. apparmor_parser rejects the profile.
        """,
    )
    DBUS_MIXED_CONDITIONALS = (
        "dbus-mixed-conditionals",
        Severity.ERROR,
        """
        A dbus rule mixes the conditionals of a message rule (`path=`, `interface=`,
        `member=`, `peer=(name= label=)`) with the `name=` of a service rule, which says
        which bus name the profile may own. Write two rules. apparmor_parser rejects the
        profile.
        """,
    )
    DBUS_ACCESS_CONFLICT = (
        "dbus-access-conflict",
        Severity.ERROR,
        """
        A dbus rule's permissions do not fit its conditionals: `bind` takes only `bus=` and
        `name=` (no message conditionals), `send` and `receive` cannot go with a service
        rule's `name=`, and `eavesdrop` takes only `bus=`. apparmor_parser rejects the
        profile.
        """,
    )
    INVALID_MQUEUE_TYPE = (
        "invalid-mqueue-type",
        Severity.ERROR,
        """
        The `type=` conditional of an mqueue rule is neither `posix` nor `sysv`.
        apparmor_parser rejects the profile.
        """,
    )
    INVALID_MQUEUE_NAME = (
        "invalid-mqueue-name",
        Severity.ERROR,
        """
        An mqueue rule names a queue that is neither a POSIX name (starting with `/`) nor a
        System V key (a positive integer), or one that contradicts its `type=`: POSIX
        queues have names, System V queues have numbers. apparmor_parser rejects the
        profile.
        """,
    )

    # Section - mount, pivot_root, change_profile and rlimit rules; profiles, hats and flags.

    INVALID_MOUNT_CONDITIONAL = (
        "invalid-mount-conditional",
        Severity.ERROR,
        """
        A mount, remount or umount rule has a conditional apparmor_parser rejects: a name other
        than `options`/`option` and `fstype`/`vfstype`, an operator other than `=` and `in`, a
        `peer=(...)` group, or any conditional after `->` (mount point conditions are not
        supported). apparmor_parser rejects the profile.
        """,
    )
    UNKNOWN_MOUNT_OPTION = (
        "unknown-mount-option",
        Severity.ERROR,
        """
        An `options=` value is not a mount option apparmor_parser knows (`ro`, `rw`, `nosuid`,
        `bind`, `private` ...; see the mount section of apparmor.d(5)). Filesystem-specific
        options such as `uid=1000` cannot be mediated. Note that `options=ro,nodev` is one
        value; list several options as `options=(ro, nodev)`. apparmor_parser rejects the profile.
        """,
    )
    CONFLICTING_MOUNT_OPTIONS = (
        "conflicting-mount-options",
        Severity.ERROR,
        """
        One `options=(...)` list both sets and clears the same mount flag, such as `ro` with `rw`
        or `atime` with `noatime`, so no mount can match it. To allow either, write
        `options in (ro, rw)` or two rules. apparmor_parser rejects the profile with
        `conflicting flag values`.
        """,
    )
    UNENCODABLE_MOUNT_RULE = (
        "unencodable-mount-rule",
        Severity.ERROR,
        """
        The options of a mount rule select a mount command (`remount`, `bind`, `move`, or a
        propagation type such as `private`) that the rest of the rule rules out: `remount` with
        a source, a propagation type with both a source and a mount point, any command with an
        fstype. apparmor_parser finds nothing to give the kernel and fails with
        `Encoding of mount rule failed`.
        """,
    )
    INVALID_PIVOT_ROOT_CONDITIONAL = (
        "invalid-pivot-root-conditional",
        Severity.ERROR,
        """
        The last conditional of a pivot_root rule is not `oldroot=`, the only conditional
        pivot_root takes. apparmor_parser rejects the profile.
        """,
    )
    IGNORED_PIVOT_ROOT_CONDITIONAL = (
        "ignored-pivot-root-conditional",
        Severity.WARNING,
        """
        A pivot_root rule has more than one conditional. apparmor_parser reads only the last
        one and silently drops the others, so this one has no effect; keep a single
        `oldroot=`.
        """,
    )
    EXEC_CONDITION_REQUIRED = (
        "exec-condition-required",
        Severity.ERROR,
        """
        A change_profile rule says `safe` or `unsafe` but names no program: those words say
        whether the environment is scrubbed when that program is executed, so they need an
        exec condition (`change_profile safe /usr/bin/foo -> bar,`). apparmor_parser rejects
        the profile.
        """,
    )
    INVALID_EXEC_CONDITION = (
        "invalid-exec-condition",
        Severity.ERROR,
        """
        The exec condition of a change_profile rule does not begin with `/` or a variable. It
        names the program whose execution allows the change, so it must be an absolute path
        or glob. apparmor_parser rejects the profile.
        """,
    )
    CONFLICTING_CHANGE_PROFILE = (
        "conflicting-change-profile",
        Severity.ERROR,
        """
        Two change_profile rules of one profile have the same exec condition, target and
        qualifiers, but one is `unsafe` and the other is not. apparmor_parser merges them and
        fails with `has merged rule ... with conflicting x modifiers`. Keep one of them.
        """,
    )
    CHANGE_PROFILE_IN_BLOCK = (
        "change-profile-in-block",
        Severity.ERROR,
        """
        A change_profile rule with an exec condition stands inside a qualifier block such as
        `audit { ... }` or `{ ... }`. apparmor_parser applies the block's prefix as it does to
        file rules and then rejects the rule (`'x' must be preceded by exec qualifier`), unless
        the rule is a deny rule. Move the rule out of the block and give it the prefix itself.
        """,
    )
    UNKNOWN_RLIMIT = (
        "unknown-rlimit",
        Severity.ERROR,
        """
        A `set rlimit` rule names a limit apparmor_parser does not know. The names are those of
        setrlimit(2) in lower case without `RLIMIT_`: cpu, fsize, data, stack, core, rss, nofile
        (or ofile), as, nproc, memlock, locks, sigpending, msgqueue, nice, rtprio and rttime.
        apparmor_parser rejects the profile.
        """,
    )
    INVALID_RLIMIT_VALUE = (
        "invalid-rlimit-value",
        Severity.ERROR,
        """
        The value of a `set rlimit` rule is not valid for its limit: a negative number, a unit
        the limit does not take (sizes take K, KB, M, MB, G or GB; cpu and rttime a time unit
        such as `ms`, `s` or `minutes`; counts and nice none), a cpu limit below one second, or
        a nice value outside -20..19. apparmor_parser rejects the profile.
        """,
    )
    INVALID_PROFILE_NAME = (
        "invalid-profile-name",
        Severity.ERROR,
        """
        A profile or hat name is malformed: a top-level profile without the `profile` keyword
        whose name is not a path or namespaced, a name starting with `&`, or a namespace that
        is not closed (`:ns/name`), empty (`::name`) or followed by no name (`:ns:`).
        apparmor_parser rejects the profile.
        """,
    )
    INVALID_ATTACHMENT = (
        "invalid-attachment",
        Severity.ERROR,
        """
        The attachment of a profile (the program path after its name) does not begin with `/`
        or a variable. apparmor_parser rejects the profile with
        `Profile attachment must begin with a '/' or variable.`
        """,
    )
    XATTRS_ON_HAT = (
        "xattrs-on-hat",
        Severity.ERROR,
        """
        A hat has an `xattrs=(...)` attachment condition. Hats are entered by change_hat, never
        attached at exec, so apparmor_parser rejects it: `hat profiles can't use xattrs matches`.
        """,
    )
    INVALID_IDENTITY = (
        "invalid-identity",
        Severity.ERROR,
        """
        A value of `identities=(...)` that is not a path contains a space. apparmor_parser
        rejects the profile: `Space character not allowed in identities`.
        """,
    )
    INVALID_PROFILE_FLAG = (
        "invalid-profile-flag",
        Severity.ERROR,
        """
        A profile flag is unknown, or a flag's value is invalid: `kill.signal=` needs a signal
        name such as `term` or `rtmin+N`, `error=` an errno name such as `EPERM`, and
        `attach_disconnected.path=` and `attach_disconnected.ipc=` an absolute path.
        apparmor_parser rejects the profile.
        """,
    )
    CONFLICTING_PROFILE_FLAGS = (
        "conflicting-profile-flags",
        Severity.ERROR,
        """
        Two profile flags contradict each other: two different modes (`enforce`, `complain`,
        `kill`, `unconfined`, `prompt`, `default_allow`), a mutually exclusive pair such as
        `mediate_deleted` and `delegate_deleted`, or one valued flag set to two values.
        apparmor_parser rejects the profile.
        """,
    )
    DUPLICATE_PROFILE = (
        "duplicate-profile",
        Severity.ERROR,
        """
        Two profiles of one file, or two hats or child profiles of one profile, have the same
        name (and namespace). apparmor_parser refuses to load either:
        `Multiple definitions for profile ... exist`. Merge them or rename one.
        """,
    )
    CONFLICTING_BLOCK_QUALIFIER = (
        "conflicting-block-qualifier",
        Severity.ERROR,
        """
        A rule inside a qualifier block such as `deny { ... }` has a mode qualifier (`allow`,
        `deny`, `prompt`) that differs from the block's. apparmor_parser rejects the profile
        with `conflicting mode prefix`.
        """,
    )
    RULE_IGNORED_IN_BLOCK = (
        "rule-ignored-in-block",
        Severity.WARNING,
        """
        A rule other than a file, link or change_profile rule, or a hat or child profile,
        stands inside a qualifier block such as `audit { ... }`. apparmor_parser keeps only the
        file-like rules of such a block and silently drops everything else, so this has no
        effect. Move it out of the block and give it the qualifiers itself.
        """,
    )
    PRIORITY_OUT_OF_RANGE = (
        "priority-out-of-range",
        Severity.ERROR,
        """
        A `priority=` qualifier is outside -1000..1000, the range apparmor_parser accepts.
        Priorities order rules that overlap: among matching rules, the highest priority
        decides. apparmor_parser rejects the profile.
        """,
    )
    EMPTY_ABI = (
        "empty-abi",
        Severity.ERROR,
        """
        An `abi` rule names an empty file (`abi "",`). apparmor_parser fails with
        `Could not open ''`.
        """,
    )
    KERNEL_ABI = (
        "kernel-abi",
        Severity.WARNING,
        """
        The policy declares `abi <kernel>,`: it is compiled against the features of whichever
        kernel is running. apparmor.d(5) says this should never be used in shipped policy, as
        a new kernel can change what the policy enforces and break the confined programs.
        Name a feature abi such as `abi <abi/4.0>,` instead.
        """,
    )

    # Section - includes, variables, aliases and conditionals.

    INCLUDE_NOT_FOUND = (
        "include-not-found",
        Severity.ERROR,
        """
        An `include` names a file that cannot be opened: `include <x>` was searched in every
        include directory (`-I`, then /etc/apparmor.d), `include "x"` and `include x` were
        opened relative to the working directory, as apparmor_parser does. apparmor_parser
        stops with `Could not open 'x'`. Write `include if exists` for an optional file such
        as `local/` overrides.
        """,
    )
    INCLUDE_CYCLE = (
        "include-cycle",
        Severity.ERROR,
        """
        A file includes, directly or through other files, a file that is still being read, in
        a place where apparmor_parser's include cache does not skip it (a new profile body, or
        the main file itself). apparmor_parser then reads the text again and fails, or never
        ends. A file including itself within one body is not reported: upstream skips it.
        """,
    )
    INCLUDE_DIRECTORY_ERROR = (
        "include-directory-error",
        Severity.ERROR,
        """
        An `include` names a directory that cannot be listed. apparmor_parser stops with
        `Could not process include directory`. Including a directory reads every regular file
        in it except dotfiles, README and package-manager backups.
        """,
    )
    INCLUDE_CONTENT_MISPLACED = (
        "include-content-misplaced",
        Severity.ERROR,
        """
        An included file holds something that is not allowed where it is included: a variable
        assignment or alias included in a profile body, a rule included at file level, or a
        profile without the `profile` keyword inside a body. apparmor_parser splices included
        text in place, so this is a syntax error in the included file. Include tunables at
        file level and abstractions inside profiles.
        """,
    )
    INCLUDE_HAS_ERRORS = (
        "include-has-errors",
        Severity.ERROR,
        """
        A file brought in by this include (directly or through further includes) has errors
        where it is included: a syntax error, an undefined variable, a missing nested include.
        apparmor_parser rejects the profile. The diagnostic names the first error and lists
        every one as a related location; lint the included file to see them in place.
        """,
    )
    UNDEFINED_VARIABLE = (
        "undefined-variable",
        Severity.ERROR,
        """
        A rule, a profile name or a variable's value uses `@{NAME}`, and no `@{NAME}` is
        declared, neither in this file nor in what it includes (most often a missing
        `include <tunables/global>`). apparmor_parser fails with `Failed to find declaration
        for`. Only references that are expanded count: an unused variable may name an
        undefined one, as upstream allows. Not reported when an include could not be read.
        """,
    )
    VARIABLE_REDEFINED = (
        "variable-redefined",
        Severity.ERROR,
        """
        `@{NAME} = value` (or `${NAME} = value`) declares a variable that is already declared;
        set and boolean variables share one namespace. apparmor_parser rejects it. Use `+=` to
        add values, `:=` to override, or `?=` to declare only when not yet declared.
        """,
    )
    APPEND_TO_UNDECLARED = (
        "append-to-undeclared-variable",
        Severity.ERROR,
        """
        `@{NAME} += value` adds to a variable that was never declared. apparmor_parser rejects
        it; declare the variable first with `=`, or use `?=` to declare it when no tunable did.
        """,
    )
    RECURSIVE_VARIABLE = (
        "recursive-variable",
        Severity.ERROR,
        """
        A variable's values refer back to the variable itself, directly or through others, so
        it has no finite expansion. apparmor_parser fails with `Variable @{A} is referenced
        recursively`. The related locations show the values forming the loop.
        """,
    )
    VARIABLE_KIND_MISMATCH = (
        "variable-kind-mismatch",
        Severity.ERROR,
        """
        A boolean variable is used where a set variable is expected, or the other way round:
        `+=` on a boolean, `${X}` in a condition when `X` holds paths, `@{X}` in a comparison
        when `X` is a boolean. apparmor_parser rejects it.
        """,
    )
    ATTACH_PATH_UNDEFINED = (
        "attach-path-undefined",
        Severity.ERROR,
        """
        `@{attach_path}` or `@{exec_path}` is used in a profile that has no attachment and
        whose name does not start with `/` (a hat, or a child profile with a plain name).
        These variables exist only for profiles that attach to executables; a hat does not
        inherit its parent's. apparmor_parser fails with `Failed to find declaration`.
        """,
    )
    BOOLEAN_APPEND = (
        "boolean-append",
        Severity.ERROR,
        """
        `${NAME} += ...`: booleans cannot be appended to. apparmor_parser rejects it; use `=`,
        `?=` or `:=`.
        """,
    )
    INVALID_BOOLEAN = (
        "invalid-boolean",
        Severity.ERROR,
        """
        A condition or boolean assignment uses a bare word other than `true` or `false` (in
        any letter case). apparmor_parser rejects it with `Invalid boolean`.
        """,
    )
    UNSET_BOOLEAN = (
        "unset-boolean",
        Severity.ERROR,
        """
        An `if` condition uses a boolean variable that was never assigned. apparmor_parser
        evaluates conditions while parsing, in both branches and without short-circuit, and
        rejects it. Use `defined ${NAME}` to test for it.
        """,
    )
    INVALID_COMPARISON = (
        "invalid-comparison",
        Severity.ERROR,
        """
        An ordering comparison (`<`, `<=`, `>`, `>=`) has a number on one side and something
        else on the other: a word, an empty value, or a variable with several values.
        apparmor_parser rejects it with `Can only compare numbers with numbers`; it compares
        numbers when both sides are one integer and sets of strings when neither is.
        """,
    )
    DEFINED_ON_BOOLEAN = (
        "defined-on-boolean",
        Severity.WARNING,
        """
        `defined ${NAME}` (or `defined @{NAME}`) names a boolean variable. apparmor_parser
        looks it up as a set variable, prints `Variable NAME is not a set variable` and takes
        the test as false, so the branch is never used. Test the boolean itself instead.
        """,
    )
    EXPANSION_TOO_LARGE = (
        "expansion-too-large",
        Severity.WARNING,
        """
        Expanding the variables of this value gives more strings than armorsmith examines
        (100,000 by default): the checks that need concrete strings skip it.
        apparmor_parser builds one pattern with alternations instead and may accept it.
        """,
    )

    # Section - rules of every kind.

    UNKNOWN_CONDITIONAL = (
        "unknown-conditional",
        Severity.ERROR,
        """
        A rule has a `name=value` conditional its kind does not take, such as `options=` on
        a signal rule, or one apparmor_parser does not support yet (`protocol=` on unix
        rules). The message lists what upstream calls it. apparmor_parser rejects the
        profile.
        """,
    )
    CONDITIONAL_OPERATOR = (
        "conditional-operator",
        Severity.ERROR,
        """
        A conditional is written with an operator its rule kind does not accept: most
        kinds take only `name=value`, not `name in (...)`, `name:=value` or a bare name.
        apparmor_parser rejects the profile.
        """,
    )
    MULTIPLE_VALUES = (
        "multiple-values",
        Severity.ERROR,
        """
        A conditional that takes one value is given a list of several, as in
        `bus=(system session)` on a dbus rule. Write one rule per value. apparmor_parser
        rejects the profile.
        """,
    )
    DUPLICATE_CONDITIONAL = (
        "duplicate-conditional",
        Severity.ERROR,
        """
        A rule gives the same conditional twice, such as `peer=a peer=b`; each may appear
        once (for dbus rules, once across the rule and its `peer=()` together). Use a glob
        or write two rules. apparmor_parser rejects the profile.
        """,
    )
    MISPLACED_CONDITIONAL = (
        "misplaced-conditional",
        Severity.ERROR,
        """
        A conditional is on the wrong side of the rule: a unix or dbus `label=` must be
        inside `peer=(...)`, while a unix `type=` and a network `interface=` describe the
        local socket and cannot be inside it. apparmor_parser rejects the profile.
        """,
    )
    PEER_GROUP_NOT_LAST = (
        "peer-group-not-last",
        Severity.ERROR,
        """
        A rule has a conditional after its `peer=(...)` group, or a second group. Upstream's
        grammar takes the rule's conditionals first and then at most one group, so
        apparmor_parser rejects the profile with a syntax error. Move the conditional before
        the group, or merge the groups into one.
        """,
    )
    CONDITIONAL_GROUP_NOT_ALLOWED = (
        "conditional-group-not-allowed",
        Severity.ERROR,
        """
        A `peer=(...)` group is written on a rule kind that takes none: signal, ptrace and
        mqueue rules name their peer with a plain `peer=VALUE` conditional, if at all.
        apparmor_parser rejects the profile with a syntax error.
        """,
    )

    REDUNDANT_RULE = (
        "redundant-rule",
        Severity.INFO,
        """
        Another rule of the same profile, kind and qualifiers already allows (or denies)
        everything this rule does: a repeated rule, a narrower path next to a glob, or a rule
        that an included abstraction already grants. It changes nothing, makes the profile
        longer to review, and silently widens access again if the covering rule is narrowed
        later. The fix deletes the rule and is safe: the profile allows exactly the same.
        """,
    )
    SHADOWED_BY_DENY = (
        "shadowed-by-deny",
        Severity.WARNING,
        """
        A `deny` rule of the same profile refuses everything this allow rule allows, at the
        same or a higher priority, and deny rules win over allow rules: the allow rule has
        no effect. Either the deny rule is too wide or the allow rule is not needed; which
        one is the author's call, so there is no automatic fix.
        """,
    )
    FILE_TOO_LARGE = (
        "file-too-large",
        Severity.WARNING,
        """
        The file is larger than armorsmith analyses (8 MB): its syntax is checked, but
        includes, variables, rule checks and everything else are not. Real policy files are
        a few kilobytes; a file this large is usually generated or not policy at all.
        """,
    )
    NESTING_TOO_DEEP = (
        "nesting-too-deep",
        Severity.ERROR,
        """
        Blocks (profiles, hats, qualifier and `if` blocks) nest deeper than armorsmith
        analyses (128 levels). Real policy nests a few levels at most, so this is almost
        certainly a stray run of braces; what is inside the deepest blocks is not analysed.
        """,
    )
    QUALIFIER_NOT_ALLOWED = (
        "qualifier-not-allowed",
        Severity.ERROR,
        """
        A rule carries a qualifier its kind does not accept, such as `owner` on a capability
        or network rule (owner conditions only apply to files) or `priority=` on a network
        rule. apparmor_parser rejects the profile.
        """,
    )
    UNKNOWN_CAPABILITY = (
        "unknown-capability",
        Severity.ERROR,
        """
        A capability rule names a capability apparmor_parser does not know. Names are lower
        case and without the `CAP_` prefix (`sys_admin`, not `CAP_SYS_ADMIN`); see
        capabilities(7) for the list. apparmor_parser rejects the profile.
        """,
    )
    INTERNAL_ERROR = (
        "internal-error",
        Severity.WARNING,
        """
        armorsmith itself failed while checking this file: one check raised an error. The
        other checks still ran, so the remaining findings stand, but this one could not be
        completed. Please report it together with the file.
        """,
    )
    INVALID_UTF8 = (
        "invalid-utf8",
        Severity.WARNING,
        """
        The file contains bytes that are not valid UTF-8. AppArmor itself treats policy as bytes,
        so the profile may still load, but editors show such bytes as replacement characters and
        column numbers after them are approximate. armorsmith parses the raw bytes and reports
        the first invalid sequence only.
        """,
    )
    UNREADABLE_FILE = (
        "unreadable-file",
        Severity.ERROR,
        """
        The file could not be read, for example because of its permissions, because it is a
        dangling symbolic link, or because it is not a regular file. Nothing in it was checked.
        """,
    )

    # Section - editor actions: what the editor offers to turn into policy.

    PASTED_DENIAL = (
        "pasted-denial",
        Severity.WARNING,
        """
        Lines of an AppArmor log (a denial from `journalctl`, `dmesg`, `audit.log` or
        `aa-log`) stand in the policy. They are not policy, so apparmor_parser rejects the
        file. The editor's code action "Replace with rule(s)" removes them and adds the
        rules that allow what they record, each in the profile it belongs in (a hat or child
        profile, and the other profile of a signal, ptrace, unix or dbus exchange, in
        whatever file defines it). Lines that only look like records are reported too.
        """,
    )

    # Section - the language server: findings of the optional cross-check with apparmor_parser.

    PARSER_ERROR = (
        "apparmor-parser-error",
        Severity.ERROR,
        """
        apparmor_parser itself rejected the file. The language server runs `apparmor_parser
        -Q -K` on open documents when the setting `parserCrossCheck.enabled` is on (it never
        loads anything into the kernel and never writes its cache) and reports its errors with
        this code, on the line apparmor_parser names; an error inside an included file is
        reported on the first line, naming that file. When armorsmith reports nothing at the
        same place, the two disagree: please report it together with the file.
        """,
    )
    PARSER_WARNING = (
        "apparmor-parser-warning",
        Severity.WARNING,
        """
        apparmor_parser accepted the file but printed a warning, or could not be run on it
        (it was not found, or it took longer than `parserCrossCheck.timeoutSeconds`). The
        message is apparmor_parser's own.
        """,
    )
