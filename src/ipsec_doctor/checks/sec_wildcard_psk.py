"""SEC-WILDCARD-PSK — a pre-shared key is offered to any peer address.

What it does
    Per device, lists the keys bound to ``address 0.0.0.0 0.0.0.0`` (IOS
    ``crypto isakmp key``, ``crypto keyring``, IKEv2 keyring peers; PIX
    ``isakmp key ... netmask 0.0.0.0``) and the ASA DefaultL2LGroup keys.
    One warning per device, with the per-peer replacement for every static
    crypto map peer the device has.

Why it breaks
    It weakens rather than breaks: any host that learns the key can build a
    tunnel, and one leaked key exposes every dynamic peer.  Dynamic peers
    (DMVPN spokes, dynamic crypto maps) are better served by certificates.

Example
    ``crypto isakmp key <key> address 0.0.0.0 0.0.0.0``.

Fix
    Per-peer keys (``crypto isakmp key <pre-shared-key> address <peer>``;
    ASA ``tunnel-group <peer> type ipsec-l2l``), or certificates where the
    peers' addresses are not known.  Disruption: renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..fixes import PSK
from ..model import Device, Platform
from . import Context, check
from ._sec import Place, device_finding, key_uses

CATALOG_ID = "SEC-WILDCARD-PSK"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per device with wildcard keys."""
    for device in ctx.devices:
        places = []
        for use in key_uses(device):
            wildcard = use.network is not None and use.network.prefixlen == 0
            default = use.where.startswith("tunnel-group DefaultL2LGroup")
            if wildcard or default:
                places.append(Place(f"{use.where} for {use.peer}", use.source, _replacement(device, use.where)))
        if places:
            yield device_finding(CATALOG_ID, Severity.WARNING, device, "wildcard pre-shared keys", places,
                                 "Any peer that knows the key can build a tunnel; prefer per-peer keys or "
                                 "certificates for dynamic peers.")


def _peers(device: Device) -> list[str]:
    return sorted({str(p.address) for e in device.static_entries() for p in e.peers if p.address is not None})


def _replacement(device: Device, where: str) -> list[str]:
    peers = _peers(device)
    if device.platform is Platform.IOS:
        if where.startswith("crypto isakmp key"):
            lines = [f"no crypto isakmp key {PSK} address 0.0.0.0 0.0.0.0"]
            return lines + [f"crypto isakmp key {PSK} address {p}" for p in peers]
        if where.startswith("keyring"):
            ring = where.split()[1]
            return [f"crypto keyring {ring}", f" no pre-shared-key address 0.0.0.0 0.0.0.0 key {PSK}"] + \
                [f" pre-shared-key address {p} key {PSK}" for p in peers]
        return []  # IKEv2 keyring: the peer block's address is changed by hand (name unknown to the fix)
    if device.platform is Platform.PIX6:
        return [f"no isakmp key {PSK} address 0.0.0.0 netmask 0.0.0.0"] + \
            [f"isakmp key {PSK} address {p} netmask 255.255.255.255" for p in peers]
    keyword = "ikev1 pre-shared-key" if device.version_at_least(8, 4) else "pre-shared-key"
    lines = ["tunnel-group DefaultL2LGroup ipsec-attributes", f" no {keyword}"]
    for p in peers:
        if p not in device.tunnel_groups:
            lines += [f"tunnel-group {p} type ipsec-l2l", f"tunnel-group {p} ipsec-attributes", f" {keyword} {PSK}"]
    return lines
