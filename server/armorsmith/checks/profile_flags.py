"""Profile flags: unknown flags, invalid flag values and contradicting flags.

## What it does
Reads the `flags=(...)` of every profile, hat and child profile as apparmor_parser does
(profile.h `flagvals`): each flag must be known; `kill.signal=` takes a signal name,
`error=` an errno name (any letter case) and `attach_disconnected.path=` and
`attach_disconnected.ipc=` an absolute path; two different modes, a mutually exclusive
pair, or one valued flag given two values contradict each other.

A path value that begins with a variable is checked once resolution has expanded it (each
of its values must begin with `/`), and not at all without resolution; every other value
is checked as written, which is what upstream compares too.

## Why is this bad?
apparmor_parser rejects the whole file: `Invalid profile flag`, `Profile flag 'complain'
conflicts with 'enforce'`, `unknown signal specified for kill.signal=...`.

## Example
```
/usr/bin/foo flags=(complain, enforce, kill.signal=sigterm) {
}
```
Use one mode, and signal names without the `sig` prefix:
```
/usr/bin/foo flags=(complain, kill.signal=term) {
}
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from armorsmith.diagnostics import Code, Diagnostic, Related
from armorsmith.engine.profiles import Mode
from armorsmith.model import Flag, Profile, Value
from armorsmith.model.rules.signal import signal_number

from .profile_tree import profiles

if TYPE_CHECKING:
    from armorsmith.resolve import Resolution

    from . import CheckContext

__all__ = ["CODES", "ERRNOS", "FLAG_SWITCHES", "VALUED_FLAGS", "run"]

CODES = (Code.INVALID_PROFILE_FLAG, Code.CONFLICTING_PROFILE_FLAGS)

_MODES = frozenset(mode.value for mode in Mode)
FLAG_SWITCHES = frozenset(
    """audit debug interruptible chroot_relative namespace_relative mediate_deleted
    delegate_deleted attach_disconnected no_attach_disconnected chroot_attach chroot_no_attach
    attach_disconnected.ipc""".split()
)
"""The flags written alone that are not modes (profile.h `flagvals`)."""

VALUED_FLAGS = frozenset({"attach_disconnected.path", "attach_disconnected.ipc", "kill.signal", "error"})
"""The flags that take a value, `name=value`."""

_EXCLUSIVE = (
    ("chroot_relative", "namespace_relative"),
    ("mediate_deleted", "delegate_deleted"),
    ("attach_disconnected", "no_attach_disconnected"),
    ("attach_disconnected.ipc", "no_attach_disconnected"),
    ("chroot_attach", "chroot_no_attach"),
)
"""Pairs of path flags that cannot both be set, as upstream words their conflict."""

ERRNOS: dict[str, int] = {
    name: int(number)
    for name, _, number in (
        entry.partition("=")
        for entry in """
        EPERM=1 ENOENT=2 ESRCH=3 EINTR=4 EIO=5 ENXIO=6 E2BIG=7 ENOEXEC=8 EBADF=9 ECHILD=10
        EAGAIN=11 EWOULDBLOCK=11 ENOMEM=12 EACCES=13 EFAULT=14 ENOTBLK=15 EBUSY=16 EEXIST=17
        EXDEV=18 ENODEV=19 ENOTDIR=20 EISDIR=21 EINVAL=22 ENFILE=23 EMFILE=24 ENOTTY=25
        ETXTBSY=26 EFBIG=27 ENOSPC=28 ESPIPE=29 EROFS=30 EMLINK=31 EPIPE=32 EDOM=33 ERANGE=34
        EDEADLK=35 EDEADLOCK=35 ENAMETOOLONG=36 ENOLCK=37 ENOSYS=38 ENOTEMPTY=39 ELOOP=40
        ENOMSG=42 EIDRM=43 ECHRNG=44 EL2NSYNC=45 EL3HLT=46 EL3RST=47 ELNRNG=48 EUNATCH=49
        ENOCSI=50 EL2HLT=51 EBADE=52 EBADR=53 EXFULL=54 ENOANO=55 EBADRQC=56 EBADSLT=57
        EBFONT=59 ENOSTR=60 ENODATA=61 ETIME=62 ENOSR=63 ENONET=64 ENOPKG=65 EREMOTE=66
        ENOLINK=67 EADV=68 ESRMNT=69 ECOMM=70 EPROTO=71 EMULTIHOP=72 EDOTDOT=73 EBADMSG=74
        EOVERFLOW=75 ENOTUNIQ=76 EBADFD=77 EREMCHG=78 ELIBACC=79 ELIBBAD=80 ELIBSCN=81
        ELIBMAX=82 ELIBEXEC=83 EILSEQ=84 ERESTART=85 ESTRPIPE=86 EUSERS=87 ENOTSOCK=88
        EDESTADDRREQ=89 EMSGSIZE=90 EPROTOTYPE=91 ENOPROTOOPT=92 EPROTONOSUPPORT=93
        ESOCKTNOSUPPORT=94 ENOTSUP=95 EOPNOTSUPP=95 EPFNOSUPPORT=96 EAFNOSUPPORT=97
        EADDRINUSE=98 EADDRNOTAVAIL=99 ENETDOWN=100 ENETUNREACH=101 ENETRESET=102
        ECONNABORTED=103 ECONNRESET=104 ENOBUFS=105 EISCONN=106 ENOTCONN=107 ESHUTDOWN=108
        ETOOMANYREFS=109 ETIMEDOUT=110 ECONNREFUSED=111 EHOSTDOWN=112 EHOSTUNREACH=113
        EALREADY=114 EINPROGRESS=115 ESTALE=116 EUCLEAN=117 ENOTNAM=118 ENAVAIL=119 EISNAM=120
        EREMOTEIO=121 EDQUOT=122 ENOMEDIUM=123 EMEDIUMTYPE=124 ECANCELED=125 ENOKEY=126
        EKEYEXPIRED=127 EKEYREVOKED=128 EKEYREJECTED=129 EOWNERDEAD=130 ENOTRECOVERABLE=131
        ERFKILL=132 EHWPOISON=133
        """.split()
    )
}
"""The errno names `error=` accepts and their Linux numbers.

Upstream generates this list from the `E*` macros of <errno.h> on Linux (parser Makefile,
errnos.h); it is Python's `errno` module on Linux plus EHWPOISON, which Python 3.11 lacks.
Synonyms (EAGAIN and EWOULDBLOCK) share a number and so never conflict.
"""


def _text(flag: Flag) -> str:
    return flag.name if flag.value is None else f"{flag.name}={flag.value}"


def _invalid(flag: Flag, message: str) -> Diagnostic:
    return Diagnostic.of(Code.INVALID_PROFILE_FLAG, message, flag.span.start, flag.span.end)


def _conflict(flag: Flag, earlier: Flag, message: str) -> Diagnostic:
    related = (Related(f"'{_text(earlier)}' is here", earlier.span.start, earlier.span.end),)
    return Diagnostic.of(
        Code.CONFLICTING_PROFILE_FLAGS, message, flag.span.start, flag.span.end, related=related
    )


Expand = Callable[[str], tuple[str, ...]]
"""Expands a flag value's variables in its profile, giving every concrete string."""


def _value_problem(flag: Flag, expand: Expand | None) -> str | None:
    """Return upstream's message for a bad flag value, or None when the value is good (or unknown yet)."""
    value = flag.value if flag.value is not None else ""
    if flag.name == "kill.signal" and signal_number(value) is None:
        return f"unknown signal specified for kill.signal='{value}': use a signal name such as term or kill"
    if flag.name == "error" and value.upper() not in ERRNOS:
        return f"unknown error code specified for error='{value}': use an errno name such as EPERM"
    if flag.name.startswith("attach_disconnected."):
        expanded = expand(value) if expand is not None and value.startswith("@{") else (value,)
        bad = next((text for text in expanded if not text.startswith(("/", "@{"))), None)
        if bad is not None:
            shown = f" ('{value}' is '{bad}')" if bad != value else ""
            return f"attach_disconnected path must begin with a /{shown}"
    return None


def _value_key(flag: Flag) -> object:
    """Return what upstream compares when a valued flag is given twice."""
    value = flag.value or ""
    if flag.name == "kill.signal":
        return signal_number(value)
    if flag.name == "error":
        return ERRNOS.get(value.upper())
    return value


def _profile_flags(profile: Profile, expand: Expand | None) -> Iterator[Diagnostic]:
    mode: Flag | None = None
    switches: dict[str, Flag] = {}
    valued: dict[str, Flag] = {}
    for flag in profile.flags:
        text = _text(flag)
        if text in _MODES:
            if mode is not None and mode.name != text:
                yield _conflict(flag, mode, f"Profile flag '{mode.name}' conflicts with '{text}'")
            mode = mode or flag
            continue
        if text in FLAG_SWITCHES:
            switch = text
        elif flag.name in VALUED_FLAGS and flag.value is not None:
            problem = _value_problem(flag, expand)
            if problem is not None:
                yield _invalid(flag, problem)
                continue
            earlier = valued.setdefault(flag.name, flag)
            if _value_key(earlier) != _value_key(flag):
                shown = "attach_disconnected" if flag.name.startswith("attach_disconnected.") else flag.name
                yield _conflict(
                    flag,
                    earlier,
                    f"Profile flag {shown} set to conflicting values: '{earlier.value}' and '{flag.value}'",
                )
            if flag.name == "kill.signal" or flag.name == "error":
                continue
            switch = flag.name.removesuffix(".path")
        else:
            yield _invalid(flag, f"Invalid profile flag: {text}.")
            continue
        for first, second in _EXCLUSIVE:
            other = second if switch == first else first if switch == second else None
            if other is not None and other in switches:
                yield _conflict(flag, switches[other], f"Profile flag {first} conflicts with {second}")
        switches.setdefault(switch, flag)


def _expander(resolution: Resolution, profile: Profile) -> Expand | None:
    """Return how to expand the variables of `profile`'s flag values, or None when it was not resolved."""
    resolved = next((item for item in resolution.walk_profiles() if item.profile is profile), None)
    if resolved is None:
        return None

    def expand(text: str) -> tuple[str, ...]:
        value = Value(text, text, profile.span, False, ())
        return resolution.expand(value, resolved)

    return expand


def run(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Check the flags of every profile of the file."""
    for profile, _ in profiles(ctx.file):
        expand = _expander(ctx.resolution, profile) if ctx.resolution is not None and profile.flags else None
        yield from _profile_flags(profile, expand)
