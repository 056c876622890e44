"""RT-REMOTE — the remote protected networks are not routed out of the crypto interface.

What it does
    For each remote network of each bound crypto map entry's ACL, looks up
    the longest-prefix route (:mod:`ipsec_doctor.routing`: static routes with
    their distances, plus connected networks).  The crypto map only sees
    packets that leave through the interface it is applied to, so the route
    must point there.  Entries with ``set reverse-route`` (RRI) are skipped:
    the device installs those routes itself.  When the device runs a dynamic
    routing protocol and no static or connected route covers the network,
    the route cannot be verified from configuration: reported as info.  The
    same holds when the crypto interface has no configured address (DHCP,
    PPPoE, or a template placeholder such as ``<NameOfYourOutsideInterface>``)
    or the snapshot is an excerpt (``show running-config crypto map``): the
    device's routing is then unknown, not missing.

Why it breaks
    Traffic routed through another interface (or dropped for want of a
    route) never meets the crypto map: the tunnel is not even attempted from
    this side, or replies to the remote network go elsewhere (one-way
    traffic).  The document's example: Router A must know 192.168.200.0/24 via
    10.89.129.2 (the outside next hop).

Example
    ``ip route 192.168.200.0 255.255.255.0 10.1.1.254`` (an inside router)
    while the crypto map sits on GigabitEthernet0/0; or an ASA whose only
    default route points to the inside interface.

Fix
    A static route through the crypto interface's next hop (the next hop of
    its default route): ``route outside N M NH`` (ASA/PIX) or ``ip route N M
    NH`` (IOS); or reverse-route injection (``crypto map M 10 set
    reverse-route`` on ASA, ``reverse-route static`` in the IOS crypto map
    entry).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMapEntry, Device, IPNetwork, Platform
from ..natsim import CryptoFlow, crypto_flows
from ..routing import RouteLookup, default_route_on, egress_for
from . import Context, check
from ._fix_natfw import evidence, net_mask

ID = "RT-REMOTE"


def route_command(device: Device, net: IPNetwork, interface: str) -> str:
    """A static route for ``net`` through ``interface``'s default next hop."""
    default = default_route_on(device, interface)
    hop = str(default.next_hop) if default is not None and default.next_hop is not None else None
    if device.platform is Platform.IOS:
        itf = device.interface(interface)
        if hop is None and itf is not None and itf.dhcp:
            return f"ip route {net_mask(net)} dhcp"
        return f"ip route {net_mask(net)} {hop or interface}"
    return f"route {interface} {net_mask(net)} {hop or '<next-hop>'}"


def rri_commands(device: Device, entry: CryptoMapEntry) -> list[str]:
    """Reverse-route injection for one entry, in the device's syntax."""
    if device.platform is Platform.IOS:
        if entry.is_dynamic:
            return [f"crypto dynamic-map {entry.map_name} {entry.seq}", " reverse-route"]
        # `static`: the route exists before the SA does, so traffic can bring the tunnel up.
        return [f"crypto map {entry.map_name} {entry.seq} ipsec-isakmp", " reverse-route static"]
    kind = "crypto dynamic-map" if entry.is_dynamic else "crypto map"
    return [f"{kind} {entry.map_name} {entry.seq} set reverse-route"]


def _describe(found: RouteLookup) -> str:
    if found.route is not None:
        return f"`{found.route.source.text.strip()}` (line {found.route.source.line}) via {found.interface or 'an unresolved next hop'}"
    if found.connected is not None:
        return f"the connected network {found.prefix} of {found.interface}"
    return "no route"


@check(ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One finding per (device, remote network) that is not routed out of its crypto interface."""
    for device in ctx.devices:
        seen: set[tuple[str, IPNetwork]] = set()
        for flow in crypto_flows(device):
            if flow.entry.reverse_route or flow.remote.prefixlen == 0:
                continue
            key = (flow.interface, flow.remote)
            if key in seen:
                continue
            seen.add(key)
            yield from _one(device, flow)


def _routing_unknown(device: Device, interface: str) -> str | None:
    """Why this device's routing cannot be judged from the snapshot (None when it can)."""
    if device.partial:
        return "the snapshot is an excerpt without interfaces or routes"
    if "<" in interface:
        return f"{interface} is a template placeholder, not a real interface"
    itf = device.interface(interface)
    if itf is None:
        return f"{interface} is not defined in the configuration"
    if not itf.addresses:
        how = "DHCP" if itf.dhcp else "PPPoE" if itf.pppoe else "nowhere in the configuration"
        return f"{interface} has no configured address (it comes from {how})"
    return None


def _one(device: Device, flow: CryptoFlow) -> Iterable[Finding]:
    found = egress_for(device, flow.remote)
    entry = flow.entry
    where = f"crypto map {entry.map_name} {entry.seq}"
    # No route, or one whose next hop cannot be placed, proves nothing when the interface side is unknown.
    unknown = _routing_unknown(device, flow.interface) if not found.found or found.interface is None else None
    if unknown is not None:
        show = "show ip route" if device.platform is Platform.IOS else "show route"
        yield Finding(
            id=ID, severity=Severity.INFO,
            title=f"Route to {flow.remote} on {device.name} cannot be verified",
            devices=(device.name,),
            detail=(f"{flow.remote} is a remote network of {where}, applied to {flow.interface}, and no usable "
                    f"route in the configuration covers it; {unknown}, so the routing cannot be judged. Check "
                    f"with `{show} {flow.remote.network_address}` that it leaves through {flow.interface}."),
            evidence=evidence(entry.src("match"), flow.acl_entry.source),
            key=f"{flow.interface} {flow.remote}",
        )
        return
    if found.verdict == "unverifiable":
        yield Finding(
            id=ID, severity=Severity.INFO,
            title=f"Route to {flow.remote} on {device.name} cannot be verified (dynamic routing)",
            devices=(device.name,),
            detail=(f"No static or connected route covers {flow.remote}, the remote network of {where}; the "
                    f"device runs a dynamic routing protocol, so the route may be learned. Check with "
                    f"`show route {flow.remote.network_address}` (ASA) / `show ip route "
                    f"{flow.remote.network_address}` (IOS) that it leaves through {flow.interface}."),
            evidence=evidence(flow.acl_entry.source, *device.dynamic_routing[:1]),
            key=f"{flow.interface} {flow.remote}",
        )
        return
    if found.found and found.interface == flow.interface:
        return
    fixes = [
        Fix(device.name, (route_command(device, flow.remote, flow.interface),), Disruption.NONE),
        Fix(device.name, tuple(rri_commands(device, entry)), Disruption.NONE, note="alternative: reverse-route injection"),
    ]
    yield Finding(
        id=ID, severity=Severity.ERROR,
        title=f"{flow.remote} is not routed out of {flow.interface} on {device.name}",
        devices=(device.name,),
        detail=(f"{flow.remote} is a remote network of {where}, applied to {flow.interface}, but traffic to it "
                f"follows {_describe(found)}. Packets that do not leave through {flow.interface} never meet the "
                f"crypto map and are not encrypted."),
        evidence=evidence(entry.src("match"), flow.acl_entry.source,
                          found.route.source if found.route is not None else None),
        fix=tuple(fixes), key=f"{flow.interface} {flow.remote}",
    )
