"""IKEv1 negotiation as pure functions: who proposes what, what is chosen, what fails.

``negotiate_phase1(initiator, responder)`` and ``negotiate_phase2(...)`` take
*offers* (what one device brings to one tunnel) and return a result that is
tri-state — ok / fail / unknown — and, when failing, names the attribute and
both offers in words ("no DH group in common: HQ-ASA proposes group 14,
BR-RTR proposes group 2") together with the catalog ID it maps to.

Rules (from the source document and Cisco's IKE configuration guides):

* Phase 1: the initiator sends all its ISAKMP policies; the responder walks
  its own policies in priority order and, for each, the initiator's
  proposals in the initiator's order.  A pair matches when encryption, hash,
  authentication and DH group are equal and the responder's lifetime is
  equal or shorter (lifetime 0 = unlimited); the shorter one is used.
* Phase 2: one transform set in common (ciphers and mode), the same PFS
  setting, and proxy identities the responder accepts: the initiator
  proposes, per permit entry of its crypto ACL, the flows it protects; a
  Cisco responder accepts a proposal inside the mirror image of its own ACL.
  Different IPsec lifetimes are fine: the lower wins.

``negotiate_tunnel`` (implemented in :mod:`ipsec_doctor.verdict`) builds the
offers from the model and runs both directions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import acl as flows_mod
from .model import ANY4, SERVICE_IP, AccessList, AclEntry, IkePolicy, Platform, TransformSet
from .secrets import Secret, SecretState

if TYPE_CHECKING:  # only for annotations: verdict imports this module
    from .model import Device
    from .pairing import Tunnel
    from .verdict import TunnelVerdict

__all__ = [
    "ChosenPolicy",
    "Failure",
    "Phase1Offer",
    "Phase1Result",
    "Phase2Offer",
    "Phase2Result",
    "Status",
    "negotiate_phase1",
    "negotiate_phase2",
    "negotiate_tunnel",
]

Status = Literal["ok", "fail", "unknown"]
KeyCheck = Literal["match", "mismatch", "cannot-verify", "missing", "not-applicable"]


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a negotiation fails: catalog ID, attribute, both offers in words.

    ``summary`` is a short phrase for one-line verdicts ("pre-shared keys
    differ"); ``message`` the full sentence naming both devices.
    """

    catalog_id: str
    attribute: str
    summary: str
    message: str
    initiator_value: str | None = None
    responder_value: str | None = None
    device: str | None = None  # the device whose configuration is at fault, when one side is


# --------------------------------------------------------------------------- phase 1


@dataclass(frozen=True, slots=True)
class Phase1Offer:
    """What one device brings to phase 1 with one peer (defaults already filled by the dialect)."""

    device: str
    platform: Platform
    policies: tuple[IkePolicy, ...]
    key: Secret | None = None  # the pre-shared key this device uses for the peer
    peer: str = ""  # the peer address as this device knows it (for messages)
    identity: str = "address"
    aggressive: bool = False  # this device initiates in aggressive mode
    aggressive_disabled: bool = False  # `crypto isakmp aggressive-mode disable`
    nat_traversal: bool = True
    ike_enabled: bool = True  # IKE enabled on the interface carrying the tunnel
    interface: str = ""
    key_from_default_group: bool = False  # ASA: no tunnel-group named after the peer, DefaultL2LGroup used
    xauth_required: bool = False  # IOS: the map asks every peer for XAUTH and the key lacks `no-xauth`
    version_tuple: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ChosenPolicy:
    initiator_priority: int
    responder_priority: int
    lifetime: int  # seconds, 0 = unlimited


@dataclass(frozen=True, slots=True)
class Phase1Result:
    status: Status
    initiator: str
    responder: str
    chosen: ChosenPolicy | None = None
    failures: tuple[Failure, ...] = ()
    warnings: tuple[Failure, ...] = ()  # problems that do not stop phase 1 (NAT-T off across NAT)
    key_check: KeyCheck = "not-applicable"
    notes: tuple[str, ...] = ()

    @property
    def failure(self) -> Failure | None:
        return self.failures[0] if self.failures else None


_ATTRS = ("encryption", "hash", "authentication", "group", "lifetime")
_ATTR_WORDS = {
    "encryption": "encryption",
    "hash": "hash",
    "authentication": "authentication method",
    "group": "DH group",
}


def _lifetime_ok(responder: int, initiator: int) -> bool:
    """The responder's lifetime must not exceed the initiator's (0 = unlimited)."""
    if initiator == 0:
        return True
    return responder != 0 and responder <= initiator


def _shorter(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return max(a, b) if min(a, b) == 0 else min(a, b)
    return min(a, b)


def _differences(ip: IkePolicy, rp: IkePolicy) -> list[str]:
    out = [a for a in ("encryption", "hash", "authentication") if getattr(ip, a).lower() != getattr(rp, a).lower()]
    if ip.group != rp.group:
        out.append("group")
    if not _lifetime_ok(rp.lifetime, ip.lifetime):
        out.append("lifetime")
    return out


def _value(policy: IkePolicy, attr: str) -> str:
    if attr == "group":
        return f"group {policy.group}"
    if attr == "lifetime":
        return "unlimited" if policy.lifetime == 0 else f"{policy.lifetime} s"
    return str(getattr(policy, attr))


def _policy_failure(init: Phase1Offer, resp: Phase1Offer, ip: IkePolicy, rp: IkePolicy, diffs: list[str]) -> Failure:
    first = diffs[0]
    if diffs == ["lifetime"]:
        return Failure(
            "P1-LIFETIME", "lifetime", "responder's ISAKMP lifetime is longer than the initiator's",
            f"ISAKMP lifetimes do not agree: {resp.device} (responder, policy {rp.priority}) has "
            f"{_value(rp, 'lifetime')}, {init.device} (initiator, policy {ip.priority}) has {_value(ip, 'lifetime')}; "
            "a Cisco responder accepts only an equal or shorter lifetime",
            _value(ip, "lifetime"), _value(rp, "lifetime"), resp.device,
        )
    parts = [f"{init.device} proposes {_value(ip, a)}, {resp.device} proposes {_value(rp, a)}"
             for a in diffs if a != "lifetime"]
    if len(diffs) == 1:
        summary = f"no {_ATTR_WORDS[first]} in common"
        message = f"{summary}: {parts[0]}"
    else:
        words = " and ".join(_ATTR_WORDS.get(a, "lifetime") for a in diffs)
        summary = "no ISAKMP policy in common"
        message = (f"{summary}; the closest pair ({init.device} policy {ip.priority}, {resp.device} policy "
                   f"{rp.priority}) differs in {words}: " + "; ".join(parts))
        if "lifetime" in diffs:
            message += f"; {resp.device}'s lifetime {_value(rp, 'lifetime')} exceeds {_value(ip, 'lifetime')}"
    return Failure("P1-POLICY", first, summary, message, _value(ip, first), _value(rp, first))


def _choose_policy(init: Phase1Offer, resp: Phase1Offer) -> tuple[ChosenPolicy | None, Failure | None]:
    if not init.policies or not resp.policies:
        missing = init if not init.policies else resp
        return None, Failure("P1-POLICY", "policy", "no ISAKMP policy",
                             f"{missing.device} has no ISAKMP policy", device=missing.device)
    init_order = sorted(init.policies, key=lambda p: p.priority)
    best: tuple[int, IkePolicy, IkePolicy, list[str]] | None = None
    for rp in sorted(resp.policies, key=lambda p: p.priority):
        for ip in init_order:
            diffs = _differences(ip, rp)
            if not diffs:
                return ChosenPolicy(ip.priority, rp.priority, _shorter(ip.lifetime, rp.lifetime)), None
            if best is None or len(diffs) < best[0]:
                best = (len(diffs), ip, rp, diffs)
    assert best is not None
    return None, _policy_failure(init, resp, best[1], best[2], best[3])


def _key_hint(offer: Phase1Offer) -> str:
    """What the engineer can run to see a key we cannot compare — only what is true."""
    key = offer.key
    assert key is not None
    if key.state is SecretState.MASKED:
        if offer.platform is Platform.ASA:
            return f"{offer.device} masks the key; `more system:running-config` on it shows the key"
        if offer.platform is Platform.PIX6:
            return f"{offer.device} (PIX 6) shows the key masked; re-enter the same key on both ends"
        return (f"the key is masked in this copy of {offer.device}'s configuration; "
                "`more system:running-config` on the router shows it unless it is type 6 encrypted")
    if offer.platform is Platform.IOS:
        return (f"{offer.device} stores the key encrypted (type {key.encoding or '6'}); it cannot be read back "
                "from the configuration: re-enter the same key on both ends")
    return (f"{offer.device} stores the key encrypted ({key.encoding or 'master passphrase'}); it cannot be read "
            "back: re-enter the same key on both ends")


def _check_key(init: Phase1Offer, resp: Phase1Offer) -> tuple[KeyCheck, Failure | None, str | None]:
    for offer, other in ((init, resp), (resp, init)):
        if offer.key is None:
            if offer.platform is Platform.ASA:
                return "missing", Failure(
                    "TG-NAME", "tunnel-group", "no tunnel-group for the peer",
                    f"{offer.device} has no L2L tunnel-group named {offer.peer or 'after the peer address'} "
                    f"with a pre-shared key, so {other.device}'s IKE falls to DefaultL2LGroup",
                    device=offer.device,
                ), None
            return "missing", Failure(
                "P1-PSK", "pre-shared-key", "no pre-shared key for the peer",
                f"{offer.device} has no pre-shared key for {offer.peer or other.device}", device=offer.device,
            ), None
    assert init.key is not None and resp.key is not None
    same = init.key.same_as(resp.key)
    if same is True:
        return "match", None, None
    if same is False:
        default = next((o for o in (init, resp) if o.key_from_default_group), None)
        if default is not None:
            return "mismatch", Failure(
                "TG-NAME", "tunnel-group", "peer falls to DefaultL2LGroup",
                f"{default.device} has no tunnel-group named {default.peer}; DefaultL2LGroup's key does not match "
                f"{(resp if default is init else init).device}'s key", device=default.device,
            ), None
        return "mismatch", Failure(
            "P1-PSK", "pre-shared-key", "pre-shared keys differ",
            f"pre-shared keys differ between {init.device} and {resp.device}",
            "<pre-shared-key>", "<pre-shared-key>",
        ), None
    hidden = [o for o in (init, resp) if o.key is not None and not o.key.comparable]
    return "cannot-verify", None, "pre-shared keys cannot be compared: " + "; ".join(_key_hint(o) for o in hidden)


def _identity_kind(identity: str) -> str:
    low = identity.lower()
    return "address" if low in ("auto", "address", "") else low


def negotiate_phase1(init: Phase1Offer, resp: Phase1Offer, *, nat_between: bool = False) -> Phase1Result:
    """Phase 1 (IKEv1 main or aggressive mode) with ``init`` initiating.

    >>> # negotiate_phase1(hq, br).failure.message
    >>> # 'no DH group in common: HQ-ASA proposes group 14, BR1-RTR proposes group 2'
    """
    base = {"initiator": init.device, "responder": resp.device}
    for offer in (init, resp):
        if not offer.ike_enabled:
            role = "initiator" if offer is init else "responder"
            fail = Failure("P1-ENABLE", "ike-enable", "IKE not enabled on the interface",
                           f"IKE is not enabled on {offer.device}'s interface {offer.interface or '(tunnel interface)'}"
                           f" ({role})", device=offer.device)
            return Phase1Result("fail", failures=(fail,), **base)  # type: ignore[arg-type]
    if init.aggressive and resp.aggressive_disabled:
        fail = Failure("P1-AGGR", "aggressive-mode", "aggressive mode refused",
                       f"{init.device} initiates in aggressive mode but {resp.device} has aggressive mode disabled",
                       "aggressive", "main only", resp.device)
        return Phase1Result("fail", failures=(fail,), **base)  # type: ignore[arg-type]
    chosen, policy_fail = _choose_policy(init, resp)
    if policy_fail is not None:
        return Phase1Result("fail", failures=(policy_fail,), **base)  # type: ignore[arg-type]
    assert chosen is not None
    notes: list[str] = []
    ip = next(p for p in init.policies if p.priority == chosen.initiator_priority)
    rp = next(p for p in resp.policies if p.priority == chosen.responder_priority)
    if ip.lifetime != rp.lifetime:
        notes.append(f"ISAKMP lifetimes differ ({init.device} {_value(ip, 'lifetime')}, {resp.device} "
                     f"{_value(rp, 'lifetime')}); {chosen.lifetime} s is used")
    failures: list[Failure] = []
    if _identity_kind(init.identity) != _identity_kind(resp.identity):
        failures.append(Failure("P1-IDENTITY", "identity", "ISAKMP identity types differ",
                                f"{init.device} identifies by {init.identity}, {resp.device} by {resp.identity}",
                                init.identity, resp.identity))
    key_check: KeyCheck = "not-applicable"
    if ip.authentication.lower() == "pre-share":
        key_check, key_fail, hint = _check_key(init, resp)
        if key_fail is not None:
            failures.append(key_fail)
        if hint:
            notes.append(hint)
    else:
        notes.append(f"authentication {ip.authentication}: certificates cannot be checked from configuration")
    for offer in (resp, init):
        if offer.xauth_required and not failures:
            other = init if offer is resp else resp
            failures.append(Failure("TG-IOSXAUTH", "xauth", "L2L peer asked for XAUTH",
                                    f"{offer.device}'s crypto map asks every peer for XAUTH and its key for "
                                    f"{offer.peer or other.device} lacks `no-xauth`", device=offer.device))
    warnings: tuple[Failure, ...] = ()
    if nat_between and not (init.nat_traversal and resp.nat_traversal):
        off = init if not init.nat_traversal else resp
        warnings = (Failure("P1-NATT", "nat-traversal", "NAT-Traversal off across NAT",
                            f"a NAT device sits between the peers and NAT-Traversal is off on {off.device}: "
                            "ESP will not pass the NAT", device=off.device),)
    status: Status = "fail" if failures else ("unknown" if key_check == "cannot-verify" else "ok")
    return Phase1Result(status, init.device, resp.device, chosen, tuple(failures), warnings, key_check, tuple(notes))


# --------------------------------------------------------------------------- phase 2


@dataclass(frozen=True, slots=True)
class Phase2Offer:
    """What one device brings to phase 2: its crypto map entry (or IPsec profile) resolved."""

    device: str
    platform: Platform
    transform_sets: tuple[TransformSet, ...] = ()
    missing_transform_sets: tuple[str, ...] = ()  # referenced but not defined
    pfs_group: int | None = None
    acl: AccessList | None = None
    acl_name: str | None = None  # what `match address` names (even when undefined)
    lifetime_seconds: int = 3600
    dynamic: bool = False  # a dynamic-map entry: responds only; without an ACL it accepts any proxy
    any_proxy: bool = False  # route based (VTI): proxies are any ↔ any, no crypto ACL


@dataclass(frozen=True, slots=True)
class Phase2Result:
    status: Status
    initiator: str
    responder: str
    transform: tuple[str, str] | None = None  # (initiator set, responder set)
    pfs_group: int | None = None
    lifetime_seconds: int | None = None
    failures: tuple[Failure, ...] = ()
    notes: tuple[str, ...] = ()
    proposed: tuple[str, ...] = ()  # flows the initiator proposes, in words
    rejected: tuple[str, ...] = ()  # the part of them the responder does not accept

    @property
    def failure(self) -> Failure | None:
        return self.failures[0] if self.failures else None


def _ts_text(ts: TransformSet) -> str:
    mode = "" if ts.mode == "tunnel" else f" mode {ts.mode}"
    return f"{ts.name} ({' '.join(ts.transforms)}{mode})"


_ANY_ACL = AccessList("any", entries=(AclEntry("permit", (SERVICE_IP,), (ANY4,), (ANY4,)),))


def _acl_ref_failure(offer: Phase2Offer) -> Failure | None:
    if offer.any_proxy or (offer.dynamic and offer.acl_name is None):
        return None
    if offer.acl_name is None:
        text = f"{offer.device}'s crypto map entry has no `match address`"
    elif offer.acl is None:
        text = f"{offer.device}'s crypto map entry matches ACL {offer.acl_name}, which does not exist"
    else:
        return None
    return Failure("P2-ACLREF", "match-address", "crypto ACL missing", text, device=offer.device)


def _transform(init: Phase2Offer, resp: Phase2Offer) -> tuple[tuple[str, str] | None, Failure | None]:
    for offer in (init, resp):
        if not offer.transform_sets:
            missing = ", ".join(offer.missing_transform_sets)
            text = (f"{offer.device}'s entry names transform set {missing}, which is not defined" if missing
                    else f"{offer.device}'s entry has no transform set")
            return None, Failure("P2-ACLREF", "transform-set", "transform set missing", text, device=offer.device)
    mode_clash: tuple[TransformSet, TransformSet] | None = None
    for its in init.transform_sets:
        for rts in resp.transform_sets:
            if its.key == rts.key:
                if its.mode == rts.mode:
                    return (its.name, rts.name), None
                mode_clash = mode_clash or (its, rts)
    if mode_clash is not None:
        its, rts = mode_clash
        return None, Failure("P2-TRANSFORM", "mode", "transform set modes differ",
                             f"transform sets agree on ciphers but not on mode: {init.device} {its.name} uses "
                             f"{its.mode} mode, {resp.device} {rts.name} uses {rts.mode} mode", its.mode, rts.mode)
    offered = ", ".join(_ts_text(t) for t in init.transform_sets)
    accepted = ", ".join(_ts_text(t) for t in resp.transform_sets)
    return None, Failure("P2-TRANSFORM", "transform-set", "no transform set in common",
                         f"no transform set in common: {init.device} proposes {offered}, {resp.device} proposes "
                         f"{accepted}", offered, accepted)


def _pfs(init: Phase2Offer, resp: Phase2Offer) -> Failure | None:
    a, b = init.pfs_group, resp.pfs_group
    if a == b:
        return None
    def words(g: int | None) -> str:
        return "no PFS" if g is None else f"PFS group {g}"
    if a is None or b is None:
        summary = "PFS on one end only"
    else:
        summary = "PFS groups differ"
    return Failure("P2-PFS", "pfs", summary,
                   f"{summary}: {init.device} uses {words(a)}, {resp.device} uses {words(b)}", words(a), words(b))


def _exact_mirror(rows: list[tuple[Any, flows_mod.FlowSet]], resp_acl: AccessList) -> bool:
    """The healthy common case, decided without set arithmetic: no ``deny`` in the responder's ACL, every
    proposed identity one box, and the responder's identities, mirrored, exactly the same boxes.

    Then every proposal fits one responder entry and the responder accepts nothing more, which is what
    the general comparison in :func:`_proxies` concludes too (a test compares the two on random ACLs).
    """
    if any(entry.action == "deny" for entry in resp_acl.active_entries):
        return False
    proposed = set()
    for _, flows in rows:
        if len(flows.boxes) != 1:
            return False
        proposed.add(flows.boxes[0])
    mirrored = set()
    for _, flows in flows_mod.proposal_flows(resp_acl):
        if len(flows.boxes) != 1:
            return False
        b = flows.boxes[0]
        mirrored.add((b[0], b[1], b[2], b[3], b[6], b[7], b[4], b[5], b[10], b[11], b[8], b[9]))
    return proposed == mirrored


def _proxies(init: Phase2Offer, resp: Phase2Offer) -> tuple[list[str], list[str], Failure | None, str | None]:
    """Proxy identities: (proposed, rejected, failure, note)."""
    if init.any_proxy:
        source_acl = _ANY_ACL  # a VTI proposes any ↔ any
    elif init.acl is None:
        return [], [], None, None  # already reported as P2-ACLREF
    else:
        source_acl = init.acl
    rows = flows_mod.proposal_flows(source_acl)
    proposed_all = flows_mod.FlowSet.of(b for _, f in rows for b in f.boxes)
    proposed = flows_mod.describe(proposed_all)
    if proposed_all.is_empty():
        return proposed, [], Failure("P2-ACLREF", "match-address", "crypto ACL permits nothing",
                                     f"{init.device}'s crypto ACL {source_acl.name} permits no traffic",
                                     device=init.device), None
    if resp.any_proxy or resp.acl is None:
        return proposed, [], None, None  # dynamic responder without ACL: accepts what is proposed
    if _exact_mirror(rows, resp.acl):
        return proposed, [], None, None
    accept = flows_mod.mirror(flows_mod.permitted_flows(resp.acl))
    resp_entries = [flows_mod.mirror(f) for _, f in flows_mod.proposal_flows(resp.acl)]
    rejected_boxes: list[flows_mod.Box] = []
    split_only: list[str] = []
    for _, f in rows:
        missing = f.difference(accept)
        if not missing.is_empty():
            rejected_boxes.extend(missing.boxes)
        elif flows_mod.covering_set(f, resp_entries) is None:
            # Covered by the union of several responder entries but by none alone: still refused.
            split_only.extend(flows_mod.describe(f))
            rejected_boxes.extend(f.boxes)
    rejected = flows_mod.FlowSet.of(rejected_boxes)
    if rejected.is_empty():
        extra = accept.difference(proposed_all)
        note = None
        if not extra.is_empty():
            note = (f"{resp.device} accepts {init.device}'s narrower proxies; its mirrored ACL also covers "
                    + ", ".join(flows_mod.describe(extra)))
        return proposed, [], None, note
    lines = flows_mod.describe(rejected)
    if split_only:
        lines.append(f"({', '.join(split_only)} is covered only by several of {resp.device}'s entries together, "
                     "and a proposal must fit one entry)")
    uncertain = any(e.unresolved for e in source_acl.entries) or any(e.unresolved for e in resp.acl.entries)
    failure = Failure(
        "P2-MIRROR", "proxy-identities", "crypto ACLs are not mirror images",
        f"{resp.device}'s crypto ACL {resp.acl.name} (mirrored) does not cover what {init.device}'s ACL "
        f"{source_acl.name} proposes: " + "; ".join(lines),
        "; ".join(proposed), "; ".join(flows_mod.describe(accept)),
    )
    note = "some ACL names did not resolve: the comparison may be incomplete" if uncertain else None
    return proposed, lines, failure, note


def negotiate_phase2(init: Phase2Offer, resp: Phase2Offer) -> Phase2Result:
    """Phase 2 (quick mode) with ``init`` initiating: ACL presence, transform, PFS, proxies, lifetime."""
    failures: list[Failure] = []
    notes: list[str] = []
    for offer in (init, resp):
        fail = _acl_ref_failure(offer)
        if fail is not None:
            failures.append(fail)
    transform, ts_fail = _transform(init, resp)
    if ts_fail is not None:
        failures.append(ts_fail)
    pfs_fail = _pfs(init, resp)
    if pfs_fail is not None:
        failures.append(pfs_fail)
    proposed, rejected, proxy_fail, note = _proxies(init, resp)
    if proxy_fail is not None:
        failures.append(proxy_fail)
    if note:
        notes.append(note)
    lifetime = min(init.lifetime_seconds, resp.lifetime_seconds)
    if init.lifetime_seconds != resp.lifetime_seconds:
        notes.append(f"IPsec lifetimes differ ({init.device} {init.lifetime_seconds} s, {resp.device} "
                     f"{resp.lifetime_seconds} s); the lower, {lifetime} s, is used")
    status: Status = "ok"
    if failures:
        only_uncertain_mirror = (len(failures) == 1 and proxy_fail is not None and note is not None
                                 and note.startswith("some ACL names"))
        status = "unknown" if only_uncertain_mirror else "fail"
    return Phase2Result(status, init.device, resp.device, transform, init.pfs_group if pfs_fail is None else None,
                        lifetime, tuple(failures), tuple(notes), tuple(proposed), tuple(rejected))



def negotiate_tunnel(tunnel: Tunnel, devices: Sequence[Device] | Mapping[str, Device]) -> TunnelVerdict:
    """Both phases in every possible direction for a paired tunnel → ``verdict.TunnelVerdict``.

    Lives in :mod:`ipsec_doctor.verdict` (it needs pairing and the model);
    imported lazily here so ``negotiate`` stays a module of pure functions.
    """
    from .verdict import negotiate_tunnel as run

    return run(tunnel, devices)
