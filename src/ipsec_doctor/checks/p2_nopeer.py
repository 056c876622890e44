"""P2-NOPEER — a static site-to-site crypto map entry has no `set peer`.

What it does
    Reports every static entry (not a dynamic-map reference, not manual
    keying) of a crypto map that has no peer, on IOS, ASA and PIX 6.  When
    exactly one configured peer is not used by any entry (an ASA L2L
    tunnel-group named after an address, or an IOS/PIX pre-shared key for a
    single address), that address is proposed.

Why it breaks
    Traffic matching the entry's ACL has nobody to negotiate with: the ASA
    logs ``%ASA-3-713063: IKE Peer address not configured for destination
    0.0.0.0`` and the tunnel never comes up.

Example
    ``crypto map VPN 10 match address BR1`` and ``crypto map VPN 10 set ikev1
    transform-set TS`` with no ``crypto map VPN 10 set peer ...``.

Fix
    Add ``set peer``.  Disruption: none, the entry carries no tunnel yet.
    If the message persists, the source document's remedy is to move the
    entry to a new sequence number and remove and re-apply the map on its
    interface; that second fix drops every tunnel of the map
    (drops-all-tunnels) and is given as an alternative with its caution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMap, CryptoMapEntry, Device, Peer, Platform
from . import Context, check
from ._fix_maps import bind_lines, entry_lines, free_seq, recreate_entry, remove_entry, unbind_lines
from ._maps import bindings_by_interface, is_ipv4, is_static_l2l, make_finding, peer_addresses, sorted_entries

CATALOG_ID = "P2-NOPEER"

CAUTION = (
    "Removing the crypto map from the interface and re-applying it drops every tunnel of that map "
    "until they renegotiate; do it in a maintenance window and only if adding the peer alone did not help."
)


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One error per static entry without a peer."""
    for device in ctx.devices:
        for cmap in device.crypto_maps.values():
            for entry in sorted_entries(cmap):
                if is_static_l2l(entry) and not entry.peers:
                    yield _finding(device, cmap, entry)


def unused_peers(device: Device) -> list[str]:
    """Peers the device has credentials for that no crypto map entry names (candidates for the missing peer)."""
    used = {str(a) for e in device.static_entries() for a in peer_addresses(e)}
    if device.platform is Platform.ASA:
        names = [n for n, tg in device.tunnel_groups.items() if tg.type == "ipsec-l2l" and is_ipv4(n)]
    else:
        names = [
            str(k.peer.network_address)
            for k in device.pre_shared_keys
            if k.peer is not None and k.peer.num_addresses == 1 and k.keyring is None
        ]
    return sorted(set(names) - used)


def _finding(device: Device, cmap: CryptoMap, entry: CryptoMapEntry) -> Finding:
    candidates = unused_peers(device)
    peer = candidates[0] if len(candidates) == 1 else "<peer-address>"
    hint = (
        f" {peer} has a {'tunnel-group' if device.platform is Platform.ASA else 'pre-shared key'} "
        "but no entry peers with it, so it is probably the intended peer."
        if len(candidates) == 1
        else ""
    )
    detail = (
        f"Crypto map {cmap.name} entry {entry.seq} on {device.name} has no `set peer`"
        + (f" (it protects access-list {entry.match_acl})" if entry.match_acl else "")
        + ". When traffic matches it there is no one to start IKE with; an ASA logs "
        "`%ASA-3-713063: IKE Peer address not configured for destination 0.0.0.0`." + hint
    )
    add_peer = Fix(
        device.name,
        tuple(entry_lines(device, cmap.name, entry.seq, [f"set peer {peer}"])),
        Disruption.NONE,
        note=None if len(candidates) == 1 else "replace <peer-address> with the remote gateway's address",
    )
    fixes = [add_peer]
    renumber = _renumber_fix(device, cmap, entry, peer)
    if renumber is not None:
        fixes.append(renumber)
    return make_finding(
        CATALOG_ID,
        Severity.ERROR,
        device,
        f"Crypto map {cmap.name} {entry.seq} on {device.name} has no peer",
        detail,
        [entry.source, entry.src("match")],
        fixes,
        caution=CAUTION,
        key=f"{cmap.name} {entry.seq}",
    )


def _renumber_fix(device: Device, cmap: CryptoMap, entry: CryptoMapEntry, peer: str) -> Fix | None:
    """The document's remedy: re-enter the entry under a new sequence number, then re-apply the map."""
    used = {e.seq for e in cmap.entries}
    dynamic_seqs = [e.seq for e in cmap.entries if e.dynamic_map]
    limit = min(dynamic_seqs) - 1 if dynamic_seqs and min(dynamic_seqs) > entry.seq else 65535
    seq = free_seq(used, entry.seq + 1, limit)
    if seq is None:
        return None
    fixed = replace(entry, peers=(Peer(peer),))
    commands = remove_entry(device, entry) + recreate_entry(device, cmap.name, seq, fixed)
    for interface, bound in sorted(bindings_by_interface(device).items()):
        if any(b.map_name == cmap.name for b in bound):
            commands += unbind_lines(device, cmap.name, interface) + bind_lines(device, cmap.name, interface)
    return Fix(
        device.name,
        tuple(commands),
        Disruption.DROPS_ALL_TUNNELS,
        note=f"alternative (source document): move the entry to sequence {seq} and re-apply map {cmap.name}",
    )
