"""Which NAT rule applies to VPN traffic, in each platform's own evaluation order.

NAT happens before encryption: a packet translated on its way to the crypto
interface no longer matches the crypto ACL (or matches it with the wrong
source) and never enters the tunnel.  This module answers, for whole flows
(local protected network → remote protected network, any protocol, entering
on the inside interface toward the crypto-map interface), which rule decides
each part of the flow:

``exempt``
    an exemption/identity rule matches (ASA ``nat 0 access-list``, identity
    ``static``, identity twice/object NAT; IOS: the NAT ACL denies the flow
    or the route-map entry that matches it is a ``deny``);
``translated``
    a translating rule matches first;
``not-matched``
    no rule matches.  ASA ≥ 8.3, ASA 7.x/8.0–8.2 without ``nat-control`` and
    IOS then forward the packet untranslated; PIX 6 (and ASA with
    ``nat-control``) drop it ("No translation group found"), see
    :func:`requires_translation`.

The evaluation is set arithmetic on :class:`~ipsec_doctor.acl.FlowSet`: each
rule in order takes the part of the remaining flow it matches, so a flow
that is only partly exempt is reported piece by piece.

Evaluation order (what the devices do):

* ASA ≥ 8.3: section 1 (manual/twice NAT, in configuration order), then
  section 2 (object NAT: static rules before dynamic ones, then the rule
  whose real address is the most specific — longest prefix, smallest range —
  then configuration order), then section 3 (``after-auto`` manual NAT, in
  order).  Static rules are bidirectional, so a static rule written from the
  other interface (``nat (outside,inside) …``) also matches the return side.
* ASA < 8.3 and PIX: ``nat (if) 0 access-list`` (exemption) first, then
  ``static`` (identity or policy static), then ``nat (if) N`` with its
  ``global`` — policy (ACL) NAT first, then the most specific real network.
* IOS: static translations first (``ip nat inside source static``, host or
  network), then the dynamic ``ip nat inside source list|route-map`` rules in
  configuration order.  A list rule translates what its ACL permits (a
  ``deny`` line exempts); a route-map rule translates when the first
  route-map entry whose ACLs match is a ``permit``.  IOS only translates
  between an ``ip nat inside`` and an ``ip nat outside`` interface.

With ``ignore_ports`` (the default) the ACLs of NAT rules are widened to
"any protocol, any port" before matching: the question is then whether the
*addresses* are exempt, and port-qualified exemption lines are left to the
NAT-PORTS check.  Port-static rules (``static (inside,outside) tcp …``,
IOS ``ip nat inside source static tcp …``) translate only one port and are
left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address, summarize_address_range
from typing import Literal

from . import _devcache
from .acl import Box, FlowSet, _Index, _overlaps, entry_flows, flows_of_entry, permitted_flows
from .model import (
    SERVICE_IP,
    AccessList,
    AclEntry,
    CryptoMapEntry,
    Device,
    IPNetwork,
    NatRule,
    Platform,
    Source,
)

Verdict = Literal["exempt", "translated", "not-matched"]

ANY_IF = "any"


@dataclass(frozen=True, slots=True)
class NatPiece:
    """One part of a flow and the rule that decides it (None for not-matched)."""

    verdict: Verdict
    flows: FlowSet
    rule: NatRule | None = None
    source: Source | None = None  # the rule line, or the ACL / route-map line that decided
    acl_entry: AclEntry | None = None  # IOS: the NAT ACL line that decided (deny = exempt)


@dataclass(frozen=True, slots=True)
class NatOutcome:
    """All pieces of one (local, remote) flow."""

    local: IPNetwork
    remote: IPNetwork
    pieces: tuple[NatPiece, ...]

    def flows(self, verdict: Verdict) -> FlowSet:
        out = FlowSet()
        for p in self.pieces:
            if p.verdict == verdict:
                out = out.union(p.flows)
        return out

    @property
    def fully_exempt(self) -> bool:
        return all(p.verdict == "exempt" for p in self.pieces)

    def translating(self) -> list[NatPiece]:
        return [p for p in self.pieces if p.verdict == "translated"]


@dataclass(frozen=True, slots=True)
class CryptoFlow:
    """One (local, remote) network pair protected by a crypto map entry bound to ``interface``."""

    map_name: str
    seq: int
    entry: CryptoMapEntry
    interface: str
    acl: AccessList
    acl_entry: AclEntry
    local: IPNetwork
    remote: IPNetwork


# --------------------------------------------------------------------------- helpers


def flow_set(sources: Iterable[IPNetwork], destinations: Iterable[IPNetwork]) -> FlowSet:
    """All IP traffic from ``sources`` to ``destinations`` as a FlowSet."""
    return _flow_set(tuple(sources), tuple(destinations))


@lru_cache(maxsize=1 << 16)
def _flow_set(sources: tuple[IPNetwork, ...], destinations: tuple[IPNetwork, ...]) -> FlowSet:
    # FlowSets are immutable: checks build the same (local, remote) sets many times over.
    return flows_of_entry(AclEntry("permit", (SERVICE_IP,), sources, destinations))


def _any(version: int) -> IPNetwork:
    from ipaddress import ip_network

    return ip_network("0.0.0.0/0" if version == 4 else "::/0")


def _range_networks(version: int, lo: int, hi: int) -> list[IPNetwork]:
    return list(_range_networks_cached(version, lo, hi))


@lru_cache(maxsize=1 << 16)
def _range_networks_cached(version: int, lo: int, hi: int) -> tuple[IPNetwork, ...]:
    make = IPv4Address if version == 4 else IPv6Address
    return tuple(summarize_address_range(make(lo), make(hi)))  # type: ignore[arg-type]


def box_networks(flows: FlowSet) -> list[tuple[IPNetwork, IPNetwork]]:
    """The (source network, destination network) pairs of a FlowSet's boxes (ports ignored)."""
    out: list[tuple[IPNetwork, IPNetwork]] = []
    for b in flows.boxes:
        fam = b[0]
        for s in _range_networks(fam, b[4], b[5]):
            for d in _range_networks(fam, b[6], b[7]):
                if (s, d) not in out:
                    out.append((s, d))
    return out


@lru_cache(maxsize=4096)
def widen(flows: FlowSet) -> FlowSet:
    """The same address pairs with any protocol and any port (remembered: FlowSets are immutable)."""
    pairs = box_networks(flows)
    out = FlowSet()
    for s, d in pairs:
        out = out.union(flow_set([s], [d]))
    return FlowSet(out.boxes, flows.uncertain)


def requires_translation(device: Device) -> bool:
    """True when traffic matching no NAT rule is dropped (PIX 6, ASA with ``nat-control``)."""
    if device.platform is Platform.PIX6:
        return True
    if device.platform is Platform.ASA and not device.version_at_least(8, 3):
        setting = device.setting("nat-control")
        return bool(setting and setting.enabled)
    return False


def _bound_interfaces(device: Device) -> dict[str, str]:
    """Crypto map name → interface local name (bindings plus IOS interface sub-commands)."""
    out: dict[str, str] = {}
    for b in device.bindings:
        itf = device.interface(b.interface)
        out.setdefault(b.map_name, itf.local_name if itf is not None else b.interface)
    for itf in device.interfaces:
        if itf.crypto_map:
            out.setdefault(itf.crypto_map, itf.local_name)
    return out


def bound_entries(device: Device) -> list[tuple[str, CryptoMapEntry]]:
    """(interface, entry) for every static entry and referenced dynamic entry of bound maps."""
    return _devcache.memo_list(device, "natsim.bound_entries", _bound_entries)


def _bound_entries(device: Device) -> list[tuple[str, CryptoMapEntry]]:
    out: list[tuple[str, CryptoMapEntry]] = []
    for map_name, itf in _bound_interfaces(device).items():
        cmap = device.crypto_maps.get(map_name)
        if cmap is None:
            continue
        for entry in sorted(cmap.entries, key=lambda e: e.seq):
            if entry.dynamic_map:
                for dyn in device.dynamic_maps.get(entry.dynamic_map, ()):
                    out.append((itf, dyn))
            else:
                out.append((itf, entry))
    return out


def crypto_flows(device: Device) -> list[CryptoFlow]:
    """Every (local, remote) network pair permitted by the crypto ACL of a bound entry."""
    return _devcache.memo_list(device, "natsim.crypto_flows", _crypto_flows)


def _crypto_flows(device: Device) -> list[CryptoFlow]:
    out: list[CryptoFlow] = []
    seen: set[tuple[str, int, bool, IPNetwork, IPNetwork]] = set()
    for itf, entry in bound_entries(device):
        acl = device.acls.get(entry.match_acl) if entry.match_acl else None
        if acl is None:
            continue
        for ace, flows in entry_flows(acl):
            for local, remote in box_networks(flows):
                key = (entry.map_name, entry.seq, entry.is_dynamic, local, remote)
                if key in seen:
                    continue
                seen.add(key)
                out.append(CryptoFlow(entry.map_name, entry.seq, entry, itf, acl, ace, local, remote))
    return out


def ingress_interface(device: Device, local: IPNetwork, crypto_interface: str) -> str | None:
    """The interface local traffic arrives on: where the local network is routed (not the crypto one)."""
    from .routing import egress_for

    found = egress_for(device, local)
    if found.found and found.interface and found.interface != crypto_interface:
        return found.interface
    for itf in device.interfaces:
        if itf.local_name == "inside":
            return "inside"
    return None


# --------------------------------------------------------------------------- rule matching


def _if_match(rule_if: str | None, actual: str | None) -> bool:
    if rule_if is None or rule_if.lower() == ANY_IF:
        return True
    return actual is not None and rule_if.lower() == actual.lower()


def _acl_flows(device: Device, name: str | None, ignore_ports: bool) -> FlowSet | None:
    acl = device.acls.get(name) if name else None
    if acl is None or name is None:
        return None
    table: dict[tuple[str, bool], FlowSet] = _devcache.memo(device).setdefault("natsim.acl_flows", {})
    key = (name, ignore_ports)
    found = table.get(key)
    if found is None:
        flows = permitted_flows(acl)
        found = table[key] = widen(flows) if ignore_ports else flows
    return found


def _nets(value: tuple[IPNetwork, ...] | None, version: int) -> list[IPNetwork]:
    return list(value) if value else [_any(version)]


def _asa83_region(rule: NatRule, inside: str | None, outside: str, version: int) -> FlowSet:
    """Traffic inside→outside that a twice/object rule matches (forward, or reverse for static)."""
    region = FlowSet()
    if _if_match(rule.real_interface, inside) and _if_match(rule.mapped_interface, outside):
        # The real host addresses the *mapped* destination (destination static MAPPED REAL).
        dst = rule.mapped_destination if rule.real_destination is not None else None
        region = region.union(flow_set(_nets(rule.real_source, version), _nets(dst, version)))
    if rule.static and _if_match(rule.real_interface, outside) and _if_match(rule.mapped_interface, inside):
        # Return direction of a static rule written from the outside.
        src = rule.real_destination if rule.real_destination is not None else None
        region = region.union(flow_set(_nets(src, version), _nets(rule.mapped_source, version)))
    return region


def _specificity(rule: NatRule) -> int:
    nets = rule.real_source or ()
    if not nets:
        return 1 << 130
    return sum(n.num_addresses for n in nets)


def ordered_rules(device: Device) -> list[NatRule]:
    """The device's NAT rules in the order the platform evaluates them (see module docstring)."""
    return _devcache.memo_list(device, "natsim.ordered_rules", _ordered_rules)


def _ordered_rules(device: Device) -> list[NatRule]:
    rules = [r for r in device.nat_rules if not r.inactive and r.kind != "asa-global"]
    indexed = list(enumerate(sorted(rules, key=lambda r: r.order)))
    if device.platform is Platform.IOS:
        return [r for _, r in sorted(indexed, key=lambda p: (0 if p[1].kind == "ios-static" else 1, p[0]))]

    def key(pair: tuple[int, NatRule]) -> tuple[int, int, int, int]:
        idx, r = pair
        if r.kind in ("asa-twice", "asa-object"):
            section = r.section or (2 if r.kind == "asa-object" else 1)
            if section == 2:
                return (10 + section, 0 if r.static else 1, _specificity(r), idx)
            return (10 + section, 0, 0, idx)
        rank = {"asa-nat0": 0, "asa-static": 1}.get(r.kind, 2)
        if rank == 2:
            return (rank, 0 if r.acl else 1, _specificity(r), idx)
        return (rank, 0, 0, idx)

    return [r for _, r in sorted(indexed, key=key)]


def _route_map_regions(device: Device, rule: NatRule, ignore_ports: bool) -> list[tuple[object, FlowSet]] | None:
    """(route-map entry, region it matches) in sequence order; None when the route-map is missing."""
    rmap = device.route_maps.get(rule.route_map or "")
    if rmap is None:
        return None
    out: list[tuple[object, FlowSet]] = []
    for rm_entry in sorted(rmap.entries, key=lambda e: e.seq):
        if rm_entry.match_acls:
            region = FlowSet()
            for name in rm_entry.match_acls:
                flows = _acl_flows(device, name, ignore_ports)
                if flows is not None:
                    region = region.union(flows)
        else:
            region = flow_set([_any(4)], [_any(4)])  # an entry without `match` matches everything
        out.append((rm_entry, region))
    return out


def _list_regions(device: Device, rule: NatRule, ignore_ports: bool) -> list[tuple[object, FlowSet]] | None:
    """(NAT ACL line, flows it matches) in order; None when the ACL is missing."""
    acl = device.acls.get(rule.acl or "")
    if acl is None:
        return None
    table: dict[tuple[str, bool], list[tuple[object, FlowSet]]] = _devcache.memo(device).setdefault(
        "natsim.list_regions", {})
    key = (rule.acl or "", ignore_ports)
    found = table.get(key)
    if found is None:
        found = []
        for ace in acl.active_entries:
            region = flows_of_entry(ace)
            found.append((ace, widen(region) if ignore_ports else region))
        table[key] = found
    return found


def _split_pieces(rule: NatRule, regions: list[tuple[object, FlowSet]] | None, remaining: FlowSet) -> list[NatPiece]:
    """Split ``remaining`` by the first matching ACL line / route-map entry: permit translates, deny exempts.

    Traffic nothing matches is not translated by this rule: the caller continues with it.
    """
    pieces: list[NatPiece] = []
    if regions is None:
        return pieces
    is_list = rule.kind == "ios-list"
    for item, region in regions:
        if remaining.is_empty():
            break
        hit = remaining.intersection(region)
        if hit.is_empty():
            continue
        verdict: Verdict = "translated" if item.action == "permit" else "exempt"  # type: ignore[attr-defined]
        if is_list:
            pieces.append(NatPiece(verdict, hit, rule, item.source, item))  # type: ignore[attr-defined,arg-type]
        else:
            pieces.append(NatPiece(verdict, hit, rule, item.source))  # type: ignore[attr-defined]
        remaining = remaining.difference(region)
    return pieces


def _legacy_region(device: Device, rule: NatRule, inside: str | None, outside: str, version: int,
                   ignore_ports: bool) -> FlowSet:
    if rule.kind == "asa-nat0":
        if not _if_match(rule.real_interface, inside):
            return FlowSet()
        if rule.acl:
            return _acl_flows(device, rule.acl, ignore_ports) or FlowSet()
        return flow_set(_nets(rule.real_source, version), [_any(version)])
    if rule.kind == "asa-static":
        if rule.service:
            return FlowSet()  # port static: one port only
        if not (_if_match(rule.real_interface, inside) and _if_match(rule.mapped_interface, outside)):
            return FlowSet()
        if rule.acl:
            return _acl_flows(device, rule.acl, ignore_ports) or FlowSet()
        return flow_set(_nets(rule.real_source, version), [_any(version)])
    if rule.kind == "asa-dynamic":
        # `nat (inside) N` only translates toward interfaces that have a `global (if) N`.
        if not _if_match(rule.real_interface, inside) or rule.mapped_interface is None:
            return FlowSet()
        if not _if_match(rule.mapped_interface, outside):
            return FlowSet()
        if rule.acl:
            return _acl_flows(device, rule.acl, ignore_ports) or FlowSet()
        return flow_set(_nets(rule.real_source, version), [_any(version)])
    return FlowSet()


def _ios_applies(device: Device, inside: str | None, outside: str) -> bool:
    """IOS translates only from an `ip nat inside` interface to an `ip nat outside` one."""
    out_itf = device.interface(outside)
    if out_itf is None or out_itf.nat_role != "outside":
        return False
    if inside is not None:
        in_itf = device.interface(inside)
        if in_itf is not None:
            return in_itf.nat_role == "inside"
    return any(i.nat_role == "inside" for i in device.interfaces)


def _ios_static_region(rule: NatRule, version: int) -> FlowSet:
    if rule.service or not rule.real_source:
        return FlowSet()
    return flow_set(rule.real_source, [_any(version)])


class _RulePlan:
    """The ordered NAT rules of one device for one (inside, outside, family, ignore_ports).

    Each rule keeps what it matches (its region, or for IOS list / route-map
    rules the region of each ACL line / route-map entry), computed once.  The
    boxes of those regions are indexed by address interval, so a flow only
    meets the rules that can overlap it: a hub with a thousand twice-NAT
    exemptions evaluates each crypto flow against one or two of them, not all.
    A rule that does not overlap the flow would match nothing of it, so
    skipping it changes no result.
    """

    __slots__ = ("_boxes", "_index", "_tags", "rules")

    def __init__(self, device: Device, inside: str | None, outside: str, version: int, ignore_ports: bool) -> None:
        self.rules: list[tuple[NatRule, object]] = []
        self._boxes: list[Box] = []
        self._tags: list[int] = []
        for rule in ordered_rules(device):
            payload: object
            reach: list[FlowSet]
            if rule.kind in ("ios-list", "ios-route-map"):
                regions = (_route_map_regions if rule.kind == "ios-route-map" else _list_regions)(
                    device, rule, ignore_ports)
                payload, reach = regions, [r for _, r in regions or ()]
            elif rule.kind == "ios-static":
                payload = _ios_static_region(rule, version)
                reach = [payload]  # type: ignore[list-item]
            elif rule.kind in ("asa-twice", "asa-object"):
                if rule.service and not ignore_ports:
                    continue  # a service-qualified rule cannot be evaluated as a whole flow here
                payload = _asa83_region(rule, inside, outside, version)
                reach = [payload]  # type: ignore[list-item]
            else:
                payload = _legacy_region(device, rule, inside, outside, version, ignore_ports)
                reach = [payload]  # type: ignore[list-item]
            position = len(self.rules)
            self.rules.append((rule, payload))
            for region in reach:
                for box in region.boxes:
                    self._boxes.append(box)
                    self._tags.append(position)
        self._index = _Index(self._boxes) if self._boxes else None

    def candidates(self, flows: FlowSet) -> list[tuple[NatRule, object]]:
        """The rules (in evaluation order) whose regions overlap ``flows``."""
        if self._index is None:
            return []
        hits: set[int] = set()
        boxes, tags = self._boxes, self._tags
        for q in flows.boxes:
            for j in self._index.candidates(q):
                if tags[j] not in hits and _overlaps(q, boxes[j]):
                    hits.add(tags[j])
        return [self.rules[k] for k in sorted(hits)]


def _plan(device: Device, inside: str | None, outside: str, version: int, ignore_ports: bool) -> _RulePlan:
    table: dict[tuple[object, ...], _RulePlan] = _devcache.memo(device).setdefault("natsim.plans", {})
    key = (inside, outside, version, ignore_ports)
    found = table.get(key)
    if found is None:
        found = table[key] = _RulePlan(device, inside, outside, version, ignore_ports)
    return found


def evaluate(
    device: Device, local: IPNetwork, remote: IPNetwork, inside: str | None, outside: str, *,
    ignore_ports: bool = True,
) -> NatOutcome:
    """Which NAT rule decides each part of local → remote traffic (inside → ``outside``).

    The outcome is remembered per device (several checks ask the same question).

    >>> # ASA 8.4: nat (inside,outside) source static L L destination static R R
    >>> # evaluate(asa, L, R, "inside", "outside").fully_exempt → True
    """
    table: dict[tuple[object, ...], NatOutcome] = _devcache.memo(device).setdefault("natsim.outcomes", {})
    key = (local, remote, inside, outside, ignore_ports)
    found = table.get(key)
    if found is None:
        found = table[key] = _evaluate(device, local, remote, inside, outside, ignore_ports)
    return found


def _evaluate(
    device: Device, local: IPNetwork, remote: IPNetwork, inside: str | None, outside: str, ignore_ports: bool,
) -> NatOutcome:
    version = local.version
    remaining = flow_set([local], [remote])
    pieces: list[NatPiece] = []
    if device.platform is Platform.IOS and not _ios_applies(device, inside, outside):
        return NatOutcome(local, remote, (NatPiece("not-matched", remaining),))
    # IOS: a deny (ACL line or route-map entry) only means "not this rule"; a later
    # rule may still translate the traffic, so denied parts stay in play until the end.
    denied: list[NatPiece] = []
    for rule, payload in _plan(device, inside, outside, version, ignore_ports).candidates(remaining):
        if remaining.is_empty():
            break
        if rule.kind in ("ios-list", "ios-route-map"):
            for piece in _split_pieces(rule, payload, remaining):  # type: ignore[arg-type]
                if piece.verdict == "translated":
                    pieces.append(piece)
                    remaining = remaining.difference(piece.flows)
                else:
                    denied.append(piece)
            continue
        region: FlowSet = payload  # type: ignore[assignment]
        hit = remaining.intersection(region)
        if hit.is_empty():
            continue
        verdict: Verdict = "exempt" if rule.identity else "translated"
        pieces.append(NatPiece(verdict, hit, rule, rule.source))
        remaining = remaining.difference(region)
    for piece in denied:
        part = remaining.intersection(piece.flows)
        if not part.is_empty():
            pieces.append(NatPiece("exempt", part, piece.rule, piece.source, piece.acl_entry))
            remaining = remaining.difference(part)
    if not remaining.is_empty():
        pieces.append(NatPiece("not-matched", remaining))
    return NatOutcome(local, remote, tuple(pieces))


def effective_pieces(device: Device, outcome: NatOutcome) -> tuple[list[NatPiece], list[NatPiece]]:
    """(exempt-like, failing) pieces: not-matched counts as exempt unless the platform requires NAT."""
    good: list[NatPiece] = []
    bad: list[NatPiece] = []
    strict = requires_translation(device)
    for p in outcome.pieces:
        if p.verdict == "exempt" or (p.verdict == "not-matched" and not strict):
            good.append(p)
        else:
            bad.append(p)
    return good, bad


__all__ = [
    "CryptoFlow",
    "NatOutcome",
    "NatPiece",
    "bound_entries",
    "box_networks",
    "crypto_flows",
    "effective_pieces",
    "evaluate",
    "flow_set",
    "ingress_interface",
    "ordered_rules",
    "requires_translation",
    "widen",
]
