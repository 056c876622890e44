"""NAT-MATCH — the NAT exemption covers only part of the crypto ACL's traffic.

What it does
    For each bound crypto map entry, evaluates the NAT rules on every flow
    of its crypto ACL (addresses only, see :mod:`ipsec_doctor.natsim`).
    When some of the entry's traffic is exempt but other parts are still
    translated (or dropped for want of a translation on PIX 6 / ASA with
    ``nat-control``), it lists the uncovered flows.  An entry with no
    exemption at all is NAT-EXEMPT's finding.

Why it breaks
    The exemption and the crypto ACL are two lists maintained by hand; a
    network added to the tunnel (or a wider mask on one side) is forgotten in
    the exemption.  The hosts whose traffic is still translated cannot use the
    tunnel while the others can: "partial reachability".

Example
    Crypto ACL: 10.1.1.0/24 → 10.2.0.0/16; exemption: 10.1.1.0/24 →
    10.2.1.0/24 only.  10.1.1.0/24 → 10.2.1.0/24 works; 10.2.2.0/24 does not.

Fix
    Make the exemption cover the crypto ACL: the missing pairs as IOS NAT ACL
    ``deny`` lines, ASA < 8.3 ``nat 0`` ACL ``permit`` lines, or ASA ≥ 8.3
    identity twice NAT rules — built for the uncovered pairs only.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..acl import FlowSet, describe
from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, IPNetwork, Platform
from ..natsim import CryptoFlow, effective_pieces, evaluate, ingress_interface
from . import Context, check
from ._common import flows_by_entry
from ._fix_natfw import evidence, exemption_commands, ios_acl_insert, ios_nat_acls, nat_caution, net_wildcard
from ._partial import excerpt_downgrade

ID = "NAT-MATCH"


def _ios_fix(device: Device, acl_names: list[str], pairs: list[tuple[IPNetwork, IPNetwork]]) -> list[Fix]:
    lines = [f"deny ip {net_wildcard(a)} {net_wildcard(b)}" for a, b in pairs]
    return [Fix(device.name, tuple(ios_acl_insert(device.acls.get(n), n, lines)), Disruption.NONE) for n in acl_names]


def _entry(device: Device, flows: list[CryptoFlow]) -> Iterable[Finding]:
    first = flows[0]
    entry = first.entry
    uncovered = FlowSet()
    any_good = False
    bad_sources = []
    decided = []
    pairs: list[tuple[IPNetwork, IPNetwork]] = []
    inside_name = None
    for flow in flows:
        inside = ingress_interface(device, flow.local, flow.interface)
        inside_name = inside_name or inside
        outcome = evaluate(device, flow.local, flow.remote, inside, flow.interface)
        good, bad = effective_pieces(device, outcome)
        any_good = any_good or bool(good)
        if bad:
            # The fix exempts the crypto ACL's whole pair: one line instead of the CIDR pieces of the gap.
            pairs.append((flow.local, flow.remote))
        for p in bad:
            uncovered = uncovered.union(p.flows)
            bad_sources.append(p.source)
        decided.extend(good + bad)
    if not any_good or uncovered.is_empty():
        return
    listed = describe(uncovered)
    if device.platform is Platform.IOS:
        fixes = _ios_fix(device, ios_nat_acls(device, decided)[:1], pairs)
    else:
        cmds = exemption_commands(device, inside_name or "inside", first.interface, pairs)
        fixes = [Fix(device.name, tuple(cmds), Disruption.NONE)]
    what = "dynamic map" if entry.is_dynamic else "crypto map"
    yield Finding(
        id=ID, severity=Severity.WARNING,
        title=f"NAT exemption on {device.name} covers only part of {what} {entry.map_name} {entry.seq}",
        devices=(device.name,),
        detail=(f"The crypto ACL {first.acl.name} protects traffic that the NAT exemption does not cover; "
                f"these flows are still translated and cannot use the tunnel: {', '.join(listed)}."),
        evidence=evidence(entry.src("match"), *(f.acl_entry.source for f in flows), *bad_sources),
        fix=tuple(fixes), caution=nat_caution(device), key=f"{entry.map_name} {entry.seq}",
        extra={"uncovered": listed},
    )


@check(ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per crypto map entry whose traffic is only partly exempt from NAT."""
    for device in ctx.devices:
        for flows in flows_by_entry(device):
            yield from _entry(device, flows)
