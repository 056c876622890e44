"""SEC-IKEV1 — a tunnel uses IKEv1 although both ends support IKEv2.

What it does
    For every paired tunnel negotiated with IKEv1 whose two devices both
    support IKEv2 — ASA 8.4(1) and later (IKEv2 site-to-site was introduced
    in ASA 8.4(1)); IOS 15.1(1)T and later (FlexVPN / IKEv2 was introduced in
    IOS 15.1(1)T and is in the 15.1(4)M and later M trains) — gives advice
    (info) with the IKEv2 configuration for both ends in their own syntax.
    A device whose version is not in the file is assumed recent; the detail
    says so.  PIX 6 has no IKEv2 and is never reported.

Why it breaks
    It does not break: IKEv1 is deprecated (RFC 9395), gets no new
    algorithms and lacks IKEv2's built-in DPD, NAT-T and fewer round trips.
    On the ASA, IKEv1 cannot use SHA-2 or AES-GCM at all.

Example
    HQ-ASA 9.8 ``crypto map outside_map 10 set ikev1 transform-set ...`` and
    BR1-RTR 15.4 ``crypto isakmp policy 10``.

Fix
    On both ends: an IKEv2 proposal / policy (AES-GCM-256, PRF SHA-384,
    group 20 where supported), keys, and the crypto map entry switched to
    IKEv2.  Both peers change in one window.  Disruption: drops the tunnel.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import PSK
from ..model import Device, Platform
from ..pairing import TunnelEnd
from . import Context, check
from ._tunnels import Pair, caution_for, pairs, tunnel_finding
from ._v2 import end_sources, free_asa_priority

CATALOG_ID = "SEC-IKEV1"


def supports_ikev2(device: Device) -> bool:
    """ASA ≥ 8.4(1), IOS ≥ 15.1(1)T (unknown versions count as recent)."""
    if device.platform is Platform.ASA:
        return device.version_at_least(8, 4)
    if device.platform is Platform.IOS:
        return device.version_at_least(15, 1)
    return False


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One info finding per IKEv1 tunnel whose two ends could run IKEv2."""
    for pair in pairs(ctx):
        if getattr(pair.verdict, "ike_version", 1) != 1 or pair.end_a.dynamic or pair.end_b.dynamic:
            continue
        if not (supports_ikev2(pair.a) and supports_ikev2(pair.b)):
            continue
        yield _finding(pair)


def _gcm(device: Device) -> bool:
    """AES-GCM for IKEv2: ASA 9.0 and later, IOS 15.2(4)M and later (we require 15.3 to be safe)."""
    return device.version_at_least(9, 0) if device.platform is Platform.ASA else device.version_at_least(15, 3)


def _ios_lines(device: Device, end: TunnelEnd) -> list[str]:
    peer = str(end.peer_address)
    tag = peer.replace(".", "-").replace(":", "-")
    gcm = _gcm(device)
    lines = ["crypto ikev2 proposal PROP-NGE"]
    lines += [" encryption aes-gcm-256", " prf sha384"] if gcm else [" encryption aes-cbc-256", " integrity sha256"]
    lines += [" group 20" if device.version_at_least(15, 1) else " group 14",
              "crypto ikev2 policy POL-NGE", " proposal PROP-NGE",
              f"crypto ikev2 keyring KR-{tag}", f" peer PEER-{tag}", f"  address {peer}",
              f"  pre-shared-key local {PSK}", f"  pre-shared-key remote {PSK}",
              f"crypto ikev2 profile PROF-{tag}", f" match identity remote address {peer} 255.255.255.255",
              " authentication remote pre-share", " authentication local pre-share", f" keyring local KR-{tag}",
              "crypto ipsec transform-set TS-NGE " + ("esp-gcm 256" if gcm else "esp-aes 256 esp-sha256-hmac")]
    if end.crypto_map is not None:
        lines += [f"crypto map {end.crypto_map} {end.seq} ipsec-isakmp", " set transform-set TS-NGE",
                  f" set ikev2-profile PROF-{tag}"]
    else:
        lines += [f"crypto ipsec profile {end.profile}", " set transform-set TS-NGE", f" set ikev2-profile PROF-{tag}"]
    return lines


def _asa_lines(device: Device, end: TunnelEnd) -> list[str]:
    peer = str(end.peer_address)
    gcm = _gcm(device)
    prio = free_asa_priority(device)
    lines = [f"crypto ikev2 policy {prio}"]
    lines += [" encryption aes-gcm-256", " integrity null"] if gcm else [" encryption aes-256", " integrity sha256"]
    lines += [" group 20" if device.version_at_least(9, 0) else " group 14", " prf sha384" if gcm else " prf sha256",
              " lifetime seconds 86400"]
    itf = device.interface(end.interface)
    nameif = itf.local_name if itf is not None else end.interface
    lines += [f"crypto ikev2 enable {nameif}", "crypto ipsec ikev2 ipsec-proposal ESP-NGE"]
    lines += [" protocol esp encryption aes-gcm-256", " protocol esp integrity null"] if gcm else \
        [" protocol esp encryption aes-256", " protocol esp integrity sha-256"]
    if end.crypto_map is not None:
        lines.append(f"crypto map {end.crypto_map} {end.seq} set ikev2 ipsec-proposal ESP-NGE")
    else:
        lines += [f"crypto ipsec profile {end.profile}", " set ikev2 ipsec-proposal ESP-NGE"]
    lines += [f"tunnel-group {peer} ipsec-attributes", f" ikev2 local-authentication pre-shared-key {PSK}",
              f" ikev2 remote-authentication pre-shared-key {PSK}"]
    return lines


def _finding(pair: Pair) -> Finding:
    unknown = [d.name for d in (pair.a, pair.b) if not d.version_tuple]
    versions = ", ".join(f"{d.name} {d.version or 'version unknown'}" for d in (pair.a, pair.b))
    detail = (f"The tunnel between {pair.a.name} and {pair.b.name} negotiates with IKEv1 ({versions}); both "
              "platforms support IKEv2 (ASA from 8.4(1), IOS from 15.1(1)T). IKEv1 is deprecated and cannot use the "
              "modern suites everywhere (the ASA's IKEv1 has no SHA-2 or AES-GCM).")
    if unknown:
        detail += f" The software version of {', '.join(unknown)} is not in the file: assumed recent enough."
    fixes = []
    for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b)):
        lines = _ios_lines(d, e) if d.platform is Platform.IOS else _asa_lines(d, e)
        fixes.append(Fix(d.name, tuple(lines), Disruption.DROPS_TUNNEL,
                         note="both ends in one window; enter the same local/remote keys crosswise"))
    sources = end_sources(pair.a, pair.end_a, "peer") + end_sources(pair.b, pair.end_b, "peer")
    return tunnel_finding(CATALOG_ID, Severity.INFO, pair, f"Tunnel {pair.a.name} <-> {pair.b.name} still uses IKEv1",
                          detail, sources, fixes, caution=caution_for(CATALOG_ID))
