"""V2-PSK — IKEv2 pre-shared keys differ or are missing in one or both directions.

What it does
    For every IKEv2 tunnel with both ends in the snapshot, compares the
    directional keys without printing them: the initiator's *local* key
    (IOS keyring ``pre-shared-key local`` or symmetric ``pre-shared-key``;
    ASA ``ikev2 local-authentication pre-shared-key``) must equal the
    responder's *remote* key for it (IOS ``pre-shared-key remote``; ASA
    ``ikev2 remote-authentication pre-shared-key``), and the other way
    round.  Reports an error when a key is missing (also: no keyring in the
    IOS profile, no tunnel-group on the ASA) or when two visible keys
    differ, naming the direction; info when a key is masked or encrypted.

Why it breaks
    Each side proves its identity with its local key and checks the peer
    with its remote key.  A mismatch in either direction ends IKE_AUTH
    with AUTHENTICATION_FAILED although IKE_SA_INIT succeeded; IOS ``show
    crypto ikev2 sa`` shows IN-NEG on the initiator.

Example
    R1 keyring ``pre-shared-key local <A>`` / ``pre-shared-key remote <B>``;
    HQ-ASA tunnel-group ``ikev2 remote-authentication pre-shared-key <C>``
    (C ≠ A).

Fix
    Re-enter the keys on both ends: A's local equal to B's remote and B's
    local equal to A's remote (placeholders ``<pre-shared-key>``).
    Disruption: renegotiates the tunnel.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Source
from ..negotiate_v2 import V2Auth
from ..pairing import TunnelEnd
from ..v2_offers import ike_offer
from ..verdict import _ike_interface
from . import Context, check
from ._partial import excerpt_downgrade
from ._tunnels import Pair, caution_for, split, tunnel_finding
from ._v2 import end_sources, psk_lines, v2_pairs

CATALOG_ID = "V2-PSK"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Missing, different or unverifiable IKEv2 keys on paired IKEv2 tunnels."""
    for pair in v2_pairs(ctx):
        s = split(pair.verdict, CATALOG_ID, 1)
        if s.any:
            yield _finding(pair, s.failing[0][1].message, [f for _, f in s.failing], s.every)
        elif any(d.phase1.key_check == "cannot-verify" and d.phase1.status == "unknown"
                 for d in pair.verdict.directions):
            yield _unverifiable(pair)


def _auth(device: Device, end: TunnelEnd) -> V2Auth:
    return ike_offer(device, end, _ike_interface(device, end)).auth


def _sources(pair: Pair) -> list[Source | None]:
    out: list[Source | None] = []
    for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b)):
        a = _auth(d, e)
        out += [a.local_source, a.remote_source, a.match_source]
        out += end_sources(pair.device(e.device), e, "peer", "ikev2-profile")
    return out


def _finding(pair: Pair, first: str, failures: list, every: bool) -> Finding:  # type: ignore[type-arg]
    messages = list(dict.fromkeys(f.message for f in failures))
    # Both directions are checked in each negotiation: collect every direction that fails.
    for d in pair.verdict.directions:
        messages += [f.message for f in d.phase1.failures if f.catalog_id == CATALOG_ID and f.message not in messages]
    detail = "; ".join(m[:1].upper() + m[1:] for m in messages) + ". Neither key is shown."
    fixes = [Fix(d.name, tuple(psk_lines(d, e)), Disruption.RENEGOTIATES_TUNNEL,
                 note=f"{d.name}'s local key must equal {pair.other(d.name).name}'s remote key, and its remote key "
                      f"{pair.other(d.name).name}'s local key")
             for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b))]
    missing = any("no " in f.summary for f in failures)
    title = (f"IKEv2 pre-shared key missing between {pair.a.name} and {pair.b.name}" if missing
             else f"IKEv2 pre-shared keys differ between {pair.a.name} and {pair.b.name}")
    return tunnel_finding(CATALOG_ID, Severity.ERROR if every else Severity.WARNING, pair, title, detail,
                          _sources(pair), fixes, caution=caution_for(CATALOG_ID),
                          key="missing" if missing else "mismatch")


def _unverifiable(pair: Pair) -> Finding:
    hidden = []
    for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b)):
        a = _auth(d, e)
        for which, key in (("local", a.local_key), ("remote", a.remote_key)):
            if key is not None and not key.comparable:
                hidden.append(f"{d.name}'s {which} key ({a.where}) is {key.state.value}")
    detail = ("The IKEv2 keys cannot be compared from these files: " + "; ".join(hidden or ["certificates in use"])
              + ". On the ASA `more system:running-config` shows masked keys; IOS type 6 keys cannot be read back.")
    return tunnel_finding(CATALOG_ID, Severity.INFO, pair,
                          f"IKEv2 keys of {pair.a.name} and {pair.b.name} cannot be verified", detail,
                          _sources(pair), (), key="unverifiable")
