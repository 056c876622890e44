"""V2-PROPOSAL — the IKEv2 peers have no IKE proposal, or no IPsec (child) proposal, in common.

What it does
    For every tunnel whose ends both negotiate IKEv2 (ASA: ``set ikev2
    ipsec-proposal``; IOS: ``set ikev2-profile``), takes the IKEv2
    negotiation in each direction and reports, naming both offers:

    * IKE_SA_INIT: no responder proposal shares an encryption, an
      integrity (except AEAD), a PRF and a DH group with the initiator's
      (IOS proposals count only when a ``crypto ikev2 policy`` names them;
      without any policy the IOS default proposal applies);
    * ``crypto ikev2 enable IF`` missing on the ASA interface;
    * CHILD_SA: no transform set (IOS) / IPsec proposal (ASA) in common;
    * one end speaks IKEv1 only and the other IKEv2 only;
    * PFS groups that differ (warning: the first child SA has no DH
      exchange, the first rekey fails).

Why it breaks
    The responder answers NO_PROPOSAL_CHOSEN (in IKE_SA_INIT for the IKE SA,
    in IKE_AUTH for the child SA).  IOS ``show crypto ikev2 sa`` stays in
    IN-NEG, the ASA shows NEGOTIATING and logs ``%ASA-4-750003 ... IKEv2
    Negotiation aborted due to ERROR: Failed to find a matching policy``.

Example
    R1 ``crypto ikev2 proposal P`` / ``encryption aes-cbc-256`` /
    ``integrity sha256`` / ``group 14`` and HQ-ASA ``crypto ikev2 policy
    10`` / ``encryption aes-256`` / ``integrity sha`` / ``group 2``.

Fix
    Add to one end a proposal equal to the other end's (fix A, the weaker
    end adopts the stronger), or the reverse (fix B).  A new proposal is
    tried alongside the existing ones; other peers are unaffected, except
    that on IOS creating the first ``crypto ikev2 policy`` replaces the
    default policy for every peer.  Disruption: renegotiates the tunnel.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Platform, Source
from ..pairing import TunnelEnd
from ..v2_offers import child_offer, device_proposals
from . import Context, check
from ._partial import excerpt_downgrade
from ._tunnels import Pair, Split, caution_for, depends_text, split, tunnel_finding
from ._v2 import child_proposal_lines, end_sources, ike_proposal_lines, ios_profile_name, v2_pairs

CATALOG_ID = "V2-PROPOSAL"

_ENC_RANK = {"des": 0, "3des": 1, "aes-cbc-128": 2, "aes-cbc-192": 3, "aes-cbc-256": 4, "aes-gcm-128": 5,
             "aes-gcm-256": 6}


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """IKE or child proposal mismatches, missing IKEv2 enable, version mismatch, PFS mismatch."""
    for pair in v2_pairs(ctx):
        s1 = split(pair.verdict, CATALOG_ID, 1)
        if s1.any:
            yield _ike_finding(pair, s1)
            continue
        s2 = split(pair.verdict, CATALOG_ID, 2)
        if s2.any:
            yield _child_finding(pair, s2)
        pfs = _pfs_finding(pair)
        if pfs is not None:
            yield pfs


def _strength(device: Device, end: TunnelEnd) -> int:
    return max((_ENC_RANK.get(e, 0) for p in device_proposals(device, end.local_address) for e in p.encryption),
               default=0)


def _ike_finding(pair: Pair, s: Split) -> Finding:
    failure = s.failing[0][1]
    detail = failure.message[:1].upper() + failure.message[1:] + "."
    if not s.every:
        detail += " " + depends_text(s)
    fixes: list[Fix] = []
    sources: list[Source | None] = []
    if failure.attribute == "ike-enable":
        device = pair.device(failure.device or pair.a.name)
        end = pair.end(device.name)
        itf = failure.message.split("interface ", 1)[1].split(" ", 1)[0]
        fixes.append(Fix(device.name, (f"crypto ikev2 enable {itf}",), Disruption.NONE))
        title = f"IKEv2 is not enabled on {itf} of {device.name}"
        sources += end_sources(device, end, "peer", "ikev2-proposal")
        sources += [e.source for e in device.ike.enabled_interfaces]
    elif failure.attribute == "ike-version":
        title = f"{pair.a.name} and {pair.b.name} speak different IKE versions"
        v1 = pair.device(failure.device or pair.a.name)
        fixes.append(Fix(v1.name, tuple(_to_v2_lines(v1, pair.end(v1.name))), Disruption.DROPS_TUNNEL,
                         note=f"move {v1.name}'s end to IKEv2 (its proposals, keys and identity must then match "
                              f"{pair.other(v1.name).name}'s)"))
        for d in (pair.a, pair.b):
            sources += end_sources(d, pair.end(d.name), "peer", "ikev2-profile", "ikev2-proposal", "transform-set")
    else:
        ends = sorted([(pair.a, pair.end_a), (pair.b, pair.end_b)], key=lambda t: _strength(*t))
        (weak, weak_end), (strong, strong_end) = ends
        wp = device_proposals(weak, weak_end.local_address)
        sp = device_proposals(strong, strong_end.local_address)
        if sp:
            _, lines = ike_proposal_lines(weak, sp[0], f"PROP-{strong.name}")
            fixes.append(Fix(weak.name, tuple(lines), Disruption.RENEGOTIATES_TUNNEL,
                             note=f"fix A: {weak.name} also offers {strong.name}'s {sp[0].name}" + _ios_note(weak)))
        if wp:
            _, lines = ike_proposal_lines(strong, wp[0], f"PROP-{weak.name}")
            fixes.append(Fix(strong.name, tuple(lines), Disruption.RENEGOTIATES_TUNNEL,
                             note=f"fix B (alternative): {strong.name} also accepts {weak.name}'s {wp[0].name}"
                                  + _ios_note(strong)))
        for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b)):
            sources += [p.source for p in device_proposals(d, e.local_address)]
            sources += [p.source for p in d.ikev2_policies]
            sources += end_sources(pair.device(e.device), e, "peer", "ikev2-profile")
        title = f"No IKEv2 proposal in common between {pair.a.name} and {pair.b.name}"
    return tunnel_finding(CATALOG_ID, s.severity, pair, title, detail, sources, fixes,
                          caution=caution_for(CATALOG_ID), key="ike")


def _ios_note(device: Device) -> str:
    if device.platform is Platform.IOS and not device.ikev2_policies:
        return ("; creating the first `crypto ikev2 policy` replaces the default policy for every IKEv2 peer of "
                f"{device.name}")
    return ""


def _to_v2_lines(device: Device, end: TunnelEnd) -> list[str]:
    if end.crypto_map is None or end.seq is None:
        profile = end.profile or "<ipsec-profile>"
        what = "set ikev2-profile <ikev2-profile>" if device.platform is Platform.IOS else \
            "set ikev2 ipsec-proposal <ipsec-proposal>"
        return [f"crypto ipsec profile {profile}", f" {what}"]
    if device.platform is Platform.IOS:
        name = ios_profile_name(device, end) or "<ikev2-profile>"
        return [f"crypto map {end.crypto_map} {end.seq} ipsec-isakmp", f" set ikev2-profile {name}"]
    itf = end.interface
    return [f"crypto ikev2 enable {itf}",
            f"crypto map {end.crypto_map} {end.seq} set ikev2 ipsec-proposal <ipsec-proposal>"]


def _child_finding(pair: Pair, s: Split) -> Finding:
    failure = s.failing[0][1]
    detail = failure.message[:1].upper() + failure.message[1:] + "."
    if not s.every:
        detail += " " + depends_text(s)
    oa, ob = child_offer(pair.a, pair.end_a), child_offer(pair.b, pair.end_b)
    fixes: list[Fix] = []
    if oa.proposals and ob.proposals:
        fixes.append(Fix(pair.a.name, tuple(child_proposal_lines(pair.a, pair.end_a, oa.proposals,
                                                                 ob.proposals[0])),
                         Disruption.RENEGOTIATES_TUNNEL, note=f"fix A: {pair.a.name} also offers "
                                                              f"{pair.b.name}'s {ob.proposals[0].name}"))
        fixes.append(Fix(pair.b.name, tuple(child_proposal_lines(pair.b, pair.end_b, ob.proposals,
                                                                 oa.proposals[0])),
                         Disruption.RENEGOTIATES_TUNNEL, note=f"fix B (alternative): {pair.b.name} also offers "
                                                              f"{pair.a.name}'s {oa.proposals[0].name}"))
    sources: list[Source | None] = [p.source for p in oa.proposals + ob.proposals]
    for e in (pair.end_a, pair.end_b):
        sources += end_sources(pair.device(e.device), e, "transform-set", "ikev2-proposal")
    title = f"No IPsec proposal in common for the IKEv2 child SA between {pair.a.name} and {pair.b.name}"
    return tunnel_finding(CATALOG_ID, s.severity, pair, title, detail, sources, fixes,
                          caution=caution_for(CATALOG_ID), key="child")


def _pfs_finding(pair: Pair) -> Finding | None:
    oa, ob = child_offer(pair.a, pair.end_a), child_offer(pair.b, pair.end_b)
    if oa.pfs_group == ob.pfs_group:
        return None

    def words(g: int | None) -> str:
        return "no PFS" if g is None else f"PFS group {g}"

    detail = (f"PFS differs: {pair.a.name}'s {oa.label} uses {words(oa.pfs_group)}, {pair.b.name}'s {ob.label} "
              f"uses {words(ob.pfs_group)}. The first child SA is built inside IKE_AUTH without a DH exchange and "
              "comes up; the first rekey (CREATE_CHILD_SA) fails, and traffic stops when the SA expires.")
    group = max(g for g in (oa.pfs_group, ob.pfs_group) if g is not None)
    lacking = pair.a if oa.pfs_group != group else pair.b
    end = pair.end(lacking.name)
    if end.entry is not None and end.crypto_map is not None and end.seq is not None:
        from ._fix_maps import entry_lines

        lines = entry_lines(lacking, end.crypto_map, end.seq, [f"set pfs group{group}"], dynamic=end.dynamic)
    else:
        lines = [f"crypto ipsec profile {end.profile or '<ipsec-profile>'}", f" set pfs group{group}"]
    sources: list[Source | None] = []
    for e in (pair.end_a, pair.end_b):
        sources += end_sources(pair.device(e.device), e, "pfs")
        if e.entry is None and e.profile:
            prof = pair.device(e.device).ipsec_profiles.get(e.profile)
            sources.append(prof.source if prof is not None else None)
    return tunnel_finding(CATALOG_ID, Severity.WARNING, pair,
                          f"IKEv2 PFS differs between {pair.a.name} and {pair.b.name} (rekey fails)", detail,
                          sources, [Fix(lacking.name, tuple(lines), Disruption.RENEGOTIATES_TUNNEL)], key="pfs")
