"""P2-MIRROR — the two ends' crypto ACLs are not mirror images.

What it does
    For every tunnel with both ends in the snapshot, compares the crypto
    ACLs exactly, as sets of flows: each side's ACL must equal the other's
    with source and destination (and ports) swapped.  The finding lists the
    flows that only one side protects, each in that side's own point of
    view, and shows both ACLs' lines as evidence.

    * error: no overlap at all, or the proposal of either end falls outside
      the other's mirror (the tunnel fails whoever initiates);
    * warning: one ACL is a superset of the other's mirror; phase 2 comes
      up only when the side with the narrower ACL initiates.

Why it breaks
    Quick mode proposes proxy identities taken from the initiator's ACL; a
    Cisco responder accepts them only inside the mirror image of one of its
    own entries.  Otherwise ``%ASA-3-713042: IKE Initiator unable to find
    policy`` / ``%ASA-5-713068: Received non-routine Notify message``, or
    traffic that flows one way only.

Example
    HQ-ASA ``access-list BR1-CRYPTO extended permit ip 10.10.0.0
    255.255.0.0 192.168.20.0 255.255.255.0``; BR1-RTR ``permit ip
    192.168.20.0 0.0.0.255 10.10.1.0 0.0.0.255``.

Fix
    Rewrite one side's ACL as the mirror of the other's, in its own syntax
    (IOS ``ip access-list extended X`` / `` permit ip A W B W``, ASA
    ``access-list X extended permit ip A M B M``).  Both options are shown.
    Disruption: the tunnel renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import acl as flows
from ..findings import Disruption, Finding, Fix
from ..model import AccessList, Device
from ..verdict import phase2_offer
from . import Context, check
from ._fix_tunnels import acl_edit_lines, mirrored_aces, own_aces
from ._partial import excerpt_downgrade
from ._tunnels import Pair, Split, caution_for, entry_sources, failing, pairs, tunnel_finding

CATALOG_ID = "P2-MIRROR"
CAUTION = (
    "Editing a crypto ACL that is in use rebuilds the IPsec SAs of its entry: the tunnel renegotiates, and "
    "until both ends are changed the flows you add or remove may be refused. Change both ends in one window."
)
MAX_EVIDENCE_LINES = 25  # per ACL; a 1,000-line ACL would drown the report


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One finding per paired tunnel whose crypto ACLs do not mirror each other."""
    for pair, s in failing(pairs(ctx), CATALOG_ID, 2):
        acl_a = phase2_offer(pair.a, pair.end_a).acl
        acl_b = phase2_offer(pair.b, pair.end_b).acl
        if acl_a is None or acl_b is None:
            continue
        yield _finding(pair, s, acl_a, acl_b)


def rewrite(device: Device, own: AccessList, peer: AccessList) -> list[str] | None:
    """Commands turning ``own`` into the mirror of ``peer`` (None when it cannot be written safely)."""
    if any(e.unresolved for e in own.entries + peer.entries):
        return None
    desired = mirrored_aces(device, peer.active_entries)
    if not desired:
        return None
    if any(e.action == "deny" for e in peer.active_entries):
        # Order matters once denies are involved: replace the whole list.
        return acl_edit_lines(device, own.name, list(own.active_entries), desired)
    wanted = set(desired)
    keep_texts: set[str] = set()
    remove = []
    for e in own.active_entries:
        texts = own_aces(device, e)
        if e.action == "permit" and texts and set(texts) <= wanted:
            keep_texts.update(texts)
        else:
            remove.append(e)
    add = [t for t in dict.fromkeys(desired) if t not in keep_texts]
    return acl_edit_lines(device, own.name, remove, add)


def _lines(flowset: flows.FlowSet) -> str:
    described = flows.describe(flowset)
    return ", ".join(described) if described else "nothing"


def _finding(pair: Pair, s: Split, acl_a: AccessList, acl_b: AccessList) -> Finding:
    a, b = pair.a, pair.b
    mm = flows.mirror_mismatch(acl_a, acl_b)
    only_a = mm.only_local
    only_b = flows.mirror(mm.only_remote)  # back into B's own point of view
    parts = [f"{a.name}'s ACL {acl_a.name} and {b.name}'s ACL {acl_b.name} are not mirror images"]
    b_own = flows.mirror(mm.remote_mirrored)
    if mm.local.equals(b_own):
        # Identical lists: "only A protects X; only B protects X" would hide the real mistake (orientation).
        parts.append(f"both ends list {_lines(mm.local)} (the same direction); the peer must list the mirror "
                     f"{_lines(flows.mirror(mm.local))}")
    else:
        if not only_a.is_empty():
            parts.append(f"only {a.name} protects {_lines(only_a)}")
        if not only_b.is_empty():
            parts.append(f"only {b.name} protects {_lines(only_b)}")
        if mm.local.intersection(mm.remote_mirrored).is_empty():
            parts.append("they have no flow in common")
    detail = "; ".join(parts) + "."
    failure = s.failing[0][1]
    detail += f" When {s.failing[0][0].initiator} initiates: {failure.message}."
    if not s.every:
        narrow = sorted({d.initiator for d in s.passing})
        detail += (f" Phase 2 comes up only when {' or '.join(narrow)} (the narrower ACL) initiates; it fails "
                   f"{s.initiator_text()}.")
    fixes = _fixes(pair, s, acl_a, acl_b)
    sources = entry_sources(pair.end_a, "match") + entry_sources(pair.end_b, "match")
    sources += [e.source for e in acl_a.entries[:MAX_EVIDENCE_LINES]]
    sources += [e.source for e in acl_b.entries[:MAX_EVIDENCE_LINES]]
    title = (f"Crypto ACLs {acl_a.name} ({a.name}) and {acl_b.name} ({b.name}) are not mirror images"
             + ("" if s.every else " (works only when the narrower side initiates)"))
    return tunnel_finding(CATALOG_ID, s.severity, pair, title, detail, sources, fixes,
                          caution=caution_for(CATALOG_ID) or CAUTION)


def _fixes(pair: Pair, s: Split, acl_a: AccessList, acl_b: AccessList) -> list[Fix]:
    options = [(pair.a, acl_a, pair.b, acl_b), (pair.b, acl_b, pair.a, acl_a)]
    if not s.every:
        # The wider side (the one that fails as initiator) narrows to the mirror of the other first.
        wide = {d.initiator for d, _ in s.failing}
        options.sort(key=lambda o: o[0].name not in wide)
    out: list[Fix] = []
    for i, (dev, own, peer_dev, peer) in enumerate(options):
        lines = rewrite(dev, own, peer)
        if not lines:
            continue
        label = "fix A" if i == 0 else "fix B (alternative)"
        out.append(Fix(dev.name, tuple(lines), Disruption.RENEGOTIATES_TUNNEL,
                       note=f"{label}: make {dev.name}'s {own.name} the mirror of {peer_dev.name}'s {peer.name}"))
    return out
