"""P1-ENABLE — IKE (ISAKMP) is not enabled on the interface that carries a crypto map.

What it does
    For every device and every interface with a crypto map applied, checks
    that IKEv1 listens there: ASA needs ``crypto ikev1 enable IF`` (8.4 and
    later) or ``crypto isakmp enable IF`` (before 8.4), PIX 6 ``isakmp
    enable IF``; IOS runs ISAKMP everywhere unless ``no crypto isakmp
    enable``.  The check is per device, so it also covers maps whose peers
    are not in the snapshot.  Maps with only IKEv2 entries are skipped.

Why it breaks
    Without IKE on the interface the device neither answers the peer's
    first main-mode message nor starts its own: the peer shows MM_WAIT_MSG2
    (ASA) or MM_NO_STATE (IOS), and `show crypto isakmp sa` here stays empty.

Example
    ``crypto map outside_map interface outside`` on an ASA 8.4 with no
    ``crypto ikev1 enable outside``.

Fix
    Enable IKE on the interface.  Disruption: none.  If an ASA then logs
    ``IkeReceiverInit, unable to bind to port``, a PAT translation holds
    UDP 500: ``clear xlate`` (drops translated connections) and enable again.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import ike_enable_command
from ..model import CryptoMap, Device, Platform
from . import Context, check
from ._maps import bindings_by_interface, make_finding, peer_addresses, sorted_entries
from ._partial import excerpt_downgrade

CATALOG_ID = "P1-ENABLE"

ASA_CAUTION = (
    "If the firewall then logs `UDP: ERROR - socket <unknown> 62465 in used ERROR: IkeReceiverInit, unable to bind to "
    "port`, a PAT translation already holds UDP 500: `clear xlate` (which drops every translated connection) "
    "and enable IKE again; keep UDP 500/4500 free for ISAKMP."
)


def _needs_ikev1(device: Device, cmap: CryptoMap) -> bool:
    """True unless every entry of the map is IKEv2-only."""
    for e in cmap.entries:
        if e.dynamic_map is not None:
            dyn = device.dynamic_maps.get(e.dynamic_map, ())
            if not dyn or any(d.transform_sets or not d.ikev2_proposals for d in dyn):
                return True
        elif e.transform_sets or not e.ikev2_proposals:
            return True
    return False


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per (device, interface) with a crypto map and no IKEv1 enabled."""
    for device in ctx.devices:
        for interface, bound in sorted(bindings_by_interface(device).items()):
            maps = [(device.crypto_maps[b.map_name], b) for b in bound if b.map_name in device.crypto_maps]
            maps = [(m, b) for m, b in maps if _needs_ikev1(device, m)]
            if not maps or device.ike.enabled_on(_ike_name(device, interface)):
                continue
            yield _finding(device, interface, maps)


def _ike_name(device: Device, interface: str) -> str:
    itf = device.interface(interface)
    return itf.local_name if itf is not None else interface


def _finding(device: Device, interface: str, maps: list) -> Finding:  # type: ignore[type-arg]
    name = _ike_name(device, interface)
    peers = sorted({str(p) for m, _ in maps for e in sorted_entries(m) for p in peer_addresses(e)})
    map_names = ", ".join(sorted({m.name for m, _ in maps}))
    sources = [b.source for _, b in maps]
    for m, _ in maps:
        sources += [e.src("peer") for e in sorted_entries(m)][:3]
    if device.platform is Platform.IOS:
        off = device.ike.attr_sources.get("enable")
        if off is not None:
            sources.insert(0, off)
        cause = "`no crypto isakmp enable` turns ISAKMP off on every interface"
    else:
        cause = (f"there is no `{ike_enable_command(device, name)}` line, and "
                 f"{'PIX 6' if device.platform is Platform.PIX6 else 'the ASA'} only runs IKE on interfaces where "
                 "it is enabled")
        sources += [e.source for e in device.ike.enabled_interfaces]
    who = f" (peers {', '.join(peers)})" if peers else ""
    detail = (f"Crypto map {map_names} is applied to {name} on {device.name}{who}, but IKE is not enabled "
              f"there: {cause}. No phase 1 can start or be answered on this interface; peers see MM_WAIT_MSG2 "
              "(ASA) or MM_NO_STATE (IOS).")
    fix = Fix(device.name, (ike_enable_command(device, name),), Disruption.NONE)
    caution = ASA_CAUTION if device.platform is not Platform.IOS else None
    return make_finding(CATALOG_ID, Severity.ERROR, device, f"IKE is not enabled on {name} of {device.name}",
                        detail, [s for s in sources if s is not None], [fix], caution=caution, key=name)
