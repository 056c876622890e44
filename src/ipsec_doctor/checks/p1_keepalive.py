"""P1-KEEPALIVE — dead peer detection (ISAKMP keepalives) is off.

What it does
    IOS: a router that has IKEv1 peers (static crypto map peers, a dynamic
    map, Easy VPN client groups, or IPsec-protected tunnel interfaces) but
    neither ``crypto isakmp keepalive`` nor a ``keepalive`` in any ISAKMP
    profile → warning.  ASA: a site-to-site tunnel-group with ``isakmp
    keepalive disable`` → warning.  (Remote-access groups are left alone:
    disabling DPD there is the documented remedy for clients behind
    firewalls that drop DPD packets.)

Why it breaks
    Without keepalives neither end notices that the other has lost its SAs
    (reboot, clear, failover): one side keeps encrypting into SAs the other
    no longer has, and L2L or remote-access tunnels drop sporadically after
    quiet periods until someone clears them.  Both ends must support the
    feature.  Correction to the source document: dead peer detection is the
    open standard RFC 3706, not Cisco-proprietary; third-party gateways
    implement it.

Example
    An IOS router with ``crypto map VPN 10`` / ``set peer 198.51.100.1`` and
    no ``crypto isakmp keepalive``.

Fix
    IOS: ``crypto isakmp keepalive 15``.  ASA: ``tunnel-group P
    ipsec-attributes`` / ``isakmp keepalive threshold 15 retry 10``.
    Disruption: none (applies to new and existing SAs without renegotiation).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Platform, Source
from . import Context, check
from ._fix_ra import keepalive_asa, keepalive_ios
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._ra import l2l_tunnel_groups

CATALOG_ID = "P1-KEEPALIVE"
RFC = "Dead peer detection is RFC 3706 and is implemented by third-party gateways too, not only by Cisco."


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """IOS devices without DPD, ASA L2L tunnel-groups with DPD disabled."""
    for device in ctx.devices:
        if device.platform is Platform.IOS:
            finding = _ios(device)
            if finding is not None:
                yield finding
        elif device.platform is Platform.ASA:
            yield from _asa(device)


def _ios_peer_lines(device: Device) -> list[Source]:
    """Lines that show the router has IKEv1 peers (first few of each kind)."""
    out: list[Source] = []
    for entry in device.static_entries():
        if entry.peers or entry.dynamic_map:
            out.append(entry.src("peer"))
    for entries in device.dynamic_maps.values():
        out += [e.source for e in entries[:1]]
    out += [g.source for g in device.client_groups.values()]
    for itf in device.interfaces:
        if itf.tunnel is not None and (itf.tunnel.protection_profile or itf.tunnel.mode.startswith("ipsec")):
            out.append(itf.source)
    return out


def _ios(device: Device) -> Finding | None:
    ka = device.ike.keepalive
    if ka is not None and ka.enabled:
        return None
    if any(p.keepalive for p in device.isakmp_profiles if p.ike_version == 1):
        return None
    if not device.ikev1_policies and any(p.ike_version == 2 for p in device.isakmp_profiles):
        return None  # IKEv2-only: DPD is `crypto ikev2 dpd` / profile `dpd`, outside this check
    peers = _ios_peer_lines(device)
    if not peers:
        return None
    explicit = ka is not None and not ka.defaulted and ka.source.line > 0
    how = "is turned off (`no crypto isakmp keepalive`)" if explicit else "is not configured (off by default on IOS)"
    sources = ([ka.source] if explicit and ka is not None else []) + peers[:3]
    return make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"Dead peer detection is off on {device.name}",
        f"{device.name} has IKEv1 peers, but ISAKMP keepalive (dead peer detection) {how} and no ISAKMP "
        "profile sets one. When a peer loses its SAs (reboot, clear, failover) this router keeps using the old "
        "SAs, so tunnels drop now and then after quiet periods until they are cleared. The peer must support "
        f"DPD as well. {RFC}",
        sources,
        [Fix(device.name, tuple(keepalive_ios()), Disruption.NONE)],
        key="global",
    )


def _asa(device: Device) -> Iterable[Finding]:
    for tg in l2l_tunnel_groups(device):
        ka = tg.keepalive
        if ka is None or ka.enabled or ka.defaulted:
            continue
        yield make_finding(
            CATALOG_ID, Severity.WARNING, device,
            f"Dead peer detection is disabled for peer {tg.name} on {device.name}",
            f"Site-to-site tunnel-group {tg.name} has `isakmp keepalive disable`. Neither end then notices when "
            "the other loses its SAs, and the tunnel can stay broken after a peer restarts until it is "
            f"cleared by hand. {RFC}",
            [ka.source],
            [Fix(device.name, tuple(keepalive_asa(tg.name)), Disruption.NONE)],
            key=tg.name,
        )
