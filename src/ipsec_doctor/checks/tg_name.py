"""TG-NAME — ASA site-to-site peers and the tunnel-groups named after them disagree.

What it does
    On ASA, for every static crypto map entry peer address P it requires a
    ``tunnel-group P type ipsec-l2l`` (error when missing or of another
    type).  Entries that use aggressive mode or certificates
    (``set trustpoint``) are skipped: there a named tunnel-group can be
    selected by the peer's identity instead of its address.  It also
    reports L2L tunnel-groups named after an address that no crypto map
    entry peers with (stale or a typo), with the closest peer address
    (difflib) as the likely intended one: a warning, or info when the ASA
    has a dynamic map through which such a peer may legitimately connect.
    PIX 6 has no tunnel-groups (keys are per address there).

Why it breaks
    With pre-shared keys in main mode the ASA can only pick the tunnel-group
    by the peer's IP address.  Without a tunnel-group of that name the peer
    lands in DefaultL2LGroup, whose key is not the right one: ``Group =
    DefaultL2LGroup, IP = x.x.x.x, ERROR, had problems decrypting packet,
    probably due to mismatched pre-shared key`` and MM_WAIT_MSG4.

Example
    ``crypto map VPN 10 set peer 203.0.113.20`` with ``tunnel-group
    203.0.113.2 type ipsec-l2l`` (a digit lost).

Fix
    ``tunnel-group 203.0.113.20 type ipsec-l2l`` / ``tunnel-group
    203.0.113.20 ipsec-attributes`` / `` ikev1 pre-shared-key
    <pre-shared-key>`` (before 8.4: `` pre-shared-key ...``), or correct the
    ``set peer`` address.  Disruption: none — the tunnel is not up.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMapEntry, Device, Platform
from . import Context, check
from ._fix_maps import l2l_tunnel_group_lines
from ._maps import closest, is_fragment, is_ipv4, is_static_l2l, make_finding, parse_address, peer_addresses

CATALOG_ID = "TG-NAME"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """Errors for peers without their L2L tunnel-group; warnings for address-named groups no entry uses."""
    for device in ctx.devices:
        if device.platform is not Platform.ASA or is_fragment(device):
            continue
        yield from _missing(device)
        yield from _stale(device)


def _address_entries(device: Device) -> list[CryptoMapEntry]:
    return [
        e for e in sorted(device.static_entries(), key=lambda e: (e.map_name, e.seq))
        if is_static_l2l(e) and e.phase1_mode == "main" and not e.trustpoint
    ]


def _stale_groups(device: Device) -> list[str]:
    peered = {str(a) for e in device.static_entries() for a in peer_addresses(e)}
    return sorted(
        n for n, tg in device.tunnel_groups.items()
        if tg.type == "ipsec-l2l" and parse_address(n) is not None and n not in peered
    )


def _missing(device: Device) -> Iterable[Finding]:
    stale = _stale_groups(device)
    for entry in _address_entries(device):
        for peer in peer_addresses(entry):
            name = str(peer)
            tg = device.tunnel_groups.get(name)
            if tg is not None and tg.type == "ipsec-l2l":
                continue
            hint = closest(name, stale)
            sources = [entry.src("peer")]
            if tg is None:
                problem = f"there is no `tunnel-group {name} type ipsec-l2l`"
                if hint:
                    problem += f" (tunnel-group {hint} exists and no entry uses it: a typo?)"
                    sources.append(device.tunnel_groups[hint].source)
            else:
                problem = f"tunnel-group {name} is of type {tg.type or 'unknown'}, not ipsec-l2l"
                sources.append(tg.source)
            default = device.tunnel_groups.get("DefaultL2LGroup")
            default_note = (
                " DefaultL2LGroup has a pre-shared key configured, so the tunnel comes up only if the peer uses "
                "that key." if default is not None and default.ikev1_psk is not None else ""
            )
            detail = (
                f"Crypto map {entry.map_name} {entry.seq} on {device.name} peers with {name}, but {problem}. "
                "In main mode with pre-shared keys the ASA selects the tunnel-group by the peer's address, so "
                "this peer falls into DefaultL2LGroup: phase 1 stops at MM_WAIT_MSG4 with "
                "`had problems decrypting packet, probably due to mismatched pre-shared key`." + default_note
            )
            commands = l2l_tunnel_group_lines(device, name)
            if tg is not None:
                commands = [f"clear configure tunnel-group {name}"] + commands
            yield make_finding(
                CATALOG_ID, Severity.ERROR, device,
                f"No L2L tunnel-group for peer {name} on {device.name}",
                detail, sources,
                [Fix(device.name, tuple(commands), Disruption.NONE,
                     note=f"or correct `crypto map {entry.map_name} {entry.seq} set peer` if {name} is the typo")],
                key=f"peer {name}",
            )


def _stale(device: Device) -> Iterable[Finding]:
    peers = sorted({str(a) for e in device.static_entries() for a in peer_addresses(e)})
    unmatched = [p for p in peers if p not in device.tunnel_groups]
    has_dynamic = any(e.dynamic_map for e in device.static_entries())
    for name in _stale_groups(device):
        if not is_ipv4(name) and ":" not in name:
            continue
        tg = device.tunnel_groups[name]
        hint = closest(name, unmatched) or closest(name, peers)
        detail = (
            f"Tunnel-group {name} on {device.name} is a site-to-site group named after an address, but no crypto "
            "map entry peers with that address."
            + (f" The closest peer address in the crypto maps is {hint}: if that is the same gateway, one of the two "
               "is mistyped." if hint else " It may be stale.")
            + (" (A peer with that address may also connect through the dynamic map.)" if has_dynamic else "")
        )
        fixes = []
        if hint and hint in unmatched:
            fixes.append(Fix(device.name, tuple(l2l_tunnel_group_lines(device, hint)), Disruption.NONE,
                             note=f"if {hint} is the right address; then remove tunnel-group {name}"))
        fixes.append(Fix(device.name, (f"clear configure tunnel-group {name}",), Disruption.NONE,
                         note="only if the group is unused"))
        yield make_finding(
            CATALOG_ID, Severity.INFO if has_dynamic else Severity.WARNING, device,
            f"Tunnel-group {name} on {device.name} matches no crypto map peer",
            detail, [tg.source], fixes,
            key=f"stale {name}",
        )
