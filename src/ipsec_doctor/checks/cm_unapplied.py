"""CM-UNAPPLIED — a crypto map with entries is applied to no interface.

What it does
    Reports every crypto map that has entries but no binding (ASA/PIX
    ``crypto map M interface IF``; IOS ``crypto map M`` under an interface).
    Error when the map has at least one usable entry (a complete static
    entry or a dynamic-map reference); info when all its entries are
    incomplete (left-over lines).  Maps whose name is a case variant of a
    bound map are left to CM-NAMECASE.

Why it breaks
    A crypto map does nothing until it is applied to the interface that
    faces the peers: no packet is checked against it, so IKE is never
    triggered, and the peers' proposals are not answered by it.

Example
    ``crypto map VPN 10 match address BR1`` / ``set peer 203.0.113.20`` /
    ``set ikev1 transform-set TS`` with no ``crypto map VPN interface
    outside``.

Fix
    Bind it to the interface that faces the peers: the interface of the
    route to the first peer, else the default route's interface, else (ASA)
    the security-level 0 interface or (IOS) the ``ip nat outside`` one.
    ASA/PIX ``crypto map VPN interface outside``; IOS ``interface
    GigabitEthernet0/0`` / `` crypto map VPN``.

    Disruption: none.  Binding a map to an interface without one tears no
    tunnel down; it does change traffic — packets matching the map's ACLs
    are encrypted from then on instead of leaving in clear — which the
    caution says.  If that interface already carries another map, binding
    would replace it and drop all of its tunnels (an interface takes one
    map), so the fix then adds the entries to the map in effect instead,
    which is also disruption-free.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMap, Device
from . import Context, check
from ._fix_maps import bind_lines
from ._maps import (
    bindings_by_interface,
    bound_map_names,
    case_variant,
    is_complete,
    is_fragment,
    make_finding,
    outside_interface,
    peer_addresses,
)
from .cm_oneperif import merge_commands

CATALOG_ID = "CM-UNAPPLIED"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One finding per crypto map with entries and no binding."""
    for device in ctx.devices:
        if is_fragment(device):
            continue  # an excerpt does not show the interfaces the map may be bound to
        bound = bound_map_names(device)
        for name, cmap in sorted(device.crypto_maps.items()):
            if not cmap.entries or name in bound or case_variant(name, bound):
                continue
            yield _finding(device, cmap)


def _finding(device: Device, cmap: CryptoMap) -> Finding:
    usable = [e for e in cmap.entries if e.dynamic_map or (not e.manual and is_complete(device, e))]
    peers = [a for e in cmap.entries for a in peer_addresses(e)]
    itf = outside_interface(device, peers)
    interface = itf.local_name if itf is not None else "<outside-interface>"
    current = bindings_by_interface(device).get(interface, []) if itf is not None else []
    note: str | None
    if current:
        target = current[-1].map_name
        commands = merge_commands(device, device.crypto_maps.get(target), target, cmap)
        note = (
            f"{interface} already carries crypto map {target}; binding {cmap.name} would replace it, "
            f"so the entries are added to {target} instead"
        )
    else:
        commands = bind_lines(device, cmap.name, interface)
        note = None if itf is not None else "replace <outside-interface> with the interface that faces the peers"
    severity = Severity.ERROR if usable else Severity.INFO
    detail = (
        f"Crypto map {cmap.name} on {device.name} has entries "
        f"({', '.join(str(e.seq) for e in sorted(cmap.entries, key=lambda e: e.seq))}) but is applied to no "
        "interface, so no traffic is ever checked against it and no tunnel of it can start."
        + ("" if usable else " None of its entries is complete, so it may be left-over configuration.")
    )
    return make_finding(
        CATALOG_ID,
        severity,
        device,
        f"Crypto map {cmap.name} on {device.name} is not applied to any interface",
        detail,
        [e.source for e in sorted(cmap.entries, key=lambda e: e.seq)][:6],
        [Fix(device.name, tuple(commands), Disruption.NONE, note=note)],
        caution=(
            f"From then on, traffic matching the ACLs of {cmap.name} is encrypted towards its peers instead of "
            "leaving in clear; make sure the peers are ready."
        ),
        key=cmap.name,
    )
