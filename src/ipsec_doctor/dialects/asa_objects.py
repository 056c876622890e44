"""ASA/PIX names, objects and object-groups, and resolving them where they are used.

``name``/``object network``/``object-group`` definitions are collected in a
first pass so that a reference resolves whatever the order of the file; the
groups are flattened lazily (nesting through ``group-object``), with a guard
against loops.  :func:`read_address` is the single reader of an address
operand (``host A``, ``A M``, ``any``, ``object N``, ``object-group G``,
``interface IF``) for ACLs, NAT and routes.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network

from ..model import (
    ANY4,
    IPAddress,
    IPNetwork,
    NetworkObject,
    ObjectGroup,
    PortRanges,
    Service,
    ServiceObject,
)
from .asa_context import Builder, RawGroup
from .common import PORT_OPERATORS, normalise_protocol, port_ranges, range_to_networks
from .tree import Node

ANY6 = ip_network("::/0")
_GROUP_KINDS = {"network": "network", "service": "service", "protocol": "protocol", "icmp-type": "icmp-type",
                "user": "user"}
_QUIET_MEMBERS = frozenset({"description"})


# --------------------------------------------------------------------------- names


def handle_name(b: Builder, node: Node, words: list[str]) -> None:
    """``name A N [description ...]`` (PIX and ASA ``names``)."""
    if len(words) < 3:
        b.unrecognised(node, "name")
        return
    addr = lenient_ip(words[1])
    if addr is None:
        # sanitised files print `name xxx.xxx.45.196 MAIL-PUB`: the name exists, its address is unknown
        b.masked_names.add(words[2])
        b.names[words[2]] = NetworkObject(words[2], (), kind="name", source=b.src(node))
        b.problem(node, f"name {words[2]}: {words[1]} is not an IP address; references to it stay unresolved")
        return
    b.names[words[2]] = NetworkObject(words[2], (ip_network(addr),), kind="name", source=b.src(node))


def lenient_ip(token: str) -> IPAddress | None:
    """An address, tolerating the leading zeros (``09.194.230.62``) some sanitised files contain."""
    addr = parse_address(token)
    if addr is not None:
        return addr
    parts = token.split(".")
    if len(parts) == 4 and all(p.isdecimal() for p in parts):
        try:
            return ip_address(".".join(str(int(p)) for p in parts))
        except ValueError:
            return None
    return None


_MASK_PREFIX: dict[int, int] = {(0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF: n for n in range(33)}


def _v4_int(token: str) -> int | None:
    """Dotted quad → integer (leading zeros tolerated); a fast path, configs hold thousands of them."""
    parts = token.split(".")
    if len(parts) != 4:
        return None
    a, b, c, d = parts
    # isascii: str.isdecimal() also accepts digits such as "²" that int() rejects
    if not (a.isdecimal() and b.isdecimal() and c.isdecimal() and d.isdecimal()
            and len(a) < 4 and len(b) < 4 and len(c) < 4 and len(d) < 4 and token.isascii()):
        return None
    w, x, y, z = int(a), int(b), int(c), int(d)
    if w > 255 or x > 255 or y > 255 or z > 255:
        return None
    return (w << 24) | (x << 16) | (y << 8) | z


def _strict_v4_int(token: str) -> int | None:
    """The integer of a dotted quad exactly as ``ipaddress`` accepts it (no leading zeros), else None."""
    parts = token.split(".")
    if len(parts) != 4 or not token.isascii():
        return None
    value = 0
    for part in parts:
        if not part.isdecimal() or len(part) > 3 or (part[0] == "0" and len(part) > 1):
            return None
        octet = int(part)
        if octet > 255:
            return None
        value = (value << 8) | octet
    return value


def parse_address(token: str) -> IPAddress | None:
    """``ipaddress.ip_address(token)``, or None where it would raise; dotted quads skip its slow path."""
    value = _strict_v4_int(token)
    if value is not None:
        return IPv4Address(value)
    try:
        return ip_address(token)
    except ValueError:
        return None


# The 33 contiguous masks as printed (``255.255.255.0``) → (mask, prefix): no parsing for them.
_MASK_TEXT: dict[str, tuple[int, int]] = {str(IPv4Address(m)): (m, n) for m, n in _MASK_PREFIX.items()}


@lru_cache(maxsize=65536)
def v4_network(addr: str, mask: str) -> IPv4Network | None:
    """``10.0.0.0`` + ``255.0.0.0`` → 10.0.0.0/8 (host bits cleared); None when not an address/contiguous mask."""
    known = _MASK_TEXT.get(mask)
    if known is None:
        m = _v4_int(mask)  # leading zeros (``255.255.255.000``) or not a contiguous mask
        prefix = _MASK_PREFIX.get(m) if m is not None else None
        if m is None or prefix is None:
            return None
    else:
        m, prefix = known
    a = _v4_int(addr)
    if a is None:
        return None
    return IPv4Network((a & m, prefix))


@lru_cache(maxsize=65536)
def _host_network(token: str) -> IPNetwork | None:
    a = _v4_int(token)
    if a is not None:
        return IPv4Network((a, 32))
    addr = lenient_ip(token) if ":" in token else None
    return ip_network(addr) if addr is not None else None


def masked_network(b: Builder, addr: str, mask: str) -> IPNetwork | None:
    """``A M`` where ``A`` may be a ``name``."""
    direct = v4_network(addr, mask)
    if direct is not None:
        return direct
    named = b.names.get(addr)
    if named is None or not named.networks or named.networks[0].version != 4:
        return None
    return v4_network(str(named.networks[0].network_address), mask)


def name_or_host(b: Builder, token: str) -> IPNetwork | None:
    """An address token that may be a ``name``: → a host network (None when neither)."""
    net = _host_network(token)
    if net is not None:
        return net
    named = b.names.get(token)
    if named is not None and named.networks:
        return named.networks[0]
    return None


_masked = masked_network


# --------------------------------------------------------------------------- object network / service


def handle_object(b: Builder, node: Node, words: list[str]) -> None:
    """``object network N`` / ``object service N`` blocks (NAT lines inside are read by asa_nat)."""
    if len(words) < 3:
        b.unrecognised(node, "object")
        return
    kind, name = words[1].lower(), words[2]
    if kind == "network":
        _object_network(b, node, name)
    elif kind == "service":
        _object_service(b, node, name)
    else:
        b.unrecognised(node, "object")


def _object_network(b: Builder, node: Node, name: str) -> None:
    networks: tuple[IPNetwork, ...] = ()
    fqdn: str | None = None
    kind = "unknown"
    defines = False
    for child in node.children:
        cw = child.words
        head = cw[0].lower()
        if head in ("nat", "description"):
            continue  # object NAT is read in the NAT pass
        defines = True
        if head == "host" and len(cw) >= 2 and (net := _host_network(cw[1])) is not None:
            networks, kind = (net,), "host"
        elif head == "subnet" and len(cw) >= 3 and (net4 := v4_network(cw[1], cw[2])) is not None:
            networks, kind = (net4,), "subnet"
        elif head == "subnet" and len(cw) == 2 and "/" in cw[1]:
            try:
                networks, kind = (ip_network(cw[1], strict=False),), "subnet"
            except ValueError:
                b.unrecognised(child, "object network")
        elif head == "range" and len(cw) >= 3 and (nets := range_to_networks(cw[1], cw[2])):
            networks, kind = nets, "range"
        elif head == "fqdn" and len(cw) >= 2:
            fqdn, kind = cw[-1], "fqdn"
        else:
            b.unrecognised(child, "object network")
    if name in b.network_objects and not defines:
        return  # the second `object network N` block that only carries NAT
    b.network_objects[name] = NetworkObject(name, networks, fqdn, kind, b.src(node))  # type: ignore[arg-type]


def _object_service(b: Builder, node: Node, name: str) -> None:
    services: list[Service] = []
    for child in node.children:
        cw = child.words
        if cw[0].lower() == "description":
            continue
        if cw[0].lower() == "service" and len(cw) >= 2:
            svc = parse_service_spec(cw[1:])
            if svc:
                services.extend(svc)
                continue
        b.unrecognised(child, "object service")
    b.service_objects[name] = ServiceObject(name, tuple(services), b.src(node))


def parse_service_spec(words: list[str]) -> list[Service]:
    """``tcp|udp|tcp-udp|ip|icmp|N [source OP P..] [destination OP P..]`` → services (empty if invalid)."""
    if not words:
        return []
    proto = normalise_protocol(words[0])
    src: PortRanges | None = None
    dst: PortRanges | None = None
    i = 1
    while i < len(words):
        which = words[i].lower()
        if which in ("source", "destination") and i + 2 < len(words) + 1 and i + 1 < len(words):
            op = words[i + 1].lower()
            nargs = 2 if op == "range" else 1
            if op not in PORT_OPERATORS:
                return []
            ranges = port_ranges(op, words[i + 2 : i + 2 + nargs])
            if ranges is None:
                return []
            if which == "source":
                src = ranges
            else:
                dst = ranges
            i += 2 + nargs
        elif which in PORT_OPERATORS:  # PIX/early ASA: `service-object tcp eq 80` means destination
            nargs = 2 if which == "range" else 1
            ranges = port_ranges(which, words[i + 1 : i + 1 + nargs])
            if ranges is None:
                return []
            dst = ranges
            i += 1 + nargs
        else:
            i += 1  # icmp type names and other qualifiers do not restrict ports
    protos = ("tcp", "udp") if proto == "tcp-udp" else (proto,)
    return [Service(p, src, dst) for p in protos]


# --------------------------------------------------------------------------- object-groups


def handle_object_group(b: Builder, node: Node, words: list[str]) -> None:
    """Register ``object-group KIND NAME [proto]``; members are flattened on first use."""
    if len(words) < 3:
        b.unrecognised(node, "object-group")
        return
    kind = _GROUP_KINDS.get(words[1].lower(), "other")
    proto = words[3].lower() if len(words) > 3 and kind == "service" else None
    b.raw_groups[words[2]] = RawGroup(words[2], kind, proto, node)


def resolve_group(b: Builder, name: str) -> ObjectGroup | None:
    """The flattened object-group ``name`` (None when not defined)."""
    done = b.groups.get(name)
    if done is not None:
        return done
    raw = b.raw_groups.get(name)
    if raw is None or name in b.resolving:
        return None
    b.resolving.add(name)
    try:
        group = _flatten(b, raw)
    finally:
        b.resolving.discard(name)
    b.groups[name] = group
    return group


def _flatten(b: Builder, raw: RawGroup) -> ObjectGroup:
    networks: list[IPNetwork] = []
    services: list[Service] = []
    protocols: list[str] = []
    ports: list[tuple[int, int]] = []
    for child in raw.node.children:
        cw = child.words
        head = cw[0].lower()
        if head in _QUIET_MEMBERS:
            continue
        if head == "group-object" and len(cw) >= 2:
            sub = resolve_group(b, cw[1])
            if sub is None:
                b.problem(child, f"object-group {cw[1]} referenced by {raw.name} is not defined")
                continue
            networks.extend(sub.networks)
            services.extend(sub.services)
            protocols.extend(sub.protocols)
            ports.extend(sub.ports)
        elif head == "network-object" and len(cw) >= 2:
            nets = _network_member(b, cw[1:])
            if nets is None:
                b.unrecognised(child, "object-group network")
            else:
                networks.extend(nets)
        elif head == "port-object" and len(cw) >= 3:
            op = cw[1].lower()
            ranges = port_ranges(op, cw[2:4] if op == "range" else cw[2:3])
            if ranges is None:
                b.unrecognised(child, "object-group service")
            else:
                ports.extend(ranges)
        elif head == "service-object" and len(cw) >= 2:
            if cw[1].lower() == "object" and len(cw) >= 3:
                obj = b.service_objects.get(cw[2])
                if obj is None:
                    b.problem(child, f"service object {cw[2]} referenced by {raw.name} is not defined")
                else:
                    services.extend(obj.services)
            else:
                svc = parse_service_spec(cw[1:])
                if svc:
                    services.extend(svc)
                else:
                    b.unrecognised(child, "object-group service")
        elif head == "protocol-object" and len(cw) >= 2:
            protocols.append(normalise_protocol(cw[1]))
        elif head == "icmp-object" and len(cw) >= 2:
            protocols.append("icmp")
        elif raw.kind in ("network", "service", "protocol", "icmp-type"):
            b.unrecognised(child, f"object-group {raw.kind}")
    if raw.kind == "service" and raw.proto and ports:
        protos = ("tcp", "udp") if raw.proto == "tcp-udp" else (normalise_protocol(raw.proto),)
        services.extend(Service(p, None, tuple(ports)) for p in protos)
    return ObjectGroup(
        raw.name, raw.kind,  # type: ignore[arg-type]
        _unique_networks(b, networks), tuple(dict.fromkeys(services)), tuple(dict.fromkeys(protocols)),
        tuple(dict.fromkeys(ports)), b.src(raw.node),
    )


def _unique_networks(b: Builder, networks: list[IPNetwork]) -> tuple[IPNetwork, ...]:
    """``tuple(dict.fromkeys(networks))`` without ``ipaddress``'s slow ``__hash__`` on every occurrence.

    Nested groups repeat the same network objects many times; each object's
    exact equality key (version, address, prefix) is computed once per
    section and kept with the object, so its ``id`` cannot be reused.
    """
    keys = b.network_keys
    unique: dict[tuple[int, int, int], IPNetwork] = {}
    for net in networks:
        known = keys.get(id(net))
        if known is None:
            known = keys[id(net)] = (net, (net.version, int(net.network_address), net.prefixlen))
        key = known[1]
        if key not in unique:
            unique[key] = net
    return tuple(unique.values())


def _network_member(b: Builder, words: list[str]) -> tuple[IPNetwork, ...] | None:
    head = words[0].lower()
    if head == "host" and len(words) >= 2:
        net = name_or_host(b, words[1])
        return (net,) if net is not None else None
    if head == "object" and len(words) >= 2:
        obj = b.network_objects.get(words[1])
        return obj.networks if obj is not None else None
    if len(words) >= 2:
        net = _masked(b, words[0], words[1])
        return (net,) if net is not None else None
    if "/" in words[0]:
        try:
            return (ip_network(words[0], strict=False),)
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------- operands


class Operand:
    """Result of reading one address operand: networks, tokens used, unresolved name."""

    __slots__ = ("networks", "unresolved", "used")

    def __init__(self, networks: tuple[IPNetwork, ...], used: int, unresolved: str | None = None) -> None:
        self.networks = networks
        self.used = used
        self.unresolved = unresolved


MISSING_OPERAND = Operand((), 0)  # memo sentinel: "not read yet" (None is a valid result)


def read_address(b: Builder, words: list[str], i: int) -> Operand | None:
    """Read the address operand at ``words[i]``; None when the tokens are not an address.

    An operand depends only on its two tokens and on definitions that the
    first pass completed, so each distinct pair is read once per section
    (ACLs repeat the same objects and hosts thousands of times).
    """
    if i >= len(words):
        return None
    key = (words[i], words[i + 1]) if i + 1 < len(words) else (words[i], None)
    cached = b.operands.get(key, MISSING_OPERAND)
    if cached is MISSING_OPERAND:
        cached = b.operands[key] = _read_address(b, words, i)
    return cached


def _read_address(b: Builder, words: list[str], i: int) -> Operand | None:
    tok = words[i]
    low = tok.lower()
    if low in ("any", "any4"):
        return Operand((ANY4,), 1)
    if low == "any6":
        return Operand((ANY6,), 1)
    if low == "host" and i + 1 < len(words):
        net = name_or_host(b, words[i + 1])
        return Operand((net,), 2) if net is not None else Operand((), 2, words[i + 1])
    if low == "object" and i + 1 < len(words):
        obj = b.network_objects.get(words[i + 1])
        if obj is None:
            return Operand((), 2, words[i + 1])
        return Operand(obj.networks, 2, None if obj.networks else (words[i + 1] if obj.kind != "fqdn" else None))
    if low == "object-group" and i + 1 < len(words):
        grp = resolve_group(b, words[i + 1])
        return Operand(grp.networks, 2) if grp is not None else Operand((), 2, words[i + 1])
    if low == "interface" and i + 1 < len(words):
        fields = b.interface_by_nameif(words[i + 1])
        addrs = fields.get("addresses") if fields else None
        if isinstance(addrs, list) and addrs:
            return Operand((ip_network(addrs[0].ip),), 2)
        if fields is not None:
            # the interface exists but takes its address from DHCP/PPPoE: unknown here, not an error
            b.masked_names.add(f"interface {words[i + 1]}")
        return Operand((), 2, f"interface {words[i + 1]}")
    if "/" in tok and ":" in tok:
        try:
            return Operand((ip_network(tok, strict=False),), 1)
        except ValueError:
            return None
    if i + 1 < len(words) and _looks_like_mask(words[i + 1]):
        net = _masked(b, tok, words[i + 1])
        return Operand((net,), 2) if net is not None else Operand((), 2, tok)
    return None


def _looks_like_mask(token: str) -> bool:
    parts = token.split(".")
    return len(parts) == 4 and parts[0].isdecimal() and parts[1].isdecimal() and parts[2].isdecimal() and parts[3].isdecimal()


def is_host_network(net: IPNetwork) -> bool:
    return net.prefixlen == net.max_prefixlen


def object_or_literal_networks(b: Builder, token: str) -> tuple[tuple[IPNetwork, ...], bool]:
    """A NAT operand (object, object-group, name, address, ``any``) → (networks, resolved)."""
    low = token.lower()
    if low in ("any", "any4"):
        return (ANY4,), True
    if low == "any6":
        return (ANY6,), True
    if low == "interface":
        return (), True
    obj = b.network_objects.get(token)
    if obj is not None:
        return obj.networks, bool(obj.networks) or obj.kind == "fqdn"
    grp = resolve_group(b, token)
    if grp is not None:
        return grp.networks, True
    net = name_or_host(b, token)
    if net is not None:
        return (net,), True
    return (), False


def zero_network() -> IPv4Network:
    return IPv4Network("0.0.0.0/0")
