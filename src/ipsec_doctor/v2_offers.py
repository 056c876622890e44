"""IKEv2 offers from the model: what one device brings to one tunnel end.

The negotiation itself (:mod:`ipsec_doctor.negotiate_v2`) is pure; this
module reads the model — IKEv2 proposals and policies (with the IOS default
proposal when none applies), IOS IKEv2 profiles and keyrings, ASA
tunnel-groups, transform sets / IPsec proposals — and decides which IKE
versions an end is configured for.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Device, Ikev2Proposal, IPAddress, IsakmpProfile, Platform, PreSharedKey, TransformSet
from .negotiate_v2 import (
    _ESP_INTEGRITY,
    IOS_DEFAULT_PROPOSAL,
    IOS_DEFAULT_TRANSFORM,
    ChildProposal,
    V2Auth,
    V2ChildOffer,
    V2IkeOffer,
    V2Proposal,
    canonical_encryption,
    canonical_hash,
    esp_encryption,
)

__all__ = ["child_offer", "configured_profile", "device_proposals", "end_ike_versions", "ike_offer"]


def _proposal(device: Device, p: Ikev2Proposal) -> V2Proposal:
    enc = tuple(canonical_encryption(e) for e in p.encryption)
    integ = tuple(canonical_hash(i) for i in p.integrity if i.lower() != "null")
    prf = tuple(canonical_hash(x) for x in p.prf)
    if not prf:
        # Without `prf`, IOS uses the integrity algorithms as PRF; the ASA's default PRF is SHA-1.
        prf = ("sha1",) if device.platform is not Platform.IOS and not integ else integ
    label = f"policy {p.priority}" if p.priority is not None else p.name
    return V2Proposal(label, enc, integ, prf, tuple(p.groups), source=p.source)


def device_proposals(device: Device, local: IPAddress | None) -> tuple[V2Proposal, ...]:
    """The IKE SA proposals ``device`` sends or accepts on ``local``, in its priority order."""
    if device.platform is not Platform.IOS:
        return tuple(_proposal(device, p) for p in sorted(device.ikev2_proposals, key=lambda p: p.priority or 0))
    by_name = {p.name: p for p in device.ikev2_proposals}
    policies = [p for p in device.ikev2_policies
                if not p.match_local_addresses or (local is not None and local in p.match_local_addresses)]
    # Policies that name a local address are more specific than the catch-all ones.
    policies.sort(key=lambda p: not p.match_local_addresses)
    out: list[V2Proposal] = []
    for pol in policies:
        for name in pol.proposals:
            if name in by_name:
                out.append(_proposal(device, by_name[name]))
    return tuple(out) if out else (IOS_DEFAULT_PROPOSAL,)


def _ios_profiles(device: Device) -> dict[str, IsakmpProfile]:
    return {p.name: p for p in device.isakmp_profiles if p.ike_version == 2}


def _keys_for(device: Device, keyrings: Sequence[str], peer: IPAddress | None) -> list[PreSharedKey]:
    """Keyring entries of ``keyrings`` for ``peer``, most specific address first."""
    keys = [k for k in device.pre_shared_keys if k.ike_version == 2 and k.keyring in keyrings and k.peer is not None
            and peer is not None and k.peer.version == peer.version and peer in k.peer]
    return sorted(keys, key=lambda k: -k.peer.prefixlen)  # type: ignore[union-attr]


def _ios_identity(profile: IsakmpProfile | None, local: IPAddress | None) -> tuple[str, str]:
    if profile is None or not profile.self_identity:
        return ("address", str(local) if local is not None else "")
    words = profile.self_identity.split()
    kind = words[0].lower()
    value = words[1] if len(words) > 1 else ""
    if kind == "address" and not value and local is not None:
        value = str(local)
    return (kind, value)


def _ios_auth(device: Device, profile: IsakmpProfile, local: IPAddress | None, peer: IPAddress | None) -> V2Auth:
    keys = _keys_for(device, profile.keyrings, peer)
    local_key = next((k for k in keys if k.direction in ("both", "local")), None)
    remote_key = next((k for k in keys if k.direction in ("both", "remote")), None)
    peer_text = str(peer) if peer is not None else "the peer"
    where = (f"keyring {', '.join(profile.keyrings)} (peer {peer_text})" if profile.keyrings
             else f"IKEv2 profile {profile.name} (no keyring)")
    return V2Auth(
        profile=profile.name,
        local_key=local_key.secret if local_key else None,
        remote_key=remote_key.secret if remote_key else None,
        local_source=local_key.source if local_key else None,
        remote_source=remote_key.source if remote_key else None,
        where=where,
        auth_local=profile.auth_local[0] if profile.auth_local else "none",
        auth_remote=profile.auth_remote[0] if profile.auth_remote else "none",
        identity=_ios_identity(profile, local),
        identity_source=profile.source,
        matches=profile.match_identities,
        match_source=profile.source,
    )


def _asa_identity(device: Device, local: IPAddress | None) -> tuple[str, str]:
    kind = device.ike.identity.lower()
    if kind == "hostname":
        fqdn = device.name + (f".{device.domain}" if device.domain else "")
        return ("fqdn", fqdn)
    return ("address", str(local) if local is not None else "")


def _asa_auth(device: Device, local: IPAddress | None, peer: IPAddress | None) -> V2Auth:
    name = str(peer) if peer is not None else ""
    # No tunnel-group named after the peer: the ASA falls back to DefaultL2LGroup.
    group = device.tunnel_groups.get(name) or device.tunnel_groups.get("DefaultL2LGroup")
    if group is not None and group.ikev2_local_psk is None and group.ikev2_remote_psk is None \
            and group.name == "DefaultL2LGroup":
        group = None
    identity = _asa_identity(device, local)
    if group is None:
        return V2Auth(profile=None, where=f"tunnel-group {name}", identity=identity, found=False)
    return V2Auth(
        profile=group.name,
        local_key=group.ikev2_local_psk,
        remote_key=group.ikev2_remote_psk,
        local_source=group.src("ikev2-local-psk") if group.ikev2_local_psk is not None else group.source,
        remote_source=group.src("ikev2-remote-psk") if group.ikev2_remote_psk is not None else group.source,
        where=f"tunnel-group {group.name}",
        auth_local="pre-share" if group.ikev2_local_psk is not None or group.trustpoint is None else "rsa-sig",
        auth_remote="pre-share" if group.ikev2_remote_psk is not None or group.trustpoint is None else "rsa-sig",
        identity=identity,
        identity_source=device.ike.attr_sources.get("identity"),
    )


def configured_profile(device: Device, end: object) -> str | None:
    """The IKEv2 profile an IOS end names (crypto map entry or the IPsec profile of its tunnel)."""
    entry = getattr(end, "entry", None)
    if entry is not None:
        return entry.ikev2_profile
    name = getattr(end, "profile", None)
    profile = device.ipsec_profiles.get(name) if name else None
    return profile.ikev2_profile if profile is not None else None


def ike_offer(device: Device, end: object, ike_interface: str) -> V2IkeOffer:
    """What ``device`` brings to IKE_SA_INIT / IKE_AUTH at ``end`` (a :class:`pairing.TunnelEnd`)."""
    local: IPAddress | None = getattr(end, "local_address", None)
    peer: IPAddress | None = getattr(end, "peer_address", None)
    proposals = device_proposals(device, local)
    if device.platform is Platform.IOS:
        profiles = _ios_profiles(device)
        name = configured_profile(device, end)
        chosen = profiles.get(name) if name else None
        auth = (_ios_auth(device, chosen, local, peer) if chosen is not None
                else V2Auth(profile=name, identity=_ios_identity(None, local), found=False,
                            where=f"IKEv2 profile {name}" if name else "no IKEv2 profile"))
        candidates = tuple((p, _ios_auth(device, p, local, peer)) for p in profiles.values())
        return V2IkeOffer(device.name, device.platform, proposals, auth, str(peer or ""), True, ike_interface,
                          candidates)
    auth = _asa_auth(device, local, peer)
    return V2IkeOffer(device.name, device.platform, proposals, auth, str(peer or ""),
                      device.ike.enabled_on(ike_interface, 2), ike_interface)


def _from_transform_set(ts: TransformSet) -> ChildProposal:
    enc = esp_encryption(ts)
    integ = _ESP_INTEGRITY.get(ts.esp_integrity or "", None)
    return ChildProposal(ts.name, (enc,) if enc else (), (integ,) if integ else (), source=ts.source)


def child_offer(device: Device, end: object) -> V2ChildOffer:
    """The child SA offer of an IKEv2 end: ASA IPsec proposals, IOS transform sets (or IOS defaults)."""
    entry = getattr(end, "entry", None)
    profile_name = getattr(end, "profile", None)
    profile = device.ipsec_profiles.get(profile_name) if entry is None and profile_name else None
    if entry is not None:
        v2_names, ts_names, pfs = entry.ikev2_proposals, entry.transform_sets, entry.pfs_group
        lifetime = entry.lifetime_seconds or device.ipsec_lifetime_seconds
        label = f"{'dynamic map' if entry.is_dynamic or getattr(end, 'dynamic', False) else 'crypto map'} " \
                f"{entry.map_name} {entry.seq}"
    elif profile is not None:
        v2_names, ts_names, pfs = profile.ikev2_proposals, profile.transform_sets, profile.pfs_group
        lifetime = profile.lifetime_seconds or device.ipsec_lifetime_seconds
        label = f"IPsec profile {profile.name}"
    else:
        v2_names, ts_names, pfs, lifetime = (), (), None, device.ipsec_lifetime_seconds
        label = f"IPsec profile {profile_name}" if profile_name else "(none)"
    proposals: list[ChildProposal] = []
    missing: list[str] = []
    if device.platform is Platform.IOS:
        for n in ts_names:
            ts = device.transform_sets.get(n)
            if ts is None:
                missing.append(n)
            else:
                proposals.append(_from_transform_set(ts))
        if not ts_names:
            dname, denc, dinteg = IOS_DEFAULT_TRANSFORM
            proposals.append(ChildProposal(dname, denc, dinteg, defaulted=True))
    else:
        for n in v2_names:
            p = device.ipsec_proposals.get(n)
            if p is None:
                missing.append(n)
                continue
            enc = tuple(canonical_encryption(e) for e in p.encryption)
            integ = tuple(canonical_hash(i) for i in p.integrity if i.lower() != "null")
            proposals.append(ChildProposal(p.name, enc, integ, source=p.source))
    acl = device.acls.get(entry.match_acl) if entry is not None and entry.match_acl else None
    return V2ChildOffer(device.name, device.platform, tuple(proposals), tuple(missing), pfs, acl,
                        entry.match_acl if entry is not None else None, entry is None,
                        bool(entry is not None and (entry.is_dynamic or getattr(end, "dynamic", False))),
                        lifetime, label)


# --------------------------------------------------------------------------- which IKE version an end speaks


def end_ike_versions(device: Device, end: object) -> frozenset[int]:
    """The IKE versions an end is configured for (ASA: by proposals; IOS: an IKEv2 profile means IKEv2)."""
    entry = getattr(end, "entry", None)
    profile_name = getattr(end, "profile", None)
    profile = device.ipsec_profiles.get(profile_name) if entry is None and profile_name else None
    if device.platform is Platform.IOS:
        named = configured_profile(device, end)
        if named:
            return frozenset({2})
        return frozenset({1})
    v1 = bool(entry.transform_sets if entry is not None else (profile.transform_sets if profile else ()))
    v2 = bool(entry.ikev2_proposals if entry is not None else (profile.ikev2_proposals if profile else ()))
    out = {v for v, on in ((1, v1), (2, v2)) if on}
    return frozenset(out or {1})
