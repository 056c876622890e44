"""RT-RRI — many static routes to remote networks: use reverse-route injection.

What it does
    Advice only.  On a head end whose crypto ACLs name five or more remote
    networks that are reached by hand-written static routes through the
    crypto interface (and whose entries lack ``reverse-route``), suggests
    reverse-route injection.  On a remote-access head end (an address pool,
    an IOS client group or a remote-access tunnel-group), a bound dynamic map
    entry without ``reverse-route`` gets the same advice: routers behind the
    head end must learn the way back to the clients' addresses.

Why it breaks
    Nothing is broken yet; but each new remote network needs a route on the
    head end (and on the routers behind it), and a forgotten one gives the
    RT-REMOTE symptoms.  RRI installs a route for every remote network of the
    crypto ACL (or for every connected client) and the routes can be
    redistributed into EIGRP/OSPF.

Example
    ``ip route 192.168.200.0 255.255.255.0 10.89.129.2`` …  ``ip route
    192.168.230.0 255.255.255.0 10.89.129.2`` next to crypto map myMAP 10.

Fix
    ASA: ``crypto map M 10 set reverse-route`` / ``crypto dynamic-map D 10 set
    reverse-route``; IOS: ``reverse-route static`` in the crypto map entry
    (``reverse-route`` in the dynamic map), then ``redistribute static``
    under the routing process when other routers must learn the routes.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMapEntry, Device, Platform
from ..natsim import bound_entries, crypto_flows
from ..routing import egress_for
from . import Context, check
from ._fix_natfw import evidence
from .rt_remote import rri_commands

ID = "RT-RRI"
THRESHOLD = 5

_NOTE = "then redistribute the RRI routes into the routing protocol (e.g. `redistribute static` under router ospf/eigrp)"


def _ra_head_end(device: Device) -> bool:
    if device.pools or device.client_groups:
        return True
    return any((tg.type or "").startswith(("remote-access", "ipsec-ra")) for tg in device.tunnel_groups.values())


def _static_advice(device: Device) -> Iterable[Finding]:
    remotes: dict[object, None] = {}
    entries: dict[tuple[str, int], CryptoMapEntry] = {}
    route_sources = []
    for flow in crypto_flows(device):
        if flow.entry.is_dynamic or flow.entry.reverse_route or flow.remote.prefixlen == 0:
            continue
        found = egress_for(device, flow.remote)
        if found.route is None or found.route.prefix.prefixlen == 0 or found.interface != flow.interface:
            continue
        remotes[flow.remote] = None
        entries[(flow.map_name, flow.seq)] = flow.entry
        route_sources.append(found.route.source)
    if len(remotes) < THRESHOLD:
        return
    cmds: list[str] = []
    for entry in entries.values():
        cmds.extend(rri_commands(device, entry))
    yield Finding(
        id=ID, severity=Severity.INFO,
        title=f"{device.name} reaches {len(remotes)} remote VPN networks by static routes: consider RRI",
        devices=(device.name,),
        detail=(f"{len(remotes)} remote networks of the crypto ACLs ({', '.join(str(r) for r in remotes)}) are "
                f"routed by hand-written static routes. Reverse-route injection installs these routes from the "
                f"crypto ACLs and keeps them in step when networks are added."),
        evidence=evidence(*route_sources),
        fix=(Fix(device.name, tuple(cmds), Disruption.NONE, note=_NOTE),), key="static",
    )


def _dynamic_advice(device: Device) -> Iterable[Finding]:
    if not _ra_head_end(device):
        return
    done: set[tuple[str, int]] = set()
    for _, entry in bound_entries(device):
        if not entry.is_dynamic or entry.reverse_route or (entry.map_name, entry.seq) in done:
            continue
        done.add((entry.map_name, entry.seq))
        yield Finding(
            id=ID, severity=Severity.INFO,
            title=f"Dynamic map {entry.map_name} {entry.seq} on {device.name} has no reverse-route",
            devices=(device.name,),
            detail=(f"{device.name} terminates remote-access clients through dynamic map {entry.map_name} "
                    f"{entry.seq} without reverse-route injection: routers behind it learn the way back to the "
                    f"clients' addresses only from static routes."),
            evidence=evidence(entry.source),
            fix=(Fix(device.name, tuple(rri_commands(device, entry)), Disruption.NONE, note=_NOTE),),
            key=f"dynamic {entry.map_name} {entry.seq}",
        )


@check(ID)
def run(ctx: Context) -> Iterable[Finding]:
    """Advice: RRI for head ends with many statically routed remote networks or RA dynamic maps."""
    for device in ctx.devices:
        if device.platform is Platform.PIX6:
            continue  # PIX 6 has no reverse-route injection
        yield from _static_advice(device)
        yield from _dynamic_advice(device)
