"""VTI-PAIR — the two ends of a route-based tunnel do not match each other.

What it does
    Looks at every tunnel interface with ``tunnel protection ipsec
    profile`` (IOS VTI or GRE over IPsec, ASA 9.7+ VTI) and reports:

    * a VTI facing a crypto map entry on the other device (the pairing
      found the peer's entry by address): the VTI proposes and accepts only
      0.0.0.0/0 <-> 0.0.0.0/0, the crypto map proposes its ACL's networks —
      the proxies / traffic selectors never agree;
    * a VTI (``tunnel mode ipsec ipv4``) facing a GRE tunnel (``gre ip``):
      different proxies, and even when an SA forms the payload differs;
    * a tunnel interface whose destination device has tunnel interfaces but
      none pointing back at our tunnel source (source/destination swapped
      wrongly or stale);
    * ``tunnel protection ipsec profile P`` naming a profile that does not
      exist.

Why it breaks
    Route-based and policy-based ends negotiate different proxy identities:
    quick mode / CHILD_SA fails (``proxy identities not supported`` /
    TS_UNACCEPTABLE), phase 1 stays up, no traffic passes.  A wrong
    destination sends IKE to an address that has no tunnel for us.

Example
    R1 ``interface Tunnel0`` / ``tunnel mode ipsec ipv4`` / ``tunnel
    destination 198.51.100.2``; R2 ``crypto map VPN 10`` with ``set peer
    192.0.2.1`` and ``match address VPN-ACL``.

Fix
    Make both ends route based: replace the crypto map entry by a tunnel
    interface with the same IPsec profile (fix A), or use the mode of the
    other end.  Disruption: drops the tunnel (the tunnel interface resets).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Interface, Platform, Source
from ..pairing import Tunnel, TunnelEnd
from . import Context, check
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._tunnels import Pair, caution_for, entry_sources, evidence, pairs, split, tunnel_finding

CATALOG_ID = "VTI-PAIR"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Route-based ends facing crypto maps or GRE, dangling destinations, missing profiles."""
    for pair in pairs(ctx):
        if pair.tunnel.kind not in ("vti", "gre"):
            continue
        s = split(pair.verdict, CATALOG_ID, 2)
        if s.any:
            yield _mismatch(pair, s.failing[0][1].attribute, s.failing[0][1].message)
    for tunnel in ctx.tunnels:
        if tunnel.one_sided and tunnel.kind in ("vti", "gre") and tunnel.remote_device:
            finding = _dangling(ctx, tunnel)
            if finding is not None:
                yield finding
    for device in ctx.devices:
        for itf in device.interfaces:
            t = itf.tunnel
            if t is not None and t.protection_profile and t.protection_profile not in device.ipsec_profiles:
                yield make_finding(
                    CATALOG_ID, Severity.ERROR, device,
                    f"{itf.name} on {device.name} is protected by IPsec profile {t.protection_profile}, which does "
                    "not exist", f"`tunnel protection ipsec profile {t.protection_profile}` on {itf.name} names a "
                    f"profile {device.name} does not define: the tunnel has no IPsec parameters and cannot come up.",
                    [t.source, itf.source],
                    [Fix(device.name, (f"crypto ipsec profile {t.protection_profile}",
                                       " set transform-set <transform-set>" if device.platform is Platform.IOS
                                       else " set ikev2 ipsec-proposal <ipsec-proposal>"), Disruption.NONE)],
                    key=f"profile:{itf.name}")


def _tunnel_itf(device: Device, end: TunnelEnd) -> Interface | None:
    itf = device.interface(end.interface)
    return itf if itf is not None and itf.tunnel is not None else None


def _vti_lines(device: Device, source_itf: str, peer: str, profile: str, number: int = 0) -> list[str]:
    src = f"tunnel source interface {source_itf}" if device.platform is not Platform.IOS else \
        f"tunnel source {source_itf}"
    lines = [f"interface Tunnel{number}"]
    if device.platform is not Platform.IOS:
        lines.append(f" nameif vti{number}")
    return lines + [" ip address <tunnel-address> 255.255.255.252", f" {src}", f" tunnel destination {peer}",
                    " tunnel mode ipsec ipv4", f" tunnel protection ipsec profile {profile}"]


def _profile_words(device: Device, end: TunnelEnd) -> list[str]:
    """The crypto map entry's IPsec parameters as IPsec profile lines."""
    e = end.entry
    if e is None:
        return []
    out = []
    if device.platform is Platform.IOS:
        if e.transform_sets:
            out.append(" set transform-set " + " ".join(e.transform_sets))
        if e.ikev2_profile:
            out.append(f" set ikev2-profile {e.ikev2_profile}")
    else:
        if e.ikev2_proposals:
            out.append(" set ikev2 ipsec-proposal " + " ".join(e.ikev2_proposals))
        if e.transform_sets:
            out.append(" set ikev1 transform-set " + " ".join(e.transform_sets))
    if e.pfs_group is not None:
        out.append(f" set pfs group{e.pfs_group}")
    return out


def _mismatch(pair: Pair, attribute: str, message: str) -> Finding:
    sources: list[Source | None] = []
    fixes: list[Fix] = []
    for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b)):
        itf = _tunnel_itf(d, e)
        if itf is not None and itf.tunnel is not None:
            sources += [itf.source, itf.tunnel.source]
        sources += entry_sources(e, "peer", "match")
    if attribute == "tunnel-mode":
        gre = next(((d, e) for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b))
                    if (i := _tunnel_itf(d, e)) is not None and i.tunnel is not None
                    and not i.tunnel.mode.startswith("ipsec")), None)
        if gre is not None:
            d, e = gre
            fixes.append(Fix(d.name, (f"interface {e.interface}", " tunnel mode ipsec ipv4"), Disruption.DROPS_TUNNEL,
                             note=f"{d.name} becomes a VTI like its peer"))
        title = f"Tunnel modes differ between {pair.a.name} and {pair.b.name} (VTI vs GRE)"
    else:
        cmap_dev, cmap_end = next((d, e) for d, e in ((pair.a, pair.end_a), (pair.b, pair.end_b)) if e.entry)
        vti_dev, vti_end = pair.other(cmap_dev.name), pair.end(pair.other(cmap_dev.name).name)
        itf = cmap_dev.interface(cmap_end.interface)
        vti_itf = _tunnel_itf(vti_dev, vti_end)
        profile = vti_itf.tunnel.protection_profile if vti_itf and vti_itf.tunnel else None
        if cmap_dev.platform is Platform.IOS or cmap_dev.version_at_least(9, 7):
            name = profile if profile and profile not in cmap_dev.ipsec_profiles else "VTI-PROFILE"
            lines = [f"crypto ipsec profile {name}"] + _profile_words(cmap_dev, cmap_end)
            number = next(n for n in range(100) if cmap_dev.interface(f"Tunnel{n}") is None)
            lines += _vti_lines(cmap_dev, itf.local_name if itf else cmap_end.interface,
                                str(cmap_end.peer_address), name, number)
            if cmap_dev.platform is Platform.IOS:
                lines.append(f"no crypto map {cmap_end.crypto_map} {cmap_end.seq} ipsec-isakmp")
            else:
                lines.append(f"clear configure crypto map {cmap_end.crypto_map} {cmap_end.seq}")
            lines.append("! then route the remote networks into the new tunnel interface")
            fixes.append(Fix(cmap_dev.name, tuple(lines), Disruption.DROPS_TUNNEL,
                             note=f"fix A: {cmap_dev.name} becomes route based like {vti_dev.name}"))
        title = (f"{vti_dev.name}'s {vti_end.interface} (VTI) faces {cmap_dev.name}'s crypto map "
                 f"{cmap_end.crypto_map} {cmap_end.seq}")
    detail = message[:1].upper() + message[1:] + ". Phase 1 can come up, but the IPsec SA (quick mode / CHILD_SA) " \
        "is refused and no traffic passes."
    return tunnel_finding(CATALOG_ID, Severity.ERROR, pair, title, detail, sources, fixes,
                          caution=caution_for(CATALOG_ID), key=attribute)


def _dangling(ctx: Context, tunnel: Tunnel) -> Finding | None:
    end = tunnel.ends[0]
    device, remote = ctx.device(end.device), ctx.device(tunnel.remote_device or "")
    if device is None or remote is None:
        return None
    others = [i for i in remote.interfaces if i.tunnel is not None and i.tunnel.protection_profile]
    if not others:
        return None  # the remote has no route-based tunnel: IN-UNPAIRED explains
    itf = _tunnel_itf(device, end)
    sources: list[Source | None] = [itf.source, itf.tunnel.source] if itf and itf.tunnel else []
    sources += [i.source for i in others]
    pointed = ", ".join(f"{i.name} → {i.tunnel.destination or i.tunnel.destination_name}" for i in others
                        if i.tunnel is not None)
    detail = (f"{device.name}'s {end.interface} sends IKE from {end.local_address} to {end.peer_address}, which is "
              f"{remote.name}'s address, but none of {remote.name}'s tunnel interfaces has destination "
              f"{end.local_address} ({pointed}). Each side's tunnel destination must be the other's tunnel source.")
    fixes = [Fix(remote.name, (f"interface {others[0].name}", f" tunnel destination {end.local_address}"),
                 Disruption.DROPS_TUNNEL, note=f"if {others[0].name} is meant to face {device.name}")]
    return Finding(CATALOG_ID, Severity.ERROR,
                   f"{device.name}'s {end.interface} and {remote.name}'s tunnel interfaces do not point at each other",
                   tuple(sorted({device.name, remote.name})), tunnel.id, detail,
                   evidence(sources),
                   tuple(fixes), caution_for(CATALOG_ID), key="destination")
