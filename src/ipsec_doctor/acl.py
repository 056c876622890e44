"""Access lists as exact sets of flows.

A flow is (address family, IP protocol, source address, destination address,
source port, destination port).  A :class:`FlowSet` is a union of boxes, one
integer interval per dimension, so that mirror, overlap and coverage
questions about crypto ACLs become set arithmetic: exact, with no sampling.

Conventions:

* ``ip`` (any protocol) is the whole protocol interval; port intervals are
  the whole 0–65535 range for protocols without ports, so an ``ip`` box
  contains every ``tcp … eq 443`` box.
* IPv4 and IPv6 are different families: their boxes never intersect.
* Protocol names without a number (rare, vendor specific) get a stable
  number above 255 so they are distinct from each other and inside ``ip``.

Speed: set operations look up only the boxes that can intersect, through an
index keyed by interval width class (:class:`_Index`), so comparing two ACLs
of about a thousand lines costs milliseconds, not seconds.
"""

# ruff: noqa: FURB136  (the conditional expressions in _intersect are faster than max()/min() calls)
from __future__ import annotations

import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address

from . import _devcache
from .model import AccessList, AclEntry, Service

__all__ = [
    "FlowSet",
    "MirrorResult",
    "covering_set",
    "describe",
    "entry_flows",
    "flows_covered",
    "flows_of_entry",
    "mirror",
    "mirror_mismatch",
    "overlap",
    "permitted_flows",
    "proposal_flows",
]

# A box is a flat tuple of 12 ints: (lo, hi) for family, protocol, source,
# destination, source port, destination port.  Flat tuples keep the inner
# loops free of attribute lookups.
Box = tuple[int, int, int, int, int, int, int, int, int, int, int, int]

_FAM, _PROTO, _SRC, _DST, _SPORT, _DPORT = 0, 2, 4, 6, 8, 10
_DIMS = (_FAM, _PROTO, _SRC, _DST, _SPORT, _DPORT)
# Split order for subtraction: protocol and ports first, addresses last, so
# that the pieces of an address range stay as wide as possible.
_SPLIT_ORDER = (_PROTO, _SPORT, _DPORT, _SRC, _DST)

PROTO_MAX = 255 + (1 << 20)
PORT_MAX = 65535
_ADDR_MAX = {4: (1 << 32) - 1, 6: (1 << 128) - 1}

_PROTOCOL_NUMBERS: dict[str, int] = {
    "icmp": 1, "igmp": 2, "ipinip": 4, "tcp": 6, "igrp": 9, "udp": 17, "gre": 47, "esp": 50, "ah": 51,
    "icmp6": 58, "eigrp": 88, "ospf": 89, "nos": 94, "pim": 103, "pcp": 108, "snp": 109, "vrrp": 112,
    "l2tp": 115, "sctp": 132,
}
_PROTOCOL_NAMES: dict[int, str] = {v: k for k, v in _PROTOCOL_NUMBERS.items()}
_ANY_PROTOCOL = frozenset({"ip", "ipv4", "ipv6", "any"})
_PORTED = frozenset({6, 17, 132})
_extra_names: dict[int, str] = {}


def _protocol_numbers(protocol: str) -> list[int] | None:
    """Protocol keyword → numbers; None means every protocol."""
    low = protocol.lower()
    if low in _ANY_PROTOCOL:
        return None
    if low == "tcp-udp":
        return [6, 17]
    if low.isdecimal():
        value = int(low)
        return None if value == 0 else [value]
    if low in _PROTOCOL_NUMBERS:
        return [_PROTOCOL_NUMBERS[low]]
    # Deterministic across runs (crc32, not hash()) so output order is stable.
    number = 256 + zlib.crc32(low.encode()) % (1 << 20)
    _extra_names[number] = low
    return [number]


def _protocol_name(number: int) -> str:
    return _PROTOCOL_NAMES.get(number) or _extra_names.get(number) or str(number)


# --------------------------------------------------------------------------- box arithmetic


# The three predicates below run millions of times on a large fleet: they are written out per
# dimension (no loop, no intermediate list), which makes them several times faster than a loop.


def _intersect(a: Box, b: Box) -> Box | None:
    a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11 = a
    b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11 = b
    lo0 = a0 if a0 > b0 else b0
    hi0 = a1 if a1 < b1 else b1
    if lo0 > hi0:
        return None
    lo1 = a2 if a2 > b2 else b2
    hi1 = a3 if a3 < b3 else b3
    if lo1 > hi1:
        return None
    lo2 = a4 if a4 > b4 else b4
    hi2 = a5 if a5 < b5 else b5
    if lo2 > hi2:
        return None
    lo3 = a6 if a6 > b6 else b6
    hi3 = a7 if a7 < b7 else b7
    if lo3 > hi3:
        return None
    lo4 = a8 if a8 > b8 else b8
    hi4 = a9 if a9 < b9 else b9
    if lo4 > hi4:
        return None
    lo5 = a10 if a10 > b10 else b10
    hi5 = a11 if a11 < b11 else b11
    if lo5 > hi5:
        return None
    return (lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3, lo4, hi4, lo5, hi5)


def _overlaps(a: Box, b: Box) -> bool:
    return not (
        a[4] > b[5] or b[4] > a[5] or a[6] > b[7] or b[6] > a[7]  # addresses first: they differ most
        or a[2] > b[3] or b[2] > a[3] or a[8] > b[9] or b[8] > a[9]
        or a[10] > b[11] or b[10] > a[11] or a[0] > b[1] or b[0] > a[1]
    )


def _contains(outer: Box, inner: Box) -> bool:
    return not (
        inner[4] < outer[4] or inner[5] > outer[5] or inner[6] < outer[6] or inner[7] > outer[7]
        or inner[2] < outer[2] or inner[3] > outer[3] or inner[8] < outer[8] or inner[9] > outer[9]
        or inner[10] < outer[10] or inner[11] > outer[11] or inner[0] < outer[0] or inner[1] > outer[1]
    )


def _subtract(a: Box, b: Box) -> list[Box]:
    """``a − b`` as at most 10 disjoint boxes (two per split dimension)."""
    c = _intersect(a, b)
    if c is None:
        return [a]
    pieces: list[Box] = []
    rest = list(a)
    for d in _SPLIT_ORDER:
        if rest[d] < c[d]:
            piece = list(rest)
            piece[d + 1] = c[d] - 1
            pieces.append(tuple(piece))  # type: ignore[arg-type]
        if rest[d + 1] > c[d + 1]:
            piece = list(rest)
            piece[d] = c[d + 1] + 1
            pieces.append(tuple(piece))  # type: ignore[arg-type]
        rest[d], rest[d + 1] = c[d], c[d + 1]
    return pieces


class _Index:
    """Find the boxes that may intersect a query box, without a full scan.

    Boxes are grouped by the bit length of their width along one address
    dimension; inside a group every box is narrower than ``2**k``, so a box
    overlapping ``[lo, hi]`` must start in ``[lo - 2**k + 1, hi]`` — one
    bisect per group.  There are at most 129 groups, usually three or four.
    """

    __slots__ = ("_dim", "_groups")

    def __init__(self, boxes: Sequence[Box]) -> None:
        distinct_src = len({b[_SRC] for b in boxes})
        distinct_dst = len({b[_DST] for b in boxes})
        self._dim = _SRC if distinct_src >= distinct_dst else _DST
        d = self._dim
        buckets: dict[int, list[tuple[int, int]]] = {}
        for i, b in enumerate(boxes):
            buckets.setdefault((b[d + 1] - b[d]).bit_length(), []).append((b[d], i))
        self._groups: list[tuple[int, list[int], list[int]]] = []
        for k, items in sorted(buckets.items()):
            items.sort()
            self._groups.append((k, [lo for lo, _ in items], [i for _, i in items]))

    def candidates(self, q: Box) -> Iterator[int]:
        """Indexes (into the constructor's sequence) of boxes that may overlap ``q``."""
        d = self._dim
        lo, hi = q[d], q[d + 1]
        for k, los, ids in self._groups:
            start = bisect_left(los, lo - (1 << k) + 1)
            stop = bisect_right(los, hi)
            yield from ids[start:stop]


_SMALL = 8  # up to this many boxes, pairwise tests are cheaper than an _Index


def _normalise(boxes: Iterable[Box]) -> tuple[Box, ...]:
    """Drop duplicates and contained boxes, merge neighbours; sorted for determinism."""
    unique = sorted(set(boxes))
    if len(unique) < 2:
        return tuple(unique)  # nothing to drop or merge
    kept: list[Box] = []
    if len(unique) <= _SMALL:
        # a few boxes (one crypto ACL entry, a NAT rule): comparing every pair beats building an index
        for b in unique:
            for c in unique:
                if c is not b and _contains(c, b):
                    break
            else:
                kept.append(b)
    else:
        index = _Index(unique)
        for i, b in enumerate(unique):
            if not any(j != i and _contains(unique[j], b) for j in index.candidates(b)):
                kept.append(b)
    unique = kept
    changed = True
    while changed and len(unique) > 1:
        changed = False
        for d in _DIMS:
            merged = _merge_along(unique, d)
            if len(merged) < len(unique):
                unique, changed = merged, True
    return tuple(sorted(unique))


def _merge_along(boxes: list[Box], d: int) -> list[Box]:
    """Merge boxes equal in every other dimension whose ``d`` intervals touch or overlap."""
    groups: dict[tuple[int, ...], list[tuple[int, int]]] = {}
    for b in boxes:
        groups.setdefault(b[:d] + b[d + 2 :], []).append((b[d], b[d + 1]))
    out: list[Box] = []
    for key, spans in groups.items():
        spans.sort()
        cur_lo, cur_hi = spans[0]
        for lo, hi in spans[1:]:
            if lo <= cur_hi + 1:
                cur_hi = max(cur_hi, hi)
                continue
            out.append(key[:d] + (cur_lo, cur_hi) + key[d:])  # type: ignore[arg-type]
            cur_lo, cur_hi = lo, hi
        out.append(key[:d] + (cur_lo, cur_hi) + key[d:])  # type: ignore[arg-type]
    return out


def _difference(a_boxes: Sequence[Box], b_boxes: Sequence[Box]) -> list[Box]:
    if not b_boxes:
        return list(a_boxes)
    if len(b_boxes) == 1:
        # One box to remove (a flow pair, one NAT rule): no index to build, same pieces.
        b = b_boxes[0]
        out1: list[Box] = []
        for a in a_boxes:
            out1.extend(_subtract(a, b) if _overlaps(a, b) else (a,))
        return out1
    index = _Index(b_boxes)
    out: list[Box] = []
    for a in a_boxes:
        pieces = [a]
        for j in index.candidates(a):
            b = b_boxes[j]
            if not _overlaps(a, b):
                continue
            next_pieces: list[Box] = []
            for p in pieces:
                next_pieces.extend(_subtract(p, b))
            pieces = next_pieces
            if not pieces:
                break
        out.extend(pieces)
    return out


# --------------------------------------------------------------------------- FlowSet


@dataclass(frozen=True, slots=True)
class FlowSet:
    """A set of flows as a normalised union of boxes.

    ``uncertain`` is True when the ACL it came from referred to names that
    did not resolve: the set is then a lower bound and comparisons built on
    it should be reported as cannot-verify rather than as a mismatch.
    """

    boxes: tuple[Box, ...] = ()
    uncertain: bool = False

    @classmethod
    def of(cls, boxes: Iterable[Box], uncertain: bool = False) -> FlowSet:
        return cls(_normalise(boxes), uncertain)

    def is_empty(self) -> bool:
        """True when no flow is in the set."""
        return not self.boxes

    def union(self, other: FlowSet) -> FlowSet:
        return FlowSet.of(self.boxes + other.boxes, self.uncertain or other.uncertain)

    def difference(self, other: FlowSet) -> FlowSet:
        """Flows in ``self`` and not in ``other``."""
        return FlowSet.of(_difference(self.boxes, other.boxes), self.uncertain or other.uncertain)

    def intersection(self, other: FlowSet) -> FlowSet:
        """Flows in both sets."""
        if not self.boxes or not other.boxes:
            return FlowSet((), self.uncertain or other.uncertain)
        if len(other.boxes) == 1 or len(self.boxes) * len(other.boxes) <= 16:
            # Small sets: a plain scan is cheaper than an index (the result is normalised either way).
            found = [c for a in self.boxes for b in other.boxes if (c := _intersect(a, b)) is not None]
            return FlowSet.of(found, self.uncertain or other.uncertain)
        index = _Index(other.boxes)
        out: list[Box] = []
        for a in self.boxes:
            for j in index.candidates(a):
                c = _intersect(a, other.boxes[j])
                if c is not None:
                    out.append(c)
        return FlowSet.of(out, self.uncertain or other.uncertain)

    def issubset(self, other: FlowSet) -> bool:
        return not _difference(self.boxes, other.boxes)

    def equals(self, other: FlowSet) -> bool:
        """Same flows (whatever the box decomposition)."""
        return self.issubset(other) and other.issubset(self)

    def __len__(self) -> int:
        return len(self.boxes)


@lru_cache(maxsize=4096)
def _service_boxes(service: Service) -> tuple[tuple[int, int, int, int, int, int], ...]:
    """(proto lo, hi, sport lo, hi, dport lo, hi) boxes of one service (few distinct services: remembered)."""
    return tuple(_service_boxes_of(service))


def _service_boxes_of(service: Service) -> list[tuple[int, int, int, int, int, int]]:
    numbers = _protocol_numbers(service.protocol)
    if numbers is None:
        return [(0, PROTO_MAX, 0, PORT_MAX, 0, PORT_MAX)]
    out: list[tuple[int, int, int, int, int, int]] = []
    for n in numbers:
        if n in _PORTED and service.has_ports:
            # An empty tuple (e.g. `lt 0`) matches no port: the service contributes nothing.
            sports = service.src_ports if service.src_ports is not None else ((0, PORT_MAX),)
            dports = service.dst_ports if service.dst_ports is not None else ((0, PORT_MAX),)
            out.extend((n, n, s0, s1, d0, d1) for s0, s1 in sports for d0, d1 in dports)
        else:
            out.append((n, n, 0, PORT_MAX, 0, PORT_MAX))
    return out


def _entry_boxes(entry: AclEntry) -> list[Box]:
    out: list[Box] = []
    services = [sb for s in entry.services for sb in _service_boxes(s)]
    for src in entry.sources:
        for dst in entry.destinations:
            if src.version != dst.version:
                continue  # an IPv4 source never meets an IPv6 destination
            fam = src.version
            # network | host bits = broadcast, without ipaddress's cached-property machinery (hot path).
            s0 = int(src.network_address)
            s1 = s0 | ((1 << (src.max_prefixlen - src.prefixlen)) - 1)
            d0 = int(dst.network_address)
            d1 = d0 | ((1 << (dst.max_prefixlen - dst.prefixlen)) - 1)
            for p0, p1, sp0, sp1, dp0, dp1 in services:
                out.append((fam, fam, p0, p1, s0, s1, d0, d1, sp0, sp1, dp0, dp1))
    return out


def flows_of_entry(entry: AclEntry) -> FlowSet:
    """The flows one ACE matches (ignoring its action and the entries before it)."""
    return FlowSet.of(_entry_boxes(entry), bool(entry.unresolved))


def entry_flows(acl: AccessList) -> list[tuple[AclEntry, FlowSet]]:
    """Each active permit entry with the flows it really permits (earlier denies removed).

    Used for phase 2: a Cisco initiator proposes one pair of proxy identities
    per permit entry of its crypto ACL.  Computed once per ACL object (the
    model is frozen; negotiation and several checks ask about the same ACL).
    """
    return _devcache.memo_list(acl, "acl.entry_flows", _entry_flows)


def proposal_flows(acl: AccessList) -> list[tuple[AclEntry, FlowSet]]:
    """The proxy identities a crypto ACL yields: one per (source, destination, service) of each permit.

    An ACE written with object-groups is expanded by the ASA into one ACE per
    combination of its members (IOS does the same for object-group ACEs), and
    each expanded ACE is its own pair of proxy identities in quick mode.  So
    ``permit ip object-group DC object LAN`` with two DC networks proposes two
    identities, each of which a peer may match with its own entry.  Earlier
    denies are removed from each.
    """
    return _devcache.memo_list(acl, "acl.proposal_flows", lambda a: _entry_flows(a, split=True))


def _entry_flows(acl: AccessList, split: bool = False) -> list[tuple[AclEntry, FlowSet]]:
    denies: list[tuple[int, Box]] = []
    permits: list[tuple[int, AclEntry, list[Box]]] = []
    for order, entry in enumerate(acl.active_entries):
        boxes = _entry_boxes(entry)
        if entry.action == "deny":
            denies.extend((order, b) for b in boxes)
        else:
            permits.append((order, entry, boxes))
    deny_boxes = [b for _, b in denies]
    index = _Index(deny_boxes) if deny_boxes else None
    out: list[tuple[AclEntry, FlowSet]] = []
    for order, entry, boxes in permits:
        groups = [[b] for b in boxes] if split else [boxes]
        for group in groups:
            if index is None:
                out.append((entry, FlowSet.of(group, bool(entry.unresolved))))
                continue
            kept: list[Box] = []
            for a in group:
                pieces = [a]
                for j in index.candidates(a):
                    if denies[j][0] >= order or not _overlaps(a, deny_boxes[j]):
                        continue
                    pieces = [q for p in pieces for q in _subtract(p, deny_boxes[j])]
                kept.extend(pieces)
            if kept or not split:
                out.append((entry, FlowSet.of(kept, bool(entry.unresolved))))
    return out


def permitted_flows(acl: AccessList) -> FlowSet:
    """Every flow the ACL permits, with first-match semantics.

    A ``deny`` removes its flows from every later ``permit``; inactive
    entries are skipped; an entry with unresolved names makes the result
    ``uncertain``.

    >>> # access-list A permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
    >>> # describe(permitted_flows(A)) == ["10.1.0.0/16 -> 10.2.0.0/16 ip"]
    """
    memo = _devcache.memo(acl)
    found: FlowSet | None = memo.get("acl.permitted_flows")
    if found is None:
        found = memo["acl.permitted_flows"] = _permitted_flows(acl)
    return found


def _permitted_flows(acl: AccessList) -> FlowSet:
    boxes: list[Box] = []
    uncertain = any(e.unresolved for e in acl.active_entries)
    for _, flows in entry_flows(acl):
        boxes.extend(flows.boxes)
    return FlowSet.of(boxes, uncertain)


def mirror(flows: FlowSet) -> FlowSet:
    """Swap source and destination (addresses and ports): the peer's point of view."""
    return FlowSet.of(
        ((b[0], b[1], b[2], b[3], b[6], b[7], b[4], b[5], b[10], b[11], b[8], b[9]) for b in flows.boxes),
        flows.uncertain,
    )


def covering_set(flows: FlowSet, candidates: Sequence[FlowSet]) -> int | None:
    """Index of the first candidate that alone contains ``flows`` (None if none does).

    A Cisco responder accepts a proposed pair of proxy identities when one
    entry of its crypto ACL covers it; only candidates touching the first
    box of ``flows`` are tried.
    """
    if not flows.boxes:
        return 0 if candidates else None
    tagged = [(k, b) for k, c in enumerate(candidates) for b in c.boxes]
    boxes = [b for _, b in tagged]
    if not boxes:
        return None
    probe = flows.boxes[0]
    ks = sorted({tagged[j][0] for j in _Index(boxes).candidates(probe) if _overlaps(probe, boxes[j])})
    for k in ks:
        if flows.issubset(candidates[k]):
            return k
    return None


def flows_covered(flows: FlowSet, by: FlowSet) -> bool:
    """True when every flow of ``flows`` is also in ``by`` (e.g. a NAT exemption covers a crypto ACL)."""
    return flows.issubset(by)


@dataclass(frozen=True, slots=True)
class MirrorResult:
    """Comparison of a local crypto ACL with the mirror image of the remote one."""

    local: FlowSet
    remote_mirrored: FlowSet
    only_local: FlowSet
    only_remote: FlowSet

    @property
    def mirrored(self) -> bool:
        return self.only_local.is_empty() and self.only_remote.is_empty()

    @property
    def uncertain(self) -> bool:
        return self.local.uncertain or self.remote_mirrored.uncertain


def mirror_mismatch(local_acl: AccessList, remote_acl: AccessList) -> MirrorResult:
    """Flows only the local ACL protects and flows only the (mirrored) remote ACL protects."""
    local = permitted_flows(local_acl)
    remote = mirror(permitted_flows(remote_acl))
    return MirrorResult(local, remote, local.difference(remote), remote.difference(local))


def overlap(acl_a: AccessList, acl_b: AccessList) -> FlowSet:
    """Flows that both ACLs permit (P2-OVERLAP: two crypto map entries claim the same traffic)."""
    return permitted_flows(acl_a).intersection(permitted_flows(acl_b))


# --------------------------------------------------------------------------- text


def _address_text(fam: int, lo: int, hi: int) -> str:
    top = _ADDR_MAX[fam]
    if lo == 0 and hi == top:
        return "any" if fam == 4 else "any6"
    size = hi - lo + 1
    make = IPv4Address if fam == 4 else IPv6Address
    if size & (size - 1) == 0 and lo % size == 0:
        return f"{make(lo)}/{(32 if fam == 4 else 128) - size.bit_length() + 1}"
    return f"{make(lo)}-{make(hi)}"


def _port_text(lo: int, hi: int) -> str:
    if lo == 0 and hi == PORT_MAX:
        return ""
    if lo == hi:
        return f" eq {lo}"
    if lo == 0:
        return f" lt {hi + 1}"
    if hi == PORT_MAX:
        return f" gt {lo - 1}"
    return f" range {lo} {hi}"


def _box_text(b: Box) -> str:
    fam = b[0]
    src = _address_text(fam, b[4], b[5]) + _port_text(b[8], b[9])
    dst = _address_text(fam, b[6], b[7]) + _port_text(b[10], b[11])
    p0, p1 = b[2], b[3]
    if p0 == 0 and p1 == PROTO_MAX:
        return f"{src} -> {dst} ip"
    proto = _protocol_name(p0) if p0 == p1 else f"protocols {p0}-{p1}"
    return f"{proto} {src} -> {dst}"


def describe(flows: FlowSet) -> list[str]:
    """One line per box, e.g. ``10.1.0.0/24 -> 10.2.0.0/24 ip`` or
    ``tcp 10.1.0.0/24 -> 10.2.0.5/32 eq 443``; sorted by addresses."""
    ordered = sorted(flows.boxes, key=lambda b: (b[0], b[4], b[5], b[6], b[7], b[2], b[3], b[8], b[10]))
    return [_box_text(b) for b in ordered]

