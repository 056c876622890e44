"""A tunnel's verdict: build both ends' offers from the model, negotiate both ways.

Either end of a static ↔ static tunnel may initiate, and some defects bite
in one direction only (a responder with a longer ISAKMP lifetime, a crypto
ACL that is a subset of the peer's), so phase 1 and phase 2 run once per
possible initiator.  A dynamic-map end (and a DMVPN hub) never initiates.

Before negotiating: an end on an interface that is shut down (or a tunnel
whose source interface is) fails whatever it would negotiate; a GRE tunnel
without IPsec profile that a crypto map encrypts has the verdict of that
crypto-map tunnel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from .model import Device, IPAddress, Platform, PreSharedKey
from .negotiate import (
    Failure,
    Phase1Offer,
    Phase1Result,
    Phase2Offer,
    Phase2Result,
    negotiate_phase1,
    negotiate_phase2,
)
from .pairing import Tunnel, TunnelEnd
from .secrets import Secret

__all__ = ["DirectionResult", "TunnelVerdict", "negotiate_tunnel", "phase1_offer", "phase2_offer"]

Outcome = Literal["up", "fail", "unknown"]
Verdict = Literal["up", "fails", "depends-on-initiator", "unknown"]


@dataclass(frozen=True, slots=True)
class DirectionResult:
    """One way of bringing the tunnel up: ``initiator`` sends the first packet."""

    initiator: str
    responder: str
    phase1: Phase1Result
    phase2: Phase2Result | None

    @property
    def outcome(self) -> Outcome:
        statuses = [self.phase1.status] + ([self.phase2.status] if self.phase2 else [])
        if "fail" in statuses:
            return "fail"
        return "unknown" if "unknown" in statuses else "up"

    @property
    def failed_phase(self) -> int | None:
        if self.phase1.status == "fail":
            return 1
        if self.phase2 is not None and self.phase2.status == "fail":
            return 2
        return None

    @property
    def failure(self) -> Failure | None:
        if self.phase1.failure is not None:
            return self.phase1.failure
        return self.phase2.failure if self.phase2 is not None else None


@dataclass(frozen=True, slots=True)
class TunnelVerdict:
    tunnel: str
    verdict: Verdict
    summary: str
    directions: tuple[DirectionResult, ...] = ()
    phase1: Outcome = "unknown"
    phase2: Outcome = "unknown"
    predicted_state: Mapping[str, str] = field(default_factory=dict)  # device → `show crypto isakmp sa` state
    ike_version: int = 1  # 2 when both ends negotiate with IKEv2 (see negotiate_v2)

    @property
    def phase1_status(self) -> Outcome:
        """The OUTPUT.md ``phase1`` value (up | fail | unknown)."""
        return self.phase1

    @property
    def phase2_status(self) -> Outcome:
        return self.phase2

    @property
    def failing(self) -> DirectionResult | None:
        """The first direction that fails (the one states are predicted for)."""
        return next((d for d in self.directions if d.outcome == "fail"), None)


# --------------------------------------------------------------------------- offers from the model


def ikev1_key_entry(device: Device, peer: IPAddress) -> PreSharedKey | None:
    """The IOS/PIX IKEv1 key entry covering ``peer``: the most specific one (the first of equals)."""
    best: PreSharedKey | None = None
    for k in device.pre_shared_keys:
        if k.ike_version != 1 or k.peer is None or k.peer.version != peer.version or k.direction != "both":
            continue
        if peer in k.peer and (best is None or k.peer.prefixlen > best.peer.prefixlen):  # type: ignore[union-attr]
            best = k
    return best


def _psk_for(device: Device, peer: IPAddress | None) -> tuple[Secret | None, PreSharedKey | None, bool]:
    """(key, the IOS/PIX key entry, key came from DefaultL2LGroup) for ``peer``."""
    if peer is None:
        return None, None, False
    if device.platform is Platform.ASA:
        group = device.tunnel_groups.get(str(peer))
        if group is not None and group.ikev1_psk is not None:
            return group.ikev1_psk, None, False
    best = ikev1_key_entry(device, peer)
    if best is not None:
        return best.secret, best, False
    if device.platform is Platform.ASA:
        default = device.tunnel_groups.get("DefaultL2LGroup")
        if default is not None and default.ikev1_psk is not None:
            return default.ikev1_psk, None, True
    return None, None, False


def _wildcard_psk(device: Device) -> PreSharedKey | None:
    """The IKEv1 key for any address (``address 0.0.0.0``): what a hub uses for spokes it does not know."""
    return next((k for k in device.pre_shared_keys if k.ike_version == 1 and k.peer is not None
                 and k.peer.prefixlen == 0 and k.direction == "both"), None)


def _ike_interface(device: Device, end: TunnelEnd) -> str:
    itf = device.interface(end.interface)
    if itf is not None and itf.tunnel is not None and itf.tunnel.source_interface:
        source = device.interface(itf.tunnel.source_interface)
        return source.local_name if source is not None else itf.tunnel.source_interface
    return end.interface


def phase1_offer(device: Device, end: TunnelEnd) -> Phase1Offer:
    """What ``device`` brings to phase 1 at ``end`` (its key for the peer, policies, IKE settings)."""
    key, key_entry, from_default = _psk_for(device, end.peer_address)
    if end.peer_address is None and end.dynamic:
        # A DMVPN hub facing a spoke whose address is not static (DHCP): only a wildcard key is sure to apply.
        key_entry = _wildcard_psk(device)
        key = key_entry.secret if key_entry is not None else None
    cmap = device.crypto_maps.get(end.crypto_map) if end.crypto_map and not end.dynamic else None
    xauth = (device.platform is Platform.IOS and cmap is not None and cmap.client_authentication_list is not None
             and not (key_entry is not None and key_entry.no_xauth))
    entry = end.entry
    return Phase1Offer(
        device=device.name,
        platform=device.platform,
        policies=device.ikev1_policies,
        key=key,
        peer=str(end.peer_address) if end.peer_address is not None else "",
        identity=device.ike.identity,
        aggressive=entry is not None and entry.phase1_mode == "aggressive",
        aggressive_disabled=device.ike.aggressive_mode_disabled,
        nat_traversal=device.ike.nat_traversal and not (entry is not None and entry.nat_t_disable),
        ike_enabled=device.ike.enabled_on(_ike_interface(device, end)),
        interface=_ike_interface(device, end),
        key_from_default_group=from_default,
        xauth_required=xauth,
        version_tuple=device.version_tuple,
    )


def phase2_offer(device: Device, end: TunnelEnd) -> Phase2Offer:
    """What ``device`` brings to phase 2: the crypto map entry, or the IPsec profile of a VTI/GRE tunnel."""
    entry = end.entry
    if entry is None:
        profile = device.ipsec_profiles.get(end.profile) if end.profile else None
        names = profile.transform_sets if profile is not None else ()
        return Phase2Offer(
            device.name, device.platform,
            tuple(device.transform_sets[n] for n in names if n in device.transform_sets),
            tuple(n for n in names if n not in device.transform_sets),
            profile.pfs_group if profile is not None else None,
            lifetime_seconds=(profile.lifetime_seconds if profile and profile.lifetime_seconds
                              else device.ipsec_lifetime_seconds),
            any_proxy=True,
        )
    names = entry.transform_sets
    return Phase2Offer(
        device.name, device.platform,
        tuple(device.transform_sets[n] for n in names if n in device.transform_sets),
        tuple(n for n in names if n not in device.transform_sets),
        entry.pfs_group,
        device.acls.get(entry.match_acl) if entry.match_acl else None,
        entry.match_acl,
        entry.lifetime_seconds or device.ipsec_lifetime_seconds,
        dynamic=entry.is_dynamic or end.dynamic,
    )


# --------------------------------------------------------------------------- verdict


def _direction(a: Device, ea: TunnelEnd, b: Device, eb: TunnelEnd, nat: bool) -> DirectionResult:
    p1 = negotiate_phase1(phase1_offer(a, ea), phase1_offer(b, eb), nat_between=nat)
    p2 = negotiate_phase2(phase2_offer(a, ea), phase2_offer(b, eb))
    return DirectionResult(a.name, b.name, p1, p2)


def _route_mismatch(a: Device, ea: TunnelEnd, b: Device, eb: TunnelEnd) -> Failure | None:
    """A route-based end facing a crypto map, or a VTI facing GRE: the proxies cannot agree (VTI-PAIR)."""
    if (ea.entry is None) != (eb.entry is None):
        vti, cmap = (ea, eb) if ea.entry is None else (eb, ea)
        acl = cmap.entry.match_acl if cmap.entry is not None else None
        return Failure("VTI-PAIR", "traffic-selectors", "tunnel interface facing a crypto map",
                       f"{vti.device}'s {vti.interface} (route based) proposes and expects any <-> any proxies, but "
                       f"{cmap.device}'s {_label(cmap)} proposes only what its crypto ACL {acl or '(none)'} permits",
                       device=cmap.device)
    if ea.entry is None and eb.entry is None:
        ma, mb = _mode(a, ea), _mode(b, eb)
        if ma is not None and mb is not None and ma.startswith("ipsec") != mb.startswith("ipsec"):
            return Failure("VTI-PAIR", "tunnel-mode", "tunnel modes differ",
                           f"{a.name}'s {ea.interface} uses tunnel mode {ma} and {b.name}'s {eb.interface} uses "
                           f"tunnel mode {mb}: a VTI negotiates any <-> any proxies, GRE over IPsec protects only "
                           "GRE between the two tunnel endpoints", ma, mb)
    return None


def _label(end: TunnelEnd) -> str:
    return f"crypto map {end.crypto_map} {end.seq}" if end.crypto_map else end.interface


def _mode(device: Device, end: TunnelEnd) -> str | None:
    itf = device.interface(end.interface)
    return itf.tunnel.mode if itf is not None and itf.tunnel is not None else None


def _with_route_failure(d: DirectionResult, fail: Failure) -> DirectionResult:
    """Put ``fail`` into the direction's phase 2 (replacing a generic proxy mismatch it explains)."""
    p2 = d.phase2
    if p2 is None:
        return d
    kept = tuple(f for f in p2.failures if f.catalog_id not in ("P2-MIRROR", "VTI-PAIR"))
    return replace(d, phase2=replace(p2, status="fail", failures=(fail,) + kept))


def _ike_versions(device: Device, end: TunnelEnd) -> frozenset[int]:
    from .v2_offers import end_ike_versions

    return end_ike_versions(device, end)


def _direction_v2(a: Device, ea: TunnelEnd, b: Device, eb: TunnelEnd) -> DirectionResult:
    from .negotiate_v2 import negotiate_child, negotiate_ike
    from .v2_offers import child_offer, ike_offer

    p1 = negotiate_ike(ike_offer(a, ea, _ike_interface(a, ea)), ike_offer(b, eb, _ike_interface(b, eb)))
    p2 = negotiate_child(child_offer(a, ea), child_offer(b, eb))
    return DirectionResult(a.name, b.name, p1, p2)


def _mixed_versions(a: Device, ea: TunnelEnd, va: frozenset[int], b: Device, eb: TunnelEnd,
                    vb: frozenset[int]) -> DirectionResult:
    """One end speaks only IKEv1, the other only IKEv2: nothing to negotiate."""
    v1_only, v2_end = (a, b) if va == frozenset({1}) else (b, a)
    fail = Failure("V2-PROPOSAL", "ike-version", "one end speaks IKEv1 only",
                   f"{v2_end.name} negotiates with IKEv2 only and {v1_only.name} with IKEv1 only: the two ends "
                   "never agree on an IKE version", "IKEv2", "IKEv1", v1_only.name)
    return DirectionResult(a.name, b.name, Phase1Result("fail", a.name, b.name, failures=(fail,)), None)


def _why(d: DirectionResult) -> str:
    f = d.failure
    assert f is not None
    return f"fails at phase {d.failed_phase} — {f.summary}"


def _overall(results: Sequence[Outcome]) -> Outcome:
    if results and all(r == "up" for r in results):
        return "up"
    return "fail" if "fail" in results else "unknown"


def _up_text(d: DirectionResult) -> str:
    chosen = d.phase1.chosen
    parts = []
    if chosen is not None:
        parts.append(f"phase 1 with {d.initiator} policy {chosen.initiator_priority} / {d.responder} policy "
                     f"{chosen.responder_priority}")
    if d.phase2 is not None and d.phase2.transform is not None:
        parts.append(f"phase 2 with {d.phase2.transform[0]} / {d.phase2.transform[1]}")
    return "comes up" + (f": {', '.join(parts)}" if parts else "")


def _up_text_v2(d: DirectionResult) -> str:
    parts = ["IKEv2"]
    parts += [n for n in d.phase1.notes if n.startswith("IKE SA:")]
    if d.phase2 is not None and d.phase2.transform is not None:
        parts.append(f"child SA with {d.phase2.transform[0]} / {d.phase2.transform[1]}")
    return "comes up: " + ", ".join(parts)


def negotiate_tunnel(tunnel: Tunnel, devices: Sequence[Device] | Mapping[str, Device]) -> TunnelVerdict:
    """Negotiate ``tunnel`` in every possible direction and sum it up in one line.

    >>> # negotiate_tunnel(t, devices).summary
    >>> # 'fails at phase 1 — pre-shared keys differ'
    """
    by_name = devices if isinstance(devices, Mapping) else {d.name: d for d in devices}
    verdict = _negotiate(tunnel, by_name)
    shut = next((t for t in (_shut_text(by_name.get(e.device), e) for e in tunnel.ends) if t), None)
    return verdict if shut is None else _shut_down(tunnel, by_name, shut, verdict)


def _negotiate(tunnel: Tunnel, by_name: Mapping[str, Device]) -> TunnelVerdict:
    if tunnel.one_sided or len(tunnel.ends) < 2:
        who = f" ({tunnel.remote_device} has no configuration for this peer)" if tunnel.remote_device else ""
        return TunnelVerdict(tunnel.id, "unknown", f"cannot verify — the other end is not in the snapshot{who}")
    ea, eb = tunnel.ends[0], tunnel.ends[1]
    da, db = by_name.get(ea.device), by_name.get(eb.device)
    if da is None or db is None:
        return TunnelVerdict(tunnel.id, "unknown", "cannot verify — a device of this tunnel was not loaded")
    if tunnel.kind in ("gre", "dmvpn") and not (ea.profile or eb.profile):
        if tunnel.protected_by is not None:
            return _carried(tunnel, tunnel.protected_by, by_name)
        what = "plain GRE" if tunnel.kind == "gre" else "plain multipoint GRE (DMVPN)"
        return TunnelVerdict(tunnel.id, "unknown", f"{what}: not protected by IPsec, nothing to negotiate")
    directions = []
    va, vb = _ike_versions(da, ea), _ike_versions(db, eb)
    version = 2 if 2 in va and 2 in vb else 1
    if 1 not in va & vb and 2 not in va & vb:
        version = 2
        directions = [_mixed_versions(da, ea, va, db, eb, vb)]
    else:
        run = _direction_v2 if version == 2 else (lambda a, x, b, y: _direction(a, x, b, y, tunnel.nat_between))
        if not ea.dynamic:
            directions.append(run(da, ea, db, eb))
        if not eb.dynamic:
            directions.append(run(db, eb, da, ea))
        route_fail = _route_mismatch(da, ea, db, eb) if tunnel.kind in ("vti", "gre", "dmvpn") else None
        if route_fail is not None:
            directions = [_with_route_failure(d, route_fail) for d in directions]
    p1 = _overall([d.phase1.status.replace("ok", "up") for d in directions])  # type: ignore[misc]
    p2 = _overall([(d.phase2.status.replace("ok", "up") if d.phase2 else "unknown") for d in directions])  # type: ignore[misc]
    failing = [d for d in directions if d.outcome == "fail"]
    up = [d for d in directions if d.outcome == "up"]
    if failing and up:
        verdict: Verdict = "depends-on-initiator"
        summary = (f"comes up only when {up[0].initiator} initiates; when {failing[0].initiator} initiates it "
                   + _why(failing[0]))
    elif failing:
        verdict, summary = "fails", _why(failing[0])
    elif up and len(up) == len(directions):
        verdict, summary = "up", (_up_text_v2(up[0]) if version == 2 else _up_text(up[0]))
    else:
        verdict = "unknown"
        unknown = next(d for d in directions if d.outcome == "unknown")
        notes = unknown.phase1.notes + (unknown.phase2.notes if unknown.phase2 else ())
        summary = "cannot verify — " + (notes[0] if notes else "a value cannot be compared")
    warnings = [w for d in directions for w in d.phase1.warnings]
    if verdict == "up" and any(w.catalog_id == "P1-NATT" for w in warnings):
        # IKE can cross a NAT on UDP 500, but plain ESP (protocol 50) cannot cross PAT:
        # the SAs are built and no traffic passes.
        verdict = "fails"
        summary = "negotiates, but no traffic passes — NAT-Traversal is off across the NAT between the peers"
    elif warnings and verdict in ("up", "unknown"):
        summary += f"; {warnings[0].summary}"
    result = TunnelVerdict(tunnel.id, verdict, summary, tuple(directions), p1, p2, ike_version=version)
    from .states import predict_states  # states builds on this module's types

    return replace(result, predicted_state=predict_states(result, tunnel.ends))


# --------------------------------------------------------------------------- before negotiating


def _shut_text(device: Device | None, end: TunnelEnd) -> str | None:
    """``Tunnel21 on r1 is shut down`` when the end's interface, or its tunnel source, is shut down."""
    itf = device.interface(end.interface) if device is not None else None
    if device is None or itf is None:
        return None
    if itf.shutdown:
        return f"{itf.name} on {end.device} is shut down"
    source = device.interface(itf.tunnel.source_interface) if itf.tunnel and itf.tunnel.source_interface else None
    if source is not None and source.shutdown:
        return f"{source.name} on {end.device} (the source of {itf.name}) is shut down"
    return None


def _shut_down(tunnel: Tunnel, by_name: Mapping[str, Device], why: str, inner: TunnelVerdict) -> TunnelVerdict:
    """An administratively down end: no IKE packet ever leaves it, so the tunnel fails.

    The negotiation still runs (its failures are real and need fixing too);
    the phases keep a real failure, otherwise they cannot be observed.
    """
    from .states import NO_SA

    if inner.verdict in ("up", "fails", "depends-on-initiator") and not tunnel.one_sided:
        then = "once enabled it " + inner.summary if inner.verdict == "up" else "besides, it " + inner.summary
        why = f"{why}; {then}"
    phase1: Outcome = "fail" if inner.phase1 == "fail" else "unknown"
    phase2: Outcome = "fail" if inner.phase2 == "fail" else "unknown"
    states = {e.device: NO_SA for e in tunnel.ends if e.device in by_name}
    return TunnelVerdict(tunnel.id, "fails", why, inner.directions, phase1, phase2, states, inner.ike_version)


def _carried(tunnel: Tunnel, carrier: Tunnel, by_name: Mapping[str, Device]) -> TunnelVerdict:
    """A GRE tunnel encrypted by a crypto map: the crypto-map tunnel's verdict, told as such.

    No directions of its own: the checks report the negotiation once, on the crypto-map tunnel.
    """
    inner = negotiate_tunnel(carrier, by_name)
    labels = sorted({f"crypto map {e.crypto_map} seq {e.seq}" for e in carrier.ends if e.crypto_map})
    if len(labels) > 1:
        labels = [f"crypto map {e.crypto_map} seq {e.seq} on {e.device}" for e in carrier.ends if e.crypto_map]
    summary = f"GRE protected by {' and '.join(labels)}: {inner.summary}"
    return TunnelVerdict(tunnel.id, inner.verdict, summary, (), inner.phase1, inner.phase2,
                         dict(inner.predicted_state), inner.ike_version)
