"""Cross-checks: IPC and ptrace are decided in both profiles, each for its own half.

For signals, ptrace, unix sockets and D-Bus, the kernel (or dbus-daemon) checks the
request in the subject's profile and the mirrored request in the peer's profile
(apparmor.d(5) "Peer profiles interaction"; mediation.md §4):

| kind   | subject asks          | peer needs                                  |
| ------ | --------------------- | ------------------------------------------- |
| signal | `send` set=S peer=P   | `receive` set=S peer=<subject>              |
| ptrace | `trace` / `read`      | `tracedby` / `readby` peer=<subject>        |
| unix   | `send`/`receive`/`connect` peer=(label=P) | `receive`/`send`/`accept` peer=(label=<subject>) |
| dbus   | `send` ... peer=(label=P) | `receive` with the same bus, path, interface and member, peer=(label=<subject>) |

The peer is named by the label in the request (`peer=` or `peer=(label=...)`); an
`unconfined` peer allows everything, and a peer the policy does not define is reported as
unknown.  Both halves must allow the access; a denial in the peer's profile is logged
against the peer but fails the subject's call.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from armorsmith.model import Rule
from armorsmith.model.rules.dbus import DbusAccess, DbusRule
from armorsmith.model.rules.ptrace import PtraceAccess, PtraceRule
from armorsmith.model.rules.signal import SignalAccess, SignalRule
from armorsmith.model.rules.unix import UnixRule

from .decide import Decision, decide
from .profiles import EngineProfile, PolicySet
from .requests import parse_request

__all__ = ["CrossCheck", "cross_check", "mirror_request"]

UNCONFINED = "unconfined"


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """Both halves of an IPC or ptrace access.

    `peer_label` is the peer as the request names it; `peer` is its profile (None when it
    is unconfined or unknown to the policy); `peer_request` is the mirrored request as
    text, and `peer_decision` its decision (None when the peer is unconfined or unknown).
    """

    subject: Decision
    peer_label: str | None
    peer: EngineProfile | None
    peer_request: str | None
    peer_decision: Decision | None
    peer_known: bool

    @property
    def allowed(self) -> bool:
        """Whether both halves let the access through."""
        peer_ok = self.peer_decision is None or self.peer_decision.allowed
        return self.subject.allowed and peer_ok


def _words(flag: enum.Flag) -> list[str]:
    return [member.name.lower() for member in type(flag) if member.value and member in flag and member.name]


def _swap(flag: enum.Flag, pairs: dict[str, str]) -> str:
    words = [pairs.get(word, word) for word in _words(flag)]
    return "(" + " ".join(words) + ")"


def _quote(text: str) -> str:
    return text if text and not any(c.isspace() for c in text) else '"' + text.replace('"', '\\"') + '"'


def mirror_request(request: Rule, subject_label: str) -> tuple[str | None, str] | None:
    """Return the peer's label and the peer's half of `request` as request text.

    None when the kind has no cross-check (or the request names no peer half).
    """
    label = _quote(subject_label)
    if isinstance(request, SignalRule):
        signals = " ".join(value.text for value in request.signals)
        sets = f" set=({signals})" if signals else ""
        pairs = {"send": "receive", "receive": "send"}
        peer = request.peer.text if request.peer is not None else None
        return peer, f"signal {_swap(request.allowed & (SignalAccess.SEND | SignalAccess.RECEIVE), pairs)}{sets} peer={label}"
    if isinstance(request, PtraceRule):
        pairs = {"trace": "tracedby", "read": "readby", "tracedby": "trace", "readby": "read"}
        peer = request.peer.text if request.peer is not None else None
        access = request.allowed & (PtraceAccess.TRACE | PtraceAccess.READ | PtraceAccess.TRACEDBY | PtraceAccess.READBY)
        return peer, f"ptrace {_swap(access, pairs)} peer={label}"
    if isinstance(request, UnixRule):
        pairs = {"send": "receive", "receive": "send", "connect": "accept", "accept": "connect"}
        words = [pairs[word] for word in _words(request.allowed) if word in pairs]
        if not words:
            return None
        parts = [f"unix ({' '.join(words)})"]
        if request.socket_type is not None:
            parts.append(f"type={request.socket_type.text}")
        if request.peer_addr is not None:
            parts.append(f"addr={request.peer_addr.text}")
        peer_group = [f"label={label}"]
        if request.addr is not None:
            peer_group.append(f"addr={request.addr.text}")
        parts.append(f"peer=({' '.join(peer_group)})")
        peer = request.peer_label.text if request.peer_label is not None else None
        return peer, " ".join(parts)
    if isinstance(request, DbusRule):
        pairs = {"send": "receive", "receive": "send"}
        access = request.allowed & (DbusAccess.SEND | DbusAccess.RECEIVE)
        if not access:
            return None
        parts = [f"dbus {_swap(access, pairs)}"]
        for name in ("bus", "path", "interface", "member"):
            value = getattr(request, name)
            if value is not None:
                parts.append(f"{name}={_quote(value.text)}")
        parts.append(f"peer=(label={label})")
        peer = request.peer_label.text if request.peer_label is not None else None
        return peer, " ".join(parts)
    return None


def cross_check(policy: PolicySet, subject: EngineProfile, request: Rule) -> CrossCheck | None:
    """Decide both halves of `request` made by a task confined by `subject`.

    None when the request's kind has no cross-check.
    """
    mirrored = mirror_request(request, subject.fqname)
    if mirrored is None:
        return None
    peer_label, peer_text = mirrored
    decision = decide(subject, request)
    if peer_label is None or peer_label == UNCONFINED:
        return CrossCheck(decision, peer_label, None, peer_text, None, peer_label == UNCONFINED)
    peer = policy.get(peer_label)
    if peer is None:
        return CrossCheck(decision, peer_label, None, peer_text, None, False)
    peer_request, _ = parse_request(peer_text)
    if not isinstance(peer_request, Rule):
        return CrossCheck(decision, peer_label, peer, peer_text, None, True)
    return CrossCheck(decision, peer_label, peer, peer_text, decide(peer, peer_request), True)

