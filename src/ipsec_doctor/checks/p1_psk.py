"""P1-PSK — the pre-shared keys of the two ends differ, are missing, or cannot be compared.

What it does
    For every tunnel with both ends in the snapshot that authenticates with
    pre-shared keys, finds the key each end uses for the other's address
    (IOS/PIX ``crypto isakmp key`` / ``isakmp key`` or keyring entries, the
    most specific address wins; ASA the L2L tunnel-group named after the
    peer) and compares them without ever printing them:

    * a side has no key for the peer: error (IOS: no ``crypto isakmp key``
      or keyring entry covers the peer address; ASA: the tunnel-group named
      after the peer has no ``pre-shared-key``);
    * both keys are visible and differ: error;
    * a key is masked (``*****``) or stored encrypted (IOS type 6, ASA
      type 8): info, saying which command shows it.

    An ASA with no tunnel-group for the peer at all is TG-NAME, not this.

Why it breaks
    The key feeds the keys that protect main-mode messages 5 and 6; with
    different keys they cannot be decrypted or their hash does not verify.
    The initiator stays in MM_WAIT_MSG_6 (ASA) / MM_KEY_EXCH (IOS) and an
    ASA logs ``had problems decrypting packet, probably due to mismatched
    pre-shared key``.

Example
    HQ-ASA ``tunnel-group 198.51.100.20 ipsec-attributes`` /
    ``ikev1 pre-shared-key <key 1>`` and BR1-RTR ``crypto isakmp key
    <key 2> address 203.0.113.10``.

Fix
    Re-enter the same key on both ends (the commands use the placeholder
    ``<pre-shared-key>``; the tool never shows a key).  Disruption:
    renegotiates the tunnel; removing crypto commands can drop tunnels.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Platform, PreSharedKey, Source
from ..pairing import TunnelEnd
from ..secrets import Secret, SecretState
from ..verdict import ikev1_key_entry, phase1_offer
from . import Context, check
from ._common import found
from ._fix_tunnels import key_lines
from ._partial import excerpt_downgrade
from ._tunnels import Pair, caution_for, entry_sources, tunnel_finding, v1_pairs

CATALOG_ID = "P1-PSK"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Missing, different or unverifiable keys on paired pre-shared-key tunnels."""
    yield from found(_check(pair) for pair in v1_pairs(ctx) if _uses_psk(pair))


def _uses_psk(pair: Pair) -> bool:
    """True when the policy in play authenticates with pre-shared keys."""
    for d in pair.verdict.directions:
        chosen = d.phase1.chosen
        if chosen is not None:
            resp = pair.device(d.responder)
            policy = next((p for p in resp.ikev1_policies if p.priority == chosen.responder_priority), None)
            return policy is not None and policy.authentication == "pre-share"
    return all(any(p.authentication == "pre-share" for p in dev.ikev1_policies) for dev in (pair.a, pair.b))


class _Key:
    """The key one end uses for its peer, and the lines that show it (or show its absence)."""

    def __init__(self, device: Device, end: TunnelEnd) -> None:
        self.device = device
        self.end = end
        self.peer = str(end.peer_address) if end.peer_address is not None else "<peer-address>"
        offer = phase1_offer(device, end)
        self.secret: Secret | None = offer.key
        self.from_default = offer.key_from_default_group
        self.entry: PreSharedKey | None = _key_entry(device, end)
        self.missing = False
        self.not_ours = False  # decided by another check (TG-NAME)
        self.sources: list[Source] = []
        if device.platform is Platform.ASA:
            group = device.tunnel_groups.get(self.peer)
            if group is None:
                self.not_ours = self.secret is None or self.from_default
            else:
                self.sources.append(group.src("ikev1-psk") if group.ikev1_psk is not None else group.source)
                if group.ikev1_psk is None and group.trustpoint is None:
                    self.missing, self.secret = True, None
        elif self.secret is None:
            self.missing = True
        if self.entry is not None:
            self.sources.append(self.entry.source)
        if self.missing:
            self.sources += entry_sources(end, "peer")


def _key_entry(device: Device, end: TunnelEnd) -> PreSharedKey | None:
    """The IOS/PIX key entry covering the peer (most specific first), as the negotiation picks it."""
    peer = end.peer_address
    if peer is None:
        return None
    return ikev1_key_entry(device, peer)


def _where(k: _Key) -> str:
    if k.device.platform is Platform.ASA:
        return f"tunnel-group {k.peer}"
    if k.entry is not None and k.entry.keyring:
        return f"keyring {k.entry.keyring} entry for {k.peer}"
    return f"key for address {k.peer}"


def _check(pair: Pair) -> Finding | None:
    ka, kb = _Key(pair.a, pair.end_a), _Key(pair.b, pair.end_b)
    if ka.not_ours or kb.not_ours:
        return None
    caution = caution_for(CATALOG_ID) or (
        "Removing and re-entering crypto commands can drop tunnels; never paste a key into a ticket.")
    sources = ka.sources + kb.sources
    missing = [k for k in (ka, kb) if k.missing]
    if missing:
        names = " and ".join(k.device.name for k in missing)
        parts = []
        for k in missing:
            if k.device.platform is Platform.ASA:
                parts.append(f"{k.device.name} has tunnel-group {k.peer} but no pre-shared key in its "
                             "ipsec-attributes")
            else:
                parts.append(f"{k.device.name} has no `crypto isakmp key` or keyring entry covering the peer "
                             f"address {k.peer}")
        detail = "; ".join(parts) + ". Without a key phase 1 authentication cannot start."
        fixes = [Fix(k.device.name, tuple(key_lines(k.device, k.peer, k.entry)), Disruption.RENEGOTIATES_TUNNEL,
                     note=f"enter the key the other end uses for {k.end.local_address}")
                 for k in missing]
        return tunnel_finding(CATALOG_ID, Severity.ERROR, pair, f"No pre-shared key for the peer on {names}",
                              detail, sources, fixes, caution=caution, key="missing")
    assert ka.secret is not None and kb.secret is not None
    if ka.from_default or kb.from_default:
        return None  # the key comes from DefaultL2LGroup: TG-NAME says why
    same = ka.secret.same_as(kb.secret)
    if same is True:
        return None
    if same is False:
        detail = (f"The pre-shared keys differ: {pair.a.name}'s {_where(ka)} and {pair.b.name}'s {_where(kb)} "
                  "hold different values (neither is shown). Main-mode messages 5 and 6 then fail to decrypt "
                  "or verify; the initiator stays in MM_WAIT_MSG6 (ASA; MM_WAIT_MSG_6 before 8.0) / MM_KEY_EXCH (IOS).")
        fixes = [Fix(k.device.name, tuple(key_lines(k.device, k.peer, k.entry)), Disruption.RENEGOTIATES_TUNNEL,
                     note="enter the same key on both ends")
                 for k in (ka, kb)]
        return tunnel_finding(CATALOG_ID, Severity.ERROR, pair,
                              f"Pre-shared keys differ between {pair.a.name} and {pair.b.name}",
                              detail, sources, fixes, caution=caution, key="mismatch")
    hidden = [k for k in (ka, kb) if not k.secret.comparable]  # type: ignore[union-attr]
    detail = ("The pre-shared keys cannot be compared from these files: "
              + "; ".join(_hint(k) for k in hidden) + ".")
    return tunnel_finding(CATALOG_ID, Severity.INFO, pair,
                          f"Pre-shared keys of {pair.a.name} and {pair.b.name} cannot be verified",
                          detail, sources, (), caution=None, key="unverifiable")


def _hint(k: _Key) -> str:
    """Which command shows a hidden key, or that none can."""
    secret = k.secret
    assert secret is not None
    name = k.device.name
    if k.device.platform is Platform.ASA:
        if secret.state is SecretState.MASKED:
            return (f"{name} shows its {_where(k)} key as ***** — `more system:running-config` on {name} "
                    "shows it in clear")
        return (f"{name} stores its {_where(k)} key encrypted (type {secret.encoding or '8'}, master "
                "passphrase); it cannot be read back — compare by re-entering the same key on both ends")
    if k.device.platform is Platform.PIX6:
        return (f"{name} (PIX 6) shows its {_where(k)} key masked; it cannot be shown — re-enter the same key "
                "on both ends")
    if secret.state is SecretState.MASKED:
        return (f"{name}'s {_where(k)} is masked in this copy of the configuration; `show running-config` on "
                f"{name} itself shows it unless it is stored as type 6")
    return (f"{name} stores its {_where(k)} as type {secret.encoding or '6'} (encrypted); IOS cannot show it — "
            "compare by re-entering the same key on both ends")
