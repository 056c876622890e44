"""P2-OVERLAP — crypto ACLs of two entries of one crypto map protect the same traffic.

What it does
    For each crypto map, compares the flows permitted by the ACL of every
    static entry with those of every later entry (``acl.permitted_flows``
    intersected, as ``acl.overlap`` does; exact
    set arithmetic with first-match semantics inside each ACL) and lists the
    flows both claim.  IOS, ASA and PIX 6.

Why it breaks
    Entries are evaluated in ascending sequence order and the first entry
    whose ACL permits a packet decides its peer.  Overlapping flows are
    therefore always sent to the lower-numbered entry's peer: the other
    tunnel never carries them, and if that peer has no matching SA the
    traffic is dropped or negotiated with the wrong gateway.  Severity is
    warning because only the overlapping part of the traffic is affected.

Example
    ``crypto map VPN 10`` protects 10.1.0.0/16 → 10.0.0.0/8 towards
    198.51.100.10, ``crypto map VPN 20`` protects 10.1.1.0/24 → 10.20.0.0/24
    towards 203.0.113.20: the second site's traffic goes to the first peer.

Fix
    Make the ACLs disjoint.  The proposed commands exclude the overlapping
    flows from the lower-numbered entry's ACL with ``deny`` lines at its top
    (a deny in a crypto ACL makes the device try the next entry, so the
    flows reach the later entry).  If the flows belong to the first peer,
    remove them from the later entry's ACL instead.  Disruption:
    renegotiates-tunnel — changing a crypto ACL rebuilds that entry's SAs.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from ..acl import FlowSet, describe, flows_of_entry, permitted_flows
from ..findings import Disruption, Finding, Fix, Severity
from ..model import AccessList, AclEntry, CryptoMap, CryptoMapEntry, Device, Platform
from . import Context, check
from ._maps import is_static_l2l, make_finding, sorted_entries

CATALOG_ID = "P2-OVERLAP"
_MAX_LISTED = 8
_PORT_MAX = 65535
_PROTO_ANY = (0, 255 + (1 << 20))


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per pair of entries of one map whose crypto ACLs share flows."""
    for device in ctx.devices:
        for cmap in device.crypto_maps.values():
            entries = [
                e for e in sorted_entries(cmap) if is_static_l2l(e) and e.match_acl and e.match_acl in device.acls
            ]
            # One flow set per ACL (acl.overlap would recompute both sides for every pair).
            flows = {name: permitted_flows(device.acls[name]) for name in {e.match_acl for e in entries if e.match_acl}}
            for i, j in _candidate_pairs([flows[e.match_acl] for e in entries]):  # type: ignore[index]
                first, later = entries[i], entries[j]
                shared = flows[first.match_acl].intersection(flows[later.match_acl])  # type: ignore[index]
                if not shared.is_empty():
                    yield _finding(device, cmap, first, later, shared)


def _candidate_pairs(sets: list[FlowSet]) -> list[tuple[int, int]]:
    """Index pairs (i < j) whose bounding boxes overlap on family, source and destination.

    A sweep over the destination start keeps a map of a thousand entries from
    costing half a million set intersections; only plausible pairs are
    intersected exactly.
    """
    bounds = []
    for n, fs in enumerate(sets):
        if fs.is_empty():
            continue
        b = fs.boxes
        bounds.append((min(x[6] for x in b), max(x[7] for x in b), min(x[4] for x in b), max(x[5] for x in b),
                       {x[0] for x in b}, n))
    bounds.sort(key=lambda t: t[0])
    pairs: list[tuple[int, int]] = []
    for k, (dlo, dhi, slo, shi, fams, n) in enumerate(bounds):
        for dlo2, _dhi2, slo2, shi2, fams2, m in bounds[k + 1 :]:
            if dlo2 > dhi:
                break
            if slo2 <= shi and slo <= shi2 and fams & fams2:
                pairs.append((min(n, m), max(n, m)))
    return sorted(pairs)


def _peer_text(entry: CryptoMapEntry) -> str:
    return " ".join(p.raw for p in entry.peers) or "no peer"


def _finding(device: Device, cmap: CryptoMap, first: CryptoMapEntry, later: CryptoMapEntry, shared: FlowSet) -> Finding:
    acl_a = device.acls[first.match_acl]  # type: ignore[index]
    acl_b = device.acls[later.match_acl]  # type: ignore[index]
    flows = describe(shared)
    listed = ", ".join(flows[:_MAX_LISTED]) + (f" and {len(flows) - _MAX_LISTED} more" if len(flows) > _MAX_LISTED else "")
    same = acl_a.name == acl_b.name
    detail = (
        f"On {device.name}, crypto map {cmap.name} entries {first.seq} (access-list {acl_a.name}, peer "
        f"{_peer_text(first)}) and {later.seq} (access-list {acl_b.name}, peer {_peer_text(later)}) both protect: "
        f"{listed}. Entries are matched in sequence order, so this traffic always goes to entry {first.seq}'s peer "
        f"and never through entry {later.seq}'s tunnel."
        + (" Both entries use the same access-list." if same else "")
        + (" (Some ACL names did not resolve; the overlap may be larger.)" if shared.uncertain else "")
    )
    sources = [first.src("match"), later.src("match")]
    sources += [e.source for e in acl_a.active_entries if _touches(e, shared)][:4]
    sources += [e.source for e in acl_b.active_entries if _touches(e, shared)][:4]
    fix = Fix(
        device.name,
        tuple(_deny_commands(device, acl_a, shared)),
        Disruption.RENEGOTIATES_TUNNEL,
        note=(
            f"sends the shared flows to entry {later.seq} (peer {_peer_text(later)}); if they belong to "
            f"{_peer_text(first)}, remove them from access-list {acl_b.name} instead"
        ),
    )
    return make_finding(
        CATALOG_ID,
        Severity.WARNING,
        device,
        f"Crypto map {cmap.name} {first.seq} and {later.seq} on {device.name} protect overlapping traffic",
        detail,
        sources,
        [fix],
        caution="Changing a crypto ACL rebuilds the SAs of the entries that use it.",
        key=f"{cmap.name} {first.seq}/{later.seq}",
    )


def _touches(entry: AclEntry, shared: FlowSet) -> bool:
    return entry.action == "permit" and not flows_of_entry(entry).intersection(shared).is_empty()


# --------------------------------------------------------------------------- deny lines


def _prefix(fam: int, lo: int, hi: int) -> IPv4Network | IPv6Network | None:
    size = hi - lo + 1
    if size & (size - 1) or lo % size:
        return None
    bits = 32 if fam == 4 else 128
    make = IPv4Address if fam == 4 else IPv6Address
    return (IPv4Network if fam == 4 else IPv6Network)(f"{make(lo)}/{bits - size.bit_length() + 1}")


def _address_words(device: Device, net: IPv4Network | IPv6Network) -> str:
    if net.prefixlen == 0:
        return "any"
    if net.num_addresses == 1:
        return f"host {net.network_address}"
    if device.platform is Platform.IOS:
        return f"{net.network_address} {net.hostmask}"
    return f"{net.network_address} {net.netmask}"


def _deny_commands(device: Device, acl: AccessList, shared: FlowSet) -> list[str]:
    """``deny`` lines for the shared flows, placed before the ACL's permits."""
    lines: list[str] = []
    comments: list[str] = []
    ios = device.platform is Platform.IOS
    if ios:
        lines.append(f"ip access-list extended {acl.name}")
    texts = describe(shared)
    ordered = sorted(shared.boxes, key=lambda b: (b[0], b[4], b[5], b[6], b[7], b[2], b[3], b[8], b[10]))
    for n, (box, text) in enumerate(zip(ordered, texts)):
        fam = box[0]
        src, dst = _prefix(fam, box[4], box[5]), _prefix(fam, box[6], box[7])
        ports_any = (box[8], box[9], box[10], box[11]) == (0, _PORT_MAX, 0, _PORT_MAX)
        proto_any = (box[2], box[3]) == _PROTO_ANY
        if src is None or dst is None or not ports_any or not (proto_any or box[2] == box[3]):
            comments.append(f"! also exclude: {text}")
            continue
        proto = "ip" if proto_any else text.split()[0]
        body = f"deny {proto} {_address_words(device, src)} {_address_words(device, dst)}"
        if ios:
            lines.append(f" {n + 1} {body}")
        else:
            # PIX 6.3 knows `line N` but not the `extended` keyword.
            extended = "" if device.platform is Platform.PIX6 else " extended"
            lines.append(f"access-list {acl.name} line {n + 1}{extended} {body}")
    return lines + comments
