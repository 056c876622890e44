"""RA-POOLSIZE — the remote-access address pool is missing, overridden or too small.

What it does
    ASA: for every remote-access tunnel-group, the pools named by its
    ``address-pool`` and by the ``address-pools`` of its effective
    group-policy (the group-policy wins, as the source document says):

    * a named pool that is not defined → error;
    * a group-policy ``address-pools`` that overrides the tunnel-group's
      ``address-pool`` → info, explaining which one is used;
    * a pool in use with fewer than 10 addresses → warning;
    * ``vpn-sessiondb max-session-limit N`` larger than all remote-access
      pools together → warning (sessions beyond the pool fail).

    IOS: a client group ``pool`` that is not defined (error) or has fewer
    than 10 addresses (warning).

Why it breaks
    Every client takes one address.  When the pool is empty or absent the
    client gets no address and the connection fails after authentication.

Example
    ``ip local pool RAPOOL 10.76.41.1-10.76.41.5 mask 255.255.255.0`` for a
    group used by a whole department.

Fix
    Widen the range (``no ip local pool P ...`` / ``ip local pool P
    10.76.41.1-10.76.41.254``) or add a second pool listed after the first
    (``address-pool (inside) A B``: pools are used in that order).
    Disruption: none, but redefine a pool only when no client holds one of
    its addresses.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, ip_network

from ..findings import Disruption, Finding, Fix, Severity
from ..model import AddressPool, Device, Platform, Source, TunnelGroup
from . import Context, check
from ._fix_ra import group_policy_lines, pool_lines, tunnel_group_lines
from ._maps import make_finding
from ._partial import downgrade, is_excerpt
from ._ra import effective, policy_of, ra_tunnel_groups

CATALOG_ID = "RA-POOLSIZE"
SMALL = 10  # below this a pool serves only a handful of users: almost certainly a typo or a lab leftover
REDEFINE_NOTE = "redefine the pool when no client holds one of its addresses; make sure the added range is unused"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """Missing pools (error), small pools and session limits (warning), overrides (info)."""
    for device in ctx.devices:
        if device.platform is Platform.ASA:
            yield from _asa(device)
        elif device.platform is Platform.IOS:
            yield from _ios(device)


def _pool_names(value: str) -> list[str]:
    return [w for w in value.split() if not (w.startswith("(") and w.endswith(")"))]


def _asa(device: Device) -> Iterable[Finding]:
    users: dict[str, list[TunnelGroup]] = {}  # pool → tunnel-groups that draw from it
    cited: dict[str, Source] = {}
    for tg in ra_tunnel_groups(device):
        policy = policy_of(tg)
        gp_pools = effective(device, policy, "address-pools")
        gp_names = [] if gp_pools.is_none else _pool_names(gp_pools.value)
        for name in tg.address_pools:
            if name not in device.pools:
                yield _missing(device, f"tunnel-group {tg.name}", name, tg.src("address-pool"))
        for name in gp_names:
            if name not in device.pools:
                yield _missing(device, f"group-policy {gp_pools.policy}", name, gp_pools.source or tg.source)
        if gp_names and tg.address_pools and set(gp_names) != set(tg.address_pools):
            yield _override(device, tg, gp_pools.policy or policy, gp_names, gp_pools.source)
        for name in gp_names or list(tg.address_pools):
            users.setdefault(name, []).append(tg)
            cited.setdefault(name, gp_pools.source if gp_names and gp_pools.source else tg.src("address-pool"))
    for name, groups in sorted(users.items()):
        pool = device.pools.get(name)
        if pool is not None and pool.size < SMALL:
            yield _small(device, pool, [g.name for g in groups], cited[name])
    limit = device.setting("vpn-sessiondb max-session-limit")
    pools = [device.pools[n] for n in sorted(users) if n in device.pools]
    if limit is not None and limit.value and limit.value.isdecimal() and pools:
        total = sum(p.size for p in pools)
        if total < int(limit.value):
            yield _session_limit(device, int(limit.value), total, pools, limit.source, users)


def _missing(device: Device, where: str, name: str, source: Source) -> Finding:
    syntax = (f"ip local pool {name} <first> <last>" if device.platform is Platform.IOS
              else f"ip local pool {name} <first>-<last> mask <mask>")
    # An excerpt (`show running-config tunnel-group`) does not show the pools: unknown, not missing.
    return downgrade(make_finding(
        CATALOG_ID, Severity.ERROR, device,
        f"Address pool {name} used by {where} on {device.name} is not defined",
        f"{where[0].upper()}{where[1:]} assigns client addresses from pool {name}, but {device.name} has no "
        f"`ip local pool {name}`. Clients of this group get no address and their connection fails.",
        [source],
        [Fix(device.name, (syntax,), Disruption.NONE, note="choose a free range routed to this device")],
        key=f"missing {name} {where}",
    ), [device.name] if is_excerpt(device) else [])


def _override(device: Device, tg: TunnelGroup, policy: str, gp_names: list[str], source: Source | None) -> Finding:
    return make_finding(
        CATALOG_ID, Severity.INFO, device,
        f"Group-policy {policy} overrides the address pool of tunnel-group {tg.name} on {device.name}",
        f"Tunnel-group {tg.name} lists address-pool {' '.join(tg.address_pools)}, but its group-policy "
        f"{policy} sets address-pools {' '.join(gp_names)}. The group-policy setting takes precedence, so "
        f"clients get addresses from {' '.join(gp_names)} only; the tunnel-group's pools are not used.",
        [tg.src("address-pool")] + ([source] if source else []),
        [Fix(device.name, tuple(group_policy_lines(policy, ["no address-pools"])), Disruption.NONE,
             note=f"only if the tunnel-group's pools ({' '.join(tg.address_pools)}) are the intended ones")],
        key=f"override {tg.name}",
    )


def _wider(pool: AddressPool) -> tuple[IPv4Address, IPv4Address] | None:
    """The pool grown to the host range of its subnet (its mask, else the /24 of its first address)."""
    if pool.first.version != 4:
        return None
    prefix = IPv4Network(f"0.0.0.0/{pool.mask}").prefixlen if pool.mask is not None else 24
    net = ip_network(f"{pool.first}/{prefix}", strict=False)
    if net.num_addresses < 4:
        return None
    first = max(pool.first, net.network_address + 1)
    last = net.broadcast_address - 1
    if int(last) - int(first) + 1 < SMALL:
        return None
    return first, last  # type: ignore[return-value]


def _small(device: Device, pool: AddressPool, groups: list[str], source: Source) -> Finding:
    wider = _wider(pool)
    if wider is not None:
        fix = Fix(device.name, tuple(pool_lines(device, pool, wider[0], wider[1], pool.mask)), Disruption.NONE,
                  note=REDEFINE_NOTE)
    else:
        fix = Fix(device.name, tuple(pool_lines(device, pool, pool.first, pool.last, pool.mask, f"{pool.name}-2",
                                                replace=False)),
                  Disruption.NONE, note="replace the range with a free one and list the pool after the first")
    shared = f"shared by {len(groups)} groups ({', '.join(groups)})" if len(groups) > 1 else f"used by {groups[0]}"
    return make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"Address pool {pool.name} on {device.name} holds only {pool.size} addresses",
        f"Pool {pool.name} ({pool.first}-{pool.last}) is {shared} and holds {pool.size} addresses: client "
        f"number {pool.size + 1} gets no address and fails to connect.",
        [pool.source, source],
        [fix],
        key=f"small {pool.name}",
    )


def _session_limit(device: Device, limit: int, total: int, pools: list[AddressPool], source: Source,
                   users: dict[str, list[TunnelGroup]]) -> Finding:
    pool = max(pools, key=lambda p: p.size)
    groups = sorted({g.name for p in pools for g in users.get(p.name, [])})
    commands = pool_lines(device, pool, pool.first, pool.last, pool.mask, f"{pool.name}-2", replace=False)
    commands = [c.replace(f"{pool.first}-{pool.last}", "<first>-<last>") for c in commands]
    for name in groups:
        tg = device.tunnel_groups[name]
        if pool.name in tg.address_pools:
            commands += tunnel_group_lines(name, "general-attributes",
                                           [f"address-pool {' '.join(tg.address_pools)} {pool.name}-2"])
    return make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"Remote-access pools on {device.name} hold {total} addresses for up to {limit} sessions",
        f"`vpn-sessiondb max-session-limit {limit}` admits {limit} VPN sessions, but the pools used by the "
        f"remote-access groups ({', '.join(p.name for p in pools)}) hold {total} addresses together: sessions "
        "beyond that fail for lack of an address.",
        [source] + [p.source for p in pools],
        [Fix(device.name, tuple(commands), Disruption.NONE, note="choose a free range routed to this device")],
        key="session-limit",
    )


def _ios(device: Device) -> Iterable[Finding]:
    by_pool: dict[str, list[str]] = {}
    cited: dict[str, Source] = {}
    for group in sorted(device.client_groups.values(), key=lambda g: g.name):
        if not group.pool:
            continue
        src = group.attr_sources.get("pool", group.source)
        if group.pool not in device.pools:
            yield _missing(device, f"client group {group.name}", group.pool, src)
            continue
        by_pool.setdefault(group.pool, []).append(group.name)
        cited.setdefault(group.pool, src)
    for name, groups in sorted(by_pool.items()):
        pool = device.pools[name]
        if pool.size < SMALL:
            yield _small(device, pool, groups, cited[name])
