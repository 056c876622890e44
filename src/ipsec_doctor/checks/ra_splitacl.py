"""RA-SPLITACL — the split-tunnel ACL is missing, of the wrong kind, or tunnels everything.

What it does
    ASA: for every group-policy whose split-tunnel policy (own or inherited
    from DfltGrpPolicy) is ``tunnelspecified`` or ``excludespecified`` and
    that names ``split-tunnel-network-list value ACL``: the ACL must exist
    (error), must hold at least one active ``permit`` (error) and should be a
    ``standard`` ACL (warning for an extended one).  IOS: for every Easy VPN
    ``crypto isakmp client configuration group`` with ``acl X``: the ACL must
    exist (error); a ``permit`` entry whose source is ``any`` makes the client
    send everything through the tunnel (warning).

Why it breaks
    The split list is turned into routes on the client.  The ASA expects a
    standard ACL of inside networks (the source document's example:
    ``access-list 10 standard permit 192.168.100.0 255.255.255.0``); with no
    usable list the client gets no secure routes and cannot reach the inside,
    or (exclude-specified) excludes nothing.  On IOS the networks pushed are
    the ACL sources, so ``permit ip any ...`` amounts to "tunnel all": users
    lose internet access while connected.

Example
    ``split-tunnel-policy tunnelspecified`` with ``split-tunnel-network-list
    value SPLIT`` where ``SPLIT`` is ``access-list SPLIT extended permit ip
    10.1.0.0 255.255.0.0 any``; IOS ``acl 140`` with ``access-list 140 permit
    ip any 10.18.0.0 0.0.255.255``.

Fix
    ASA: a standard ACL listing the inside networks, named in the
    group-policy.  IOS: an ACL whose source is the inside network, named by
    ``acl`` in the client group.  Disruption: none — clients get the new list
    at their next connection.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network

from ..findings import Disruption, Finding, Fix, Severity
from ..model import AccessList, ClientGroup, Device, GroupPolicy, Platform
from . import Context, check
from ._fix_ra import asa_standard_acl, group_policy_lines, ios_split_acl
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._ra import effective, inside_networks, is_any

CATALOG_ID = "RA-SPLITACL"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """ASA group-policy split lists and IOS client-group split ACLs."""
    for device in ctx.devices:
        if device.platform is Platform.ASA:
            for gp in sorted(device.group_policies.values(), key=lambda g: g.name):
                yield from _asa_policy(device, gp)
        elif device.platform is Platform.IOS:
            for group in sorted(device.client_groups.values(), key=lambda g: g.name):
                yield from _ios_group(device, group)


# --------------------------------------------------------------------------- ASA


def _asa_policy(device: Device, gp: GroupPolicy) -> Iterable[Finding]:
    attr = gp.get("split-tunnel-network-list")
    if gp.kind != "internal" or attr is None or attr.value.strip().lower() in ("", "none"):
        return
    policy = effective(device, gp.name, "split-tunnel-policy")
    if policy.value not in ("tunnelspecified", "excludespecified"):
        return  # the list is ignored: RA-SPLITPOL says so
    acl_name = attr.value.split()[0]
    acl = device.acls.get(acl_name)
    sources = [attr.source] + ([policy.source] if policy.source else [])
    inside = _asa_inside(device, acl)
    if acl is None:
        yield make_finding(
            CATALOG_ID, Severity.ERROR, device,
            f"Split-tunnel list {acl_name} of group-policy {gp.name} on {device.name} does not exist",
            f"Group-policy {gp.name} uses split-tunnel-policy {policy.value} with split-tunnel-network-list "
            f"value {acl_name}, but {device.name} has no access-list {acl_name}. Clients get no split networks: "
            + _consequence(policy.value),
            sources,
            [Fix(device.name, tuple(asa_standard_acl(acl_name, inside)), Disruption.NONE,
                 note=None if inside else "list the inside networks the clients must reach")],
            key=f"{gp.name} missing",
        )
        return
    permits = [e for e in acl.active_entries if e.action == "permit"]
    if not permits:
        yield make_finding(
            CATALOG_ID, Severity.ERROR, device,
            f"Split-tunnel ACL {acl_name} of group-policy {gp.name} on {device.name} permits nothing",
            f"Access-list {acl_name}, used as split-tunnel-network-list by group-policy {gp.name} "
            f"({policy.value}), has no active permit entry, so no network is sent to the clients: "
            + _consequence(policy.value),
            sources + [acl.source] + [e.source for e in acl.entries],
            [Fix(device.name, tuple(_fill_commands(gp.name, acl, inside)), Disruption.NONE,
                 note=None if inside else "list the inside networks the clients must reach")],
            key=f"{gp.name} empty",
        )
        return
    if acl.kind == "extended":
        new = f"{acl_name}-STD"
        nets = _networks_from_extended(acl) or inside
        commands = asa_standard_acl(new, nets) + group_policy_lines(
            gp.name, [f"split-tunnel-network-list value {new}"])
        yield make_finding(
            CATALOG_ID, Severity.WARNING, device,
            f"Split-tunnel list {acl_name} of group-policy {gp.name} on {device.name} is an extended ACL",
            f"Group-policy {gp.name} ({policy.value}) names access-list {acl_name}, which is an extended ACL. "
            "The split-tunnel network list is meant to be a standard ACL of the inside networks; depending on "
            "the release an extended list is refused or its entries are not turned into the client routes "
            "you expect, so clients reach too little or tunnel too much.",
            sources + [e.source for e in permits[:3]],
            [Fix(device.name, tuple(commands), Disruption.NONE,
                 note=None if nets else "list the inside networks the clients must reach")],
            key=f"{gp.name} extended",
        )


def _fill_commands(policy: str, acl: AccessList, inside: list[IPv4Network]) -> list[str]:
    """Fill a standard list in place; an extended name cannot take standard entries, so use a new one."""
    if acl.kind == "standard":
        return asa_standard_acl(acl.name, inside)
    new = f"{acl.name}-STD"
    return asa_standard_acl(new, inside) + group_policy_lines(policy, [f"split-tunnel-network-list value {new}"])


def _consequence(policy: str) -> str:
    if policy == "excludespecified":
        return "nothing is excluded, so all traffic goes through the tunnel."
    return "they install no secure routes and cannot reach the networks behind the head end."


def _networks_from_extended(acl: AccessList) -> list[IPv4Network]:
    """The inside networks an extended split ACL meant: its non-any sources (else destinations)."""
    out: list[IPv4Network] = []
    for side in ("sources", "destinations"):
        for e in acl.active_entries:
            if e.action != "permit":
                continue
            for net in getattr(e, side):
                if isinstance(net, IPv4Network) and not is_any(net) and net not in out:
                    out.append(net)
        if out:
            return out
    return out


def _asa_inside(device: Device, acl: AccessList | None) -> list[IPv4Network]:
    if acl is not None and acl.kind == "extended":
        nets = _networks_from_extended(acl)
        if nets:
            return nets
    return inside_networks(device)


# --------------------------------------------------------------------------- IOS


def _ios_group(device: Device, group: ClientGroup) -> Iterable[Finding]:
    if not group.acl:
        return
    line = group.attr_sources.get("acl", group.source)
    acl = device.acls.get(group.acl)
    inside = inside_networks(device)
    new = f"{group.name}-SPLIT"
    commands = ios_split_acl(new, inside) + [
        f"crypto isakmp client configuration group {group.name}", f" acl {new}",
    ]
    note = None if inside else "replace <inside-network> <wildcard> with the networks clients must reach"
    if acl is None:
        yield make_finding(
            CATALOG_ID, Severity.ERROR, device,
            f"Split-tunnel ACL {group.acl} of client group {group.name} on {device.name} does not exist",
            f"Client configuration group {group.name} pushes split tunnelling from access-list {group.acl}, "
            f"which {device.name} does not define: clients receive no split networks.",
            [line],
            [Fix(device.name, tuple(commands), Disruption.NONE, note=note)],
            key=f"{group.name} missing",
        )
        return
    wide = [e for e in acl.active_entries if e.action == "permit" and any(is_any(s) for s in e.sources)]
    if not wide:
        return
    yield make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"Split-tunnel ACL {group.acl} of client group {group.name} on {device.name} has source any",
        f"Client group {group.name} uses access-list {group.acl} for split tunnelling, and "
        f"{len(wide)} of its permit entries have source `any`. The networks pushed to the client are the "
        "ACL sources, so `any` tells the client to send everything through the tunnel: split tunnelling "
        "is effectively off and users lose direct internet access. Use the inside network as the source.",
        [line] + [e.source for e in wide],
        [Fix(device.name, tuple(commands), Disruption.NONE, note=note)],
        key=f"{group.name} any",
    )
