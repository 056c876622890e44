"""SEC-WEAK-HASH — MD5 or SHA-1 as IKE hash, IKEv2 integrity/PRF, or ESP HMAC.

What it does
    Per device, lists every place that uses MD5 (warning) or SHA-1 (info):
    ISAKMP policy ``hash md5`` / ``hash sha`` (the IOS and ASA default is
    SHA-1), IKEv2 proposal/policy ``integrity`` and ``prf``, transform sets
    (``esp-md5-hmac``, ``esp-sha-hmac``) and ASA IPsec proposal
    ``protocol esp integrity md5|sha-1``.  One finding per device and
    algorithm.

Why it breaks
    It weakens rather than breaks: MD5 has practical collisions and Cisco
    says avoid; SHA-1 is legacy.  HMAC constructions are not broken today,
    but the NGE baseline is SHA-256 or better, or an AEAD cipher.

Example
    ``crypto isakmp policy 10`` with no ``hash`` line (SHA-1 by default);
    ``crypto ipsec transform-set TS esp-aes esp-md5-hmac``.

Fix
    IOS ``hash sha256``, ``esp-sha256-hmac``, IKEv2 ``integrity sha256``;
    ASA IKEv2 ``integrity sha256`` / ``prf sha256`` and ``protocol esp
    integrity sha-256``.  ASA IKEv1 offers no SHA-2: move such tunnels to
    IKEv2 (see SEC-IKEV1).  Disruption: renegotiates.
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
    transform_sets,
)

CATALOG_ID = "SEC-WEAK-HASH"
# canonical name → (label, severity, IKEv1 keyword, ESP transform, ASA IPsec proposal keyword)
_WEAK = {
    "md5": ("MD5", Severity.WARNING, "md5", "esp-md5-hmac", "md5"),
    "sha1": ("SHA-1", Severity.INFO, "sha", "esp-sha-hmac", "sha-1"),
}


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One finding per device and weak hash (MD5 warning, SHA-1 info), listing every place."""
    for device in ctx.devices:
        for algo, (label, severity, _, _, _) in _WEAK.items():
            places = _places(device, algo)
            if places:
                yield device_finding(CATALOG_ID, severity, device, label, places,
                                     "Use SHA-256 or stronger (or AES-GCM, which needs no separate HMAC).")


def _places(device: Device, algo: str) -> list[Place]:
    _, _, v1, esp, asa_esp = _WEAK[algo]
    out: list[Place] = []
    for p in sorted(device.ikev1_policies, key=lambda x: x.priority):
        if p.hash.lower() == v1:
            dflt = " (default)" if "hash" in p.defaulted else ""
            if device.platform is Platform.IOS and device.version_at_least(15, 0):
                place = Place(f"ISAKMP policy {p.priority} (hash {v1}{dflt})", p.attr_sources.get("hash", p.source),
                              ikev1_policy_lines(device, p, "hash", "sha256"))
            elif algo == "md5":
                place = Place(f"ISAKMP policy {p.priority} (hash md5{dflt})", p.attr_sources.get("hash", p.source),
                              ikev1_policy_lines(device, p, "hash", "sha"))
            else:
                place = Place(f"ISAKMP policy {p.priority} (hash sha{dflt})", p.attr_sources.get("hash", p.source),
                              note="IKEv1 on this platform/release offers no SHA-2 hash: move the tunnel to IKEv2")
            out.append(place)
    for v2 in device.ikev2_proposals:
        values = ikev2_values(v2)
        for attr in ("integrity", "prf"):
            if algo in values[attr]:
                current = tuple(x.lower() for x in getattr(v2, attr))
                weak = {x for x in current if x in (algo, "sha", "md5" if algo == "md5" else "sha1")}
                out.append(Place(f"{ikev2_label(device, v2)} ({attr} {algo})", v2.source,
                                 ikev2_attr_lines(device, v2, attr, current, weak, "sha256")))
    for ts in transform_sets(device):
        if ts.esp_integrity == esp:
            lines, note = replace_transform_lines(device, ts, enc=False, integ=True)
            if device.platform is not Platform.IOS and algo == "sha1":
                lines, note = [], "ASA/PIX IKEv1 transform sets offer no SHA-2: move the tunnel to IKEv2"
            out.append(Place(f"transform set {ts.name} ({esp})", ts.source, lines, note))
    for prop in sorted(device.ipsec_proposals.values(), key=lambda x: x.name):
        if asa_esp in (i.lower() for i in prop.integrity):
            keep = [i for i in prop.integrity if i.lower() not in ("md5", "sha-1")]
            out.append(Place(f"IPsec proposal {prop.name} (integrity {asa_esp})", prop.source,
                             [f"crypto ipsec ikev2 ipsec-proposal {prop.name}",
                              " protocol esp integrity " + " ".join(["sha-256"] + [k for k in keep if k != "sha-256"])]))
    return out
