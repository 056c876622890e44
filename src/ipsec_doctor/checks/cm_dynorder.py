"""CM-DYNORDER — a dynamic-map entry is numbered below static entries of the same crypto map.

What it does
    For every crypto map (IOS, ASA, PIX 6) it finds the entries that point at
    a dynamic map (``crypto map M N ipsec-isakmp dynamic D``) and the static
    entries with a higher sequence number.  One error per dynamic entry,
    naming the static entries it shadows.

Why it breaks
    Entries are evaluated in ascending sequence order and a dynamic entry
    accepts any peer and (without ``match address``) any traffic.  Static
    peers that reach the dynamic entry first are handled by it instead of by
    their own entry, so their tunnels fail: the ASA logs ``QM FSM error``,
    ``Removing peer from correlator table failed, no match!`` or
    ``%ASA-3-713042: IKE Initiator unable to find policy``.

Example
    ``crypto map VPN 10 ipsec-isakmp dynamic DYN`` with ``crypto map VPN 20
    set peer 203.0.113.20``.

Fix
    Re-enter the dynamic entry with the highest sequence number, keeping room
    below it for future static entries: ``no crypto map VPN 10 ipsec-isakmp
    dynamic DYN`` then ``crypto map VPN 65535 ipsec-isakmp dynamic DYN`` (the
    same text on IOS, ASA and PIX 6; if 65535 is taken the highest free
    number is used).  Disruption: drops-tunnel — removing the dynamic entry
    drops the remote-access and dynamic peers connected through it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMap, CryptoMapEntry, Device
from . import Context, check
from ._fix_maps import dynamic_reference
from ._maps import is_static_l2l, make_finding, sorted_entries

CATALOG_ID = "CM-DYNORDER"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One error per dynamic-map entry that precedes static entries of its map."""
    for device in ctx.devices:
        for cmap in device.crypto_maps.values():
            entries = sorted_entries(cmap)
            for entry in entries:
                if entry.dynamic_map is None:
                    continue
                shadowed = [e for e in entries if is_static_l2l(e) and e.seq > entry.seq]
                if shadowed:
                    yield _finding(device, cmap, entry, shadowed)


def highest_free_seq(cmap: CryptoMap) -> int:
    """65535, or the highest number not used by the map."""
    used = {e.seq for e in cmap.entries}
    n = 65535
    while n in used and n > 1:
        n -= 1
    return n


def _finding(device: Device, cmap: CryptoMap, dyn: CryptoMapEntry, shadowed: list[CryptoMapEntry]) -> Finding:
    new_seq = highest_free_seq(cmap)
    names = ", ".join(
        f"{e.seq} (peer {' '.join(p.raw for p in e.peers) or 'none'})" for e in shadowed
    )
    detail = (
        f"Crypto map {cmap.name} on {device.name} references dynamic map {dyn.dynamic_map} at sequence {dyn.seq}, "
        f"below its static entries {names}. Entries are evaluated in sequence order and the dynamic entry accepts "
        "any peer, so those static peers hit the dynamic entry first and their tunnels fail."
    )
    fix = Fix(
        device.name,
        (
            "no " + dynamic_reference(cmap.name, dyn.seq, dyn.dynamic_map or ""),
            dynamic_reference(cmap.name, new_seq, dyn.dynamic_map or ""),
        ),
        Disruption.DROPS_TUNNEL,
    )
    return make_finding(
        CATALOG_ID,
        Severity.ERROR,
        device,
        f"Dynamic map {dyn.dynamic_map} at {cmap.name} {dyn.seq} on {device.name} shadows static entries",
        detail,
        [dyn.source] + [e.source for e in shadowed],
        [fix],
        caution=(
            f"Removing {cmap.name} {dyn.seq} drops the remote-access and dynamic peers connected through "
            f"{dyn.dynamic_map} until they reconnect."
        ),
        key=f"{cmap.name} {dyn.seq}",
    )
