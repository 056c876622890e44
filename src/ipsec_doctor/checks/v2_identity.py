"""V2-IDENTITY — the IKEv2 identity one peer sends is not matched by the other's IKEv2 profile.

What it does
    For every IKEv2 tunnel with both ends in the snapshot, compares the
    identity each end sends (IOS ``identity local address|fqdn|email``,
    default: the address IKE speaks from; ASA: its address, or its FQDN
    with ``crypto isakmp identity hostname``) with the other end's IOS
    ``match identity remote address|fqdn|email`` statements: the IOS
    responder selects its profile by the received identity, and the IOS
    initiator checks the responder's identity against its own profile.
    Reports an error naming the identity and the statements it misses.

Why it breaks
    With no matching profile the responder has no keyring and no
    authentication method for the peer, and IKE_AUTH fails although the
    proposals agree (``debug crypto ikev2`` shows that no profile matched);
    the initiator stays in IN-NEG.

Example
    R1 ``crypto ikev2 profile P`` / ``identity local fqdn r1.example.net``;
    R2 ``crypto ikev2 profile P`` / ``match identity remote address
    192.0.2.1 255.255.255.255``.

Fix
    On the device that refuses, add a ``match identity remote`` for the
    identity the peer sends (fix A); or make the sender use the identity
    the other end matches (fix B).  Disruption: renegotiates the tunnel.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix
from ..model import Device, Platform, Source
from ..negotiate import Failure
from ..pairing import TunnelEnd
from ..v2_offers import ike_offer
from ..verdict import _ike_interface
from . import Context, check
from ._partial import excerpt_downgrade
from ._tunnels import Pair, caution_for, depends_text, failing, tunnel_finding
from ._v2 import end_sources, ios_profile_name, v2_pairs

CATALOG_ID = "V2-IDENTITY"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One finding per IKEv2 tunnel whose identities are refused in some direction."""
    for pair, s in failing(v2_pairs(ctx), CATALOG_ID, 1):
        failures = [f for _, f in s.failing]
        detail = "; ".join(dict.fromkeys(f.message[:1].upper() + f.message[1:] for f in failures)) + "."
        if not s.every:
            detail += " " + depends_text(s)
        fixes: list[Fix] = []
        for f in dict.fromkeys(failures):
            fixes += _fixes(pair, f)
        sources: list[Source | None] = []
        for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b)):
            auth = ike_offer(d, e, _ike_interface(d, e)).auth
            sources += [auth.identity_source, auth.match_source]
            sources += end_sources(pair.device(e.device), e, "peer", "ikev2-profile")
            sources += [p.source for p in d.isakmp_profiles if p.ike_version == 2]
        refusing = sorted({f.device for f in failures if f.device})
        title = f"IKEv2 identity refused by {' and '.join(refusing)}"
        yield tunnel_finding(CATALOG_ID, s.severity, pair, title, detail, sources, list(dict.fromkeys(fixes)),
                             caution=caution_for(CATALOG_ID))


def _identity_words(sender: Device, end: TunnelEnd, identity: str) -> str:
    kind, _, value = identity.partition(" ")
    if kind == "address":
        return f"address {value} 255.255.255.255"
    return f"{kind} {value}"


def _fixes(pair: Pair, f: Failure) -> list[Fix]:
    refusing = pair.device(f.device or pair.a.name)
    sender = pair.other(refusing.name)
    rend, send = pair.end(refusing.name), pair.end(sender.name)
    out: list[Fix] = []
    identity = f.initiator_value or ""
    if refusing.platform is Platform.IOS and identity:
        profile = ios_profile_name(refusing, rend) or "<ikev2-profile>"
        out.append(Fix(refusing.name, (f"crypto ikev2 profile {profile}",
                                       f" match identity remote {_identity_words(sender, send, identity)}"),
                       Disruption.RENEGOTIATES_TUNNEL,
                       note=f"fix A: {refusing.name} accepts the identity {sender.name} sends"))
    if sender.platform is Platform.IOS and send.local_address is not None:
        profile = ios_profile_name(sender, send) or "<ikev2-profile>"
        out.append(Fix(sender.name, (f"crypto ikev2 profile {profile}", f" identity local address {send.local_address}"),
                       Disruption.RENEGOTIATES_TUNNEL,
                       note=f"fix B (alternative): {sender.name} identifies by its address {send.local_address}"))
    elif sender.platform is not Platform.IOS:
        out.append(Fix(sender.name, ("crypto isakmp identity address",), Disruption.RENEGOTIATES_TUNNEL,
                       note=f"fix B (alternative): {sender.name} identifies by its address (device-wide)"))
    return out
