"""SEC-WEAK-CIPHER — DES or 3DES in ISAKMP policies, IKEv2 proposals, transform sets or IPsec proposals.

What it does
    Per device, lists every place that offers DES or 3DES: ``crypto
    isakmp policy`` / ``crypto ikev1 policy`` encryption (including the IOS
    default DES when no ``encryption`` line is written), IOS ``crypto
    ikev2 proposal`` / ASA ``crypto ikev2 policy`` encryption, transform sets
    (``esp-des``, ``esp-3des``) and ASA ``crypto ipsec ikev2
    ipsec-proposal`` encryption.  One warning per device and algorithm.

Why it breaks
    It does not break the tunnel: it weakens it.  DES falls to brute force;
    3DES's 64-bit block leaks plaintext on long-lived SAs (Sweet32).  Cisco's
    Next-Generation Encryption guidance lists both as legacy / avoid, and
    newer releases refuse them.

Example
    ``crypto isakmp policy 10`` / ``encryption 3des``; ``crypto ipsec
    transform-set TS esp-3des esp-md5-hmac``.

Fix
    AES-256 (IOS ``encr aes 256`` / ``esp-aes 256``; ASA ``encryption
    aes-256`` / ``esp-aes-256``; IKEv2 ``aes-cbc-256`` or AES-GCM-256).  Both
    peers must change in the same window.  Disruption: renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model import Device, Platform
from . import Context, check
from ._sec import (
    Place,
    device_finding,
    ikev1_policy_lines,
    ikev2_attr_lines,
    ikev2_label,
    ikev2_values,
    replace_transform_lines,
    strong_ikev1_encryption,
    transform_sets,
)

CATALOG_ID = "SEC-WEAK-CIPHER"
_WEAK = {"des": "DES", "3des": "3DES"}


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per device and weak cipher, listing every place."""
    for device in ctx.devices:
        for algo, label in _WEAK.items():
            places = _places(device, algo)
            if places:
                yield device_finding(CATALOG_ID, Severity.WARNING, device, label, places,
                                     "Cisco classes it as legacy; use AES-256 or AES-GCM-256.")


def _places(device: Device, algo: str) -> list[Place]:
    out: list[Place] = []
    for p in sorted(device.ikev1_policies, key=lambda x: x.priority):
        if p.encryption.lower() == algo:
            dflt = " (default)" if "encryption" in p.defaulted else ""
            out.append(Place(f"ISAKMP policy {p.priority} (encryption {algo}{dflt})",
                             p.attr_sources.get("encryption", p.source),
                             ikev1_policy_lines(device, p, "encryption", strong_ikev1_encryption(device))))
    for v2 in device.ikev2_proposals:
        enc = ikev2_values(v2)["encryption"]
        if algo in enc:
            strong = "aes-cbc-256" if device.platform is Platform.IOS else "aes-256"
            current = tuple(e.lower() for e in v2.encryption)
            out.append(Place(f"{ikev2_label(device, v2)} (encryption {algo})", v2.source,
                             ikev2_attr_lines(device, v2, "encryption", current, {algo}, strong)))
    esp = f"esp-{algo}"
    for ts in transform_sets(device):
        if ts.esp_encryption == esp:
            lines, note = replace_transform_lines(device, ts, enc=True, integ=False)
            out.append(Place(f"transform set {ts.name} ({esp})", ts.source, lines, note))
    for prop in sorted(device.ipsec_proposals.values(), key=lambda x: x.name):
        if algo in (e.lower() for e in prop.encryption):
            keep = [e for e in prop.encryption if e.lower() not in _WEAK]
            out.append(Place(f"IPsec proposal {prop.name} (encryption {algo})", prop.source,
                             [f"crypto ipsec ikev2 ipsec-proposal {prop.name}",
                              " protocol esp encryption " + " ".join(["aes-gcm-256"] + keep)]))
    return out
