"""FW-INTRA — hub ASA must hairpin spoke-to-spoke traffic on its outside interface.

What it does
    On an ASA hub — two or more LAN-to-LAN peers, or an address pool plus a
    LAN-to-LAN peer, on one crypto interface — looks for crypto ACL flows
    whose *local* side is not the hub's own network but another tunnel's
    remote network (spoke to spoke) or the remote-access pool (client to
    spoke).  Such traffic enters and leaves through the same interface,
    which the ASA refuses unless ``same-security-traffic permit
    intra-interface`` is configured.

Why it breaks
    Spoke A's packets for spoke B are decrypted on the outside interface and
    must be re-encrypted out of the same interface; without the command the
    ASA drops them, so hub-to-spoke works and spoke-to-spoke (or VPN client
    to spoke) does not.

Example
    crypto map VPN 10 (peer 198.51.100.2, ACL 10.1.0.0/16 → 10.2.2.0/24)
    and crypto map VPN 20 (peer 198.51.100.3, ACL 10.2.2.0/24 →
    10.3.3.0/24): the second carries spoke-to-spoke traffic.

Fix
    ``same-security-traffic permit intra-interface`` (and, on ASA ≥ 8.3, an
    identity NAT ``nat (outside,outside)`` for those flows if a general
    outside NAT rule exists).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, IPNetwork, Platform, Source
from ..natsim import CryptoFlow, crypto_flows
from . import Context, check
from ._fix_natfw import evidence, pool_networks
from ._partial import excerpt_downgrade

ID = "FW-INTRA"


def _peer_key(flow: CryptoFlow) -> tuple[str, ...]:
    return tuple(p.raw for p in flow.entry.peers)


@check(ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per hairpinned crypto entry on an ASA hub without intra-interface traffic."""
    for device in ctx.devices:
        if device.platform is not Platform.ASA or device.same_security_intra:
            continue
        by_if: dict[str, list[CryptoFlow]] = {}
        for flow in crypto_flows(device):
            by_if.setdefault(flow.interface, []).append(flow)
        for interface, flows in by_if.items():
            yield from _interface(device, interface, flows)


def _interface(device: Device, interface: str, flows: list[CryptoFlow]) -> Iterable[Finding]:
    l2l = [f for f in flows if not f.entry.is_dynamic and f.entry.peers]
    peers = {_peer_key(f) for f in l2l}
    pools: list[tuple[IPNetwork, str, Source]] = [
        (n, f"address pool {p.name}", p.source) for p in device.pools.values() for n in pool_networks(p)]
    if len(peers) < 2 and not (pools and peers):
        return
    reported: set[tuple[str, int]] = set()
    for flow in l2l:
        key = (flow.map_name, flow.seq)
        if key in reported:
            continue
        hits: list[tuple[str, Source]] = []
        for other in l2l:
            if _peer_key(other) != _peer_key(flow) and other.remote.overlaps(flow.local):  # type: ignore[arg-type]
                hits.append((f"the remote network {other.remote} of crypto map {other.map_name} {other.seq}",
                             other.acl_entry.source))
        for net, what, src in pools:
            if net.overlaps(flow.local):  # type: ignore[arg-type]
                hits.append((f"{what} ({net})", src))
        if not hits:
            continue
        reported.add(key)
        whats = list(dict.fromkeys(w for w, _ in hits))
        yield Finding(
            id=ID, severity=Severity.ERROR,
            title=f"{device.name} cannot hairpin VPN traffic of crypto map {flow.map_name} {flow.seq} on {interface}",
            devices=(device.name,),
            detail=(f"Crypto map {flow.map_name} {flow.seq} protects {flow.local} -> {flow.remote}, and "
                    f"{flow.local} is {', '.join(whats)}: that traffic arrives through a tunnel on {interface} and "
                    f"must leave through {interface} again, which the ASA drops without "
                    f"`same-security-traffic permit intra-interface`."),
            evidence=evidence(flow.acl_entry.source, *(s for _, s in hits)),
            fix=(Fix(device.name, ("same-security-traffic permit intra-interface",), Disruption.NONE),),
            key=f"{flow.map_name} {flow.seq}",
        )
