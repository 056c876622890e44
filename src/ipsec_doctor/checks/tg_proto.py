"""TG-PROTO — the effective group-policy does not allow the tunnel type of its tunnel-group.

What it does
    On ASA, for each tunnel-group it works out the tunnel type it serves and
    the effective ``vpn-tunnel-protocol``: the tunnel-group's
    ``default-group-policy`` (else DfltGrpPolicy); an attribute the policy
    does not set is inherited from DfltGrpPolicy; when DfltGrpPolicy does not
    set it either, the platform default applies.  The needs are:

    * ``ipsec-l2l``: ``ikev1`` (``IPSec`` before 8.4), or ``ikev2`` when the
      entries peering with the group only offer IKEv2 proposals;
    * IPsec remote access (type ``ipsec-ra``, or ``remote-access`` with an
      IKEv1 pre-shared key or trustpoint): ``ikev1``/``IPSec``;
      DefaultRAGroup also accepts ``l2tp-ipsec`` (L2TP/IPsec clients land there);
    * ``webvpn`` groups: ``ssl-client``/``svc`` or ``ssl-clientless``/``webvpn``.

    Username attributes override the group: a user whose own
    ``vpn-tunnel-protocol`` allows none of what the group it is locked to
    (``group-lock``) — or, without a lock, any remote-access group of the
    device — needs is reported too.  External (RADIUS) group policies are
    skipped: their attributes are not in the configuration.

    Platform default of DfltGrpPolicy's ``vpn-tunnel-protocol``: ``ikev1
    ikev2 l2tp-ipsec ssl-clientless`` on 8.4 and later, ``IPSec l2tp-ipsec
    webvpn`` before (the values ``show running-config all group-policy
    DfltGrpPolicy`` lists; the ASA configuration guides' "Default Group
    Policy" section, cisco.com/en/US/docs/security/asa/asa84/configuration/
    guide/vpn_groups.html and .../asa80/configuration/guide/vpngrp.html).
    The precedence username > group-policy > tunnel-group policy >
    DfltGrpPolicy is the one the ASA 8.0 CLI configuration guide gives
    (chapter "Configuring Connection Profiles, Group Policies, and Users").

Why it breaks
    After authentication the ASA compares the tunnel type with the allowed
    protocols and rejects it: ``%ASA-3-713206: Tunnel Rejected: Conflicting
    protocols specified by tunnel-group and group-policy``.

Example
    ``group-policy DfltGrpPolicy attributes`` / `` vpn-tunnel-protocol
    ssl-client`` on an ASA with L2L tunnel-groups.

Fix
    Add the protocol to the group-policy that sets the value (the
    tunnel-group's own policy if it has one, else DfltGrpPolicy), e.g.
    ``group-policy GP-L2L attributes`` / `` vpn-tunnel-protocol ikev1
    ssl-client``.  Disruption: none — the attribute applies to new sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import _devcache
from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import is_asa_84
from ..model import CryptoMapEntry, Device, Platform, Source, TunnelGroup, User
from . import Context, check
from ._common import devices_on
from ._maps import make_finding, peer_addresses
from ._partial import excerpt_downgrade

CATALOG_ID = "TG-PROTO"
DEFAULT_POLICY = "DfltGrpPolicy"
ATTR = "vpn-tunnel-protocol"

IKEV1 = frozenset({"ikev1", "ipsec"})
IKEV2 = frozenset({"ikev2"})
L2TP = frozenset({"l2tp-ipsec"})
SSL = frozenset({"ssl-client", "svc", "ssl-clientless", "webvpn"})

DEFAULT_84 = ("ikev1", "ikev2", "l2tp-ipsec", "ssl-clientless")
DEFAULT_OLD = ("IPSec", "l2tp-ipsec", "webvpn")


@dataclass(frozen=True, slots=True)
class Need:
    label: str  # e.g. "site-to-site IKEv1"
    accepted: frozenset[str]
    keyword_84: str
    keyword_old: str


L2L_V1 = Need("site-to-site IKEv1", IKEV1, "ikev1", "IPSec")
L2L_V2 = Need("site-to-site IKEv2", IKEV2, "ikev2", "ikev2")
RA_IPSEC = Need("IPsec remote access", IKEV1, "ikev1", "IPSec")
RA_DEFAULT = Need("IPsec / L2TP remote access", IKEV1 | L2TP, "ikev1", "IPSec")
WEBVPN = Need("SSL VPN (AnyConnect / clientless)", SSL, "ssl-client", "svc")


@dataclass(frozen=True, slots=True)
class Effective:
    tokens: tuple[str, ...]
    policy: str | None  # where the value comes from (None: platform default)
    source: Source | None


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Errors for tunnel-groups (and users) whose effective tunnel protocols exclude their tunnel type."""
    for device in devices_on(ctx, Platform.ASA):
        needs: dict[str, Need] = {}
        for name, tg in sorted(device.tunnel_groups.items()):
            need = tunnel_need(device, tg)
            if need is None:
                continue
            needs[name] = need
            finding = _group_finding(device, tg, need)
            if finding is not None:
                yield finding
        for user in sorted(device.users.values(), key=lambda u: u.name):
            finding = _user_finding(device, user, needs)
            if finding is not None:
                yield finding


def _entries_by_peer(device: Device) -> dict[str, list[CryptoMapEntry]]:
    """Peer address text → the static entries that peer with it (built once per device, not per group)."""
    memo = _devcache.memo(device)
    index: dict[str, list[CryptoMapEntry]] | None = memo.get("tg_proto.entries_by_peer")
    if index is None:
        index = {}
        for entry in device.static_entries():
            for name in dict.fromkeys(str(a) for a in peer_addresses(entry)):
                index.setdefault(name, []).append(entry)
        memo["tg_proto.entries_by_peer"] = index
    return index


def tunnel_need(device: Device, tg: TunnelGroup) -> Need | None:
    """What the tunnel-group is used for, or None when the configuration does not say."""
    kind = (tg.type or "").lower()
    if kind == "ipsec-l2l":
        entries = _entries_by_peer(device).get(tg.name, [])
        if entries and all(e.ikev2_proposals and not e.transform_sets for e in entries):
            return L2L_V2
        if tg.name.startswith("Default") and tg.ikev1_psk is None and tg.trustpoint is None and not entries:
            return None
        return L2L_V1
    if kind in ("ipsec-ra", "remote-access"):
        if kind == "remote-access" and tg.ikev1_psk is None and tg.trustpoint is None:
            return None  # AnyConnect / IKEv2 profile: its protocol is not visible from the group alone
        return RA_DEFAULT if tg.name == "DefaultRAGroup" else RA_IPSEC
    if kind == "webvpn":
        return WEBVPN
    return None


def effective(device: Device, policy_name: str | None) -> Effective | None:
    """The effective vpn-tunnel-protocol through the policy chain; None for an external policy."""
    chain = [policy_name] if policy_name and policy_name != DEFAULT_POLICY else []
    chain.append(DEFAULT_POLICY)
    for name in chain:
        gp = device.group_policies.get(name)
        if gp is None:
            continue
        if gp.kind == "external":
            return None
        attr = gp.get(ATTR)
        if attr is not None:
            return Effective(tuple(attr.value.split()), name, attr.source)
    return Effective(DEFAULT_84 if is_asa_84(device) else DEFAULT_OLD, None, None)


def _allows(tokens: Iterable[str], need: Need) -> bool:
    return any(t.lower() in need.accepted for t in tokens)


def _new_value(device: Device, tokens: tuple[str, ...], need: Need) -> str:
    keyword = need.keyword_84 if is_asa_84(device) else need.keyword_old
    return " ".join(list(tokens) + [keyword])


def _group_finding(device: Device, tg: TunnelGroup, need: Need) -> Finding | None:
    eff = effective(device, tg.default_group_policy)
    if eff is None or _allows(eff.tokens, need):
        return None
    own = tg.default_group_policy if tg.default_group_policy in device.group_policies else None
    target = own or DEFAULT_POLICY
    origin = f"group-policy {eff.policy}" if eff.policy else "the platform default"
    detail = (
        f"Tunnel-group {tg.name} on {device.name} serves {need.label}, but its effective group-policy "
        f"({tg.default_group_policy or DEFAULT_POLICY}) allows only `vpn-tunnel-protocol {' '.join(eff.tokens)}` "
        f"(set by {origin}). The ASA rejects the tunnel with `%ASA-3-713206: Tunnel Rejected: Conflicting protocols "
        "specified by tunnel-group and group-policy`."
    )
    sources = [tg.source, tg.src("default-group-policy")]
    if eff.source is not None:
        sources.append(eff.source)
    commands = (f"group-policy {target} attributes", f" {ATTR} {_new_value(device, eff.tokens, need)}")
    return make_finding(
        CATALOG_ID, Severity.ERROR, device,
        f"Group-policy of tunnel-group {tg.name} on {device.name} does not allow {need.label}",
        detail, sources,
        [Fix(device.name, commands, Disruption.NONE,
             note=None if own else f"DfltGrpPolicy is inherited by every group that does not set {ATTR}")],
        key=f"group {tg.name}",
    )


def _user_finding(device: Device, user: User, needs: dict[str, Need]) -> Finding | None:
    attr = user.attributes.get(ATTR)
    if attr is None:
        return None
    tokens = tuple(attr.value.split())
    lock = user.attributes.get("group-lock")
    locked = lock.value.split()[-1] if lock is not None and lock.value.split() else None
    if locked and locked != "none" and locked in needs:
        relevant = {locked: needs[locked]}
    else:
        relevant = {n: need for n, need in needs.items() if need is not L2L_V1 and need is not L2L_V2}
    if not relevant or any(_allows(tokens, need) for need in relevant.values()):
        return None
    group, need = next(iter(relevant.items()))
    detail = (
        f"Username {user.name} on {device.name} sets `vpn-tunnel-protocol {attr.value}`, which overrides the "
        f"group-policy and allows none of the tunnel types of {', '.join(sorted(relevant))} ({need.label} for "
        f"{group}). Its sessions are rejected with `%ASA-3-713206: Tunnel Rejected: Conflicting protocols specified "
        "by tunnel-group and group-policy`."
    )
    commands = (f"username {user.name} attributes", f" {ATTR} {_new_value(device, tokens, need)}")
    return make_finding(
        CATALOG_ID, Severity.ERROR, device,
        f"User {user.name} on {device.name} is not allowed the tunnel type of its group",
        detail, [attr.source, user.source],
        [Fix(device.name, commands, Disruption.NONE)],
        key=f"user {user.name}",
    )
