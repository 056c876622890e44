"""Shared plumbing of the IKEv2 and route-based checks (V2-*, VTI-*, SEC-IKEV1).

Fix commands in each platform's IKEv2 syntax: IOS ``crypto ikev2
proposal|policy|keyring|profile`` and transform sets; ASA ``crypto ikev2
policy N``, ``crypto ipsec ikev2 ipsec-proposal`` and tunnel-group
``ikev2 local-authentication / remote-authentication``.  Algorithm names
arrive in the canonical spelling of :mod:`ipsec_doctor.negotiate_v2` and
leave in the device's own.  Keys are always ``<pre-shared-key>``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..fixes import PSK
from ..model import Device, Platform, PreSharedKey, Source
from ..negotiate_v2 import ChildProposal, V2Proposal
from ..pairing import TunnelEnd
from ..v2_offers import configured_profile
from . import Context
from ._fix_maps import entry_lines
from ._fix_tunnels import free_number
from ._tunnels import Pair, pairs


def v2_pairs(ctx: Context) -> Iterator[Pair]:
    """Paired tunnels negotiated with IKEv2 (or failing because one end speaks IKEv1 only)."""
    for pair in pairs(ctx):
        if getattr(pair.verdict, "ike_version", 1) == 2:
            yield pair


# --------------------------------------------------------------------------- spelling

_ASA_ENC = {"aes-cbc-128": "aes", "aes-cbc-192": "aes-192", "aes-cbc-256": "aes-256", "aes-gcm-128": "aes-gcm",
            "aes-gcm-192": "aes-gcm-192", "aes-gcm-256": "aes-gcm-256"}
_ASA_HASH = {"sha1": "sha"}
_ASA_ESP_HASH = {"sha1": "sha-1", "sha256": "sha-256", "sha384": "sha-384", "sha512": "sha-512", "md5": "md5"}


def enc_word(device: Device, enc: str) -> str:
    return _ASA_ENC.get(enc, enc) if device.platform is not Platform.IOS else enc


def hash_word(device: Device, h: str) -> str:
    return _ASA_HASH.get(h, h) if device.platform is not Platform.IOS else h


def _ios_esp(enc: str, integ: tuple[str, ...]) -> str:
    if enc.startswith("aes-gcm"):
        bits = enc.rsplit("-", 1)[1]
        words = ["esp-gcm" if bits == "128" else f"esp-gcm {bits}"]
    elif enc.startswith("aes-cbc"):
        bits = enc.rsplit("-", 1)[1]
        words = ["esp-aes" if bits == "128" else f"esp-aes {bits}"]
    else:
        words = [f"esp-{enc}"]
    if integ and not enc.startswith("aes-gcm"):
        h = integ[0]
        words.append("esp-sha-hmac" if h == "sha1" else f"esp-{h}-hmac")
    return " ".join(words)


def free_asa_priority(device: Device) -> int:
    """An IKEv2 policy number before the existing ones when possible (tried first)."""
    return free_number({p.priority for p in device.ikev2_proposals if p.priority is not None}, 1)


def _unused(names: set[str], wanted: str) -> str:
    if wanted not in names:
        return wanted
    n = 2
    while f"{wanted}-{n}" in names:
        n += 1
    return f"{wanted}-{n}"


def ike_proposal_lines(device: Device, like: V2Proposal, name_hint: str) -> tuple[str, list[str]]:
    """Add an IKE SA proposal equal to ``like`` to ``device`` (IOS proposal + policy line, ASA policy)."""
    integ = [] if like.aead_only else list(like.integrity[:1])
    if device.platform is Platform.IOS:
        name = _unused({p.name for p in device.ikev2_proposals}, name_hint)
        lines = [f"crypto ikev2 proposal {name}", f" encryption {' '.join(like.encryption[:1])}"]
        lines += [f" integrity {i}" for i in integ]
        if like.aead_only or set(like.prf[:1]) != set(integ):
            lines.append(f" prf {like.prf[0]}" if like.prf else " prf sha256")
        lines.append(f" group {like.groups[0]}" if like.groups else " group 19")
        policy = device.ikev2_policies[0].name if device.ikev2_policies else "IKEV2-POLICY"
        lines += [f"crypto ikev2 policy {policy}", f" proposal {name}"]
        return name, lines
    prio = free_asa_priority(device)
    lines = [f"crypto ikev2 policy {prio}", f" encryption {enc_word(device, like.encryption[0])}"]
    lines.append(" integrity null" if like.aead_only else f" integrity {hash_word(device, integ[0])}")
    lines.append(f" group {like.groups[0]}" if like.groups else " group 19")
    lines.append(f" prf {hash_word(device, like.prf[0])}" if like.prf else " prf sha256")
    lines.append(" lifetime seconds 86400")
    return str(prio), lines


def child_proposal_lines(device: Device, end: TunnelEnd, current: tuple[ChildProposal, ...],
                         like: ChildProposal) -> list[str]:
    """Define a child proposal equal to ``like`` on ``device`` and make ``end`` offer it after its own."""
    enc = like.encryption[0] if like.encryption else "aes-cbc-256"
    names = [p.name for p in current if not p.defaulted]
    if device.platform is Platform.IOS:
        name = _unused(set(device.transform_sets), like.name)
        lines = [f"crypto ipsec transform-set {name} {_ios_esp(enc, like.integrity)}", " mode tunnel"]
    else:
        name = _unused(set(device.ipsec_proposals), like.name)
        lines = [f"crypto ipsec ikev2 ipsec-proposal {name}", f" protocol esp encryption {enc_word(device, enc)}"]
        integ = [_ASA_ESP_HASH.get(i, i) for i in like.integrity[:1]]
        lines.append(f" protocol esp integrity {integ[0]}" if integ else " protocol esp integrity null")
    return lines + use_child_lines(device, end, names + [name])


def use_child_lines(device: Device, end: TunnelEnd, names: list[str]) -> list[str]:
    """``set transform-set`` (IOS) / ``set ikev2 ipsec-proposal`` (ASA) on the end's map entry or profile."""
    what = ("set transform-set " if device.platform is Platform.IOS else "set ikev2 ipsec-proposal ") + " ".join(names)
    if end.entry is not None and end.crypto_map is not None and end.seq is not None:
        return entry_lines(device, end.crypto_map, end.seq, [what], dynamic=end.dynamic)
    return [f"crypto ipsec profile {end.profile or '<ipsec-profile>'}", f" {what}"]


def ios_keyring_for(device: Device, end: TunnelEnd) -> tuple[str | None, PreSharedKey | None]:
    """(keyring name, the key entry for the peer) of the IKEv2 profile an IOS end uses."""
    name = configured_profile(device, end)
    profile = next((p for p in device.isakmp_profiles if p.ike_version == 2 and p.name == name), None)
    if profile is None:
        profile = next((p for p in device.isakmp_profiles if p.ike_version == 2 and end.peer_address is not None
                        and any(end.peer_address in n for n in p.match_addresses)), None)
    keyrings = profile.keyrings if profile is not None else ()
    peer = end.peer_address
    key = next((k for k in device.pre_shared_keys if k.ike_version == 2 and k.keyring in keyrings
                and peer is not None and k.peer is not None and k.peer.version == peer.version and peer in k.peer),
               None)
    if key is None and keyrings:
        return keyrings[0], None
    return (key.keyring if key is not None else None), key


def psk_lines(device: Device, end: TunnelEnd, which: tuple[str, ...] = ("local", "remote")) -> list[str]:
    """Re-enter the IKEv2 keys ``which`` for the end's peer in the device's syntax."""
    peer = str(end.peer_address) if end.peer_address is not None else "<peer>"
    if device.platform is Platform.IOS:
        keyring, key = ios_keyring_for(device, end)
        block = (key.keyring_peer if key is not None and key.keyring_peer else f"PEER-{peer.replace('.', '-')}")
        lines = [f"crypto ikev2 keyring {keyring or 'IKEV2-KEYRING'}", f" peer {block}", f"  address {peer}"]
        lines += [f"  pre-shared-key {w} {PSK}" for w in which]
        return lines
    group = device.tunnel_groups.get(peer)
    lines = [] if group is not None else [f"tunnel-group {peer} type ipsec-l2l"]
    lines.append(f"tunnel-group {peer} ipsec-attributes")
    lines += [f" ikev2 {w}-authentication pre-shared-key {PSK}" for w in which]
    return lines


def ios_profile_name(device: Device, end: TunnelEnd) -> str | None:
    name = configured_profile(device, end)
    if name:
        return name
    return next((p.name for p in device.isakmp_profiles if p.ike_version == 2 and end.peer_address is not None
                 and any(end.peer_address in n for n in p.match_addresses)), None)


def end_sources(device: Device, end: TunnelEnd, *attrs: str) -> list[Source]:
    """The lines of an end: its crypto map entry (and ``attrs``), or its tunnel interface and protection line."""
    if end.entry is not None:
        return [end.entry.source] + [end.entry.src(a) for a in attrs]
    itf = device.interface(end.interface)
    if itf is None:
        return []
    return [itf.source] + ([itf.tunnel.source] if itf.tunnel is not None else [])
