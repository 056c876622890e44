"""Route lookup over a device's static routes and connected networks.

The question the routing checks ask is "which interface does traffic to this
network leave through?".  The answer comes from the configuration alone:

* connected networks come from the interface addresses (distance 0; a
  shut-down interface contributes nothing);
* static routes (``ip route`` / ``route IF``) contribute their prefix with
  their administrative distance; a route without an interface (IOS
  ``ip route N M NH``) leaves where its next hop is connected, resolved
  recursively through other static routes;
* the longest prefix that contains the *whole* queried network wins, and
  among equal prefixes the lowest distance wins (config order breaks ties,
  like a router's first-installed route).

What cannot be known from configuration is said so: when the device runs a
dynamic routing protocol and no static or connected route covers the
network, the verdict is ``unverifiable`` (the protocol may well have a
route).  ASA ``tunneled`` default routes only carry decrypted traffic, and
VRF routes belong to another table, so both are left out of the lookup.
A more specific route covering only *part* of the queried network is not
considered (the lookup answers for the network as a whole).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import _devcache
from .model import Device, Interface, IPAddress, IPNetwork, StaticRoute

Verdict = Literal["route", "none", "unverifiable"]

_MAX_RECURSION = 4  # next-hop resolution depth; real configs need one or two


@dataclass(frozen=True, slots=True)
class RouteLookup:
    """The result of :func:`egress_for`.

    ``interface`` is the device's own name for the egress interface (ASA
    nameif, IOS full name); ``route`` is the static route used, or None when
    the network is connected (``connected`` is then set).
    """

    verdict: Verdict
    interface: str | None = None
    route: StaticRoute | None = None
    connected: Interface | None = None
    prefix: IPNetwork | None = None

    @property
    def found(self) -> bool:
        return self.verdict == "route"


def connected_networks(device: Device) -> list[tuple[IPNetwork, Interface]]:
    """(network, interface) for every address of every interface that is up."""
    out: list[tuple[IPNetwork, Interface]] = []
    for itf in device.interfaces:
        if itf.shutdown:
            continue
        for addr in itf.addresses:
            out.append((addr.network, itf))
    return out


def _usable_routes(device: Device) -> list[StaticRoute]:
    return [r for r in device.routes if not r.tunneled and r.vrf is None]


def _contains(outer: IPNetwork, inner: IPNetwork) -> bool:
    # ``inner.subnet_of(outer)`` in integers: subnet_of reads the networks' broadcast addresses, a
    # cached_property whose lock costs more than this whole test, and route lookups run it a lot.
    if outer.version != inner.version or inner.prefixlen < outer.prefixlen:
        return False
    shift = outer.max_prefixlen - outer.prefixlen
    return int(inner.network_address) >> shift == int(outer.network_address) >> shift


def _interface_of_next_hop(device: Device, next_hop: IPAddress, depth: int) -> str | None:
    """Where a next hop is reached: a connected network, or recursively another static route."""
    best: tuple[int, Interface] | None = None
    for net, itf in connected_networks(device):
        if net.version == next_hop.version and next_hop in net and (best is None or net.prefixlen > best[0]):
            best = (net.prefixlen, itf)
    if best is not None:
        return best[1].local_name
    if depth >= _MAX_RECURSION:
        return None
    host = _host_network(next_hop)
    found = _best_static(device, host, depth + 1)
    return found[1] if found is not None else None


def _host_network(address: IPAddress) -> IPNetwork:
    from ipaddress import ip_network

    return ip_network(f"{address}/{address.max_prefixlen}")


def _route_interface(device: Device, route: StaticRoute, depth: int) -> str | None:
    if route.interface:
        itf = device.interface(route.interface)
        return itf.local_name if itf is not None else route.interface
    if route.next_hop is not None:
        return _interface_of_next_hop(device, route.next_hop, depth)
    return None


def _best_static(device: Device, target: IPNetwork, depth: int = 0) -> tuple[StaticRoute, str | None] | None:
    best: StaticRoute | None = None
    for route in _usable_routes(device):
        if not _contains(route.prefix, target):
            continue
        if best is None or (route.prefix.prefixlen, -route.distance) > (best.prefix.prefixlen, -best.distance):
            best = route
    if best is None:
        return None
    return best, _route_interface(device, best, depth)


def egress_for(device: Device, target: IPNetwork) -> RouteLookup:
    """The interface traffic to ``target`` leaves through, by longest-prefix match.

    >>> # route outside 0.0.0.0 0.0.0.0 203.0.113.1 ; inside 10.1.1.1/24
    >>> # egress_for(asa, 10.2.2.0/24) → RouteLookup("route", "outside", <default route>)

    The answer is remembered per device: checks ask about the same networks again and again.
    """
    table: dict[IPNetwork, RouteLookup] = _devcache.memo(device).setdefault("routing.egress", {})
    found = table.get(target)
    if found is None:
        found = table[target] = _egress_for(device, target)
    return found


def _egress_for(device: Device, target: IPNetwork) -> RouteLookup:
    connected: tuple[IPNetwork, Interface] | None = None
    for net, itf in connected_networks(device):
        if _contains(net, target) and (connected is None or net.prefixlen > connected[0].prefixlen):
            connected = (net, itf)
    static = _best_static(device, target)
    # Connected routes have distance 0: they win every tie on prefix length.
    if connected is not None and (static is None or connected[0].prefixlen >= static[0].prefix.prefixlen):
        return RouteLookup("route", connected[1].local_name, None, connected[1], connected[0])
    if static is not None:
        route, itf_name = static
        return RouteLookup("route", itf_name, route, None, route.prefix)
    if device.dynamic_routing:
        return RouteLookup("unverifiable")
    return RouteLookup("none")


def default_route_on(device: Device, interface: str) -> StaticRoute | None:
    """The default route leaving through ``interface`` (the natural next hop for new routes)."""
    for route in _usable_routes(device):
        if route.prefix.prefixlen != 0:
            continue
        if _route_interface(device, route, 0) == interface:
            return route
    return None
