"""P2-TRANSFORM — the two ends have no IPsec transform set in common.

What it does
    For every tunnel with both ends in the snapshot, compares the transform
    sets each crypto map entry (or IPsec profile) proposes: ESP cipher, key
    size, ESP integrity, AH and mode must all be equal for one pair.
    Reports an error naming both offers.  Cipher names are compared after
    normalisation (ASA ``esp-aes-256`` equals IOS ``esp-aes 256``; a bare
    ``esp-aes`` is AES-128 on both).

Why it breaks
    The responder must accept one of the initiator's transform sets as a
    whole; otherwise quick mode ends with NO_PROPOSAL_CHOSEN.  Phase 1 is up
    (MM_ACTIVE / QM_IDLE) but no IPsec SA appears.

Example
    HQ-ASA ``crypto ipsec ikev1 transform-set AES256-SHA esp-aes-256
    esp-sha-hmac``; BR1-RTR ``crypto ipsec transform-set TS esp-3des
    esp-md5-hmac``.

Fix
    On the weaker side, define a transform set equal to the stronger
    side's and add it to the entry (fix A); or the reverse (fix B).  ``set
    transform-set`` replaces the entry's list, so the commands repeat the
    existing names.  Disruption: the tunnel renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix
from ..model import Device, Platform, TransformSet
from ..pairing import TunnelEnd
from ..verdict import phase2_offer
from . import Context, check
from ._fix_tunnels import transform_set_lines, transform_words, unused_name, use_transform_sets
from ._partial import excerpt_downgrade
from ._tunnels import Pair, Split, depends_text, entry_sources, failing, pairs, tunnel_finding

CATALOG_ID = "P2-TRANSFORM"

_ENC_RANK = {"esp-null": 0, "esp-des": 1, "esp-3des": 2, "esp-aes": 3, "esp-gcm": 4, "esp-gmac": 1}
_HASH_RANK = {None: 0, "esp-md5-hmac": 1, "esp-sha-hmac": 2, "esp-sha256-hmac": 3, "esp-sha384-hmac": 4,
              "esp-sha512-hmac": 5}


def strength(ts: TransformSet) -> tuple[int, int, int]:
    return (_ENC_RANK.get(ts.esp_encryption or "", 0), ts.esp_key_bits or 0, _HASH_RANK.get(ts.esp_integrity, 0))


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per paired tunnel without a common transform set (or with clashing modes)."""
    for pair, s in failing(pairs(ctx), CATALOG_ID, 2):
        yield _finding(pair, s)


def _supports(device: Device, ts: TransformSet) -> bool:
    """IKEv1 on ASA/PIX has no combined-mode ciphers (GCM/GMAC)."""
    return device.platform is Platform.IOS or ts.esp_encryption not in ("esp-gcm", "esp-gmac")


def _set_list(device: Device, end: TunnelEnd, names: list[str]) -> list[str]:
    if end.entry is None:
        return [f"crypto ipsec profile {end.profile or '<ipsec-profile>'}", " set transform-set " + " ".join(names)]
    return use_transform_sets(device, end, names)


def adopt(device: Device, end: TunnelEnd, current: tuple[TransformSet, ...], wanted: TransformSet) -> list[str] | None:
    """Commands making ``device``'s entry also propose ``wanted`` (reusing an equal set it already has)."""
    if not _supports(device, wanted):
        return None
    names = [t.name for t in current]
    same = next((t for t in device.transform_sets.values() if t.key == wanted.key and t.mode == wanted.mode), None)
    lines: list[str] = []
    if same is None:
        name = unused_name(device, wanted.name)
        lines += transform_set_lines(device, name, wanted)
    else:
        name = same.name
    return lines + _set_list(device, end, names + [name])


def _mode_fix(device: Device, ts: TransformSet) -> list[str]:
    """Put a transport-mode set back to tunnel mode."""
    if device.platform is Platform.IOS:
        return [f"crypto ipsec transform-set {ts.name} {transform_words(device, ts)}", " mode tunnel"]
    keyword = "crypto ipsec ikev1 transform-set" if device.version_at_least(8, 4) and \
        device.platform is Platform.ASA else "crypto ipsec transform-set"
    return [f"no {keyword} {ts.name} mode transport"]


def _finding(pair: Pair, s: Split) -> Finding:
    failure = s.failing[0][1]
    oa, ob = phase2_offer(pair.a, pair.end_a), phase2_offer(pair.b, pair.end_b)
    detail = failure.message[:1].upper() + failure.message[1:] + "."
    if not s.every:
        detail += " " + depends_text(s)
    fixes: list[Fix] = []
    if failure.attribute == "mode":
        for device, offer in ((pair.a, oa), (pair.b, ob)):
            for ts in offer.transform_sets:
                if ts.mode == "transport":
                    fixes.append(Fix(device.name, tuple(_mode_fix(device, ts)), Disruption.RENEGOTIATES_TUNNEL,
                                     note=f"site-to-site crypto maps need tunnel mode on {ts.name}"))
        title = f"Transform set modes differ between {pair.a.name} and {pair.b.name}"
    else:
        ends = [(pair.a, pair.end_a, oa.transform_sets), (pair.b, pair.end_b, ob.transform_sets)]
        ends.sort(key=lambda t: max((strength(x) for x in t[2]), default=(0, 0, 0)))
        (weak, weak_end, weak_sets), (strong, strong_end, strong_sets) = ends
        if strong_sets:
            lines = adopt(weak, weak_end, weak_sets, strong_sets[0])
            if lines:
                fixes.append(Fix(weak.name, tuple(lines), Disruption.RENEGOTIATES_TUNNEL,
                                 note=f"fix A: {weak.name} also proposes {strong.name}'s {strong_sets[0].name}"))
        if weak_sets:
            lines = adopt(strong, strong_end, strong_sets, weak_sets[0])
            if lines:
                fixes.append(Fix(strong.name, tuple(lines), Disruption.RENEGOTIATES_TUNNEL,
                                 note=f"fix B (alternative): {strong.name} also accepts {weak.name}'s "
                                      f"{weak_sets[0].name}"))
        title = f"No IPsec transform set in common between {pair.a.name} and {pair.b.name}"
    sources = [t.source for t in oa.transform_sets + ob.transform_sets]
    sources += entry_sources(pair.end_a, "transform-set") + entry_sources(pair.end_b, "transform-set")
    return tunnel_finding(CATALOG_ID, s.severity, pair, title, detail, sources, fixes)
