"""SEC-KEY-REUSE — one pre-shared key is used for several peers across the snapshot.

What it does
    Collects every visible pre-shared key of every device (keys, keyrings,
    IKEv2 keyrings, ASA tunnel-groups, IOS client groups) and groups them by
    salted digest — the key itself is never printed or stored.  The two
    ends of one tunnel naturally share a key (and an IKEv2 peer may use one
    key as local and remote); a key is *reused* when it protects two or more
    different device-to-peer links.  One info finding per device holding a
    reused key, listing every place in the snapshot that holds it.

Why it breaks
    It weakens rather than breaks: a key leaked from one site lets an
    attacker impersonate the head end toward all the others, and the key
    cannot be rotated site by site.

Example
    HQ-RTR ``crypto isakmp key <K> address 198.51.100.2`` and ``crypto
    isakmp key <K> address 198.51.100.3`` (same K).

Fix
    A different random key per peer, entered on both ends of each tunnel
    (commands use ``<pre-shared-key>``).  Disruption: renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model import Device
from . import Context, check
from ._sec import KeyUse, Place, device_finding, key_uses

CATALOG_ID = "SEC-KEY-REUSE"


def _owner(ctx: Context) -> dict[object, str]:
    out: dict[object, str] = {}
    for d in ctx.devices:
        for itf in d.interfaces:
            for a in itf.addresses:
                out.setdefault(a.ip, d.name)
    return out


def _link(use: KeyUse, owners: dict[object, str]) -> frozenset[str]:
    """The device-to-peer link a key protects (a tunnel's two ends give the same link)."""
    peer = use.peer
    if use.network is not None and use.network.prefixlen == use.network.max_prefixlen:
        peer = owners.get(use.network.network_address, peer)
    return frozenset({use.device.name, peer})


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One info finding per device holding a key that several links share."""
    owners = _owner(ctx)
    groups: dict[bytes, list[KeyUse]] = {}
    for device in ctx.devices:
        for use in key_uses(device):
            fp = use.secret.fingerprint
            if use.secret.comparable and fp is not None:
                groups.setdefault(fp, []).append(use)
    reused = [uses for uses in groups.values() if len({_link(u, owners) for u in uses}) >= 2]
    reused.sort(key=lambda uses: min(u.label for u in uses))
    for n, uses in enumerate(reused, 1):
        everywhere = "; ".join(sorted({u.label for u in uses}))
        by_device: dict[str, list[KeyUse]] = {}
        for u in uses:
            by_device.setdefault(u.device.name, []).append(u)
        for name in sorted(by_device):
            mine = by_device[name]
            holder: Device = mine[0].device
            places = [Place(f"{u.where} for {u.peer}", u.source, u.lines) for u in mine]
            links = len({_link(u, owners) for u in uses})
            yield device_finding(
                CATALOG_ID, Severity.INFO, holder, f"one pre-shared key for {links} peers (shared key #{n})", places,
                f"The same key (compared by digest, not shown) is used in: {everywhere}. Give every peer its own "
                "key.")
