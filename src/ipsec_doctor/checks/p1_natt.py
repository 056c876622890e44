"""P1-NATT — a NAT device sits between the peers and NAT-Traversal is off on one of them.

What it does
    For every paired tunnel whose ends do not see each other's real address
    (one end on a private address behind NAT, ``nat_between``), checks that
    NAT-Traversal is on at both ends: IOS unless ``no crypto ipsec
    nat-transparency udp-encapsulation``; ASA 8.0 and later unless ``no
    crypto isakmp nat-traversal`` (ASA 7.x: off unless ``crypto isakmp
    nat-traversal``); PIX 6 only with ``isakmp nat-traversal``; and not
    switched off for the entry by ``set nat-t-disable``.

Why it breaks
    Without NAT-T, ESP (IP protocol 50, no ports) goes through the NAT/PAT
    device unencapsulated; PAT cannot translate it and the data never
    arrives, although phase 1 may come up.  An ASA that itself NATs logs
    ``regular translation creation failed for protocol 50``; VPN clients
    report ``Reason 412: The remote peer is no longer responding``.

Example
    BR1-RTR on 10.0.0.2 behind a PAT router, HQ-ASA 7.2 without ``crypto
    isakmp nat-traversal``.

Fix
    ASA: ``crypto isakmp nat-traversal 20``; PIX 6: ``isakmp nat-traversal
    20``; IOS: ``crypto ipsec nat-transparency udp-encapsulation``; remove
    ``set nat-t-disable`` from the entry.  Disruption: none for the global
    setting; the tunnel renegotiates with UDP 4500.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Platform, Source
from ..pairing import TunnelEnd
from . import Context, check
from ._fix_tunnels import natt_lines
from ._partial import excerpt_downgrade
from ._tunnels import Pair, entry_sources, tunnel_finding, v1_pairs

CATALOG_ID = "P1-NATT"


def natt_off(device: Device, end: TunnelEnd) -> bool:
    entry = end.entry
    return not device.ike.nat_traversal or (entry is not None and entry.nat_t_disable)


def _why_off(device: Device, end: TunnelEnd) -> str:
    entry = end.entry
    if device.ike.nat_traversal and entry is not None and entry.nat_t_disable:
        return f"{device.name}'s entry {end.crypto_map} {end.seq} has `set nat-t-disable`"
    if not device.ike.nat_traversal_defaulted:
        line = {Platform.IOS: "no crypto ipsec nat-transparency udp-encapsulation",
                Platform.PIX6: "no isakmp nat-traversal"}.get(device.platform, "no crypto isakmp nat-traversal")
        return f"{device.name} has `{line}`"
    if device.platform is Platform.PIX6:
        return f"{device.name} (PIX 6) has no `isakmp nat-traversal`, and NAT-T is off by default there"
    return (f"{device.name} (ASA {device.version or '7.x'}) has no `crypto isakmp nat-traversal`, and NAT-T is "
            "off by default before ASA 8.0")


def _off_sources(device: Device, end: TunnelEnd) -> list[Source]:
    out: list[Source] = []
    for key in ("nat-traversal", "nat_traversal"):
        s = device.ike.attr_sources.get(key)
        if s is not None and not device.ike.nat_traversal:
            out.append(s)
    entry = end.entry
    if entry is not None and entry.nat_t_disable:
        out.append(entry.src("nat-t-disable"))
    return out


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per tunnel across NAT where an end has NAT-T off."""
    for pair in v1_pairs(ctx):
        if not pair.tunnel.nat_between:
            continue
        off = [(d, e) for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b)) if natt_off(d, e)]
        if off:
            yield _finding(pair, off)


def _finding(pair: Pair, off: list[tuple[Device, TunnelEnd]]) -> Finding:
    reasons = "; ".join(_why_off(d, e) for d, e in off)
    detail = (f"A NAT device sits between {pair.a.name} ({pair.end_a.local_address}) and {pair.b.name} "
              f"({pair.end_b.local_address}), and NAT-Traversal is off: {reasons}. ESP then crosses the NAT "
              "without UDP encapsulation and is dropped or cannot be translated, so the tunnel carries no "
              "traffic (an ASA that NATs logs `regular translation creation failed for protocol 50`).")
    sources: list[Source] = []
    fixes = []
    for d, e in off:
        sources += _off_sources(d, e) + entry_sources(e, "peer")
        fixes.append(Fix(d.name, tuple(natt_lines(d, e)), Disruption.NONE,
                         note="the tunnel renegotiates with NAT-T (UDP 4500) at its next negotiation"))
    names = " and ".join(d.name for d, _ in off)
    title = f"NAT-Traversal is off on {names} although NAT sits between the peers"
    return tunnel_finding(CATALOG_ID, Severity.ERROR, pair, title, detail, sources, fixes)
