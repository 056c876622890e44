"""P1-IDENTITY — the two ends identify themselves with different ISAKMP identity types.

What it does
    For every tunnel with both ends in the snapshot, compares the identity
    each end sends in phase 1 (``crypto isakmp identity``; IOS and PIX 6
    default to ``address``, ASA to ``auto``, which is the address for
    pre-shared keys and the certificate DN for certificates).  Reports an
    error when the methods differ, e.g. ``hostname`` on one end and
    ``address`` on the other.

Why it breaks
    A responder that looks the peer up by address but receives a host name
    (or the other way round) finds no key or tunnel-group for it and aborts
    phase 1, although the policies matched.

Example
    BR1-RTR ``crypto isakmp identity hostname`` facing HQ-ASA with the
    default identity (``auto`` → address).

Fix
    Use the address identity on the end that differs:
    ``crypto isakmp identity address`` (PIX 6: ``isakmp identity
    address``).  The setting is device-wide: other tunnels of that device
    renegotiate with the new identity.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Source
from . import Context, check
from ._fix_tunnels import identity_line
from ._partial import excerpt_downgrade
from ._tunnels import Pair, caution_for, entry_sources, tunnel_finding, v1_pairs

CATALOG_ID = "P1-IDENTITY"


def identity_kind(device: Device, certificates: bool = False) -> str:
    """What the device sends: ``auto`` resolves to address (keys) or dn (certificates)."""
    method = (device.ike.identity or "address").lower()
    if method == "auto":
        return "dn" if certificates else "address"
    return method


def _identity_text(device: Device) -> str:
    method = device.ike.identity
    text = f"`{method}`"
    if method.lower() == "auto":
        text += " (the address, with pre-shared keys)"
    if device.ike.identity_defaulted:
        text += " by default"
    return text


def _identity_source(device: Device) -> Source | None:
    return None if device.ike.identity_defaulted else device.ike.attr_sources.get("identity")


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per paired tunnel whose ends use different identity methods."""
    for pair in v1_pairs(ctx):
        certs = not all(any(p.authentication == "pre-share" for p in d.ikev1_policies) for d in (pair.a, pair.b))
        ka, kb = identity_kind(pair.a, certs), identity_kind(pair.b, certs)
        if ka != kb:
            yield _finding(pair, ka, kb)


def _finding(pair: Pair, ka: str, kb: str) -> Finding:
    a, b = pair.a, pair.b
    detail = (f"{a.name} identifies itself by {_identity_text(a)}, {b.name} by {_identity_text(b)}. "
              "Each end looks its peer up by the identity it receives, so phase 1 fails although the "
              "policies match. With pre-shared keys both ends should use the address.")
    # Change the end that does not use the address (both, if neither does).
    to_change = [d for d, k in ((a, ka), (b, kb)) if k != "address"] or [a, b]
    fixes = [Fix(d.name, (identity_line(d, "address"),), Disruption.RENEGOTIATES_TUNNEL,
                 note=f"device-wide: every tunnel of {d.name} sends its address from the next negotiation")
             for d in to_change]
    sources = [_identity_source(a), _identity_source(b)]
    sources += entry_sources(pair.end_a, "peer") + entry_sources(pair.end_b, "peer")
    title = f"ISAKMP identity types differ: {a.name} uses {ka}, {b.name} uses {kb}"
    return tunnel_finding(CATALOG_ID, Severity.ERROR, pair, title, detail, sources, fixes,
                          caution=caution_for(CATALOG_ID))
