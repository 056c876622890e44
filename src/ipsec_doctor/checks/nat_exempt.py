"""NAT-EXEMPT — VPN traffic is translated before it is encrypted.

What it does
    For every crypto ACL flow (local network → remote network) of every
    static or dynamic entry of a bound crypto map, runs the device's NAT
    rules in the platform's own order (:mod:`ipsec_doctor.natsim`) for the
    traffic entering on the inside interface toward the crypto interface.
    An entry none of whose flows is exempt is reported, with the rule that
    translates it.  On PIX 6 (and ASA with ``nat-control``) traffic that no
    rule matches is dropped, so that is reported too.  On ASA < 8.3 / PIX, an
    ACL that would exempt the flow but is bound by no ``nat (if) 0
    access-list`` line is named.  Entries that are only *partly* exempt are
    NAT-MATCH's business; port-qualified exemption lines are NAT-PORTS'.

Why it breaks
    The crypto ACL is matched after NAT.  A packet whose source was
    translated to the outside address no longer matches the crypto ACL: it
    leaves unencrypted (and is dropped by the peer's network), or returning
    traffic finds no translation (``%ASA-3-305005: No translation group found
    for udp src Outside:… dst Inside:…``).  Typical symptoms: the tunnel never
    comes up from this side, one-way traffic, VoIP over the VPN fails.

Example
    IOS: ``ip nat inside source list 110 interface Gi0/0 overload`` with
    ``access-list 110 permit ip 10.1.1.0 0.0.0.255 any`` and a crypto ACL for
    10.1.1.0/24 → 10.2.2.0/24.  ASA 8.4: ``object network obj-inside`` /
    ``nat (inside,outside) dynamic interface`` and no twice NAT for the VPN.

Fix
    IOS: a ``deny ip LOCAL REMOTE`` line at the top of the NAT ACL (or of the
    ACL of the route-map's permit entry).  ASA < 8.3 / PIX: ``access-list
    NONAT permit ip LOCAL REMOTE`` and ``nat (inside) 0 access-list NONAT``
    (or add the line to the existing ``nat 0`` ACL).  ASA ≥ 8.3: identity
    twice NAT ``nat (inside,outside) 1 source static L L destination static R
    R no-proxy-arp route-lookup``.  Then clear the stale translations.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import _devcache
from ..acl import describe, flows_covered, permitted_flows
from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import is_asa_83, nat_exemption_commands
from ..model import Device, IPNetwork, Platform
from ..natsim import CryptoFlow, NatPiece, effective_pieces, evaluate, flow_set, ingress_interface, widen
from . import Context, check
from ._common import flows_by_entry
from ._fix_natfw import (
    evidence,
    ios_acl_insert,
    ios_nat_acls,
    legacy_exemption,
    legacy_nat0_acls,
    nat_caution,
    net_wildcard,
    object_for,
    twice_nat_identity,
)
from ._partial import excerpt_downgrade

ID = "NAT-EXEMPT"


def _referenced_acls(device: Device) -> set[str]:
    """ACL names something binds: NAT, crypto maps, interfaces, route-maps, split tunnelling."""
    memo = _devcache.memo(device)
    found: frozenset[str] | None = memo.get("nat_exempt.referenced_acls")
    if found is None:
        found = memo["nat_exempt.referenced_acls"] = frozenset(_collect_referenced(device))
    return set(found)


def _collect_referenced(device: Device) -> set[str]:
    names: set[str] = set()
    names.update(r.acl for r in device.nat_rules if r.acl)
    for cmap in device.crypto_maps.values():
        names.update(e.match_acl for e in cmap.entries if e.match_acl)
    for entries in device.dynamic_maps.values():
        names.update(e.match_acl for e in entries if e.match_acl)
    names.update(a.acl for a in device.interface_acls)
    for rmap in device.route_maps.values():
        for e in rmap.entries:
            names.update(e.match_acls)
    for gp in device.group_policies.values():
        for attr in gp.attributes.values():
            names.update(attr.value.split())
    names.update(g.acl for g in device.client_groups.values() if g.acl)
    return names


def unbound_exemption_acl(device: Device, local: IPNetwork, remote: IPNetwork) -> str | None:
    """ASA < 8.3 / PIX: an ACL that would exempt local → remote but that no `nat 0` binds."""
    if device.platform is Platform.IOS or is_asa_83(device):
        return None
    referenced = _referenced_acls(device)
    want = flow_set([local], [remote])
    for name, acl in device.acls.items():
        if name in referenced or acl.kind != "extended":
            continue
        if flows_covered(want, widen(permitted_flows(acl))):
            return name
    return None


def _ios_fix(device: Device, bad: list[NatPiece], pairs: list[tuple[IPNetwork, IPNetwork]]) -> list[Fix]:
    fixes: list[Fix] = []
    targets = ios_nat_acls(device, bad)
    lines = [f"deny ip {net_wildcard(a)} {net_wildcard(b)}" for a, b in pairs]
    for name in targets:
        fixes.append(Fix(device.name, tuple(ios_acl_insert(device.acls.get(name), name, lines)), Disruption.NONE,
                         note=f"exempt the VPN traffic at the top of the NAT ACL {name}"))
    if any(p.rule is not None and p.rule.kind == "ios-static" for p in bad):
        fixes.append(Fix(device.name, (
            "! a static translation catches the VPN traffic: bind it to a route-map that denies the VPN flows,",
            "! e.g. ip nat inside source static <real> <mapped> route-map <map denying the VPN flows>",
        ), Disruption.NONE, note="static NAT also needs an exemption"))
    return fixes


def _asa_fix(device: Device, inside: str, outside: str, pairs: list[tuple[IPNetwork, IPNetwork]],
             unbound: str | None) -> list[Fix]:
    if unbound:
        return [Fix(device.name, (f"nat ({inside}) 0 access-list {unbound}",), Disruption.NONE,
                    note=f"bind the existing exemption ACL {unbound}")]
    cmds: list[str] = []
    if is_asa_83(device) and all(object_for(device, a) and object_for(device, b) for a, b in pairs):
        for a, b in pairs:
            cmds.extend(twice_nat_identity(device, inside, outside, a, b))
    elif not is_asa_83(device) and legacy_nat0_acls(device, inside):
        cmds = legacy_exemption(device, inside, pairs, "NONAT")
    else:
        for a, b in pairs:
            for line in nat_exemption_commands(device, str(a), str(b), inside, outside):
                if line not in cmds or not line.startswith(("object", " ")):
                    cmds.append(line)
        if not is_asa_83(device):
            # One binding line is enough for all the pairs.
            binding = [c for c in cmds if c.startswith("nat (")]
            cmds = [c for c in cmds if not c.startswith("nat (")] + binding[:1]
    return [Fix(device.name, tuple(cmds), Disruption.NONE)]


def _rule_text(piece: NatPiece) -> str:
    if piece.source is not None and piece.source.text:
        return f"`{piece.source.text.strip()}` (line {piece.source.line})"
    return "no NAT rule (the platform drops untranslated traffic: No translation group found)"


def _entry_findings(device: Device, flows: list[CryptoFlow]) -> Iterable[Finding]:
    first = flows[0]
    entry = first.entry
    outside = first.interface
    bad_all: list[tuple[CryptoFlow, NatPiece]] = []
    inside_if = None
    for flow in flows:
        inside = ingress_interface(device, flow.local, outside)
        inside_if = inside_if or inside
        outcome = evaluate(device, flow.local, flow.remote, inside, outside)
        good, bad = effective_pieces(device, outcome)
        if good:
            return  # partly or fully exempt: NAT-MATCH reports the rest
        bad_all.extend((flow, p) for p in bad)
    if not bad_all:
        return
    inside_name = inside_if or "inside"
    pairs = list(dict.fromkeys((f.local, f.remote) for f in flows))
    what = "dynamic map" if entry.is_dynamic else "crypto map"
    described = "; ".join(f"{a} -> {b}" for a, b in pairs)
    rules = list(dict.fromkeys(_rule_text(p) for _, p in bad_all))
    unbound = None
    if device.platform is not Platform.IOS:
        unbound = next((u for a, b in pairs if (u := unbound_exemption_acl(device, a, b))), None)
    detail = (f"Traffic {described} protected by {what} {entry.map_name} {entry.seq} (ACL {first.acl.name}) "
              f"is handled by {', '.join(rules)} before encryption. Translated packets no longer match the "
              f"crypto ACL, so they never enter the tunnel.")
    if unbound:
        detail += (f" ACL {unbound} would exempt this traffic but no `nat ({inside_name}) 0 access-list "
                   f"{unbound}` line binds it.")
    if device.platform is Platform.IOS:
        fixes = _ios_fix(device, [p for _, p in bad_all], pairs)
    else:
        fixes = _asa_fix(device, inside_name, outside, pairs, unbound)
    sources = [entry.src("match")] + [f.acl_entry.source for f in flows] + [p.source for _, p in bad_all]
    yield Finding(
        id=ID, severity=Severity.ERROR,
        title=f"VPN traffic of {what} {entry.map_name} {entry.seq} on {device.name} is translated (no NAT exemption)",
        devices=(device.name,), detail=detail, evidence=evidence(*sources), fix=tuple(fixes),
        caution=nat_caution(device), key=f"{entry.map_name} {entry.seq}",
        extra={"flows": [describe(flow_set([a], [b]))[0] for a, b in pairs]},
    )


@check(ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per crypto map entry whose traffic is translated with no exemption at all."""
    for device in ctx.devices:
        for flows in flows_by_entry(device):
            yield from _entry_findings(device, flows)
