"""Shared pieces of the NAT, routing and firewall checks: fix builders and interface roles.

Fix commands are built from the snapshot's own names (ACLs, objects, pools,
interfaces) so that they can be pasted; where the device has no usable name
a new one is derived from the addresses.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, summarize_address_range

from ..findings import Evidence
from ..fixes import is_asa_83
from ..knowledge import kb
from ..model import AccessList, AddressPool, Device, Interface, IPNetwork, Platform, Source

CLEAR_XLATE_ASA = "After the change, existing translations stay until cleared: `clear xlate` (scope it, e.g. `clear xlate local <ip>`) interrupts the connections that use them."
CLEAR_XLATE_IOS = "Existing translations stay until they expire or are cleared with `clear ip nat translation *`, which interrupts the connections that use them."


def kb_caution(catalog_id: str) -> str | None:
    """The knowledge base's caution for ``catalog_id`` (None when it has none)."""
    return kb.entry(catalog_id).caution


def nat_caution(device: Device) -> str:
    return CLEAR_XLATE_IOS if device.platform is Platform.IOS else CLEAR_XLATE_ASA


def evidence(*sources: Source | None) -> tuple[Evidence, ...]:
    """Evidence lines, without empty sources or duplicates, in the given order."""
    out: list[Evidence] = []
    for s in sources:
        if s is None or s.line <= 0:
            continue
        ev = Evidence.of(s)
        if ev not in out:
            out.append(ev)
    return tuple(out)


# --------------------------------------------------------------------------- addresses


def net_mask(net: IPNetwork) -> str:
    """``A.B.C.D M.M.M.M`` (ASA/PIX and IOS route syntax); ``host A`` is not used here."""
    return f"{net.network_address} {net.netmask}"


def net_wildcard(net: IPNetwork) -> str:
    """IOS ACL syntax: ``host A`` for a /32, else ``A.B.C.D W.W.W.W``."""
    if net.prefixlen == net.max_prefixlen:
        return f"host {net.network_address}"
    if net.prefixlen == 0:
        return "any"
    return f"{net.network_address} {net.hostmask}"


def asa_net(net: IPNetwork) -> str:
    """ASA ACL syntax: ``host A``, ``any`` or ``A.B.C.D M.M.M.M``."""
    if net.prefixlen == net.max_prefixlen:
        return f"host {net.network_address}"
    if net.prefixlen == 0:
        return "any"
    return net_mask(net)


def pool_networks(pool: AddressPool) -> list[IPNetwork]:
    """The networks an address pool hands out: the range with its mask, or the range itself."""
    if pool.mask is not None and pool.first.version == 4:
        from ipaddress import ip_network

        net = ip_network(f"{pool.first}/{pool.mask}", strict=False)
        return [net]
    return list(summarize_address_range(pool.first, pool.last))  # type: ignore[arg-type]


def pool_span(pool: AddressPool) -> IPNetwork:
    """The smallest single network covering the pool (for object/ACL lines in fixes)."""
    nets = pool_networks(pool)
    if len(nets) == 1:
        return nets[0]
    first = nets[0]
    span = first
    while not all(n.subnet_of(span) for n in nets):  # type: ignore[arg-type]
        span = span.supernet()
    return span


# --------------------------------------------------------------------------- interface roles


def is_inside(itf: Interface) -> bool:
    return (itf.nameif or "").lower() == "inside" or itf.security_level == 100


def is_dmz(itf: Interface) -> bool:
    """A DMZ: security level strictly between 0 and 100, or a nameif mentioning dmz."""
    if "dmz" in (itf.nameif or "").lower():
        return True
    return itf.security_level is not None and 0 < itf.security_level < 100


def crypto_interfaces(device: Device) -> set[str]:
    from ..natsim import bound_entries

    return {itf for itf, _ in bound_entries(device)}


# --------------------------------------------------------------------------- ACL edits


def ios_acl_insert(acl: AccessList | None, name: str, lines: Iterable[str]) -> list[str]:
    """Insert ``lines`` at the top of an IOS ACL, with sequence numbers below its first line.

    IOS 12.3+ edits numbered ACLs through ``ip access-list extended N`` too,
    which is the only way to put a line *above* existing ones.
    """
    body = list(lines)
    first = 10
    if acl is not None and acl.entries:
        seq = acl.entries[0].sequence
        first = seq if seq is not None else 10
    kind = "standard" if acl is not None and acl.kind == "standard" else "extended"
    step = first // (len(body) + 1)
    if step == 0 or step * len(body) >= first:
        # No room below the first line: renumber, then use the gaps.
        return [f"ip access-list resequence {name} 100 10", f"ip access-list {kind} {name}"] + [
            f" {n + 1} {line}" for n, line in enumerate(body)
        ]
    return [f"ip access-list {kind} {name}"] + [f" {step * (n + 1)} {line}" for n, line in enumerate(body)]


def asa_acl_line(device: Device, name: str, body: str, *, line: int | None = None) -> str:
    """One ASA/PIX ``access-list`` line (PIX 6 has no ``extended`` keyword nor line numbers)."""
    if device.platform is Platform.PIX6:
        return f"access-list {name} {body}"
    where = f" line {line}" if line is not None else ""
    return f"access-list {name}{where} extended {body}"


def object_for(device: Device, net: IPNetwork) -> str | None:
    """An existing ``object network`` whose value is exactly ``net``."""
    for name, obj in device.network_objects.items():
        if tuple(obj.networks) == (net,):
            return name
    return None


def new_object_name(net: IPNetwork, hint: str | None = None) -> str:
    if hint:
        return f"obj-{hint}"
    return f"NET-{str(net.network_address).replace('.', '_').replace(':', '_')}-{net.prefixlen}"


def object_lines(device: Device, net: IPNetwork, hint: str | None = None) -> tuple[str, list[str]]:
    """(object name, commands creating it when it does not exist yet)."""
    existing = object_for(device, net)
    if existing:
        return existing, []
    name = new_object_name(net, hint)
    if net.prefixlen == net.max_prefixlen:
        return name, [f"object network {name}", f" host {net.network_address}"]
    return name, [f"object network {name}", f" subnet {net_mask(net)}"]


def twice_nat_identity(device: Device, real_if: str, mapped_if: str, local: IPNetwork, remote: IPNetwork,
                       local_hint: str | None = None, remote_hint: str | None = None,
                       flags: str = " no-proxy-arp route-lookup") -> list[str]:
    """ASA ≥ 8.3 identity twice NAT (exemption) with objects named after the config."""
    lname, lcmds = object_lines(device, local, local_hint)
    rname, rcmds = object_lines(device, remote, remote_hint)
    return lcmds + rcmds + [
        f"nat ({real_if},{mapped_if}) 1 source static {lname} {lname} destination static {rname} {rname}{flags}"
    ]


def legacy_nat0_acls(device: Device, interface: str) -> list[str]:
    """Names of the ACLs bound by ``nat (interface) 0 access-list`` (ASA < 8.3, PIX)."""
    return [r.acl for r in device.nat_rules
            if r.kind == "asa-nat0" and r.acl and (r.real_interface or "").lower() == interface.lower()]


def legacy_exemption(device: Device, interface: str, pairs: Iterable[tuple[IPNetwork, IPNetwork]],
                     default_name: str) -> list[str]:
    """ASA < 8.3 / PIX 6: add the pairs to the interface's ``nat 0`` ACL (binding it when new)."""
    bound = legacy_nat0_acls(device, interface)
    name = bound[0] if bound else default_name
    cmds = [asa_acl_line(device, name, f"permit ip {asa_net(a)} {asa_net(b)}") for a, b in pairs]
    if not bound:
        cmds.append(f"nat ({interface}) 0 access-list {name}")
    return cmds


def exemption_commands(device: Device, inside: str, outside: str,
                       pairs: list[tuple[IPNetwork, IPNetwork]]) -> list[str]:
    """An exemption for every (local, remote) pair in the device's NAT generation (ASA/PIX)."""
    if is_asa_83(device):
        cmds: list[str] = []
        for local, remote in pairs:
            for line in twice_nat_identity(device, inside, outside, local, remote):
                if line not in cmds or not line.startswith(("object", " ")):
                    cmds.append(line)
        return cmds
    return legacy_exemption(device, inside, pairs, f"{inside}_nat0_outbound")


def is_v4(net: IPNetwork) -> bool:
    return isinstance(net, IPv4Network)


def ios_nat_acls(device: Device, pieces: Iterable[object]) -> list[str]:
    """The IOS NAT ACLs that decided ``pieces`` (list rules, or the ACL of the matching route-map entry)."""
    names: dict[str, None] = {}
    for piece in pieces:
        rule = getattr(piece, "rule", None)
        if rule is None:
            continue
        if rule.kind == "ios-list" and rule.acl:
            names[rule.acl] = None
        elif rule.kind == "ios-route-map" and rule.route_map:
            rmap = device.route_maps.get(rule.route_map)
            for e in rmap.entries if rmap else ():
                if e.source == getattr(piece, "source", None) and e.match_acls:
                    names[e.match_acls[0]] = None
    return list(names)
