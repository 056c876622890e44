"""Model look-ups shared by the crypto map and tunnel-group checks.

Checks read the model only; these helpers answer the questions several of
them ask: which maps are bound where, which entries are site-to-site
entries, whether an entry is complete, which interface faces a peer.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, ip_address
from typing import NamedTuple

from ..findings import Evidence, Finding, Fix, Severity
from ..model import (
    CryptoMap,
    CryptoMapEntry,
    Device,
    Interface,
    IPAddress,
    Platform,
    Source,
)

DEFAULT_ROUTE = IPv4Network("0.0.0.0/0")


class Bound(NamedTuple):
    """One crypto map applied to one interface, with the line that applied it."""

    map_name: str
    interface: str  # the device's own name (ASA nameif, IOS full name)
    source: Source


def bindings_by_interface(device: Device) -> dict[str, list[Bound]]:
    """Interface → maps applied to it, in configuration order.

    ASA/PIX bindings come from ``crypto map M interface IF``; IOS ones from
    the interface sub-command, which the dialect records both as a binding
    and as ``Interface.crypto_map`` (the latter is used only when the binding
    list lacks it, so a map is never counted twice).
    """
    out: dict[str, list[Bound]] = {}
    for b in device.bindings:
        out.setdefault(b.interface, []).append(Bound(b.map_name, b.interface, b.source))
    for itf in device.interfaces:
        if itf.crypto_map is None:
            continue
        names = {b.map_name for b in out.get(itf.local_name, [])} | {b.map_name for b in out.get(itf.name, [])}
        if itf.crypto_map not in names:
            out.setdefault(itf.local_name, []).append(Bound(itf.crypto_map, itf.local_name, itf.source))
    for bound in out.values():
        bound.sort(key=lambda b: (b.source.file, b.source.line))
    return out


def is_fragment(device: Device) -> bool:
    """True for an excerpt (e.g. ``show running-config crypto map``) rather than a whole configuration.

    An excerpt has no interfaces; what it does not show (ACLs, tunnel-groups,
    bindings) cannot be called missing.
    """
    return not device.interfaces


def bound_map_names(device: Device) -> set[str]:
    """Names of every map applied to some interface."""
    return {b.map_name for bound in bindings_by_interface(device).values() for b in bound}


def sorted_entries(cmap: CryptoMap) -> list[CryptoMapEntry]:
    return sorted(cmap.entries, key=lambda e: e.seq)


def is_static_l2l(entry: CryptoMapEntry) -> bool:
    """A static ipsec-isakmp entry of its own (not a dynamic-map reference, not manual keying)."""
    return entry.dynamic_map is None and not entry.is_dynamic and not entry.manual


def has_transform(device: Device, entry: CryptoMapEntry) -> bool:
    """True when the entry can propose a phase 2 transform.

    IOS 15 (and 12.4(20)T) supplies default transform sets to entries that
    name none, so on IOS only a known older release makes the absence fatal.
    """
    if entry.transform_sets or entry.ikev2_proposals:
        return True
    if device.platform is Platform.IOS:
        return not device.version_tuple or device.version_tuple >= (15,)
    return False


def missing_parts(device: Device, entry: CryptoMapEntry) -> list[str]:
    """What a static entry lacks before the device considers it complete."""
    missing: list[str] = []
    if entry.match_acl is None:
        missing.append("match address")
    elif entry.match_acl not in device.acls:
        missing.append(f"access-list {entry.match_acl}")
    if not has_transform(device, entry):
        missing.append("transform set")
    if not entry.peers:
        missing.append("peer")
    return missing


def is_complete(device: Device, entry: CryptoMapEntry) -> bool:
    return not missing_parts(device, entry)


def peer_addresses(entry: CryptoMapEntry) -> list[IPAddress]:
    return [p.address for p in entry.peers if p.address is not None]


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The most similar candidate (difflib), for "did you mean" hints."""
    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def case_variant(name: str, candidates: Iterable[str]) -> str | None:
    """A candidate equal to ``name`` except for letter case."""
    lowered = name.lower()
    for c in candidates:
        if c != name and c.lower() == lowered:
            return c
    return None


def parse_address(text: str) -> IPAddress | None:
    try:
        return ip_address(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- interfaces and routes


def interface_for(device: Device, address: IPAddress | None) -> Interface | None:
    """The interface traffic to ``address`` leaves by (longest static route; else the default route).

    A route names its interface on ASA (nameif); IOS routes usually give a
    next hop, resolved through the connected subnets.  Returns None when the
    configuration does not say.
    """
    candidates = [r for r in device.routes if r.vrf is None]
    if address is not None:
        candidates = [r for r in candidates if r.prefix.version == address.version and address in r.prefix]
    else:
        candidates = [r for r in candidates if r.prefix == DEFAULT_ROUTE]
    for route in sorted(candidates, key=lambda r: (-r.prefix.prefixlen, r.distance)):
        if route.interface:
            itf = device.interface(route.interface)
            if itf is not None:
                return itf
        if route.next_hop is not None:
            for itf in device.interfaces:
                if any(route.next_hop in a.network for a in itf.addresses):
                    return itf
    if address is not None:
        for itf in device.interfaces:
            if any(address in a.network for a in itf.addresses):
                return itf
    return None


def outside_interface(device: Device, peers: Iterable[IPAddress] = ()) -> Interface | None:
    """The interface that faces the peers: by route to a peer, the default route, then by role.

    Role fallbacks: ASA/PIX security-level 0 (or nameif ``outside``); IOS
    ``ip nat outside``.
    """
    for peer in peers:
        itf = interface_for(device, peer)
        if itf is not None:
            return itf
    itf = interface_for(device, None)
    if itf is not None:
        return itf
    if device.platform is Platform.IOS:
        return next((i for i in device.interfaces if i.nat_role == "outside"), None)
    by_level = [i for i in device.interfaces if i.nameif and i.security_level == 0]
    if by_level:
        return by_level[0]
    return next((i for i in device.interfaces if i.nameif == "outside"), None)


# --------------------------------------------------------------------------- findings


def make_finding(
    catalog_id: str,
    severity: Severity,
    device: Device,
    title: str,
    detail: str,
    sources: Iterable[Source],
    fixes: Iterable[Fix] = (),
    *,
    caution: str | None = None,
    key: str = "",
) -> Finding:
    """A device-level finding whose evidence is the given configuration lines (deduplicated, with lines)."""
    seen: dict[tuple[str, int], Evidence] = {}
    for s in sources:
        if s.line > 0:
            seen.setdefault((s.file, s.line), Evidence.of(s))
    return Finding(
        id=catalog_id,
        severity=severity,
        title=title,
        devices=(device.name,),
        detail=detail,
        evidence=tuple(seen.values()),
        fix=tuple(fixes),
        caution=caution,
        key=key,
    )


def is_ipv4(text: str) -> bool:
    try:
        IPv4Address(text)
    except ValueError:
        return False
    return True
