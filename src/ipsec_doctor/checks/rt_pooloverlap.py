"""RT-POOLOVERLAP — the remote-access address pool overlaps the head end's own networks.

What it does
    Compares every ``ip local pool`` range that is in use (named by a
    tunnel-group, group-policy, username or IOS client group) with the
    connected networks of the head end's interfaces other than the crypto
    interface, and with the local networks of its crypto ACLs.  Any overlap of
    the actual address ranges is an error (subnets of one major network are
    fine as long as the ranges do not overlap).

Why it breaks
    A client given an address that also exists on the inside network cannot
    be routed to: replies for it are delivered on the inside LAN (or ARPed
    for there) instead of going back into the tunnel.  Users connect, then
    cannot reach anything inside.

Example
    ``ip local pool VPNPOOL 10.10.10.100-10.10.10.150 mask 255.255.255.0`` on
    an ASA whose inside interface is 10.10.10.1/24.

Fix
    Give the pool its own network, distinct from the head end's inside
    networks and from the clients' home LANs; then update the NAT exemption
    and split-tunnel lists that name the pool.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network

from ..findings import Disruption, Finding, Fix, Severity
from ..model import AddressPool, Device, IPNetwork, Platform, Source
from ..natsim import crypto_flows
from ..routing import connected_networks
from . import Context, check
from ._fix_natfw import crypto_interfaces, evidence, kb_caution
from ._ra import referenced_pools

ID = "RT-POOLOVERLAP"


def _overlaps(pool: AddressPool, net: IPNetwork) -> bool:
    if pool.first.version != net.version:
        return False
    return int(pool.first) <= int(net.broadcast_address) and int(net.network_address) <= int(pool.last)


def _taken(device: Device) -> list[IPNetwork]:
    nets: list[IPNetwork] = [n for n, _ in connected_networks(device)]
    nets += [r.prefix for r in device.routes if r.prefix.prefixlen > 0]
    for flow in crypto_flows(device):
        nets += [flow.local, flow.remote]
    nets += [IPv4Network(f"{p.first}/32") for p in device.pools.values() if p.first.version == 4]
    return nets


def free_network(device: Device, size: int) -> IPv4Network | None:
    """A private network with room for ``size`` hosts that nothing on the device uses (192.168.x first)."""
    taken = [n for n in _taken(device) if n.version == 4 and n.prefixlen > 0]
    prefix = min(30, max(16, 32 - (size + 1).bit_length()))
    for base in ("192.168.0.0/16", "172.16.0.0/12", "10.0.0.0/8"):
        subnets = list(IPv4Network(base).subnets(new_prefix=max(prefix, IPv4Network(base).prefixlen)))
        for candidate in reversed(subnets[-256:]):  # high addresses are the least likely to be in use
            if not any(candidate.overlaps(t) for t in taken):  # type: ignore[arg-type]
                return candidate
    return None


def pool_commands(device: Device, pool: AddressPool, net: IPv4Network) -> list[str]:
    hosts = list(net.hosts())
    count = min(pool.size, len(hosts))
    first, last = hosts[0], hosts[count - 1]
    if device.platform is Platform.IOS:
        return [f"no ip local pool {pool.name}", f"ip local pool {pool.name} {first} {last}"]
    return [f"no ip local pool {pool.name}", f"ip local pool {pool.name} {first}-{last} mask {net.netmask}"]


@check(ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One error per pool that overlaps a connected or crypto-protected local network."""
    for device in ctx.devices:
        if not device.pools:
            continue
        crypto_ifs = crypto_interfaces(device)
        local: list[tuple[IPNetwork, str, Source]] = []
        for net, itf in connected_networks(device):
            if itf.local_name not in crypto_ifs:
                local.append((net, f"the connected network of {itf.local_name}", itf.source))
        for flow in crypto_flows(device):
            local.append((flow.local, f"a local network of crypto ACL {flow.acl.name}", flow.acl_entry.source))
        used = referenced_pools(device)
        for pool in device.pools.values():
            if pool.name not in used:
                continue  # a pool no tunnel-group / group-policy / client group names assigns no address
            hits = [(n, what, src) for n, what, src in local if _overlaps(pool, n)]
            if not hits:
                continue
            seen = list(dict.fromkeys(f"{n} ({what})" for n, what, _ in hits))
            fixes: tuple[Fix, ...] = ()
            free = free_network(device, pool.size) if pool.first.version == 4 else None
            if free is not None:
                fixes = (Fix(device.name, tuple(pool_commands(device, pool, free)), Disruption.NONE,
                             note="new clients get the new addresses; update NAT exemption and split-tunnel lists"),)
            yield Finding(
                id=ID, severity=Severity.ERROR,
                title=f"Address pool {pool.name} on {device.name} overlaps {hits[0][0]}",
                devices=(device.name,),
                detail=(f"Pool {pool.name} ({pool.first}-{pool.last}) overlaps {', '.join(seen)}. Replies to "
                        f"client addresses that also exist locally are delivered locally instead of into the "
                        f"tunnel."),
                evidence=evidence(pool.source, *(src for _, _, src in hits)),
                fix=fixes, caution=kb_caution(ID), key=pool.name,
            )
