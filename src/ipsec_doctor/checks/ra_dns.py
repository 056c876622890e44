"""RA-DNS — remote-access clients get no DNS server.

What it does
    ASA only.  For every remote-access tunnel-group, resolves the group-policy
    its sessions get (``default-group-policy``, else DfltGrpPolicy) and the
    effective ``dns-server`` (that policy, then DfltGrpPolicy).  When no DNS
    server is pushed, a warning.  When the tunnel-group binds no policy while
    some other internal group-policy does define ``dns-server`` (and no
    tunnel-group uses it), the detail names that policy: it is configured but
    not bound.

Why it breaks
    Clients then keep resolving with their home resolver, which cannot
    answer for inside names; "the tunnel is up but nothing works by name".
    The source document's remedy: ``dns-server value`` and ``default-domain
    value`` in a group-policy, *and* that policy bound as the tunnel-group's
    ``default-group-policy``.

Example
    ``group-policy vpn3000 attributes`` / ``dns-server value 172.16.1.1``
    while ``tunnel-group vpn3000 general-attributes`` has no
    ``default-group-policy vpn3000``.

Fix
    Bind the policy (``tunnel-group T general-attributes`` /
    ``default-group-policy P``) or add ``dns-server value`` /
    ``default-domain value`` to the policy in use.  Disruption: none; the
    values are pushed at the next connection.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, TunnelGroup
from . import Context, check
from ._fix_ra import group_policy_lines, tunnel_group_lines
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._ra import DFLT, effective, is_external, policy_of, policy_source, ra_tunnel_groups

CATALOG_ID = "RA-DNS"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per remote-access tunnel-group whose clients get no DNS server."""
    for device in ctx.devices:
        groups = ra_tunnel_groups(device)
        bound = {policy_of(tg) for tg in groups} | {tg.default_group_policy for tg in device.tunnel_groups.values()
                                                     if tg.default_group_policy}
        # a policy given to users (`vpn-group-policy`) is in use even if no tunnel-group binds it
        bound |= {a.value for u in device.users.values() if (a := u.attributes.get("vpn-group-policy"))}
        candidates = sorted(
            gp.name for gp in device.group_policies.values()
            if gp.kind == "internal" and gp.name != DFLT and gp.name not in bound
            and not effective(device, gp.name, "dns-server").is_none
            and effective(device, gp.name, "dns-server").policy == gp.name
        )
        for tg in groups:
            policy = policy_of(tg)
            if is_external(device, policy):
                continue
            dns = effective(device, policy, "dns-server")
            if dns.is_none:
                yield _finding(device, tg, policy, candidates)


def _finding(device: Device, tg: TunnelGroup, policy: str, candidates: list[str]) -> Finding:
    domain = effective(device, policy, "default-domain")
    sources = [policy_source(device, tg)]
    gp = device.group_policies.get(policy)
    if gp is not None:
        sources.append(gp.source)
    unbound = tg.default_group_policy is None and candidates
    if unbound:
        names = ", ".join(candidates)
        detail = (
            f"Tunnel-group {tg.name} binds no default-group-policy, so its clients get DfltGrpPolicy, which "
            f"pushes no DNS server. Group-policy {names} defines dns-server but no tunnel-group uses it: a "
            "policy only applies once it is bound as the tunnel-group's default-group-policy (or a user's "
            "vpn-group-policy)."
        )
        for name in candidates:
            other = device.group_policies[name]
            src = effective(device, name, "dns-server").source
            sources += [other.source] + ([src] if src else [])
        fixes = [Fix(device.name, tuple(tunnel_group_lines(tg.name, "general-attributes",
                                                           [f"default-group-policy {candidates[0]}"])),
                     Disruption.NONE,
                     note=None if len(candidates) == 1 else f"choose one of: {names}")]
    else:
        where = f"group-policy {policy}" + ("" if policy == DFLT else " (nor DfltGrpPolicy)")
        detail = (
            f"Remote-access tunnel-group {tg.name} gives its clients {where}, which sets no dns-server. "
            "Clients keep their own resolver and cannot resolve inside names once connected."
        )
        lines = ["dns-server value <dns-server>"]
        if domain.is_none:
            lines.append(f"default-domain value {device.domain or '<domain>'}")
        fixes = [Fix(device.name, tuple(group_policy_lines(policy, lines)), Disruption.NONE,
                     note="replace <dns-server> with the inside DNS server address"
                     + (" (DfltGrpPolicy: every group inherits it)" if policy == DFLT else ""))]
    return make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"Clients of tunnel-group {tg.name} on {device.name} get no DNS server",
        detail, sources, fixes, key=tg.name,
    )
