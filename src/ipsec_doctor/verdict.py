"""A tunnel's verdict: build both ends' offers from the model, negotiate both ways.

Either end of a static ↔ static tunnel may initiate, and some defects bite
in one direction only (a responder with a longer ISAKMP lifetime, a crypto
ACL that is a subset of the peer's), so phase 1 and phase 2 run once per
possible initiator.  A dynamic-map end never initiates.
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


def _psk_for(device: Device, peer: IPAddress | None) -> tuple[Secret | None, PreSharedKey | None, bool]:
    """(key, the IOS/PIX key entry, key came from DefaultL2LGroup) for ``peer``."""
    if peer is None:
        return None, None, False
    if device.platform is Platform.ASA:
        group = device.tunnel_groups.get(str(peer))
        if group is not None and group.ikev1_psk is not None:
            return group.ikev1_psk, None, False
    best: PreSharedKey | None = None
    for k in device.pre_shared_keys:
        if k.ike_version != 1 or k.peer is None or k.peer.version != peer.version or k.direction != "both":
            continue
        if peer in k.peer and (best is None or k.peer.prefixlen > best.peer.prefixlen):  # type: ignore[union-attr]
            best = k
    if best is not None:
        return best.secret, best, False
    if device.platform is Platform.ASA:
        default = device.tunnel_groups.get("DefaultL2LGroup")
        if default is not None and default.ikev1_psk is not None:
            return default.ikev1_psk, None, True
    return None, None, False


def _ike_interface(device: Device, end: TunnelEnd) -> str:
    itf = device.interface(end.interface)
    if itf is not None and itf.tunnel is not None and itf.tunnel.source_interface:
        source = device.interface(itf.tunnel.source_interface)
        return source.local_name if source is not None else itf.tunnel.source_interface
    return end.interface


def phase1_offer(device: Device, end: TunnelEnd) -> Phase1Offer:
    """What ``device`` brings to phase 1 at ``end`` (its key for the peer, policies, IKE settings)."""
    key, key_entry, from_default = _psk_for(device, end.peer_address)
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


def negotiate_tunnel(tunnel: Tunnel, devices: Sequence[Device] | Mapping[str, Device]) -> TunnelVerdict:
    """Negotiate ``tunnel`` in every possible direction and sum it up in one line.

    >>> # negotiate_tunnel(t, devices).summary
    >>> # 'fails at phase 1 — pre-shared keys differ'
    """
    by_name = devices if isinstance(devices, Mapping) else {d.name: d for d in devices}
    if tunnel.one_sided or len(tunnel.ends) < 2:
        who = f" ({tunnel.remote_device} has no configuration for this peer)" if tunnel.remote_device else ""
        return TunnelVerdict(tunnel.id, "unknown", f"cannot verify — the other end is not in the snapshot{who}")
    ea, eb = tunnel.ends[0], tunnel.ends[1]
    da, db = by_name.get(ea.device), by_name.get(eb.device)
    if da is None or db is None:
        return TunnelVerdict(tunnel.id, "unknown", "cannot verify — a device of this tunnel was not loaded")
    if tunnel.kind == "gre" and not (ea.profile or eb.profile):
        return TunnelVerdict(tunnel.id, "unknown", "plain GRE: not protected by IPsec, nothing to negotiate")
    directions = []
    if not ea.dynamic:
        directions.append(_direction(da, ea, db, eb, tunnel.nat_between))
    if not eb.dynamic:
        directions.append(_direction(db, eb, da, ea, tunnel.nat_between))
    outcomes = [d.outcome for d in directions]
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
        verdict, summary = "up", _up_text(up[0])
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
    result = TunnelVerdict(tunnel.id, verdict, summary, tuple(directions), p1, p2)
    from .states import predict_states  # states builds on this module's types

    return replace(result, predicted_state=predict_states(result, tunnel.ends))
