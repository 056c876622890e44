"""P2-ACLREF — a crypto map entry lacks `match address`, names a missing ACL, or has no transform set.

What it does
    For every static site-to-site entry of every crypto map (IOS, ASA, PIX 6)
    it checks that the entry has a ``match address`` naming an access-list
    that exists, and a transform set (or IKEv2 IPsec proposal).  A missing
    peer alone is left to P2-NOPEER; when other parts are missing too, the
    peer is listed with them.

Why it breaks
    The device prints ``WARNING: crypto map entry incomplete`` while an
    entry is being typed; that is normal only until the entry is finished.
    An entry without an ACL never matches traffic, so nothing triggers IKE
    for it, and an entry without a transform set has nothing to propose in
    phase 2.  IOS 15 (and 12.4(20)T) falls back to its default transform
    sets, so on IOS a missing transform set is reported only for a known
    older release.

Example
    ``crypto map VPN 20 set peer 203.0.113.20`` and ``crypto map VPN 20 set
    ikev1 transform-set TS`` without ``crypto map VPN 20 match address ...``.

Fix
    Complete the entry: ``crypto map VPN 20 match address <acl>`` (ASA/PIX,
    one line per attribute) or, on IOS, ``crypto map VPN 20 ipsec-isakmp`` /
    `` match address <acl>``.  When an ACL with a near-identical name exists
    it is proposed; otherwise the ACL name is a placeholder.  Disruption:
    none — the entry does not carry traffic yet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..findings import Finding, Fix, Severity
from ..model import CryptoMap, CryptoMapEntry, Device, Platform
from . import Context, check
from ._fix_maps import entry_lines, set_transform_words
from ._maps import closest, has_transform, is_fragment, is_static_l2l, make_finding, sorted_entries

CATALOG_ID = "P2-ACLREF"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One error per static entry that lacks its ACL (or names a missing one) or its transform set."""
    for device in ctx.devices:
        for cmap in device.crypto_maps.values():
            for entry in sorted_entries(cmap):
                if is_static_l2l(entry):
                    finding = _entry_finding(device, cmap, entry)
                    if finding is not None:
                        yield finding


def _usual_transforms(cmap: CryptoMap) -> list[str]:
    """The transform sets most entries of this map already use (the likely intended ones)."""
    counts = Counter(tuple(e.transform_sets) for e in cmap.entries if e.transform_sets)
    return list(counts.most_common(1)[0][0]) if counts else []


def _referenced_acls(device: Device) -> set[str]:
    names = {e.match_acl for e in device.static_entries() if e.match_acl}
    return names | {e.match_acl for d in device.dynamic_maps.values() for e in d if e.match_acl}


def _create_acl(device: Device, name: str) -> list[str]:
    """Define the missing ACL under the name the entry already uses (networks are placeholders)."""
    if device.platform is Platform.IOS:
        return [f"ip access-list extended {name}",
                " permit ip <local-network> <wildcard> <remote-network> <wildcard>"]
    extended = "" if device.platform is Platform.PIX6 else " extended"
    return [f"access-list {name}{extended} permit ip <local-network> <mask> <remote-network> <mask>"]


def _entry_finding(device: Device, cmap: CryptoMap, entry: CryptoMapEntry) -> Finding | None:
    problems: list[str] = []
    words: list[str] = []
    sources = [entry.source]
    if entry.match_acl is None:
        problems.append("no `match address`")
        words.append("match address <crypto-acl>")
    elif entry.match_acl not in device.acls and not is_fragment(device):
        # Only an ACL no other entry uses is a plausible intended one: pointing two
        # entries at one ACL would trade this fault for P2-OVERLAP.
        hint = closest(entry.match_acl, set(device.acls) - _referenced_acls(device))
        problems.append(
            f"`match address {entry.match_acl}` names an access-list that does not exist"
            + (f" (an unused ACL named {hint} does)" if hint else "")
        )
        sources.append(entry.src("match"))
        if hint:
            words.append(f"match address {hint}")

    if not has_transform(device, entry):
        usual = _usual_transforms(cmap) or sorted(device.transform_sets)[:1]
        problems.append("no transform set")
        words.append(set_transform_words(device, usual or ["<transform-set>"]))
    if not problems:
        return None
    create: list[str] = []
    if entry.match_acl and any("does not exist" in p for p in problems) and not any(
        w.startswith("match address") for w in words
    ):
        create = _create_acl(device, entry.match_acl)
    if not entry.peers:
        problems.append("no peer (see P2-NOPEER)")
    detail = (
        f"Crypto map {cmap.name} entry {entry.seq} on {device.name} is incomplete: "
        + "; ".join(problems)
        + ". The device keeps such an entry (it warned `crypto map entry incomplete` when it was typed), "
        "but no traffic is ever protected by it, so its tunnel never starts."
    )
    commands = tuple(create + (entry_lines(device, cmap.name, entry.seq, words) if words else []))
    placeholder = any("<" in c for c in commands)
    fix = Fix(
        device.name,
        commands,
        note="replace the <placeholders> with this peer's networks / ACL / transform set" if placeholder else None,
    )
    return make_finding(
        CATALOG_ID,
        Severity.ERROR,
        device,
        f"Crypto map {cmap.name} {entry.seq} on {device.name} is incomplete",
        detail,
        sources,
        [fix],
        key=f"{cmap.name} {entry.seq}",
    )
