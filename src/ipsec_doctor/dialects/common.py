"""Facts shared by the dialects: well-known port and protocol names, masks.

Port and protocol keywords are the ones Cisco IOS and ASA accept in access
lists (``eq www``, ``esp``, ``isakmp``...); the numbers are IANA's.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network, ip_address, summarize_address_range

from ..model import IPNetwork, PortRanges

PORT_NAMES: dict[str, int] = {
    "aol": 5190, "bgp": 179, "biff": 512, "bootpc": 68, "bootps": 67, "chargen": 19, "cifs": 3020,
    "citrix-ica": 1494, "cmd": 514, "ctiqbe": 2748, "daytime": 13, "discard": 9, "dnsix": 195, "domain": 53,
    "echo": 7, "exec": 512, "finger": 79, "ftp": 21, "ftp-data": 20, "gopher": 70, "h323": 1720, "hostname": 101,
    "http": 80, "https": 443, "ident": 113, "imap4": 143, "irc": 194, "isakmp": 500, "kerberos": 750,
    "klogin": 543, "kshell": 544, "ldap": 389, "ldaps": 636, "login": 513, "lotusnotes": 1352, "lpd": 515,
    "mobile-ip": 434, "nameserver": 42, "netbios-dgm": 138, "netbios-ns": 137, "netbios-ss": 139,
    "netbios-ssn": 139, "nfs": 2049, "nntp": 119, "ntp": 123, "pcanywhere-data": 5631,
    "pcanywhere-status": 5632, "pim-auto-rp": 496, "pop2": 109, "pop3": 110, "pptp": 1723, "radius": 1645,
    "radius-acct": 1646, "rip": 520, "rsh": 514, "rtsp": 554, "secureid-udp": 5510, "sip": 5060, "smtp": 25,
    "snmp": 161, "snmptrap": 162, "sqlnet": 1521, "ssh": 22, "sunrpc": 111, "syslog": 514, "tacacs": 49,
    "talk": 517, "telnet": 23, "tftp": 69, "time": 37, "uucp": 540, "vxlan": 4789, "who": 513, "whois": 43,
    "www": 80, "xdmcp": 177, "non500-isakmp": 4500, "drip": 3949, "onep-plain": 15001, "onep-tls": 15002,
    "pop3s": 995, "imap4s": 993, "rdp": 3389, "microsoft-ds": 445,
}

PROTOCOL_NAMES: dict[str, str] = {
    "0": "ip", "1": "icmp", "2": "igmp", "4": "ipinip", "6": "tcp", "17": "udp", "47": "gre", "50": "esp",
    "51": "ah", "58": "icmp6", "88": "eigrp", "89": "ospf", "103": "pim", "108": "pcp", "112": "vrrp",
    "ipsec": "esp", "nos": "94", "snp": "109", "ipv4": "ip", "ipv6": "ip",
}

KNOWN_PROTOCOLS = frozenset(
    {"ip", "icmp", "igmp", "ipinip", "tcp", "udp", "gre", "esp", "ah", "icmp6", "eigrp", "ospf", "pim",
     "pcp", "vrrp", "igrp", "nos", "snp", "sctp", "tcp-udp", "object-group", "object"}
)


def normalise_protocol(token: str) -> str:
    low = token.lower()
    return PROTOCOL_NAMES.get(low, low)


def port_number(token: str) -> int | None:
    """Port keyword or number → number (None if unknown)."""
    if token.isdecimal():
        value = int(token)
        return value if 0 <= value <= 65535 else None
    return PORT_NAMES.get(token.lower())


def port_ranges(op: str, args: list[str]) -> PortRanges | None:
    """Turn an ACL port operator and its argument(s) into inclusive ranges.

    >>> port_ranges("eq", ["www"])
    ((80, 80),)
    >>> port_ranges("neq", ["25"])
    ((0, 24), (26, 65535))
    """
    numbers = [port_number(a) for a in args]
    if any(n is None for n in numbers) or not numbers:
        return None
    values = [n for n in numbers if n is not None]
    op = op.lower()
    if op == "eq":
        return tuple((v, v) for v in values)
    if op == "neq":
        v = values[0]
        return tuple(r for r in ((0, v - 1), (v + 1, 65535)) if r[0] <= r[1])
    if op == "lt":
        return ((0, values[0] - 1),) if values[0] > 0 else ()
    if op == "gt":
        return ((values[0] + 1, 65535),) if values[0] < 65535 else ()
    if op == "range" and len(values) >= 2:
        return ((min(values[0], values[1]), max(values[0], values[1])),)
    return None


PORT_OPERATORS = frozenset({"eq", "neq", "lt", "gt", "range"})


# One octet as ipaddress accepts it: 0-255, ASCII digits, no leading zero.
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_DOTTED_QUAD = re.compile(r"\.".join([_OCTET] * 4))


def ipv4_int(token: str) -> int | None:
    """Dotted-quad text → its 32-bit value, None when ``ipaddress`` would reject it.

    Same rules as :class:`ipaddress.IPv4Address` (four decimal octets of at most
    three ASCII digits, no leading zeros, each ≤ 255), without building an object
    or raising: the parsers call this for every address and mask token.
    """
    match = _DOTTED_QUAD.fullmatch(token)
    if match is None:
        return None
    a, b, c, d = match.groups()
    return (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)


# Prefix length of every contiguous netmask value (33 entries).
_PREFIX_OF_MASK: dict[int, int] = {(0xFFFFFFFF << (32 - p)) & 0xFFFFFFFF: p for p in range(33)}


def mask_to_prefix(mask: str) -> int | None:
    """Dotted netmask → prefix length, None when the mask is not contiguous."""
    value = ipv4_int(mask)
    return None if value is None else _PREFIX_OF_MASK.get(value)


def wildcard_to_prefix(wildcard: str) -> int | None:
    """IOS wildcard (inverse) mask → prefix length, None when not contiguous."""
    value = ipv4_int(wildcard)
    return None if value is None else _PREFIX_OF_MASK.get(value ^ 0xFFFFFFFF)


def network_from_mask(address: str, mask: str, *, wildcard: bool = False) -> IPv4Network | None:
    """``10.0.0.0 255.0.0.0`` (or IOS ``10.0.0.0 0.255.255.255``) → IPv4Network (host bits cleared)."""
    prefix = wildcard_to_prefix(mask) if wildcard else mask_to_prefix(mask)
    if prefix is None:
        return None
    value = ipv4_int(address)
    if value is None:
        return None
    # built from integers: no second round of string parsing inside ipaddress
    return IPv4Network((value, prefix), strict=False)


def range_to_networks(first: str, last: str) -> tuple[IPNetwork, ...]:
    """An address range → the smallest covering list of networks (empty if invalid)."""
    try:
        a, b = ip_address(first), ip_address(last)
        if a.version != b.version or int(a) > int(b):
            return ()
        return tuple(summarize_address_range(a, b))  # type: ignore[arg-type]
    except ValueError:
        return ()


def parse_ip(token: str) -> IPv4Address | None:
    """An IPv4 address token → IPv4Address, None for anything else (IPv6 included)."""
    value = ipv4_int(token)
    return None if value is None else IPv4Address(value)


_INTERFACE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("tengigabitethernet", "TenGigabitEthernet"), ("te", "TenGigabitEthernet"),
    ("twentyfivegige", "TwentyFiveGigE"), ("fortygigabitethernet", "FortyGigabitEthernet"),
    ("hundredgige", "HundredGigE"), ("gigabitethernet", "GigabitEthernet"), ("gi", "GigabitEthernet"),
    ("g", "GigabitEthernet"), ("fastethernet", "FastEthernet"), ("fa", "FastEthernet"), ("f", "FastEthernet"),
    ("ethernet", "Ethernet"), ("eth", "Ethernet"), ("e", "Ethernet"), ("serial", "Serial"), ("se", "Serial"),
    ("s", "Serial"), ("loopback", "Loopback"), ("lo", "Loopback"), ("tunnel", "Tunnel"), ("tu", "Tunnel"),
    ("vlan", "Vlan"), ("vl", "Vlan"), ("port-channel", "Port-channel"), ("po", "Port-channel"),
    ("dialer", "Dialer"), ("di", "Dialer"), ("virtual-template", "Virtual-Template"),
    ("management", "Management"), ("ma", "Management"), ("bvi", "BVI"), ("redundant", "Redundant"),
    ("atm", "ATM"), ("cellular", "Cellular"), ("multilink", "Multilink"), ("null", "Null"),
    ("virtual-access", "Virtual-Access"), ("embedded-service-engine", "Embedded-Service-Engine"),
)


def canonical_interface(name: str) -> str:
    """``g0/0`` / ``gigabitEthernet0/0`` / ``Gi 0/0`` → ``GigabitEthernet0/0``.

    Names that do not start with a known type are returned unchanged (ASA
    nameifs such as ``outside`` are not interface types).
    """
    compact = name.replace(" ", "")
    low = compact.lower()
    for prefix, full in _INTERFACE_PREFIXES:
        if low.startswith(prefix):
            rest = compact[len(prefix):]
            if rest and (rest[0].isdecimal() or (prefix == low[: len(prefix)] and len(prefix) > 2 and rest[0] in "/.")):
                return full + rest
            if not rest and len(prefix) > 3:
                return full
    return name
