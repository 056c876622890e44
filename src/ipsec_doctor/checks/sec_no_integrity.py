"""SEC-NO-INTEGRITY — ESP encrypts without any integrity protection (hygiene view).

What it does
    Per device, lists every transform set with a non-AEAD ESP cipher and no
    ESP hash or AH (``esp-aes`` alone, ASA ``esp-aes esp-none``) and every
    ASA IKEv2 IPsec proposal whose integrity is only ``null`` with a CBC
    cipher.  One *info* finding per device: P2-NOHASH already reports, as a
    warning, the transform sets that a crypto map or profile actually uses
    (the failure side: padding errors and drops); this is the hygiene view
    of the same weakness, including sets nothing uses yet.

Why it breaks
    Without integrity an attacker can alter or replay ciphertext unnoticed;
    encryption-only ESP is open to known active attacks (RFC 8221 section
    5).  AES-GCM is exempt: it carries its own integrity.

Example
    ``crypto ipsec transform-set TS-NOHASH esp-aes``.

Fix
    IOS: ``esp-gcm 256`` (or add ``esp-sha256-hmac``); ASA IKEv1: add
    ``esp-sha-hmac``; ASA IKEv2: ``protocol esp integrity sha-256`` or an
    AES-GCM cipher.  Disruption: renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model import Device, Platform
from . import Context, check
from ._sec import Place, device_finding, replace_transform_lines, transform_sets
from .p2_nohash import lacks_integrity

CATALOG_ID = "SEC-NO-INTEGRITY"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One info finding per device with ESP transforms lacking integrity."""
    for device in ctx.devices:
        places = _places(device)
        if places:
            yield device_finding(CATALOG_ID, Severity.INFO, device, "ESP without integrity", places,
                                 "Add an HMAC (SHA-256 or better) or use AES-GCM.")


def _places(device: Device) -> list[Place]:
    out: list[Place] = []
    for ts in transform_sets(device):
        if lacks_integrity(ts):
            if device.platform is Platform.IOS:
                lines = [f"crypto ipsec transform-set {ts.name} esp-gcm 256"]
                if ts.mode == "transport":
                    lines.append(" mode transport")
                note = None
            else:
                lines, note = replace_transform_lines(device, ts, enc=False, integ=True)
            out.append(Place(f"transform set {ts.name} ({' '.join(ts.transforms)})", ts.source, lines, note))
    for prop in sorted(device.ipsec_proposals.values(), key=lambda x: x.name):
        integ = [i.lower() for i in prop.integrity]
        cbc = [e for e in prop.encryption if not e.lower().startswith(("aes-gcm", "aes-gmac", "null"))]
        if cbc and (not integ or integ == ["null"]):
            out.append(Place(f"IPsec proposal {prop.name} (integrity {' '.join(integ) or 'none'})", prop.source,
                             [f"crypto ipsec ikev2 ipsec-proposal {prop.name}", " protocol esp integrity sha-256"]))
    return out
