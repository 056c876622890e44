"""SEC-WEAK-DH — DH groups 1, 2, 5 or 24 for IKE or PFS.

What it does
    Per device, lists every place that uses a weak Diffie-Hellman group:
    ISAKMP policies (including the IOS default group 1), IKEv2 proposals /
    ASA IKEv2 policies, and ``set pfs`` in crypto maps, dynamic maps and
    IPsec profiles (``set pfs`` alone is group 1 on IOS, group 2 on ASA).
    One warning per device.

Why it breaks
    It weakens rather than breaks: 768-, 1024- and 1536-bit MODP groups no
    longer give enough margin, and group 24 (2048-bit with a 256-bit
    subgroup) is advised against.  Cisco's NGE guidance: group 14 at least,
    preferably the elliptic-curve groups 19, 20 or 21.

Example
    ``crypto isakmp policy 10`` / ``group 2``; ``crypto map VPN 10 set pfs
    group2``.

Fix
    IOS 15.1 and later ``group 19`` / ``set pfs group19`` (older IOS: 14);
    ASA ``group 14`` (IKEv1) or ``group 19`` (IKEv2), ``set pfs group14``.
    Both ends must change together.  Disruption: renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model import Device
from . import Context, check
from ._sec import Place, device_finding, ikev1_policy_lines, ikev2_attr_lines, ikev2_label, modern_group, pfs_places

CATALOG_ID = "SEC-WEAK-DH"
WEAK_GROUPS = frozenset({1, 2, 5, 24})


def _weak(group: int) -> bool:
    return group in WEAK_GROUPS


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per device using weak DH groups, listing every place."""
    for device in ctx.devices:
        places = _places(device)
        if places:
            groups = sorted(_groups(device))
            label = "weak DH group" + ("s " if len(groups) > 1 else " ") + ", ".join(str(g) for g in groups)
            yield device_finding(CATALOG_ID, Severity.WARNING, device, label, places,
                                 "Use group 14 at least, preferably 19, 20 or 21.")


def _groups(device: Device) -> set[int]:
    """Every weak group the device configures anywhere (policies, proposals, PFS)."""
    found = {p.group for p in device.ikev1_policies} | {g for p in device.ikev2_proposals for g in p.groups}
    found |= {e.pfs_group for e in device.static_entries() if e.pfs_group is not None}
    found |= {e.pfs_group for es in device.dynamic_maps.values() for e in es if e.pfs_group is not None}
    found |= {p.pfs_group for p in device.ipsec_profiles.values() if p.pfs_group is not None}
    return {g for g in found if _weak(g)}


def _places(device: Device) -> list[Place]:
    out: list[Place] = []
    g1 = modern_group(device)
    for p in sorted(device.ikev1_policies, key=lambda x: x.priority):
        if _weak(p.group):
            dflt = " (default)" if "group" in p.defaulted else ""
            out.append(Place(f"ISAKMP policy {p.priority}{dflt} (group {p.group})",
                             p.attr_sources.get("group", p.source), ikev1_policy_lines(device, p, "group", str(g1))))
    g2 = modern_group(device, ikev2=True)
    for v2 in device.ikev2_proposals:
        weak = [g for g in v2.groups if _weak(g)]
        if weak:
            current = tuple(str(g) for g in v2.groups)
            out.append(Place(f"{ikev2_label(device, v2)} (group {' '.join(str(g) for g in weak)})", v2.source,
                             ikev2_attr_lines(device, v2, "group", current, {str(g) for g in weak}, str(g2))))
    out += pfs_places(device, _weak, g1)
    return out
