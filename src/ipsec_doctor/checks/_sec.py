"""Shared plumbing of the cryptographic hygiene checks (SEC-*).

Each hygiene check reports one finding per device and weakness, listing
every place that uses it (ISAKMP policies, IKEv2 proposals, transform sets,
IPsec proposals, PFS settings) with the replacement in the device's own
syntax.  The replacements follow Cisco's Next-Generation Encryption
guidance (AES-256 or AES-GCM-256, SHA-256 or better, DH groups 14 / 19 /
20 / 21), limited to what each platform and release can configure:

* ASA IKEv1 policies and IKEv1 transform sets offer only MD5 / SHA-1
  hashes: SHA-2 needs IKEv2 (the fix says so instead of printing a command
  the ASA would refuse).
* IOS before 15.1 has no elliptic-curve groups in ``crypto isakmp
  policy``: group 14 is proposed there, group 19 from 15.1 on.
* PIX 6 offers nothing modern beyond AES-256 / SHA-1 / group 5.

Hygiene findings are warnings or info: they never hide why a tunnel fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network

from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import PSK, ike_policy_command, is_asa_84, transform_set_command
from ..model import CryptoMapEntry, Device, IkePolicy, Ikev2Proposal, Platform, Source, TransformSet
from ..negotiate_v2 import canonical_encryption, canonical_hash
from ..secrets import Secret
from ._fix_maps import entry_lines
from ._maps import make_finding
from ._tunnels import caution_for


@dataclass
class Place:
    """One configuration element using a weak value, and the lines that replace it."""

    what: str  # "ISAKMP policy 10 (encryption 3des)"
    source: Source
    lines: list[str] = field(default_factory=list)
    note: str | None = None


def modern_group(device: Device, ikev2: bool = False) -> int:
    """The DH group to recommend on ``device`` (19 where configurable, else 14; PIX 6: 5)."""
    if device.platform is Platform.PIX6:
        return 5
    if device.platform is Platform.IOS:
        return 19 if device.version_at_least(15, 1) else 14
    return 19 if ikev2 else 14


# --------------------------------------------------------------------------- elements


def ikev1_policy_lines(device: Device, p: IkePolicy, attr: str, value: str) -> list[str]:
    """Set one attribute of an existing ISAKMP policy in ``device``'s syntax."""
    word = "encr" if attr == "encryption" and device.platform is Platform.IOS else attr
    head = ike_policy_command(device, p.priority)
    if device.platform is Platform.IOS or is_asa_84(device):
        return [head, f" {word} {value}"]
    return [f"{head} {word} {value}"]


def strong_ikev1_encryption(device: Device) -> str:
    return "aes 256" if device.platform is Platform.IOS else "aes-256"


def transform_sets(device: Device) -> list[TransformSet]:
    return sorted(device.transform_sets.values(), key=lambda t: t.name)


def replace_transform_lines(device: Device, ts: TransformSet, *, enc: bool, integ: bool) -> tuple[list[str], str | None]:
    """Redefine ``ts`` with a modern cipher and/or hash (keeping the other part and the mode)."""
    note = None
    words: list[str] = []
    if ts.ah:
        words.append(ts.ah)
    if device.platform is Platform.IOS:
        words.append("esp-aes 256" if enc or ts.esp_encryption is None else _ios_enc(ts))
        if not _combined(ts):
            words.append("esp-sha256-hmac" if integ or ts.esp_integrity is None else ts.esp_integrity)
        elif enc:
            words.append("esp-sha256-hmac")
    else:
        words.append("esp-aes-256" if enc or ts.esp_encryption is None else _asa_enc(ts))
        if integ or ts.esp_integrity is None:
            words.append("esp-sha-hmac")
            note = "SHA-2 for ESP on the ASA needs IKEv2 (`crypto ipsec ikev2 ipsec-proposal`)"
        else:
            words.append(ts.esp_integrity)
    lines = [transform_set_command(device, ts.name, " ".join(words))]
    if ts.mode == "transport" and device.platform is Platform.IOS:
        lines.append(" mode transport")
    return lines, note


def _combined(ts: TransformSet) -> bool:
    return (ts.esp_encryption or "").startswith(("esp-gcm", "esp-gmac"))


def _ios_enc(ts: TransformSet) -> str:
    enc = ts.esp_encryption or ""
    return f"{enc} {ts.esp_key_bits}" if ts.esp_key_bits and ts.esp_key_bits != 128 else enc


def _asa_enc(ts: TransformSet) -> str:
    enc = ts.esp_encryption or ""
    return f"{enc}-{ts.esp_key_bits}" if ts.esp_key_bits and ts.esp_key_bits != 128 else enc


def ikev2_label(device: Device, p: Ikev2Proposal) -> str:
    return f"IKEv2 policy {p.priority}" if device.platform is not Platform.IOS else f"IKEv2 proposal {p.name}"


def ikev2_head(device: Device, p: Ikev2Proposal) -> str:
    return f"crypto ikev2 policy {p.priority}" if device.platform is not Platform.IOS else \
        f"crypto ikev2 proposal {p.name}"


_ASA_V2_ENC = {"aes-cbc-256": "aes-256"}


def ikev2_attr_lines(device: Device, p: Ikev2Proposal, attr: str, current: tuple[str, ...], weak: set[str],
                     strong: str) -> list[str]:
    """Replace the weak values of a list attribute (encryption / integrity / prf / group) of an IKEv2 proposal."""
    keep = [v for v in current if v not in weak]
    if device.platform is Platform.IOS:
        return [ikev2_head(device, p)] + [f" no {attr} {v}" for v in current if v in weak] + \
            ([f" {attr} {strong}"] if strong not in keep else [])
    values = keep if strong in keep else [strong] + keep
    return [ikev2_head(device, p), f" {attr} {' '.join(values)}"]


def pfs_places(device: Device, weak: Callable[[int], bool], group: int) -> list[Place]:
    """Crypto map, dynamic map and IPsec profile PFS settings with a weak group."""
    out: list[Place] = []
    entries: list[tuple[CryptoMapEntry, bool]] = [(e, False) for e in device.static_entries()]
    entries += [(e, True) for es in device.dynamic_maps.values() for e in es]
    for e, dynamic in entries:
        if e.pfs_group is not None and weak(e.pfs_group):
            kind = "dynamic map" if dynamic else "crypto map"
            out.append(Place(f"{kind} {e.map_name} {e.seq} (set pfs group{e.pfs_group})", e.src("pfs"),
                             entry_lines(device, e.map_name, e.seq, [f"set pfs group{group}"], dynamic=dynamic)))
    for prof in sorted(device.ipsec_profiles.values(), key=lambda x: x.name):
        if prof.pfs_group is not None and weak(prof.pfs_group):
            out.append(Place(f"IPsec profile {prof.name} (set pfs group{prof.pfs_group})", prof.source,
                             [f"crypto ipsec profile {prof.name}", f" set pfs group{group}"]))
    return out


def ikev2_values(p: Ikev2Proposal) -> dict[str, tuple[str, ...]]:
    """An IKEv2 proposal's lists in canonical spelling."""
    return {"encryption": tuple(canonical_encryption(e) for e in p.encryption),
            "integrity": tuple(canonical_hash(i) for i in p.integrity),
            "prf": tuple(canonical_hash(x) for x in p.prf)}


# --------------------------------------------------------------------------- findings


def device_finding(catalog_id: str, severity: Severity, device: Device, weakness: str, places: list[Place],
                   why: str, disruption: Disruption = Disruption.RENEGOTIATES_TUNNEL) -> Finding:
    """One finding for ``device`` listing every place and one fix with all replacement lines."""
    where = "; ".join(p.what for p in places)
    detail = f"{device.name} uses {weakness} in {len(places)} place{'s' if len(places) > 1 else ''}: {where}. {why}"
    lines: list[str] = []
    for p in places:
        lines += p.lines
    notes = sorted({p.note for p in places if p.note})
    note = "change the peers in the same window (or add the new proposal first, remove the old one after)"
    if notes:
        note += "; " + "; ".join(notes)
    fixes = [Fix(device.name, tuple(lines), disruption, note=note)] if lines else []
    title = f"{device.name} uses {weakness} ({len(places)} place{'s' if len(places) > 1 else ''})"
    return make_finding(catalog_id, severity, device, title, detail, [p.source for p in places], fixes,
                        caution=caution_for(catalog_id), key=weakness)


def findings(catalog_id: str, devices: Iterable[Device],
             make: Callable[[Device], Iterable[Finding]]) -> Iterable[Finding]:
    for d in devices:
        yield from make(d)


# --------------------------------------------------------------------------- pre-shared keys

@dataclass
class KeyUse:
    """One pre-shared key in one place: who holds it, for which peer, and how to re-enter it."""

    device: Device
    secret: Secret
    peer: str  # "198.51.100.2", "any peer (0.0.0.0/0)", "client group SALES", "tunnel-group SALES"
    where: str  # "crypto isakmp key", "keyring KR", "tunnel-group 192.0.2.1 (ikev1)"
    source: Source
    lines: list[str]
    network: IPv4Network | IPv6Network | None = None

    @property
    def label(self) -> str:
        return f"{self.device.name}: {self.where} for {self.peer}"


def _target(net: IPv4Network | IPv6Network, device: Device) -> str:
    if net.version == 6:
        return f"ipv6 {net}"
    if device.platform is Platform.PIX6:
        return f"{net.network_address} netmask {net.netmask}"
    if net.prefixlen == net.max_prefixlen:
        return str(net.network_address)
    return f"{net.network_address} {net.netmask}"


def key_uses(device: Device) -> list[KeyUse]:
    """Every pre-shared key of ``device`` (IOS/PIX keys and keyrings, ASA tunnel-groups, IOS client groups)."""
    out: list[KeyUse] = []
    for k in device.pre_shared_keys:
        if k.peer is not None:
            peer = "any peer (0.0.0.0/0)" if k.peer.prefixlen == 0 else (
                str(k.peer.network_address) if k.peer.prefixlen == k.peer.max_prefixlen else str(k.peer))
        else:
            peer = f"hostname {k.peer_name}"
        target = _target(k.peer, device) if k.peer is not None else f"hostname {k.peer_name}"
        if k.ike_version == 2:
            block = k.keyring_peer or "<peer>"
            word = "" if k.direction == "both" else f"{k.direction} "
            where = f"IKEv2 keyring {k.keyring} ({k.direction} key)"
            lines = [f"crypto ikev2 keyring {k.keyring}", f" peer {block}", f"  pre-shared-key {word}{PSK}"]
        elif k.keyring:
            where = f"keyring {k.keyring}"
            lines = [f"crypto keyring {k.keyring}", f" pre-shared-key address {target} key {PSK}"]
        elif device.platform is Platform.PIX6:
            where = "isakmp key"
            lines = [f"isakmp key {PSK} address {target}"]
        else:
            where = "crypto isakmp key"
            lines = [f"crypto isakmp key {PSK} address {target}" + (" no-xauth" if k.no_xauth else "")]
        out.append(KeyUse(device, k.secret, peer, where, k.source, lines, k.peer))
    for name, tg in sorted(device.tunnel_groups.items()):
        for attr, label, word in (("ikev1_psk", "ikev1", "ikev1 pre-shared-key" if is_asa_84(device)
                                   else "pre-shared-key"),
                                  ("ikev2_local_psk", "ikev2 local", "ikev2 local-authentication pre-shared-key"),
                                  ("ikev2_remote_psk", "ikev2 remote", "ikev2 remote-authentication pre-shared-key")):
            secret = getattr(tg, attr)
            if secret is None:
                continue
            net = None
            try:
                net = ip_network(name)
            except ValueError:
                pass
            src = tg.src(attr.replace("_", "-")) if attr != "ikev1_psk" else tg.src("ikev1-psk")
            out.append(KeyUse(device, secret, name if net is not None else f"tunnel-group {name}",
                              f"tunnel-group {name} ({label})", src,
                              [f"tunnel-group {name} ipsec-attributes", f" {word} {PSK}"], net))
    for name, group in sorted(device.client_groups.items()):
        if group.key is not None:
            out.append(KeyUse(device, group.key, f"client group {name}", f"client group {name}",
                              group.attr_sources.get("key", group.source),
                              [f"crypto isakmp client configuration group {name}", f" key {PSK}"]))
    return out


def weak_key(secret: Secret) -> str | None:
    """Why a visible key is weak (never its value), or None."""
    if not secret.comparable:
        return None
    if secret.length < 12:
        return f"{secret.length} characters"
    if secret.distinct < 6 or (secret.char_classes <= 1 and secret.length < 20):
        return "low variety"
    return None
