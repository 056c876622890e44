"""CM-ONEDYN — more than one dynamic crypto map reaches one interface.

What it does
    For every interface it collects the dynamic maps referenced by the
    entries of the crypto map(s) applied to it (IOS, ASA, PIX 6) and warns
    when there is more than one.

Why it breaks
    The security appliance allows one dynamic crypto map per interface (the
    source document says so for the ASA; the same design rule holds on IOS).
    A new dynamic peer is matched against the first dynamic entry, so peers
    meant for the second dynamic map's settings (transform sets, PFS,
    reverse route) are refused or get the wrong ones.  Severity warning:
    some dynamic peers work, others do not.

Example
    ``crypto map VPN 65000 ipsec-isakmp dynamic RA`` and ``crypto map VPN
    65535 ipsec-isakmp dynamic PARTNERS`` on ``crypto map VPN interface
    outside``.

Fix
    Merge the dynamic maps: re-enter each entry of the extra dynamic map as
    a new sequence of the first one, then remove the extra reference.
    Disruption: drops-tunnel — the sessions using the removed reference
    reconnect through the merged map.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMapEntry, Device, Source
from . import Context, check
from ._fix_maps import dynamic_reference, recreate_entry
from ._maps import bindings_by_interface, make_finding, sorted_entries

CATALOG_ID = "CM-ONEDYN"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per interface reached by two or more dynamic maps."""
    for device in ctx.devices:
        for interface, bound in sorted(bindings_by_interface(device).items()):
            refs: list[CryptoMapEntry] = []
            for map_name in dict.fromkeys(b.map_name for b in bound):
                cmap = device.crypto_maps.get(map_name)
                if cmap is not None:
                    refs += [e for e in sorted_entries(cmap) if e.dynamic_map]
            names = list(dict.fromkeys(e.dynamic_map for e in refs))
            if len(names) > 1:
                yield _finding(device, interface, refs, [b.source for b in bound])


def _finding(device: Device, interface: str, refs: list[CryptoMapEntry], bind_sources: list[Source]) -> Finding:
    keep = refs[0]
    target = keep.dynamic_map or ""
    target_entries = list(device.dynamic_maps.get(target, ()))
    next_seq = max((e.seq for e in target_entries), default=0)
    commands: list[str] = []
    extra = [r for r in refs if r.dynamic_map != target]
    for ref in extra:
        for dyn_entry in sorted(device.dynamic_maps.get(ref.dynamic_map or "", ()), key=lambda e: e.seq):
            next_seq += 10
            commands += recreate_entry(device, target, next_seq, dyn_entry, dynamic=True)
        commands.append("no " + dynamic_reference(ref.map_name, ref.seq, ref.dynamic_map or ""))
    listing = ", ".join(f"{r.dynamic_map} ({r.map_name} {r.seq})" for r in refs)
    detail = (
        f"Interface {interface} on {device.name} reaches {len({r.dynamic_map for r in refs})} dynamic maps: "
        f"{listing}. Only one dynamic map per interface is supported; dynamic peers are matched against "
        f"{target} first, so the settings of the others are not used reliably."
    )
    return make_finding(
        CATALOG_ID,
        Severity.WARNING,
        device,
        f"Several dynamic crypto maps on {interface} of {device.name}",
        detail,
        [r.source for r in refs] + bind_sources,
        [Fix(device.name, tuple(commands), Disruption.DROPS_TUNNEL,
             note=f"merges the other dynamic maps into {target}")],
        caution="Removing a dynamic-map reference drops the sessions that came in through it until they reconnect.",
        key=interface,
    )
