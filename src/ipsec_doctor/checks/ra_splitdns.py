"""RA-SPLITDNS — split tunnelling with an inside DNS server but no split DNS.

What it does
    ASA: for every group-policy used by a remote-access tunnel-group whose
    effective ``split-tunnel-policy`` is ``tunnelspecified`` and which pushes
    a ``dns-server`` or ``default-domain`` but no ``split-dns`` (own or
    inherited), an info finding.  IOS: the same for an Easy VPN client group
    with a split ``acl`` and ``dns``/``domain`` but no ``split-dns``.

Why it breaks
    With split tunnelling the client keeps sending DNS queries to its local
    resolver unless it is told which domains belong to the inside; inside
    host names are then asked of a public resolver and not found, although
    the tunnel itself works (the source document: "VPN clients cannot reach
    inside servers by name — enable split DNS on the ASA").

Example
    ``split-tunnel-policy tunnelspecified``, ``dns-server value 10.0.0.53``,
    ``default-domain value corp.example`` and no ``split-dns`` line.

Fix
    ``split-dns value <inside domain>`` in the group-policy (IOS:
    ``split-dns <domain>`` in the client group).  Disruption: none.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import ClientGroup, Device, Platform, TunnelGroup
from . import Context, check
from ._fix_ra import group_policy_lines
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._ra import effective, groups_by_policy, names, policy_line, ra_tunnel_groups

CATALOG_ID = "RA-SPLITDNS"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Info per policy/client group that splits traffic but not DNS."""
    for device in ctx.devices:
        if device.platform is Platform.ASA:
            for policy, groups in groups_by_policy(device, ra_tunnel_groups(device)).items():
                finding = _asa(device, policy, groups)
                if finding is not None:
                    yield finding
        elif device.platform is Platform.IOS:
            for group in sorted(device.client_groups.values(), key=lambda g: g.name):
                finding = _ios(device, group)
                if finding is not None:
                    yield finding


def _asa(device: Device, policy: str, groups: list[TunnelGroup]) -> Finding | None:
    split = effective(device, policy, "split-tunnel-policy")
    if split.value != "tunnelspecified" or not effective(device, policy, "split-dns").is_none:
        return None
    dns = effective(device, policy, "dns-server")
    domain = effective(device, policy, "default-domain")
    if dns.is_none and domain.is_none:
        return None
    name = domain.value.split()[0] if not domain.is_none else (device.domain or "<inside-domain>")
    pushed = " and ".join(
        f"{label} {e.value}" for label, e in (("dns-server", dns), ("default-domain", domain)) if not e.is_none
    )
    sources = [s for s in (split.source, dns.source, domain.source, policy_line(device, policy, groups)) if s]
    return make_finding(
        CATALOG_ID, Severity.INFO, device,
        f"Group-policy {policy} on {device.name} splits the tunnel but not DNS",
        f"Group-policy {policy} (tunnel-group {names(groups)}) uses split-tunnel-policy tunnelspecified and "
        f"pushes {pushed}, but no split-dns. Clients keep asking their local resolver, so inside names "
        "may not resolve even though the tunnel works.",
        sources,
        [Fix(device.name, tuple(group_policy_lines(policy, [f"split-dns value {name}"])), Disruption.NONE,
             note=None if "<" not in name else "name the inside DNS domain(s)")],
        key=policy,
    )


def _ios(device: Device, group: ClientGroup) -> Finding | None:
    if not group.acl or group.split_dns or not (group.dns or group.domain):
        return None
    name = group.domain or device.domain or "<inside-domain>"
    sources = [group.attr_sources.get(k, group.source) for k in ("acl", "dns", "domain")]
    return make_finding(
        CATALOG_ID, Severity.INFO, device,
        f"Client group {group.name} on {device.name} splits the tunnel but not DNS",
        f"Client group {group.name} splits traffic with access-list {group.acl} and pushes "
        f"{'dns ' + ' '.join(group.dns) if group.dns else 'domain ' + str(group.domain)}, but no split-dns. "
        "Clients keep their local resolver for every name, so inside names may not resolve.",
        sources,
        [Fix(device.name, (f"crypto isakmp client configuration group {group.name}", f" split-dns {name}"),
             Disruption.NONE, note=None if "<" not in name else "name the inside DNS domain(s)")],
        key=group.name,
    )
