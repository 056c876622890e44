"""IN-UNPAIRED — a tunnel's other end is not in the snapshot.

What it does
    For every crypto map entry (or VTI) whose peer is on no loaded device,
    or on a device with no configuration for us, reports an info finding
    that lists exactly what to ask the other side's administrator so the
    comparison can be made by hand: the mirror image of our crypto ACL (in
    words and as flows), a phase 1 policy matching one of ours (all ours
    listed), a transform set matching ours, the PFS setting, the lifetimes,
    the identity type, and confirmation of "the pre-shared key configured
    for address <our address>" — never the key itself.

Why it breaks
    Nothing is broken yet: policies, keys, mirror ACLs and PFS need both
    ends to be judged, so those checks stay silent for this tunnel.

Example
    ``crypto map VPN 10 set peer 192.0.2.77`` where no analysed device owns
    192.0.2.77.

Fix
    None on this device: add the other end's configuration to the snapshot,
    or send the list to its administrator.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import acl as flows
from ..findings import Finding, Severity
from ..model import Device, Source, TransformSet
from ..pairing import Tunnel, TunnelEnd
from ..verdict import phase2_offer
from . import Context, check
from ._policies import describe as describe_policy
from ._tunnels import entry_label, evidence

CATALOG_ID = "IN-UNPAIRED"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One info finding per one-sided tunnel."""
    for tunnel in ctx.tunnels:
        if not tunnel.one_sided or not tunnel.ends:
            continue
        end = tunnel.ends[0]
        device = ctx.device(end.device)
        if device is not None:
            yield _finding(tunnel, device, end)


def _ts_text(device: Device, ts: TransformSet) -> str:
    mode = "" if ts.mode == "tunnel" else f", {ts.mode} mode"
    return f"{ts.name} ({' '.join(ts.transforms)}{mode})"


def requests(device: Device, end: TunnelEnd) -> list[str]:
    """What to ask the remote administrator, one item per line, from this end's configuration."""
    ours = str(end.local_address) if end.local_address is not None else "our outside address"
    offer = phase2_offer(device, end)
    items: list[str] = []
    if offer.any_proxy:
        items.append("a route-based tunnel (VTI) on their side too: proxies any <-> any")
    elif offer.acl is not None:
        mirrored = flows.describe(flows.mirror(flows.permitted_flows(offer.acl)))
        items.append(f"a crypto ACL that is the mirror image of our {offer.acl.name}, i.e. permitting from their "
                     "side exactly: " + ("; ".join(mirrored) if mirrored else "(our ACL permits nothing)"))
    elif offer.acl_name:
        items.append(f"their crypto ACL (ours, {offer.acl_name}, is not defined: see P2-ACLREF)")
    policies = sorted(device.ikev1_policies, key=lambda p: p.priority)
    if policies:
        items.append("an ISAKMP policy equal to one of ours: " + "; ".join(describe_policy(p) for p in policies))
    else:
        items.append("their ISAKMP policies (we have none configured)")
    if offer.transform_sets:
        items.append("a transform set equal to one of ours: "
                     + "; ".join(_ts_text(device, t) for t in offer.transform_sets))
    items.append("PFS: " + ("off, as on our side" if offer.pfs_group is None else
                            f"group {offer.pfs_group}, as on our side"))
    items.append(f"IPsec SA lifetime (ours: {offer.lifetime_seconds} s; the lower one is used)")
    items.append(f"ISAKMP identity type (ours: {device.ike.identity})")
    items.append(f"confirmation that the pre-shared key configured for address {ours} equals ours "
                 "(compare it together; never send the key in a ticket)")
    return items


def _finding(tunnel: Tunnel, device: Device, end: TunnelEnd) -> Finding:
    peer = str(end.peer_address) if end.peer_address is not None else "an unresolved peer"
    where = (f"{tunnel.remote_device} owns {peer} but has no configuration for {end.local_address}"
             if tunnel.remote_device else f"no analysed device owns {peer}")
    items = requests(device, end)
    detail = (f"{device.name}'s {entry_label(end)} peers with {peer}, but {where}. Policies, keys, mirror ACLs "
              "and PFS can only be judged from this end. Ask the other side's administrator for: "
              + " | ".join(f"({i}) {text}" for i, text in enumerate(items, 1)) + ".")
    sources: list[Source] = []
    entry = end.entry
    if entry is not None:
        sources += [entry.source, entry.src("peer"), entry.src("match"), entry.src("transform-set"),
                    entry.src("pfs")]
    else:
        itf = device.interface(end.interface)
        if itf is not None:
            sources.append(itf.source)
            if itf.tunnel is not None:
                sources.append(itf.tunnel.source)
    return Finding(
        id=CATALOG_ID,
        severity=Severity.INFO,
        title=f"The far end of {device.name}'s {entry_label(end)} ({peer}) is not in the snapshot",
        devices=(device.name,),
        tunnel=tunnel.id,
        detail=detail,
        evidence=evidence(sources),
        key=tunnel.id,
        extra={"ask": items},
    )
