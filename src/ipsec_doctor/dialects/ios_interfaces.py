"""IOS interfaces, static routes, NAT, route-maps, local pools and AAA servers."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Interface, IPv4Network, ip_interface
from typing import Any

from ..model import (
    AaaServer,
    AddressPool,
    CryptoMapBinding,
    Interface,
    InterfaceAcl,
    NatRule,
    RouteMap,
    RouteMapEntry,
    StaticRoute,
    TunnelSettings,
    frozen_map,
)
from .common import canonical_interface as _canonical_interface
from .defaults_ios import IOS_TUNNEL_MODE_DEFAULT
from .ios_context import IosContext, int_or_none, mask_to_prefix, parse_ip
from .tree import Node

# Interface names repeat (routes, NAT, tunnel sources): the spelling → canonical
# name mapping is a pure function, memoised.
canonical_interface = lru_cache(maxsize=4096)(_canonical_interface)

_INTERFACE_SUFFIXES = frozenset({"point-to-point", "multipoint"})


def interface_name(words: list[str]) -> str:
    """``interface Tunnel 0`` / ``int g0/0`` / ``interface Gi0/0.10 point-to-point`` → canonical name."""
    parts = [w for w in words[1:] if w.lower() not in _INTERFACE_SUFFIXES]
    return canonical_interface("".join(parts).rstrip("/"))


def _interface_arg(words: list[str], at: int) -> str | None:
    """An interface argument that may be split in two (``Dialer 0``)."""
    if at >= len(words):
        return None
    name = words[at]
    if not any(c.isdecimal() for c in name) and at + 1 < len(words) and words[at + 1][:1].isdecimal():
        name += words[at + 1]
    return canonical_interface(name)


# --------------------------------------------------------------------------- interfaces


def parse_interface(ctx: IosContext, node: Node) -> None:
    """``interface NAME`` and its sub-commands; a re-entered interface (scripts) merges."""
    if len(node.words) < 2:
        return
    name = interface_name(node.words)
    itf = ctx.interfaces.get(name)
    if itf is None:
        itf = {"name": name, "addresses": [], "tunnel": {}, "bindings": [], "source": ctx.src(node)}
        ctx.interfaces[name] = itf
    for child in node.children:
        _interface_line(ctx, child, itf)


# First words of the interface sub-commands read below (besides pppoe*); any other line
# (speed, encapsulation, standby...) is skipped before its words are lower-cased.
_INTERFACE_HEADS = frozenset({"ip", "shutdown", "shut", "description", "crypto", "vrf", "tunnel"})


def _interface_line(ctx: IosContext, node: Node, itf: dict[str, Any]) -> None:
    words = node.words
    head = words[0].lower()
    negated = head == "no"
    if negated:
        words = words[1:]
        if not words:
            return
        head = words[0].lower()
    if head not in _INTERFACE_HEADS and not head.startswith("pppoe"):
        return
    low = [w.lower() for w in words]
    if low[:2] == ["ip", "address"]:
        _interface_address(ctx, node, itf, words, low, negated)
    elif head in ("shutdown", "shut"):
        itf["shutdown"] = not negated
    elif head == "description" and not negated:
        itf["description"] = " ".join(words[1:])
    elif head == "crypto":
        if low[1:2] == ["map"]:
            if negated:
                itf["crypto_map"] = None
            elif len(words) > 2:
                itf["crypto_map"] = words[2]
                itf["binding_source"] = ctx.src(node)
            else:
                ctx.unrecognised(node, "interface crypto")
        else:
            ctx.unrecognised(node, "interface crypto")
    elif low[:2] == ["ip", "nat"] and len(low) > 2 and low[2] in ("inside", "outside"):
        itf["nat_role"] = None if negated else low[2]
    elif low[:2] == ["ip", "access-group"] and len(words) > 3 and low[3] in ("in", "out"):
        # FW-PORTS: an inbound ACL on the crypto interface also filters IKE/ESP to the router.
        groups = itf.setdefault("access_groups", {})
        if negated:
            groups.pop(low[3], None)
        else:
            groups[low[3]] = (words[2], ctx.src(node))
    elif low[:3] == ["ip", "tcp", "adjust-mss"] and len(low) > 3:
        itf["tcp_adjust_mss"] = None if negated else int_or_none(low[3])
    elif low[:2] == ["ip", "mtu"] and len(low) > 2:
        itf["mtu"] = None if negated else int_or_none(low[2])
    elif low[:2] == ["vrf", "forwarding"] and len(words) > 2:
        itf["vrf"] = None if negated else words[2]
    elif low[:3] == ["ip", "vrf", "forwarding"] and len(words) > 3:
        itf["vrf"] = None if negated else words[3]
    elif head.startswith("pppoe") or low[:2] == ["pppoe", "enable"]:
        itf["pppoe"] = not negated
    elif head == "tunnel":
        _tunnel_line(ctx, node, itf, words, low, negated)
    elif low[:2] == ["ip", "nhrp"] and not negated:
        _nhrp_line(itf, words, low)


def _interface_address(
    ctx: IosContext, node: Node, itf: dict[str, Any], words: list[str], low: list[str], negated: bool
) -> None:
    if negated:
        if len(low) == 2:
            itf["addresses"] = []
            itf["dhcp"] = False
        return
    if len(low) < 3:
        return
    if low[2] == "dhcp":
        itf["dhcp"] = True
        return
    if low[2] == "negotiated":
        itf["negotiated"] = True
        return
    if len(words) < 4:
        if "/" in words[2]:
            try:
                address = ip_interface(words[2])
            except ValueError:
                ctx.problem(node, f"interface address {words[2]!r} is not valid")
                return
            itf["addresses"].append(address)
        return
    prefix = mask_to_prefix(words[3])
    host = parse_ip(words[2])
    if host is None or prefix is None:
        ctx.problem(node, "interface address or mask is not a valid IPv4 address/netmask")
        return
    address = IPv4Interface((int(host), prefix))  # from integers: no second parse
    if "secondary" in low[4:]:
        itf["addresses"].append(address)
    elif itf["addresses"]:
        itf["addresses"][0] = address  # a new primary replaces the old one
    else:
        itf["addresses"].append(address)


def _tunnel_line(
    ctx: IosContext, node: Node, itf: dict[str, Any], words: list[str], low: list[str], negated: bool
) -> None:
    tunnel = itf["tunnel"]
    if len(low) < 2:
        return
    what = low[1]
    if what == "source" and len(words) > 2:
        address = parse_ip(words[2])
        tunnel["source_address"] = address
        tunnel["source_interface"] = None if address else canonical_interface(words[2])
    elif what == "destination" and len(words) > 2:
        address = parse_ip(words[2])
        tunnel["destination"] = address
        tunnel["destination_name"] = None if address else words[2]
    elif what == "mode":
        if negated or len(low) < 3:
            tunnel["mode"] = IOS_TUNNEL_MODE_DEFAULT
        else:
            tunnel["mode"] = " ".join(low[2:4])
    elif what == "protection":
        if negated:
            tunnel["protection_profile"] = None
            tunnel["protection_shared"] = False
        elif low[2:4] == ["ipsec", "profile"] and len(words) > 4:
            tunnel["protection_profile"] = words[4]
            tunnel["protection_shared"] = "shared" in low[5:]
            tunnel["protection_source"] = ctx.src(node)
        else:
            ctx.unrecognised(node, "interface tunnel protection")
            return
    else:
        return  # tunnel key, vrf, path-mtu-discovery...: not needed by the checks
    tunnel.setdefault("source", ctx.src(node))


def _nhrp_line(itf: dict[str, Any], words: list[str], low: list[str]) -> None:
    """DMVPN: ``ip nhrp nhs T [nbma N]`` / ``ip nhrp nhs dynamic nbma N``, ``ip nhrp map T N``, ``network-id``."""
    what = low[2] if len(low) > 2 else ""
    tunnel = itf["tunnel"]
    if what == "nhs" and len(words) > 3:
        nbma = parse_ip(words[low.index("nbma", 3) + 1]) if "nbma" in low[3:-1] else None
        tunnel_ip = parse_ip(words[3])
        if tunnel_ip is not None or nbma is not None:
            tunnel.setdefault("nhrp_nhs", []).append((tunnel_ip, nbma))
    elif what == "map" and len(words) > 4:
        tunnel_ip, nbma = parse_ip(words[3]), parse_ip(words[4])  # `map multicast N` / `map group`: not IPs
        if tunnel_ip is not None and nbma is not None:
            tunnel.setdefault("nhrp_maps", []).append((tunnel_ip, nbma))
    elif what == "network-id" and len(low) > 3:
        tunnel["nhrp_network_id"] = int_or_none(low[3])


def finish_interfaces(ctx: IosContext) -> dict[str, Any]:
    interfaces: list[Interface] = []
    bindings: list[CryptoMapBinding] = []
    interface_acls: list[InterfaceAcl] = []
    for name, raw in ctx.interfaces.items():
        for direction, (acl_name, acl_source) in raw.get("access_groups", {}).items():
            interface_acls.append(InterfaceAcl(acl_name, name, direction, source=acl_source))
        tunnel = None
        traw = raw["tunnel"]
        if traw or name.startswith("Tunnel"):
            tunnel = TunnelSettings(
                source_interface=traw.get("source_interface"),
                source_address=traw.get("source_address"),
                destination=traw.get("destination"),
                destination_name=traw.get("destination_name"),
                mode=traw.get("mode", IOS_TUNNEL_MODE_DEFAULT),
                protection_profile=traw.get("protection_profile"),
                protection_shared=traw.get("protection_shared", False),
                source=traw.get("protection_source", traw.get("source", raw["source"])),
                nhrp_nhs=tuple(traw.get("nhrp_nhs", ())),
                nhrp_maps=tuple(traw.get("nhrp_maps", ())),
                nhrp_network_id=traw.get("nhrp_network_id"),
            )
        interfaces.append(
            Interface(
                name,
                addresses=tuple(raw["addresses"]),
                dhcp=raw.get("dhcp", False),
                pppoe=raw.get("pppoe", False) or bool(raw.get("negotiated")) and name.startswith("Dialer"),
                shutdown=raw.get("shutdown", False),
                description=raw.get("description"),
                crypto_map=raw.get("crypto_map"),
                nat_role=raw.get("nat_role"),
                tcp_adjust_mss=raw.get("tcp_adjust_mss"),
                mtu=raw.get("mtu"),
                vrf=raw.get("vrf"),
                tunnel=tunnel,
                source=raw["source"],
            )
        )
        if raw.get("crypto_map"):
            bindings.append(CryptoMapBinding(raw["crypto_map"], name, raw.get("binding_source", raw["source"])))
    return {"interfaces": tuple(interfaces), "bindings": tuple(bindings), "interface_acls": tuple(interface_acls)}


# --------------------------------------------------------------------------- routes


def parse_ip_route(ctx: IosContext, node: Node) -> None:
    """``ip route [vrf V] P M (NH | IF [NH]) [distance] [name X] [permanent] [tag N] [track N]``."""
    words = node.words[2:]
    vrf = None
    if words[:1] and words[0].lower() == "vrf" and len(words) > 1:
        vrf, words = words[1], words[2:]
    destination = parse_ip(words[0]) if len(words) >= 3 else None
    if destination is None:
        if words and words[0].lower() in ("profile", "static"):
            return
        ctx.unrecognised(node, "ip route")
        return
    prefix = mask_to_prefix(words[1])
    if prefix is None:
        ctx.problem(node, "ip route mask is not a valid netmask, ignored")
        return
    network = IPv4Network((int(destination), prefix), strict=False)
    rest = words[2:]
    interface = None
    next_hop = parse_ip(rest[0])
    i = 1
    if next_hop is None:
        interface = _interface_arg(rest, 0)
        if interface != canonical_interface(rest[0]):
            rest = [rest[0] + rest[1], *rest[2:]]
        if len(rest) > 1 and parse_ip(rest[1]) is not None:
            next_hop = parse_ip(rest[1])
            i = 2
    distance = 1
    if i < len(rest) and rest[i].isdecimal():
        distance = int(rest[i])
    ctx.routes.append(StaticRoute(network, next_hop, interface, distance, vrf, source=ctx.src(node)))


# --------------------------------------------------------------------------- NAT and route-maps


def parse_ip_nat(ctx: IosContext, node: Node) -> None:
    """``ip nat inside|outside source list|route-map|static ...`` in configuration order."""
    words = node.words
    low = [w.lower() for w in words]
    if len(low) < 5 or low[3] != "source" or low[2] not in ("inside", "outside"):
        return  # ip nat pool / translation timeouts / service: not VPN rules
    side = low[2]
    kind_word = low[4]
    order = len(ctx.nat_rules)
    src = ctx.src(node)
    prefix = "ios" if side == "inside" else "ios-outside"
    if kind_word in ("list", "route-map") and len(words) > 5:
        target = None
        if "interface" in low[6:]:
            at = low.index("interface", 6)
            target = _interface_arg(words, at + 1)
        elif "pool" in low[6:]:
            at = low.index("pool", 6)
            target = words[at + 1] if at + 1 < len(words) else None
        if target is None:
            ctx.problem(node, "ip nat: no interface or pool after the ACL/route-map, rule kept without a target")
        ctx.nat_rules.append(
            NatRule(
                f"{prefix}-{'list' if kind_word == 'list' else 'route-map'}",
                order,
                acl=words[5] if kind_word == "list" else None,
                route_map=words[5] if kind_word == "route-map" else None,
                pool_or_interface=target,
                overload="overload" in low,
                real_interface=None,
                source=src,
            )
        )
        return
    if kind_word == "static":
        _static_nat(ctx, node, words, low, order, prefix)
        return
    ctx.unrecognised(node, "ip nat")


def _static_nat(ctx: IosContext, node: Node, words: list[str], low: list[str], order: int, prefix: str) -> None:
    args = words[5:]
    largs = low[5:]
    service: tuple[str, ...] = ()
    network_mask = None
    if largs[:1] in (["tcp"], ["udp"]):
        service = (largs[0],)
        args, largs = args[1:], largs[1:]
    elif largs[:1] == ["network"]:
        args, largs = args[1:], largs[1:]
        network_mask = next((a for a in args[2:] if parse_ip(a) or a.startswith("/")), None)
    addresses = [a for a in args if parse_ip(a) is not None]
    if len(addresses) < 2:
        ctx.unrecognised(node, "ip nat static")
        return
    if service:
        ports = [a for a in args if a.isdecimal()]
        service = service + tuple(ports[:2])
    local, glob = addresses[0], addresses[1]
    prefix_len = 32
    if network_mask:
        prefix_len = int(network_mask[1:]) if network_mask.startswith("/") else (mask_to_prefix(network_mask) or 32)
    real = IPv4Network(f"{local}/{prefix_len}", strict=False)
    mapped = IPv4Network(f"{glob}/{prefix_len}", strict=False)
    route_map = args[args.index("route-map") + 1] if "route-map" in args[:-1] else None
    ctx.nat_rules.append(
        NatRule(
            f"{prefix}-static", order, static=True, real_source=(real,), mapped_source=(mapped,),
            service=service, route_map=route_map, identity=real == mapped, source=ctx.src(node),
        )
    )


def parse_route_map(ctx: IosContext, node: Node) -> None:
    """``route-map NAME [permit|deny] [SEQ]`` with ``match ip address A B``."""
    words = node.words
    if len(words) < 2:
        return
    name = words[1]
    action = "permit"
    seq = 10
    for word in words[2:]:
        if word.lower() in ("permit", "deny"):
            action = word.lower()
        elif word.isdecimal():
            seq = int(word)
    entries = ctx.route_maps.setdefault(name, {})
    ctx.route_map_sources.setdefault(name, ctx.src(node))
    acls: list[str] = list(entries[seq].match_acls) if seq in entries else []
    for child in node.children:
        cw = child.words
        low = [w.lower() for w in cw]
        if low[:3] == ["match", "ip", "address"] and len(cw) > 3 and low[3] != "prefix-list":
            acls.extend(cw[3:])
    entries[seq] = RouteMapEntry(seq, action, tuple(acls), ctx.src(node))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- pools and AAA


def parse_local_pool(ctx: IosContext, node: Node) -> None:
    """``ip local pool NAME first [last] [group G]``."""
    words = node.words
    if len(words) < 5:
        ctx.unrecognised(node, "ip local pool")
        return
    first = parse_ip(words[4])
    last = parse_ip(words[5]) if len(words) > 5 else first
    if first is None or last is None:
        ctx.problem(node, "ip local pool: addresses are not IPv4 addresses, ignored")
        return
    if int(last) < int(first):
        # the router refuses a range that ends before it starts: no such pool exists on the device
        ctx.problem(node, f"ip local pool {words[3]}: {last} is below {first}, pool ignored")
        return
    ctx.pools[words[3]] = AddressPool(words[3], first, last, source=ctx.src(node))


def parse_legacy_aaa_host(ctx: IosContext, node: Node) -> None:
    """``radius-server host H [...] [timeout N]`` / ``tacacs-server host H [...]``."""
    words = node.words
    low = [w.lower() for w in words]
    if len(words) < 3 or low[1] != "host":
        return
    protocol = "radius" if low[0] == "radius-server" else "tacacs+"
    timeout = int_or_none(low[low.index("timeout") + 1]) if "timeout" in low[:-1] else None
    ctx.aaa_servers.append(AaaServer(protocol, protocol, words[2], timeout=timeout, source=ctx.src(node)))


def parse_named_aaa_server(ctx: IosContext, node: Node) -> None:
    """``radius server NAME`` / ``tacacs server NAME`` with ``address ipv4 H`` and ``timeout N``."""
    words = node.words
    if len(words) < 3:
        return
    protocol = "radius" if words[0].lower() == "radius" else "tacacs+"
    host = None
    timeout = None
    for child in node.children:
        low = [w.lower() for w in child.words]
        if low[:1] == ["address"] and len(low) > 2:
            host = child.words[2]
        elif low[:1] == ["timeout"] and len(low) > 1:
            timeout = int_or_none(low[1])
    ctx.aaa_servers.append(AaaServer(words[2], protocol, host, timeout=timeout, source=ctx.src(node)))


def parse_aaa_group(ctx: IosContext, node: Node) -> None:
    """``aaa group server radius|tacacs+ G`` with ``server H`` / ``server name N``."""
    words = node.words
    if len(words) < 5 or words[1].lower() != "group":
        return
    protocol = words[3].lower()
    for child in node.children:
        cw = child.words
        low = [w.lower() for w in cw]
        if low[0] == "server" and len(cw) > 1:
            host = cw[2] if low[1] == "name" and len(cw) > 2 else cw[1]
            ctx.aaa_servers.append(AaaServer(words[4], protocol, host, source=ctx.src(child)))


def finish_routing(ctx: IosContext) -> dict[str, Any]:
    route_maps = {
        name: RouteMap(name, tuple(entries[seq] for seq in sorted(entries)), ctx.route_map_sources[name])
        for name, entries in ctx.route_maps.items()
    }
    return {
        "nat_rules": tuple(ctx.nat_rules),
        "route_maps": frozen_map(route_maps),
        "routes": tuple(ctx.routes),
        "dynamic_routing": tuple(ctx.dynamic_routing),
        "pools": frozen_map(ctx.pools),
        "aaa_servers": tuple(ctx.aaa_servers),
    }
