"""RA-POOLNETBC — an address pool hands out a subnet's network or broadcast address.

What it does
    ASA: every ``ip local pool NAME A-B mask M`` whose range includes the
    network or broadcast address of a subnet of mask ``M`` (its own subnet,
    or one it spans).  IOS: every ``ip local pool`` used by an Easy VPN client
    group that pushes ``netmask M``, judged the same way.  Pools without a
    known mask are not judged: the client then gets a host mask.

Why it breaks
    The client cannot use such an address.  The ASA logs ``attempted to
    assign network or broadcast IP address, removing (x.x.x.x) from pool``
    and the VPN Client drops with ``Reason 433: (Reason Not Specified by
    Peer)``, typically on the first attempt.

Example
    ``ip local pool RAPOOL 10.10.20.0-10.10.20.255 mask 255.255.255.0``.

Fix
    Narrow the range to the host addresses of the subnet
    (``10.10.20.1-10.10.20.254``); a range that spans several subnets of the
    mask is split into one pool per subnet, listed in order under the
    tunnel-group.  Disruption: none, but redefine a pool only when no client
    holds one of its addresses.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network

from ..findings import Disruption, Finding, Fix, Severity
from ..model import AddressPool, Device, Platform, Source
from . import Context, check
from ._fix_ra import pool_lines, tunnel_group_lines
from ._maps import make_finding
from ._ra import ra_tunnel_groups

CATALOG_ID = "RA-POOLNETBC"
MAX_SPLIT = 4  # beyond this many subnets, one pool per subnet is no longer a sensible fix


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One error per pool whose range includes a network or broadcast address of its mask."""
    for device in ctx.devices:
        if device.platform is Platform.IOS:
            masks: dict[str, tuple[IPv4Address, Source]] = {}
            for group in sorted(device.client_groups.values(), key=lambda g: g.name):
                if group.pool and group.netmask is not None and group.pool in device.pools:
                    masks.setdefault(group.pool, (group.netmask, group.attr_sources.get("netmask", group.source)))
            for name, (mask, src) in sorted(masks.items()):
                finding = _judge(device, device.pools[name], mask, [src])
                if finding is not None:
                    yield finding
        else:
            for name, pool in sorted(device.pools.items()):
                if pool.mask is not None:
                    finding = _judge(device, pool, pool.mask, [])
                    if finding is not None:
                        yield finding


def _subnets(first: IPv4Address, last: IPv4Address, prefix: int) -> list[IPv4Network]:
    """The subnets of length ``prefix`` that the range touches, in order (at most MAX_SPLIT + 1)."""
    out: list[IPv4Network] = []
    cursor = int(first)
    while cursor <= int(last) and len(out) <= MAX_SPLIT:
        net = IPv4Network(f"{IPv4Address(cursor)}/{prefix}", strict=False)
        out.append(net)
        cursor = int(net.broadcast_address) + 1
    return out


def _judge(device: Device, pool: AddressPool, mask: IPv4Address, extra: list[Source]) -> Finding | None:
    if not isinstance(pool.first, IPv4Address) or not isinstance(pool.last, IPv4Address):
        return None
    try:
        prefix = IPv4Network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        return None
    if prefix >= 31:
        return None  # /31 and /32 have no network/broadcast addresses to avoid
    nets = _subnets(pool.first, pool.last, prefix)
    bad = [a for n in nets for a in (n.network_address, n.broadcast_address) if pool.first <= a <= pool.last]
    if not bad:
        return None
    listed = ", ".join(str(a) for a in bad[:4]) + (" …" if len(bad) > 4 else "")
    detail = (
        f"Pool {pool.name} ({pool.first}-{pool.last}, mask {mask}) includes {listed}, the network or broadcast "
        f"address of a /{prefix} subnet. A client handed such an address cannot use it: the ASA logs "
        "`attempted to assign network or broadcast IP address, removing (x.x.x.x) from pool` and the VPN "
        "Client drops with `Reason 433`."
    )
    return make_finding(
        CATALOG_ID, Severity.ERROR, device,
        f"Address pool {pool.name} on {device.name} includes {bad[0]} (network/broadcast address)",
        detail,
        [pool.source] + extra,
        [_fix(device, pool, nets, mask)],
        key=pool.name,
    )


def _fix(device: Device, pool: AddressPool, nets: list[IPv4Network], mask: IPv4Address) -> Fix:
    keep_mask = mask if device.platform is not Platform.IOS else None
    note = "redefine the pool when no client holds one of its addresses"
    lo, hi = IPv4Address(int(pool.first)), IPv4Address(int(pool.last))  # IPv4 only: checked by _judge
    if len(nets) == 1:
        net = nets[0]
        first = max(lo, net.network_address + 1)
        last = min(hi, net.broadcast_address - 1)
        return Fix(device.name, tuple(pool_lines(device, pool, first, last, keep_mask)), Disruption.NONE, note=note)
    if len(nets) > MAX_SPLIT:
        return Fix(device.name, tuple(pool_lines(device, pool, pool.first, pool.last, keep_mask)[:1] + [
            f"! re-create {pool.name} so that it stays inside one subnet of mask {mask}"
        ]), Disruption.NONE, note=note)
    commands = pool_lines(device, pool, pool.first, pool.last, keep_mask)[:1]
    names: list[str] = []
    for i, net in enumerate(nets, 1):
        first = max(lo, net.network_address + 1)
        last = min(hi, net.broadcast_address - 1)
        if first > last:
            continue
        # IOS adds ranges to one pool by repeating its name; the ASA needs one pool per range
        name = pool.name if i == 1 or device.platform is Platform.IOS else f"{pool.name}-{i}"
        names.append(name)
        commands += pool_lines(device, pool, first, last, keep_mask, name, replace=False)
    if device.platform is not Platform.IOS:
        for tg in ra_tunnel_groups(device):
            if pool.name in tg.address_pools:
                rest = [p for p in tg.address_pools if p != pool.name]
                commands += tunnel_group_lines(tg.name, "general-attributes",
                                               [f"address-pool {' '.join(names + rest)}"])
    return Fix(device.name, tuple(commands), Disruption.NONE, note=note)
