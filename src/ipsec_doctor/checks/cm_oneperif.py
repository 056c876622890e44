"""CM-ONEPERIF — two different crypto maps are applied to one interface.

What it does
    Groups the bindings of each device by interface (ASA/PIX ``crypto map M
    interface IF``; IOS ``crypto map M`` under the interface, which a script
    can enter twice) and reports every interface that receives more than
    one distinct map.  The map applied last is the one in effect.

Why it breaks
    An interface carries exactly one crypto map.  Binding a second map
    replaces the first, so every tunnel defined only in the replaced map
    stops (or never starts).  Several tunnels on one interface are written
    as several sequence numbers of one map.

Example
    ``crypto map SITE-A interface outside`` followed by ``crypto map SITE-B
    interface outside``: only SITE-B is applied.

Fix
    Re-enter the entries of the replaced map as new sequence numbers of the
    map in effect (below its dynamic entry, if any), then drop the stale
    binding line.  Disruption: none — entries are added to the applied map
    and nothing is re-bound.  (Re-binding instead would drop every tunnel
    of the interface.)
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMap, Device, Platform
from . import Context, check
from ._fix_maps import recreate_entry, unbind_lines
from ._maps import Bound, bindings_by_interface, make_finding, sorted_entries

CATALOG_ID = "CM-ONEPERIF"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One error per interface bound to more than one map name."""
    for device in ctx.devices:
        for interface, bound in sorted(bindings_by_interface(device).items()):
            if len({b.map_name for b in bound}) > 1:
                yield _finding(device, interface, bound)


def merge_commands(device: Device, target: CryptoMap | None, target_name: str, other: CryptoMap) -> list[str]:
    """Re-enter ``other``'s static entries as free sequence numbers of ``target`` (below its dynamic entry)."""
    used = {e.seq for e in target.entries} if target else set()
    dyn = [e.seq for e in target.entries if e.dynamic_map] if target else []
    ceiling = min(dyn) if dyn else 65536
    statics = [e.seq for e in target.entries if not e.dynamic_map] if target else []
    next_seq = max(statics, default=0)
    commands: list[str] = []
    for entry in sorted_entries(other):
        if entry.dynamic_map:
            continue
        seq = entry.seq if entry.seq not in used and entry.seq < ceiling else None
        if seq is None:
            next_seq += 10
            while next_seq in used:
                next_seq += 1
            seq = next_seq
        used.add(seq)
        next_seq = max(next_seq, seq)
        commands += recreate_entry(device, target_name, seq, entry)
    return commands


def _finding(device: Device, interface: str, bound: list[Bound]) -> Finding:
    effective = bound[-1].map_name
    replaced = list(dict.fromkeys(b.map_name for b in bound if b.map_name != effective))
    commands: list[str] = []
    for name in replaced:
        other = device.crypto_maps.get(name)
        if other is not None:
            commands += merge_commands(device, device.crypto_maps.get(effective), effective, other)
        if device.platform is not Platform.IOS:
            commands += unbind_lines(device, name, interface)
    detail = (
        f"Interface {interface} on {device.name} is given crypto maps {', '.join(dict.fromkeys(b.map_name for b in bound))}. "
        f"An interface carries one crypto map: the one applied last ({effective}) replaces the others, so the "
        f"tunnels of {', '.join(replaced)} never start on {interface}."
    )
    return make_finding(
        CATALOG_ID,
        Severity.ERROR,
        device,
        f"Several crypto maps bound to {interface} on {device.name}",
        detail,
        [b.source for b in bound],
        [Fix(device.name, tuple(commands), Disruption.NONE,
             note=f"adds the entries of {', '.join(replaced)} to {effective}, the map in effect")],
        caution="Do not re-bind the interface to merge the maps: re-binding drops every tunnel on it.",
        key=interface,
    )
