"""RA-SPLITPOL — a split-tunnel list that the policy ignores, or exclude-specified for Easy VPN.

What it does
    ASA only.  For every internal group-policy that sets
    ``split-tunnel-network-list value ACL``, resolves the effective
    ``split-tunnel-policy`` (the policy, then DfltGrpPolicy, then the
    built-in ``tunnelall``).  When that is ``tunnelall`` the list is ignored
    (warning; the detail says whether the policy was set explicitly or left
    out).  When it is ``excludespecified`` and the group serves Easy VPN
    hardware clients (``nem``/``secure-unit-authentication``/
    ``user-authentication`` attributes, or a tunnel-group with ``isakmp
    ikev1-user-authentication none``), an info finding.

Why it breaks
    Split tunnelling is off by default (tunnel all).  An administrator who
    writes the network list but not the policy still sends every client
    packet through the head end: users lose internet access while connected
    unless the head end hairpins it.  ``excludespecified`` is supported by the
    Cisco VPN Client only, not by Easy VPN hardware clients.

Example
    ``group-policy RA attributes`` / ``split-tunnel-network-list value SPLIT``
    with no ``split-tunnel-policy`` line.

Fix
    ``group-policy P attributes`` / ``split-tunnel-policy tunnelspecified``
    (disruption: none; clients get it at their next connection).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, GroupPolicy, Platform
from . import Context, check
from ._common import devices_on
from ._fix_ra import group_policy_lines
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._ra import effective, is_hw_client_policy, policy_of, ra_tunnel_groups

CATALOG_ID = "RA-SPLITPOL"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Ignored split lists (warning) and exclude-specified for hardware clients (info)."""
    for device in devices_on(ctx, Platform.ASA):
        for gp in sorted(device.group_policies.values(), key=lambda g: g.name):
            if gp.kind == "internal":
                yield from _policy(device, gp)


def _policy(device: Device, gp: GroupPolicy) -> Iterable[Finding]:
    listed = gp.get("split-tunnel-network-list")
    policy = effective(device, gp.name, "split-tunnel-policy")
    users = [tg for tg in ra_tunnel_groups(device) if policy_of(tg) == gp.name]
    if listed is not None and listed.value.strip().lower() not in ("", "none") and policy.value == "tunnelall":
        acl = listed.value.split()[0]
        if policy.defaulted:
            how = ("no split-tunnel-policy is configured in it or in DfltGrpPolicy, so the default "
                   "tunnelall applies")
        elif policy.policy == gp.name:
            how = "its split-tunnel-policy is tunnelall"
        else:
            how = f"it inherits split-tunnel-policy tunnelall from {policy.policy}"
        yield make_finding(
            CATALOG_ID, Severity.WARNING, device,
            f"Split-tunnel list {acl} of group-policy {gp.name} on {device.name} is ignored (tunnel all)",
            f"Group-policy {gp.name} sets split-tunnel-network-list value {acl}, but {how}. The list has no "
            "effect: clients send all their traffic, internet included, through the tunnel, and lose internet "
            "access unless the head end routes it back out.",
            [listed.source] + ([policy.source] if policy.source else []) + [gp.source],
            [Fix(device.name, tuple(group_policy_lines(gp.name, ["split-tunnel-policy tunnelspecified"])),
                 Disruption.NONE)],
            key=f"{gp.name} tunnelall",
        )
    own = gp.get("split-tunnel-policy")
    if (own is not None and own.value == "excludespecified"
            and is_hw_client_policy(device, gp.name, users)):
        yield make_finding(
            CATALOG_ID, Severity.INFO, device,
            f"Group-policy {gp.name} on {device.name} uses excludespecified for Easy VPN hardware clients",
            f"Group-policy {gp.name} sets split-tunnel-policy excludespecified and is set up for Easy VPN "
            "hardware clients. Exclude-specified is supported by the Cisco VPN Client only, not by Easy VPN "
            "clients; list the networks to tunnel with tunnelspecified instead.",
            [own.source],
            [Fix(device.name, tuple(group_policy_lines(gp.name, [
                "split-tunnel-policy tunnelspecified",
                "split-tunnel-network-list value <acl-of-inside-networks>",
            ])), Disruption.NONE, note="the list must name the networks to tunnel, not the ones to exclude")],
            key=f"{gp.name} excludespecified",
        )
