"""VTI-ROUTE — no route sends the remote networks into the tunnel interface.

What it does
    For every route-based tunnel (VTI or GRE over IPsec) with both ends in
    the snapshot, takes the networks behind the remote device (its
    connected networks, minus the tunnel interfaces, the interface that
    carries the tunnel and host routes) and looks each one up in the local
    device's routing table (static routes and connected networks, longest
    prefix).  Reports an error when a network does not leave through the
    tunnel interface — no route at all, or the default route out of the
    WAN interface.  A device that runs a dynamic routing protocol is not
    judged (the protocol may learn the routes over the tunnel).

Why it breaks
    With a VTI, routing alone decides what is encrypted.  Without a route
    into the tunnel, packets to the remote networks follow the default
    route in clear text (or are dropped by the provider) although the
    tunnel is up: ``show interface Tunnel0`` is up/up and the SA's encaps
    counter stays at 0.

Example
    R1 ``interface Tunnel0`` / ``tunnel protection ipsec profile P`` and only
    ``ip route 0.0.0.0 0.0.0.0 192.0.2.254``; R2's LAN is 10.2.2.0/24.

Fix
    IOS ``ip route 10.2.2.0 255.255.255.0 Tunnel0``; ASA ``route <tunnel
    nameif> 10.2.2.0 255.255.255.0 <peer tunnel address>`` — or run a
    routing protocol over the tunnel.  Disruption: none.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Interface, IPAddress, IPNetwork, Platform, Source
from ..pairing import TunnelEnd
from ..routing import connected_networks, egress_for
from . import Context, check
from ._partial import excerpt_downgrade
from ._tunnels import Pair, caution_for, pairs, tunnel_finding

CATALOG_ID = "VTI-ROUTE"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per route-based tunnel end whose device does not route the remote networks into it."""
    for pair in pairs(ctx):
        if pair.tunnel.kind not in ("vti", "gre") or pair.end_a.entry is not None or pair.end_b.entry is not None:
            continue
        for device, end in ((pair.a, pair.end_a), (pair.b, pair.end_b)):
            finding = _check_end(pair, device, end)
            if finding is not None:
                yield finding


def remote_networks(remote: Device, remote_end: TunnelEnd, transport: set[IPAddress]) -> list[IPNetwork]:
    """The networks behind ``remote``: connected, not tunnels, not the tunnel's transport, not host routes."""
    out: list[IPNetwork] = []
    for net, itf in connected_networks(remote):
        if itf.tunnel is not None or itf.name.lower().startswith("loopback") or net.prefixlen == net.max_prefixlen:
            continue
        if any(a.ip == remote_end.local_address for a in itf.addresses):
            continue
        if itf.crypto_map or any(addr.version == net.version and addr in net for addr in transport):
            continue
        out.append(net)
    return sorted(set(out), key=str)


def _names(itf: Interface) -> set[str]:
    return {itf.local_name, itf.name}


def _check_end(pair: Pair, device: Device, end: TunnelEnd) -> Finding | None:
    itf = device.interface(end.interface)
    remote = pair.other(device.name)
    rend = pair.end(remote.name)
    if itf is None or itf.tunnel is None or device.dynamic_routing:
        return None
    transport = {a for a in (end.local_address, end.peer_address) if a is not None}
    missing: list[tuple[IPNetwork, str]] = []
    sources: list[Source | None] = [itf.source, itf.tunnel.source]
    for net in remote_networks(remote, rend, transport):
        lookup = egress_for(device, net)
        if lookup.verdict == "unverifiable":
            continue
        if lookup.verdict == "route" and lookup.interface in _names(itf):
            continue
        how = (f"leaves through {lookup.interface}" + (" by the default route" if lookup.route is not None
                                                          and lookup.route.prefix.prefixlen == 0 else "")
               if lookup.verdict == "route" else "has no route")
        if lookup.route is not None:
            sources.append(lookup.route.source)
        missing.append((net, how))
    if not missing:
        return None
    ritf = remote.interface(rend.interface)
    next_hop = ritf.primary_address.ip if ritf is not None and ritf.primary_address is not None else None
    lines = []
    for net, _ in missing:
        if device.platform is Platform.IOS:
            lines.append(f"ip route {net.network_address} {net.netmask} {itf.name}")
        else:
            lines.append(f"route {itf.local_name} {net.network_address} {net.netmask} {next_hop or '<peer-tunnel-address>'}")
    detail = (f"{device.name} routes none of these networks behind {remote.name} into {itf.name}: "
              + "; ".join(f"{n} {how}" for n, how in missing)
              + f". The tunnel can be up while this traffic goes out unencrypted or is dropped; only traffic routed "
                f"into {itf.name} is protected.")
    title = f"{device.name} does not route {remote.name}'s networks into {itf.name}"
    fix = Fix(device.name, tuple(lines), Disruption.NONE,
              note="or run a routing protocol over the tunnel; never route the peer's public address into it")
    return tunnel_finding(CATALOG_ID, Severity.ERROR, pair, title, detail, sources, [fix],
                          caution=caution_for(CATALOG_ID), key=device.name)
