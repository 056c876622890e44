"""Shared state of one IOS parse: where we are, what went wrong, what was built.

The IOS dialect is split over several modules (crypto, IPsec, interfaces,
ACLs); they all write into one :class:`IosContext`.  Builders are mutable
dicts and lists here and become the frozen model only at the end, which is
what lets a CLI script enter the same interface or crypto map twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Any

from ..model import IPNetwork, ParseProblem, Source
from ..redact import redact_line
from .common import ipv4_int as _ipv4_int
from .common import mask_to_prefix as _mask_to_prefix
from .common import network_from_mask as _network_from_mask
from .common import parse_ip as _parse_ip
from .tree import Node

# Every redaction pattern in redact.py keys on one of these words; a line without
# any of them cannot carry a secret, so the (comparatively slow) redaction is skipped.
_SECRET_HINTS = ("key", "pass", "secret", "community", "auth", "psk", "snmp", "aaa", "-pw")


def redacted(text: str) -> str:
    """:func:`redact_line` with a fast path for lines that cannot hold a secret."""
    low = text.lower()
    # spelled out rather than any(...) over _SECRET_HINTS: this runs for every Source
    if (
        "key" in low or "pass" in low or "secret" in low or "community" in low
        or "auth" in low or "psk" in low or "snmp" in low or "aaa" in low or "-pw" in low
    ):
        return redact_line(text)
    return text


@dataclass(slots=True)
class IosContext:
    """Everything the IOS sub-parsers share while one section is read."""

    file: str
    raw: dict[int, str] = field(default_factory=dict)  # original text by line number
    problems: list[ParseProblem] = field(default_factory=list)
    # device-level scalars (hostname, version, ike settings, ipsec globals...)
    device: dict[str, Any] = field(default_factory=dict)
    ike: dict[str, Any] = field(default_factory=dict)
    ike_sources: dict[str, Source] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    # builders: keyword arguments of the model classes, keyed by name, in config order
    interfaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    acls: dict[str, dict[str, Any]] = field(default_factory=dict)
    object_groups: dict[str, Any] = field(default_factory=dict)
    ike_policies: dict[int, dict[str, Any]] = field(default_factory=dict)
    psks: list[Any] = field(default_factory=list)
    keyrings: dict[tuple[int, str], Any] = field(default_factory=dict)
    isakmp_profiles: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    ikev2_proposals: dict[str, dict[str, Any]] = field(default_factory=dict)
    ikev2_policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    transform_sets: dict[str, Any] = field(default_factory=dict)
    ipsec_profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    crypto_maps: dict[str, dict[str, Any]] = field(default_factory=dict)
    dynamic_maps: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    client_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    aaa_servers: list[Any] = field(default_factory=list)
    nat_rules: list[Any] = field(default_factory=list)
    route_maps: dict[str, dict[int, Any]] = field(default_factory=dict)
    route_map_sources: dict[str, Source] = field(default_factory=dict)
    routes: list[Any] = field(default_factory=list)
    dynamic_routing: list[Source] = field(default_factory=list)
    pools: dict[str, Any] = field(default_factory=dict)

    def src(self, node: Node) -> Source:
        """The redacted :class:`Source` of a tree node (the user's own spelling of the line)."""
        line = node.line
        text = self.raw.get(line)
        text = node.text if text is None else text.strip()
        low = text.lower()
        # redacted(), inlined: this runs once per element of the model
        if (
            "key" in low or "pass" in low or "secret" in low or "community" in low
            or "auth" in low or "psk" in low or "snmp" in low or "aaa" in low or "-pw" in low
        ):
            text = redact_line(text)
        return Source(self.file, line, text)

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(ParseProblem(self.file, node.line, message))

    def unrecognised(self, node: Node, block: str) -> None:
        """The "no silent drops" rule: a line inside a VPN block that we do not understand."""
        shown = " ".join(redacted(node.text).split()[:4])
        self.problem(node, f"unrecognised {block} command, ignored: {shown}")


# Addresses and masks repeat a lot in real configurations and ipaddress parsing
# dominates the parse time, so the common conversions are memoised.
parse_ip = lru_cache(maxsize=16384)(_parse_ip)
mask_to_prefix = lru_cache(maxsize=1024)(_mask_to_prefix)


@lru_cache(maxsize=16384)
def network_from_mask(address: str, mask: str, wildcard: bool = False) -> IPv4Network | None:
    """Memoised :func:`common.network_from_mask` (``wildcard`` positional here)."""
    return _network_from_mask(address, mask, wildcard=wildcard)


@lru_cache(maxsize=16384)
def host_network(address: str) -> IPv4Network | None:
    """``A`` → ``A/32`` (None when ``A`` is not an IPv4 address); memoised like the above."""
    value = _ipv4_int(address)
    return None if value is None else IPv4Network((value, 32))


_ANY_NETWORK = IPv4Network("0.0.0.0/0")


def int_or_none(token: str | None) -> int | None:
    if token is None or not token.isdecimal():
        return None
    return int(token)


def peer_network(address: str, mask: str | None) -> IPNetwork | None:
    """A key/identity address with an optional *netmask* (not a wildcard).

    ``0.0.0.0`` without a mask is the wildcard: ``show running-config`` prints
    ``address 0.0.0.0 0.0.0.0`` that way.  An IPv6 ``prefix/len`` is accepted.
    """
    if "/" in address:
        try:
            net = ip_network(address, strict=False)
        except ValueError:
            return None
        return net if isinstance(net, (IPv4Network, IPv6Network)) else None
    if mask is None:
        if address == "0.0.0.0":
            return _ANY_NETWORK
        return host_network(address)  # None when not an IPv4 address
    if parse_ip(address) is None:
        return None
    return network_from_mask(address, mask, False)

