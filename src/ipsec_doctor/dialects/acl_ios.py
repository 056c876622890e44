"""IOS access lists and object-groups → :class:`AccessList` / :class:`ObjectGroup`.

Numbered lists (``access-list N ...``) and named ones (``ip access-list
standard|extended NAME``) are collected while the tree is walked and turned
into entries at the end, once every ``object-group`` is known (a CLI script
may define a group after the ACL that uses it).

Addresses use IOS wildcard masks; a non-contiguous wildcard (``0.0.255.0``)
cannot be expressed as a network, so its entry is reported and skipped rather
than silently widened.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network
from typing import Any

from ..model import (
    ANY4,
    NO_SOURCE,
    SERVICE_IP,
    AccessList,
    AclEntry,
    IPNetwork,
    ObjectGroup,
    PortRanges,
    Service,
    Source,
)
from .common import PORT_OPERATORS, normalise_protocol, port_number, port_ranges, range_to_networks
from .ios_context import IosContext, host_network, network_from_mask, parse_ip
from .tree import Node

_STANDARD_RANGES = ((1, 99), (1300, 1999))
_EXTENDED_RANGES = ((100, 199), (2000, 2699))
_PORTED = frozenset({"tcp", "udp", "tcp-udp", "sctp"})

# Trailing ACE keywords that do not change which addresses/ports an entry matches
# (or that we deliberately do not model), with how many arguments each takes.
_OPTIONS: dict[str, int] = {
    "log": 0, "log-input": 0, "established": 0, "fragments": 0, "dscp": 1, "precedence": 1, "tos": 1,
    "time-range": 1, "reflect": 1, "option": 1, "ack": 0, "syn": 0, "fin": 0, "psh": 0, "rst": 0, "urg": 0,
    "match-any": 0, "match-all": 0, "+ack": 0, "+syn": 0, "+fin": 0, "+psh": 0, "+rst": 0, "+urg": 0,
    "-ack": 0, "-syn": 0, "-fin": 0, "-psh": 0, "-rst": 0, "-urg": 0, "timeout": 1,
}


def acl_kind_for_number(number: int) -> str | None:
    """``standard`` / ``extended`` for an IPv4 numbered ACL, None for other families (MAC, XNS...)."""
    for low, high in _STANDARD_RANGES:
        if low <= number <= high:
            return "standard"
    for low, high in _EXTENDED_RANGES:
        if low <= number <= high:
            return "extended"
    return None


def _acl(ctx: IosContext, name: str, kind: str, node: Node) -> dict[str, Any]:
    acl = ctx.acls.get(name)
    if acl is None:
        acl = {"kind": kind, "lines": [], "source": ctx.src(node)}
        ctx.acls[name] = acl
    return acl


def parse_numbered_acl(ctx: IosContext, node: Node) -> None:
    """``access-list N permit|deny|remark ...`` (IPv4 standard and extended ranges only)."""
    words = node.words
    if len(words) < 3 or not words[1].isdecimal():
        return
    kind = acl_kind_for_number(int(words[1]))
    if kind is None:
        return  # another protocol family's numbered list: unrelated to IPsec
    acl = _acl(ctx, words[1], kind, node)
    rest = words[2:]
    if rest[0].lower() == "remark":
        return
    if rest[0].lower() == "dynamic":
        ctx.problem(node, "dynamic (lock-and-key) access-list entry is not modelled, ignored")
        return
    acl["lines"].append((node, rest))


def parse_named_acl(ctx: IosContext, node: Node) -> None:
    """``ip access-list standard|extended NAME`` and its entries (with optional sequence numbers)."""
    words = node.words
    if len(words) < 4 or words[2].lower() not in ("standard", "extended"):
        if len(words) >= 3 and words[2].lower() in ("logging", "resequence", "log-update", "role-based"):
            return
        ctx.unrecognised(node, "ip access-list")
        return
    acl = _acl(ctx, words[3], words[2].lower(), node)
    for child in node.children:
        cw = child.words
        if not cw:
            continue
        head = cw[0].lower()
        if head == "remark" or (head.isdecimal() and len(cw) > 1 and cw[1].lower() == "remark"):
            continue
        if head in ("permit", "deny") or (head.isdecimal() and len(cw) > 1 and cw[1].lower() in ("permit", "deny")):
            acl["lines"].append((child, cw))
            continue
        ctx.unrecognised(child, "ip access-list")


def parse_object_group(ctx: IosContext, node: Node) -> None:
    """``object-group network|service NAME``: members kept raw, resolved in :func:`finish_acls`."""
    words = node.words
    if len(words) < 3:
        ctx.unrecognised(node, "object-group")
        return
    kind = words[1].lower()
    if kind not in ("network", "service"):
        return
    group = ctx.object_groups.setdefault(words[2], {"kind": kind, "members": [], "source": ctx.src(node)})
    group["members"].extend(node.children)


# --------------------------------------------------------------------------- resolution


class _Groups:
    """Resolves object-groups lazily (nested ``group-object`` flattened, loops cut)."""

    def __init__(self, ctx: IosContext) -> None:
        self.ctx = ctx
        self.resolved: dict[str, ObjectGroup] = {}
        self._busy: set[str] = set()

    def get(self, name: str) -> ObjectGroup | None:
        if name in self.resolved:
            return self.resolved[name]
        raw = self.ctx.object_groups.get(name)
        if raw is None or name in self._busy:
            return None
        self._busy.add(name)
        networks: list[IPNetwork] = []
        services: list[Service] = []
        for member in raw["members"]:
            self._member(raw["kind"], member, networks, services)
        self._busy.discard(name)
        group = ObjectGroup(
            name, raw["kind"], networks=tuple(networks), services=tuple(services), source=raw["source"]
        )
        self.resolved[name] = group
        return group

    def _member(self, kind: str, node: Node, networks: list[IPNetwork], services: list[Service]) -> None:
        words = node.words
        head = words[0].lower()
        if head == "description":
            return
        if head == "group-object" and len(words) > 1:
            nested = self.get(words[1])
            if nested is None:
                self.ctx.problem(node, f"object-group {words[1]} is not defined")
                return
            networks.extend(nested.networks)
            services.extend(nested.services)
            return
        if kind == "network":
            nets = _group_network(words)
            if nets is None:
                self.ctx.unrecognised(node, "object-group network")
            else:
                networks.extend(nets)
            return
        service = _group_service(words)
        if service is None:
            self.ctx.unrecognised(node, "object-group service")
        else:
            services.append(service)


def _group_network(words: list[str]) -> tuple[IPNetwork, ...] | None:
    head = words[0].lower()
    if head == "any":
        return (ANY4,)
    if head == "host" and len(words) > 1 and parse_ip(words[1]):
        return (IPv4Network(f"{words[1]}/32"),)
    if head == "range" and len(words) > 2:
        return range_to_networks(words[1], words[2]) or None
    if parse_ip(words[0]):
        if len(words) == 1:
            return (IPv4Network(f"{words[0]}/32"),)
        net = network_from_mask(words[0], words[1])  # IOS object-groups take a netmask
        return (net,) if net else None
    if "/" in words[0]:
        try:
            return (IPv4Network(words[0], strict=False),)
        except ValueError:
            return None
    return None


def _group_service(words: list[str]) -> Service | None:
    protocol = normalise_protocol(words[0])
    rest = words[1:]
    if not rest:
        return Service(protocol) if protocol != "ip" else SERVICE_IP
    if protocol not in _PORTED:
        return Service(protocol)  # icmp type names and the like: the protocol is what matters here
    src_ports: PortRanges | None = None
    dst_ports: PortRanges | None = None
    which = "dst"
    i = 0
    while i < len(rest):
        token = rest[i].lower()
        if token == "source":
            which = "src"
            i += 1
            continue
        if token == "destination":
            which = "dst"
            i += 1
            continue
        if token in PORT_OPERATORS and i + 1 < len(rest):
            count = 2 if token == "range" else 1
            ranges = port_ranges(token, rest[i + 1 : i + 1 + count])
            if ranges is None:
                return None
            if which == "src":
                src_ports = ranges
            else:
                dst_ports = ranges
            i += 1 + count
            which = "dst"
            continue
        return None
    return Service(protocol, src_ports, dst_ports)


_ANY: tuple[IPNetwork, ...] = (ANY4,)
_SERVICES_IP: tuple[Service, ...] = (SERVICE_IP,)


def _address(tokens: list[str], i: int, groups: _Groups) -> tuple[tuple[IPNetwork, ...] | None, int, str | None]:
    """Read one ACL address spec at ``tokens[i]``: (networks, next index, error)."""
    if i >= len(tokens):
        return None, i, "address missing"
    raw = tokens[i]
    # a dotted quad starts with a digit; only keywords need lower-casing
    if raw[:1].isdecimal():
        if parse_ip(raw) is not None:
            if i + 1 < len(tokens) and parse_ip(tokens[i + 1]) is not None:
                net = network_from_mask(raw, tokens[i + 1], True)
                if net is None:
                    return None, i + 2, f"non-contiguous wildcard {tokens[i + 1]} cannot be modelled"
                return (net,), i + 2, None
            host = host_network(raw)
            if host is not None:
                return (host,), i + 1, None
        return None, i + 1, f"unrecognised address {raw!r}"
    token = raw.lower()
    if token == "any":
        return _ANY, i + 1, None
    if token == "host" and i + 1 < len(tokens):
        host = host_network(tokens[i + 1])
        if host is None:
            return None, i + 2, f"host {tokens[i + 1]} is not an IPv4 address"
        return (host,), i + 2, None
    if token in ("object-group", "addrgroup") and i + 1 < len(tokens):
        group = groups.get(tokens[i + 1])
        if group is None:
            return None, i + 2, f"object-group {tokens[i + 1]} is not defined"
        return group.networks, i + 2, None
    return None, i + 1, f"unrecognised address {raw!r}"


@lru_cache(maxsize=4096)
def _port_ranges(op: str, args: tuple[str, ...]) -> PortRanges | None:
    """Memoised :func:`port_ranges` (the result is an immutable tuple)."""
    return port_ranges(op, list(args))


# An ACE's services repeat (`tcp eq 443`, `esp`...): equal frozen values are shared.
_service = lru_cache(maxsize=4096)(Service)


@lru_cache(maxsize=256)
def _protocol_services(protocol: str) -> tuple[Service, ...]:
    return (Service(protocol),)


def _ports(tokens: list[str], i: int) -> tuple[PortRanges | None, int, str | None]:
    if i >= len(tokens):
        return None, i, None
    op = tokens[i].lower()
    if op not in PORT_OPERATORS:
        return None, i, None
    if op == "range":
        args = tokens[i + 1 : i + 3]
    elif op == "eq":
        # IOS-XE accepts several ports after `eq`
        args = []
        j = i + 1
        while j < len(tokens) and port_number(tokens[j]) is not None:
            args.append(tokens[j])
            j += 1
        args = args or tokens[i + 1 : i + 2]
    else:
        args = tokens[i + 1 : i + 2]
    ranges = _port_ranges(op, tuple(args))
    if ranges is None:
        return None, i + 1 + len(args), f"unrecognised port {' '.join(args)!r}"
    return ranges, i + 1 + len(args), None


def parse_ace(
    tokens: list[str], kind: str, groups: _Groups, source: Source = NO_SOURCE
) -> tuple[AclEntry | None, str | None]:
    """One ACE (carrying ``source``) or the reason it cannot be used."""
    sequence = None
    if tokens and tokens[0].isdecimal():
        sequence = int(tokens[0])
        tokens = tokens[1:]
    action = tokens[0].lower() if tokens else ""
    if action != "permit" and action != "deny":
        return None, "unrecognised access-list entry"
    if kind == "standard":
        nets, i, error = _address(tokens, 1, groups) if len(tokens) > 1 else (None, 1, "address missing")
        if error or nets is None:
            return None, error
        if i < len(tokens) and tokens[i].lower() not in ("log", "log-input"):
            return None, f"unrecognised standard access-list option {tokens[i]!r}"
        return AclEntry(action, _SERVICES_IP, nets, _ANY, sequence=sequence, source=source), None  # type: ignore[arg-type]
    if len(tokens) < 4:
        return None, "extended access-list entry is incomplete"
    services: tuple[Service, ...]
    proto_token = tokens[1].lower()
    i = 2
    protocol = "ip"
    if proto_token == "object-group":
        group = groups.get(tokens[2])
        if group is None:
            return None, f"object-group {tokens[2]} is not defined"
        services = group.services
        i = 3
    else:
        protocol = normalise_protocol(proto_token)
        services = _SERVICES_IP if protocol == "ip" else _protocol_services(protocol)
    sources, i, error = _address(tokens, i, groups)
    if error or sources is None:
        return None, error
    src_ports, i, error = _ports(tokens, i) if protocol in _PORTED else (None, i, None)
    if error:
        return None, error
    destinations, i, error = _address(tokens, i, groups)
    if error or destinations is None:
        return None, error
    dst_ports, i, error = _ports(tokens, i) if protocol in _PORTED else (None, i, None)
    if error:
        return None, error
    if src_ports is not None or dst_ports is not None:
        services = (_service(protocol, src_ports, dst_ports),)
    while i < len(tokens):
        word = tokens[i].lower()
        if word in _OPTIONS:
            i += 1 + _OPTIONS[word]
            continue
        if protocol in ("icmp", "igmp", "icmp6"):
            i += 1  # message type names / numbers
            continue
        return None, f"unrecognised access-list option {tokens[i]!r}"
    return AclEntry(action, services, sources, destinations, sequence=sequence, source=source), None  # type: ignore[arg-type]


def finish_acls(ctx: IosContext) -> tuple[dict[str, AccessList], dict[str, ObjectGroup]]:
    """Turn the collected lines into :class:`AccessList` values (bad entries reported, skipped)."""
    groups = _Groups(ctx)
    for name in ctx.object_groups:
        groups.get(name)
    acls: dict[str, AccessList] = {}
    for name, raw in ctx.acls.items():
        entries: list[AclEntry] = []
        for node, tokens in raw["lines"]:
            entry, error = parse_ace(tokens, raw["kind"], groups, ctx.src(node))
            if entry is None:
                ctx.problem(node, f"access-list {name}: {error or 'unrecognised entry'}, entry skipped")
                continue
            entries.append(entry)
        if any(e.sequence is not None for e in entries) and all(e.sequence is not None for e in entries):
            entries.sort(key=lambda e: e.sequence or 0)
        acls[name] = AccessList(name, raw["kind"], tuple(entries), raw["source"])
    return acls, groups.resolved

