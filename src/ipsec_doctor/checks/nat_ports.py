"""NAT-PORTS — the NAT exemption is written with port qualifiers.

What it does
    Looks at the lines that exempt VPN traffic from NAT — ASA < 8.3 / PIX
    ``nat 0`` ACL ``permit`` lines, ASA ≥ 8.3 identity twice NAT with a
    ``service`` clause, IOS NAT ACL ``deny`` lines (and the ACL lines that
    steer a route-map to its ``deny`` entry) — and reports those that concern
    a crypto ACL's traffic but carry a protocol/port qualifier (``eq 25``).

Why it breaks
    An exemption works on addresses.  The document is explicit: the NAT
    exemption ACL does not work with port numbers (23, 25, …).  Either the
    device ignores the line or only that port is exempt, and the rest of the
    tunnel's traffic is translated — mail works, everything else does not (or
    nothing works at all).

Example
    ``access-list noNAT extended permit tcp 192.168.100.0 255.255.255.0
    192.168.200.0 255.255.255.0 eq 25`` bound by ``nat (inside) 0
    access-list noNAT``.

Fix
    Rewrite the line as IP-only: ``access-list noNAT extended permit ip
    192.168.100.0 255.255.255.0 192.168.200.0 255.255.255.0`` (IOS: the same
    ``deny ip …`` line under ``ip access-list extended``; ASA ≥ 8.3: the twice
    NAT without ``service``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..acl import FlowSet, flows_of_entry
from ..findings import Disruption, Finding, Fix, Severity
from ..model import AccessList, AclEntry, Device, NatRule, Platform, Source
from ..natsim import crypto_flows, flow_set, widen
from . import Context, check
from ._fix_natfw import asa_acl_line, asa_net, evidence, nat_caution, net_wildcard

ID = "NAT-PORTS"

_SERVICE_CLAUSE = re.compile(r"\s+service\s+\S+\s+\S+")


def _exemption_lines(device: Device) -> list[tuple[NatRule, AccessList, AclEntry]]:
    """(rule, ACL, line) for every ACL line whose match means "do not translate"."""
    out: list[tuple[NatRule, AccessList, AclEntry]] = []
    for rule in device.nat_rules:
        if rule.inactive:
            continue
        if rule.kind in ("asa-nat0", "ios-list") and rule.acl:
            acl = device.acls.get(rule.acl)
            # nat 0 ACL: permit lines exempt; IOS NAT ACL: deny lines exempt
            wanted = "permit" if rule.kind == "asa-nat0" else "deny"
            if acl is not None:
                out.extend((rule, acl, e) for e in acl.active_entries if e.action == wanted)
        elif rule.kind == "ios-route-map" and rule.route_map:
            rmap = device.route_maps.get(rule.route_map)
            for rm_entry in rmap.entries if rmap is not None else ():
                # permit entry: its ACL's deny lines exempt; deny entry: its ACL's permit lines exempt
                wanted = "deny" if rm_entry.action == "permit" else "permit"
                for name in rm_entry.match_acls:
                    rm_acl = device.acls.get(name)
                    if rm_acl is not None:
                        out.extend((rule, rm_acl, e) for e in rm_acl.active_entries if e.action == wanted)
    return out


def _sequence(acl: AccessList, entry: AclEntry) -> int:
    if entry.sequence is not None:
        return entry.sequence
    return (acl.entries.index(entry) + 1) * 10


def _fix(device: Device, acl: AccessList, entry: AclEntry) -> Fix:
    pairs = [(s, d) for s in entry.sources for d in entry.destinations]
    if device.platform is Platform.IOS:
        seq = _sequence(acl, entry)
        kind = "standard" if acl.kind == "standard" else "extended"
        lines = [f"ip access-list {kind} {acl.name}", f" no {seq}"]
        lines += [f" {seq + n} {entry.action} ip {net_wildcard(s)} {net_wildcard(d)}" for n, (s, d) in enumerate(pairs)]
        return Fix(device.name, tuple(lines), Disruption.NONE)
    lines = [f"no {entry.source.text.strip()}"] if entry.source.text else []
    lines += [asa_acl_line(device, acl.name, f"{entry.action} ip {asa_net(s)} {asa_net(d)}") for s, d in pairs]
    return Fix(device.name, tuple(lines), Disruption.NONE)


def _finding(device: Device, title_obj: str, detail: str, sources: list[Source], fix: Fix, key: str) -> Finding:
    return Finding(
        id=ID, severity=Severity.WARNING, title=f"NAT exemption {title_obj} on {device.name} is limited to ports",
        devices=(device.name,), detail=detail, evidence=evidence(*sources), fix=(fix,),
        caution=nat_caution(device), key=key,
    )


@check(ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per port-qualified exemption line that concerns a crypto ACL's traffic."""
    for device in ctx.devices:
        flows = crypto_flows(device)
        if not flows:
            continue
        # One normalisation for all the pairs (a union per pair is quadratic on a hub); only
        # emptiness of intersections with this set is used, whatever its box decomposition.
        vpn = FlowSet.of(b for f in flows for b in flow_set([f.local], [f.remote]).boxes)
        for rule, acl, entry in _exemption_lines(device):
            if not entry.has_ports or vpn.intersection(widen(flows_of_entry(entry))).is_empty():
                continue
            detail = (f"Line {entry.source.line} of ACL {acl.name} (used by `{rule.source.text.strip()}`) exempts "
                      f"VPN traffic only for some protocols/ports. A NAT exemption works on addresses: the rest "
                      f"of the tunnel's traffic is still translated. Write the line as `ip` without ports.")
            yield _finding(device, f"ACL {acl.name}", detail, [entry.source, rule.source], _fix(device, acl, entry),
                           f"{acl.name} {entry.source.line}")
        for rule in device.nat_rules:
            if rule.kind != "asa-twice" or not rule.identity or not rule.service or rule.inactive:
                continue
            src = rule.real_source or ()
            dst = rule.real_destination or ()
            if not src or not dst or vpn.intersection(flow_set(src, dst)).is_empty():
                continue
            text = rule.source.text.strip()
            cmds = (f"no {text}", _SERVICE_CLAUSE.sub("", text))
            detail = (f"The identity twice NAT at line {rule.source.line} exempts the VPN traffic only for "
                      f"service {' '.join(rule.service)}; all other traffic of the tunnel is translated.")
            yield _finding(device, f"rule at line {rule.source.line}", detail, [rule.source],
                           Fix(device.name, cmds, Disruption.NONE), f"nat {rule.source.line}")
