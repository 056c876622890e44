"""SEC-AGGR-PSK — aggressive mode with pre-shared keys is used or answered.

What it does
    Per device, lists:

    * crypto map / dynamic map entries with ``set phase1-mode aggressive``;
    * IOS Easy VPN client groups authenticated by a group key while
      ``crypto isakmp aggressive-mode disable`` is absent (group-key clients
      use aggressive mode);
    * ASA remote-access tunnel-groups with an IKEv1 pre-shared key while
      ``crypto ikev1 am-disable`` is absent (the ASA answers aggressive mode
      by default).

    One warning per device.

Why it breaks
    It weakens rather than breaks: aggressive mode sends the identity and a
    hash derived from the key in the clear, so anyone who can reach the
    gateway can collect it and guess the key offline.

Example
    ``crypto map outside_map 20 set phase1-mode aggressive``; an IOS
    ``crypto isakmp client configuration group SALES`` / ``key <K>``.

Fix
    Main mode (remove ``set phase1-mode aggressive``), and ``crypto isakmp
    aggressive-mode disable`` (IOS) / ``crypto ikev1 am-disable`` (ASA; ``crypto
    isakmp am-disable`` before 8.4) once clients use certificates or IKEv2.
    Disruption: none for new tunnels; group-key clients stop connecting.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Severity
from ..model import Device, Platform
from . import Context, check
from ._partial import excerpt_downgrade
from ._sec import Place, device_finding

CATALOG_ID = "SEC-AGGR-PSK"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot show `am-disable`: the ASA may refuse aggressive mode
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per device that uses or answers aggressive mode with pre-shared keys."""
    for device in ctx.devices:
        places = _places(device)
        if places:
            yield device_finding(CATALOG_ID, Severity.WARNING, device, "aggressive mode with pre-shared keys",
                                 places, "Aggressive mode exposes a key-derived hash to anyone who asks.",
                                 Disruption.NONE)


def _disable(device: Device) -> str:
    if device.platform is Platform.IOS:
        return "crypto isakmp aggressive-mode disable"
    if device.platform is Platform.PIX6:
        return "isakmp am-disable"
    return "crypto ikev1 am-disable" if device.version_at_least(8, 4) else "crypto isakmp am-disable"


def _places(device: Device) -> list[Place]:
    out: list[Place] = []
    entries = [(e, False) for e in device.static_entries()]
    entries += [(e, True) for es in device.dynamic_maps.values() for e in es]
    for e, dynamic in entries:
        if e.phase1_mode == "aggressive":
            kind = "crypto dynamic-map" if dynamic else "crypto map"
            out.append(Place(f"{kind} {e.map_name} {e.seq} (set phase1-mode aggressive)", e.src("phase1-mode"),
                             [f"no {kind} {e.map_name} {e.seq} set phase1-mode aggressive"]))
    if device.ike.aggressive_mode_disabled:
        return out
    if device.platform is Platform.IOS:
        for name, g in sorted(device.client_groups.items()):
            if g.key is not None:
                out.append(Place(f"client group {name} (group key, aggressive mode answered)", g.source,
                                 [], "move the clients to certificates or IKEv2 first"))
    else:
        for name, tg in sorted(device.tunnel_groups.items()):
            if tg.type in ("remote-access", "ipsec-ra") and tg.ikev1_psk is not None:
                out.append(Place(f"tunnel-group {name} (remote access, IKEv1 group key)", tg.src("ikev1-psk"),
                                 [], "move the clients to certificates or AnyConnect/IKEv2 first"))
    if any(not p.lines for p in out):
        out[-1].lines = [_disable(device)]
    return out
