"""P2-NOHASH — a transform set in use gives ESP no integrity (no hash).

What it does
    For every device, looks at the transform sets that a crypto map entry,
    a dynamic map entry or an IPsec profile uses, and warns about those with
    ESP encryption but no ESP hash and no AH — ``esp-aes`` alone, or ASA
    ``esp-aes esp-none``.  Combined-mode ciphers (``esp-gcm``, ``esp-gmac``)
    carry their own integrity and are not reported.

Why it breaks
    Without integrity nothing detects altered or misaligned packets: ASA
    reports ``%ASA-3-402130: CRYPTO: Received an ESP packet (SPI = 0x…,
    sequence number= 0x…) from x.x.x.x (user= user) to y.y.y.y with
    incorrect IPsec padding`` and drops traffic now and then; and the data
    is open to tampering.

Example
    ``crypto ipsec transform-set TS-NOHASH esp-aes`` used by ``crypto map
    VPN 10``.

Fix
    Add a hash to the set: ``esp-sha-hmac`` (or ``esp-sha256-hmac`` where
    both ends support it).  The peer must use the same transform set, so
    change both ends in the same window.  Disruption: the tunnel
    renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import transform_set_command
from ..model import Device, Platform, Source, TransformSet
from . import Context, check
from ._fix_tunnels import transform_words
from ._maps import make_finding

CATALOG_ID = "P2-NOHASH"

_COMBINED = ("esp-gcm", "esp-gmac")


def users(device: Device) -> dict[str, list[tuple[str, Source]]]:
    """Transform set name → [(who uses it, the line)] over static maps, dynamic maps and IPsec profiles."""
    out: dict[str, list[tuple[str, Source]]] = {}
    for cmap in device.crypto_maps.values():
        for e in cmap.entries:
            for name in e.transform_sets:
                out.setdefault(name, []).append((f"crypto map {e.map_name} {e.seq}", e.src("transform-set")))
    for name_, entries in device.dynamic_maps.items():
        for e in entries:
            for name in e.transform_sets:
                out.setdefault(name, []).append((f"dynamic map {name_} {e.seq}", e.src("transform-set")))
    for profile in device.ipsec_profiles.values():
        for name in profile.transform_sets:
            out.setdefault(name, []).append((f"IPsec profile {profile.name}", profile.source))
    return out


def lacks_integrity(ts: TransformSet) -> bool:
    return (ts.esp_encryption is not None and ts.esp_encryption not in _COMBINED and ts.esp_integrity is None
            and ts.ah is None)


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per transform set in use without ESP integrity."""
    for device in ctx.devices:
        used = users(device)
        for name in sorted(used):
            ts = device.transform_sets.get(name)
            if ts is not None and lacks_integrity(ts):
                yield _finding(device, ts, used[name])


def _finding(device: Device, ts: TransformSet, used_by: list[tuple[str, Source]]) -> Finding:
    fixed = replace(ts, esp_integrity="esp-sha-hmac")
    lines = [transform_set_command(device, ts.name, transform_words(device, fixed))]
    if ts.mode == "transport" and device.platform is Platform.IOS:
        lines.append(" mode transport")
    where = ", ".join(sorted({w for w, _ in used_by}))
    detail = (f"Transform set {ts.name} on {device.name} ({' '.join(ts.transforms)}) encrypts ESP without any "
              f"integrity check; it is used by {where}. Altered or corrupted packets go undetected; an ASA logs "
              "`%ASA-3-402130: CRYPTO: Received an ESP packet ... with incorrect IPsec padding` and drops them.")
    note = "change the peer's transform set the same way in the same window"
    if device.platform is Platform.IOS:
        note += "; esp-sha256-hmac is stronger where both ends support it"
    fix = Fix(device.name, tuple(lines), Disruption.RENEGOTIATES_TUNNEL, note=note)
    return make_finding(CATALOG_ID, Severity.WARNING, device,
                        f"Transform set {ts.name} on {device.name} has no ESP hash",
                        detail, [ts.source] + [s for _, s in used_by], [fix], key=ts.name)
